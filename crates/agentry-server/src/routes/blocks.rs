//! `/api/blocks`: the block catalogue with schemas, and running one block directly.

use crate::route_docs::routes;
use axum::extract::State;
use axum::http::header;
use axum::response::{IntoResponse, Response};
use serde::Serialize;
use serde_json::{Value, json};
use utoipa::ToSchema;
use utoipa_axum::router::OpenApiRouter;

use crate::AppState;
use crate::auth::Principal;
use crate::error::{ApiError, ApiResult, Code, ErrorEnvelope};
use crate::extract::{Json, Path};
use crate::model::{JsonObject, PinValues};

pub fn router() -> OpenApiRouter<AppState> {
    OpenApiRouter::new()
        .routes(routes!(list_blocks))
        .routes(routes!(execute_block))
}

/// A block category with its description.
#[derive(Serialize, ToSchema)]
pub struct BlockCategory {
    /// AutoGPT's category name, such as `BASIC` or `AI`.
    #[schema(value_type = String)]
    category: Value,
    description: String,
}

/// One block as AutoGPT's `Block.to_dict()` describes it.
#[derive(Serialize, ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct BlockModel {
    id: String,
    name: String,
    description: String,
    /// The JSON Schema of the block's inputs.
    #[schema(value_type = std::collections::HashMap<String, serde_json::Value>)]
    input_schema: Value,
    /// The JSON Schema of the block's outputs.
    #[schema(value_type = std::collections::HashMap<String, serde_json::Value>)]
    output_schema: Value,
    categories: Vec<BlockCategory>,
    #[schema(value_type = Vec<std::collections::HashMap<String, serde_json::Value>>)]
    contributors: Vec<Value>,
    static_output: bool,
    /// `Standard`, `Input`, `Output`, `Agent`, `Ai`, `Webhook`, …
    ui_type: String,
    #[schema(value_type = Vec<std::collections::HashMap<String, serde_json::Value>>)]
    costs: Vec<Value>,
    disabled: bool,
}

impl BlockModel {
    pub fn new(info: &agentry_core::BlockInfo) -> Self {
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
        BlockModel {
            id: info.id.to_string(),
            name: info.name.to_string(),
            description: info.description.to_string(),
            input_schema: info.input_schema.value().clone(),
            output_schema: info.output_schema.value().clone(),
            categories: info
                .categories
                .iter()
                .map(|c| BlockCategory {
                    category: serde_json::to_value(c).unwrap_or(Value::Null),
                    description: String::new(),
                })
                .collect(),
            contributors: Vec::new(),
            static_output: info.static_output,
            ui_type,
            costs: Vec::new(),
            disabled: false,
        }
    }
}

/// Every block with its input and output schemas (rendered once, at start).
#[utoipa::path(get, path = "/api/blocks", tag = "blocks",
    responses((status = 200, description = "the block catalogue", body = Vec<BlockModel>)))]
pub(crate) async fn list_blocks(State(state): State<AppState>, _signed_in: Principal) -> Response {
    (
        [(header::CONTENT_TYPE, "application/json")],
        state.blocks.clone(),
    )
        .into_response()
}

/// Runs one block on the given input and answers with every value per output pin.
#[utoipa::path(post, path = "/api/blocks/{block_id}/execute", tag = "blocks",
    params(("block_id" = String, Path, description = "AutoGPT block id")),
    request_body = JsonObject,
    responses((status = 200, description = "values per output pin", body = PinValues),
               (status = 400, description = "the block failed on this input", body = ErrorEnvelope),
               (status = 404, description = "no such block", body = ErrorEnvelope)))]
pub(crate) async fn execute_block(
    State(state): State<AppState>,
    principal: Principal,
    Path(block_id): Path<String>,
    Json(JsonObject(input)): Json<JsonObject>,
) -> ApiResult<Json<PinValues>> {
    let run = state
        .engine
        .run_block(&block_id, &principal.user_id, input)
        .await
        .ok_or_else(|| ApiError::not_found(format!("block {block_id} not found")))?;
    let mut out = PinValues::default();
    for (pin, value) in run.outputs {
        out.push(pin, value);
    }
    match run.error {
        None => Ok(Json(out)),
        Some(message) => {
            Err(ApiError::new(Code::BlockFailed, message).with_details(json!({ "outputs": out })))
        }
    }
}
