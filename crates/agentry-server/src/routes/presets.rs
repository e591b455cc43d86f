//! Library presets on AutoGPT's paths and shapes (`LibraryAgentPreset`): saved inputs for a
//! graph version; executing one merges its inputs with the request's (the request wins).

use agentry_engine::ExecuteRequest;
use agentry_store::entity::preset;
use agentry_store::{NewPreset, PresetChange};
use axum::extract::State;
use axum::http::StatusCode;
use serde::Deserialize;
use serde_json::{Map, Value, json};
use utoipa::IntoParams;
use utoipa_axum::{router::OpenApiRouter, routes};

use crate::AppState;
use crate::error::{ApiError, ApiResult, Code};
use crate::extract::{Json, Path, Query, RawBody};
use crate::routes::executions::meta_json;

pub fn router() -> OpenApiRouter<AppState> {
    OpenApiRouter::new()
        .routes(routes!(list_presets, create_preset))
        .routes(routes!(get_preset, update_preset, delete_preset))
        .routes(routes!(execute_preset))
}

/// AutoGPT's `LibraryAgentPreset`.
fn preset_json(p: &preset::Model) -> Value {
    json!({
        "id": p.id,
        "user_id": p.user_id,
        "graph_id": p.graph_id,
        "graph_version": p.graph_version,
        "name": p.name,
        "description": p.description,
        "is_active": p.is_active,
        "inputs": p.inputs,
        "credentials": {},
        "webhook_id": null,
        "webhook": null,
        "created_at": p.created_at,
        "updated_at": p.updated_at,
    })
}

#[derive(Deserialize, IntoParams)]
struct ListQuery {
    /// Only the presets of this graph.
    graph_id: Option<String>,
    /// Page number, from 1.
    page: Option<u64>,
    /// Presets per page, 1 to 100.
    page_size: Option<u64>,
}

/// The user's presets, newest change first, paginated as AutoGPT does.
#[utoipa::path(get, path = "/api/library/presets", tag = "presets", params(ListQuery),
    responses((status = 200, description = "presets and pagination", body = Object)))]
async fn list_presets(
    State(state): State<AppState>,
    Query(q): Query<ListQuery>,
) -> ApiResult<Json<Value>> {
    let page = q.page.unwrap_or(1);
    let size = q.page_size.unwrap_or(10);
    if page == 0 || !(1..=100).contains(&size) {
        return Err(ApiError::new(
            Code::InvalidQuery,
            "page starts at 1 and page_size is between 1 and 100",
        ));
    }
    let (rows, total) = state
        .engine
        .store()
        .list_presets(state.user_id(), q.graph_id.as_deref(), page, size)
        .await?;
    Ok(Json(json!({
        "presets": rows.iter().map(preset_json).collect::<Vec<_>>(),
        "pagination": {
            "total_items": total,
            "total_pages": total.div_ceil(size),
            "current_page": page,
            "page_size": size,
        }
    })))
}

/// AutoGPT's `LibraryAgentPresetCreatable`.
#[derive(Deserialize)]
struct CreateBody {
    graph_id: String,
    graph_version: i32,
    #[serde(default)]
    inputs: Map<String, Value>,
    /// Accepted for AutoGPT compatibility; credentials arrive with the credentials work.
    #[serde(default)]
    #[allow(dead_code)]
    credentials: Map<String, Value>,
    name: String,
    #[serde(default)]
    description: String,
    #[serde(default = "yes")]
    is_active: bool,
}

fn yes() -> bool {
    true
}

/// Saves a preset for a graph version of the user's.
#[utoipa::path(post, path = "/api/library/presets", tag = "presets", request_body = Object,
    responses((status = 200, description = "the preset", body = Object),
              (status = 404, description = "no such graph version")))]
async fn create_preset(
    State(state): State<AppState>,
    Json(body): Json<CreateBody>,
) -> ApiResult<Json<Value>> {
    state
        .engine
        .graph_version(state.user_id(), &body.graph_id, body.graph_version)
        .await?;
    let created = state
        .engine
        .store()
        .create_preset(NewPreset {
            user_id: state.user_id().to_string(),
            graph_id: body.graph_id,
            graph_version: body.graph_version,
            name: body.name,
            description: body.description,
            inputs: Value::Object(body.inputs),
            is_active: body.is_active,
        })
        .await?;
    Ok(Json(preset_json(&created)))
}

/// One preset.
#[utoipa::path(get, path = "/api/library/presets/{preset_id}", tag = "presets",
    params(("preset_id" = String, Path)),
    responses((status = 200, description = "the preset", body = Object),
              (status = 404, description = "no such preset")))]
async fn get_preset(
    State(state): State<AppState>,
    Path(preset_id): Path<String>,
) -> ApiResult<Json<Value>> {
    let p = state
        .engine
        .store()
        .get_preset(state.user_id(), &preset_id)
        .await?;
    Ok(Json(preset_json(&p)))
}

/// AutoGPT's `LibraryAgentPresetUpdatable`: absent fields keep their value.
#[derive(Deserialize)]
struct UpdateBody {
    inputs: Option<Map<String, Value>>,
    /// Accepted for AutoGPT compatibility.
    #[allow(dead_code)]
    credentials: Option<Map<String, Value>>,
    name: Option<String>,
    description: Option<String>,
    is_active: Option<bool>,
}

/// Changes a preset.
#[utoipa::path(patch, path = "/api/library/presets/{preset_id}", tag = "presets",
    params(("preset_id" = String, Path)), request_body = Object,
    responses((status = 200, description = "the preset", body = Object),
              (status = 404, description = "no such preset")))]
async fn update_preset(
    State(state): State<AppState>,
    Path(preset_id): Path<String>,
    Json(body): Json<UpdateBody>,
) -> ApiResult<Json<Value>> {
    let change = PresetChange {
        name: body.name,
        description: body.description,
        inputs: body.inputs.map(Value::Object),
        is_active: body.is_active,
    };
    let p = state
        .engine
        .store()
        .update_preset(state.user_id(), &preset_id, change)
        .await?;
    Ok(Json(preset_json(&p)))
}

/// Deletes a preset (204, as AutoGPT).
#[utoipa::path(delete, path = "/api/library/presets/{preset_id}", tag = "presets",
    params(("preset_id" = String, Path)),
    responses((status = 204, description = "deleted"),
              (status = 404, description = "no such preset")))]
async fn delete_preset(
    State(state): State<AppState>,
    Path(preset_id): Path<String>,
) -> ApiResult<StatusCode> {
    state
        .engine
        .store()
        .delete_preset(state.user_id(), &preset_id)
        .await?;
    Ok(StatusCode::NO_CONTENT)
}

#[derive(Deserialize, Default)]
struct ExecuteBody {
    #[serde(default)]
    inputs: Map<String, Value>,
    /// Accepted for AutoGPT compatibility.
    #[serde(default)]
    #[allow(dead_code)]
    credential_inputs: Map<String, Value>,
}

/// Runs the preset's graph version with the preset's inputs, overridden by the request's.
#[utoipa::path(post, path = "/api/library/presets/{preset_id}/execute", tag = "presets",
    params(("preset_id" = String, Path)), request_body = Object,
    responses((status = 200, description = "the run", body = Object),
              (status = 400, description = "invalid graph or missing inputs"),
              (status = 404, description = "no such preset")))]
async fn execute_preset(
    State(state): State<AppState>,
    Path(preset_id): Path<String>,
    RawBody(body): RawBody,
) -> ApiResult<Json<Value>> {
    let body: ExecuteBody = if body.iter().all(u8::is_ascii_whitespace) {
        ExecuteBody::default()
    } else {
        serde_json::from_slice(&body)
            .map_err(|e| ApiError::new(Code::InvalidJson, format!("invalid execute body: {e}")))?
    };
    let store = state.engine.store();
    let p = store.get_preset(state.user_id(), &preset_id).await?;
    let mut inputs = match p.inputs {
        Value::Object(m) => m,
        _ => Map::new(),
    };
    inputs.extend(body.inputs);
    let record = state
        .engine
        .graph_version(state.user_id(), &p.graph_id, p.graph_version)
        .await?;
    let exec_id = state
        .engine
        .execute(ExecuteRequest {
            user_id: state.user_id(),
            graph: &record.graph,
            inputs,
        })
        .await?;
    let run = store.get_execution(state.user_id(), &exec_id).await?;
    let mut meta = meta_json(&run.run);
    meta["preset_id"] = json!(preset_id);
    Ok(Json(meta))
}
