//! `/api/blocks`: the block catalogue with schemas, and running one block directly.

use axum::extract::State;
use serde_json::{Map, Value, json};
use utoipa_axum::{router::OpenApiRouter, routes};

use crate::AppState;
use crate::error::{ApiError, ApiResult, Code};
use crate::extract::{Json, Path};

pub fn router() -> OpenApiRouter<AppState> {
    OpenApiRouter::new()
        .routes(routes!(list_blocks))
        .routes(routes!(execute_block))
}

/// One block as AutoGPT's `Block.to_dict()` describes it.
pub fn block_json(info: &agentry_core::BlockInfo) -> Value {
    let ui_type = serde_json::to_value(info.block_type).unwrap_or(Value::Null);
    let ui_type = match ui_type.as_str() {
        Some(t) => {
            let mut s = t.to_lowercase();
            if let Some(first) = s.get_mut(0..1) {
                first.make_ascii_uppercase();
            }
            s
        }
        None => "Standard".into(),
    };
    json!({
        "id": info.id,
        "name": info.name,
        "description": info.description,
        "inputSchema": info.input_schema,
        "outputSchema": info.output_schema,
        "categories": info.categories.iter().map(|c| json!({"category": c, "description": ""})).collect::<Vec<_>>(),
        "contributors": [],
        "staticOutput": info.static_output,
        "uiType": ui_type,
        "costs": [],
        "disabled": false,
    })
}

/// Every block with its input and output schemas.
#[utoipa::path(get, path = "/api/blocks", tag = "blocks",
    responses((status = 200, description = "the block catalogue", body = Vec<Object>)))]
async fn list_blocks(State(state): State<AppState>) -> Json<Value> {
    Json((*state.blocks).clone())
}

/// Runs one block on the given input and answers with every value per output pin.
#[utoipa::path(post, path = "/api/blocks/{block_id}/execute", tag = "blocks",
    params(("block_id" = String, Path, description = "AutoGPT block id")),
    request_body = Object,
    responses((status = 200, description = "values per output pin", body = Object),
               (status = 400, description = "the block failed on this input"),
               (status = 404, description = "no such block")))]
async fn execute_block(
    State(state): State<AppState>,
    Path(block_id): Path<String>,
    Json(input): Json<Map<String, Value>>,
) -> ApiResult<Json<Value>> {
    let run = state
        .engine
        .run_block(&block_id, state.user_id(), input)
        .await
        .ok_or_else(|| ApiError::not_found(format!("block {block_id} not found")))?;
    let mut out = Map::new();
    for (pin, value) in run.outputs {
        let list = out.entry(pin).or_insert_with(|| Value::Array(Vec::new()));
        if let Value::Array(items) = list {
            items.push(value);
        }
    }
    match run.error {
        None => Ok(Json(Value::Object(out))),
        Some(message) => {
            Err(ApiError::new(Code::BlockFailed, message).with_details(json!({ "outputs": out })))
        }
    }
}
