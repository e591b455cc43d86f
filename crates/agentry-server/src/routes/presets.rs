//! Library presets on AutoGPT's paths and shapes (`LibraryAgentPreset`): saved inputs for a
//! graph version; executing one merges its inputs with the request's (the request wins).

use crate::route_docs::routes;
use agentry_engine::ExecuteRequest;
use agentry_store::entity::preset;
use agentry_store::{NewPreset, PresetChange};
use axum::extract::State;
use axum::http::StatusCode;
use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};
use serde_json::{Map, Value};
use utoipa::{IntoParams, ToSchema};
use utoipa_axum::router::OpenApiRouter;

use crate::AppState;
use crate::auth::Principal;
use crate::error::{ApiError, ApiResult, Code, ErrorEnvelope};
use crate::extract::{Json, OptionalJson, Path, Query};
use crate::model::{JsonObject, Pagination};
use crate::routes::executions::ExecutionMeta;

pub fn router() -> OpenApiRouter<AppState> {
    OpenApiRouter::new()
        .routes(routes!(list_presets, create_preset))
        .routes(routes!(get_preset, update_preset, delete_preset))
        .routes(routes!(execute_preset))
}

/// AutoGPT's `LibraryAgentPreset`.
#[derive(Serialize, ToSchema)]
pub struct PresetModel {
    id: String,
    user_id: String,
    graph_id: String,
    graph_version: i32,
    name: String,
    description: String,
    is_active: bool,
    #[schema(value_type = std::collections::HashMap<String, serde_json::Value>)]
    inputs: Value,
    credentials: JsonObject,
    webhook_id: Option<String>,
    #[schema(value_type = Option<std::collections::HashMap<String, serde_json::Value>>)]
    webhook: Option<Value>,
    created_at: DateTime<Utc>,
    updated_at: DateTime<Utc>,
}

impl From<&preset::Model> for PresetModel {
    fn from(p: &preset::Model) -> Self {
        PresetModel {
            id: p.id.clone(),
            user_id: p.user_id.clone(),
            graph_id: p.graph_id.clone(),
            graph_version: p.graph_version,
            name: p.name.clone(),
            description: p.description.clone(),
            is_active: p.is_active,
            inputs: p.inputs.clone(),
            credentials: JsonObject::default(),
            webhook_id: None,
            webhook: None,
            created_at: p.created_at,
            updated_at: p.updated_at,
        }
    }
}

/// AutoGPT's `LibraryAgentPresetResponse`.
#[derive(Serialize, ToSchema)]
pub struct PresetsPage {
    presets: Vec<PresetModel>,
    pagination: Pagination,
}

#[derive(Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
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
    responses((status = 200, description = "presets and pagination", body = PresetsPage),
              (status = 400, description = "bad page or page size", body = ErrorEnvelope)))]
async fn list_presets(
    State(state): State<AppState>,
    principal: Principal,
    Query(q): Query<ListQuery>,
) -> ApiResult<Json<PresetsPage>> {
    let page = q.page.unwrap_or(1);
    let size = q.page_size.unwrap_or(10);
    if !(1..=crate::model::MAX_PAGE).contains(&page) || !(1..=100).contains(&size) {
        return Err(ApiError::new(
            Code::InvalidQuery,
            "page is between 1 and 1000000 and page_size between 1 and 100",
        ));
    }
    let (rows, total) = state
        .engine
        .store()
        .list_presets(&principal.user_id, q.graph_id.as_deref(), page, size)
        .await?;
    Ok(Json(PresetsPage {
        presets: rows.iter().map(PresetModel::from).collect(),
        pagination: Pagination::new(total, page, size),
    }))
}

/// AutoGPT's `LibraryAgentPresetCreatable`.
#[derive(Deserialize, ToSchema)]
pub struct CreatePresetBody {
    graph_id: String,
    graph_version: i32,
    #[serde(default)]
    inputs: JsonObject,
    /// Accepted for AutoGPT compatibility; credentials arrive with the credentials work.
    #[serde(default)]
    #[allow(dead_code)]
    credentials: JsonObject,
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
#[utoipa::path(post, path = "/api/library/presets", tag = "presets", request_body = CreatePresetBody,
    responses((status = 200, description = "the preset", body = PresetModel),
              (status = 404, description = "no such graph version", body = ErrorEnvelope)))]
async fn create_preset(
    State(state): State<AppState>,
    principal: Principal,
    Json(body): Json<CreatePresetBody>,
) -> ApiResult<Json<PresetModel>> {
    state
        .engine
        .graph_version(&principal.user_id, &body.graph_id, body.graph_version)
        .await?;
    let created = state
        .engine
        .store()
        .create_preset(NewPreset {
            user_id: principal.user_id.clone(),
            graph_id: body.graph_id,
            graph_version: body.graph_version,
            name: body.name,
            description: body.description,
            inputs: Value::Object(body.inputs.0),
            is_active: body.is_active,
        })
        .await?;
    Ok(Json(PresetModel::from(&created)))
}

/// One preset.
#[utoipa::path(get, path = "/api/library/presets/{preset_id}", tag = "presets",
    params(("preset_id" = String, Path)),
    responses((status = 200, description = "the preset", body = PresetModel),
              (status = 404, description = "no such preset", body = ErrorEnvelope)))]
async fn get_preset(
    State(state): State<AppState>,
    principal: Principal,
    Path(preset_id): Path<String>,
) -> ApiResult<Json<PresetModel>> {
    let p = state
        .engine
        .store()
        .get_preset(&principal.user_id, &preset_id)
        .await?;
    Ok(Json(PresetModel::from(&p)))
}

/// AutoGPT's `LibraryAgentPresetUpdatable`: absent fields keep their value.
#[derive(Deserialize, ToSchema)]
pub struct UpdatePresetBody {
    inputs: Option<JsonObject>,
    /// Accepted for AutoGPT compatibility.
    #[allow(dead_code)]
    credentials: Option<JsonObject>,
    name: Option<String>,
    description: Option<String>,
    is_active: Option<bool>,
}

/// Changes a preset.
#[utoipa::path(patch, path = "/api/library/presets/{preset_id}", tag = "presets",
    params(("preset_id" = String, Path)), request_body = UpdatePresetBody,
    responses((status = 200, description = "the preset", body = PresetModel),
              (status = 404, description = "no such preset", body = ErrorEnvelope)))]
async fn update_preset(
    State(state): State<AppState>,
    principal: Principal,
    Path(preset_id): Path<String>,
    Json(body): Json<UpdatePresetBody>,
) -> ApiResult<Json<PresetModel>> {
    let change = PresetChange {
        name: body.name,
        description: body.description,
        inputs: body.inputs.map(|i| Value::Object(i.0)),
        is_active: body.is_active,
    };
    let p = state
        .engine
        .store()
        .update_preset(&principal.user_id, &preset_id, change)
        .await?;
    Ok(Json(PresetModel::from(&p)))
}

/// Deletes a preset (204, as AutoGPT).
#[utoipa::path(delete, path = "/api/library/presets/{preset_id}", tag = "presets",
    params(("preset_id" = String, Path)),
    responses((status = 204, description = "deleted"),
              (status = 404, description = "no such preset", body = ErrorEnvelope)))]
async fn delete_preset(
    State(state): State<AppState>,
    principal: Principal,
    Path(preset_id): Path<String>,
) -> ApiResult<StatusCode> {
    state
        .engine
        .store()
        .delete_preset(&principal.user_id, &preset_id)
        .await?;
    Ok(StatusCode::NO_CONTENT)
}

/// Inputs that override the preset's; the body may be empty or absent.
#[derive(Deserialize, Default, ToSchema)]
pub struct PresetExecuteBody {
    #[serde(default)]
    inputs: JsonObject,
    /// Accepted for AutoGPT compatibility.
    #[serde(default)]
    #[allow(dead_code)]
    credential_inputs: JsonObject,
}

/// Runs the preset's graph version with the preset's inputs, overridden by the request's.
#[utoipa::path(post, path = "/api/library/presets/{preset_id}/execute", tag = "presets",
    params(("preset_id" = String, Path)),
    request_body(content = Option<PresetExecuteBody>, description = "may be empty"),
    responses((status = 200, description = "the run", body = ExecutionMeta),
              (status = 400, description = "invalid graph or missing inputs", body = ErrorEnvelope),
              (status = 404, description = "no such preset", body = ErrorEnvelope)))]
async fn execute_preset(
    State(state): State<AppState>,
    principal: Principal,
    Path(preset_id): Path<String>,
    OptionalJson(body): OptionalJson<PresetExecuteBody>,
) -> ApiResult<Json<ExecutionMeta>> {
    let store = state.engine.store();
    let p = store.get_preset(&principal.user_id, &preset_id).await?;
    let mut inputs = match p.inputs {
        Value::Object(m) => m,
        _ => Map::new(),
    };
    inputs.extend(body.inputs.0);
    let request = ExecuteRequest::new(&principal.user_id, &p.graph_id, p.graph_version, inputs);
    let run = state.engine.execute(request).await?;
    let mut meta = ExecutionMeta::created(run);
    meta.preset_id = Some(preset_id);
    Ok(Json(meta))
}
