//! AutoGPT's external API (`/external-api/v1`, inventory §5.3) for API keys (`X-API-Key` or
//! `Authorization: Bearer`): who the key is, the block catalogue, running a block, running a
//! graph and reading a run's results. Each route is the `/api` handler under AutoGPT's path, so
//! both answer alike; the permission each needs is in `auth/permission.rs`. The store, tools
//! and integrations parts of AutoGPT's external API are not served yet.

use crate::route_docs::routes;
use axum::extract::State;
use axum::response::Response;
use serde::Serialize;
use utoipa::ToSchema;
use utoipa_axum::router::OpenApiRouter;

use super::blocks::{self, BlockModel};
use super::executions::{self, ExecuteBody, ExecuteQuery, ExecutionMeta, ExecutionWithNodes};
use crate::AppState;
use crate::auth::{Permission, Principal, Via};
use crate::error::{ApiResult, ErrorEnvelope};
use crate::extract::{Json, OptionalJson, Path, Query};
use crate::model::{JsonObject, PinValues};

pub fn router() -> OpenApiRouter<AppState> {
    OpenApiRouter::new()
        .routes(routes!(me))
        .routes(routes!(external_blocks))
        .routes(routes!(external_execute_block))
        .routes(routes!(external_execute_graph))
        .routes(routes!(external_results))
}

/// Who the credential acts as.
#[derive(Serialize, ToSchema)]
pub struct Identity {
    user_id: String,
    /// The key's permissions; every one for a signed-in session.
    permissions: Vec<Permission>,
}

/// The key's user and permissions (IDENTITY).
#[utoipa::path(get, path = "/external-api/v1/me", tag = "external",
    responses((status = 200, body = Identity), (status = 401, body = ErrorEnvelope)))]
async fn me(principal: Principal) -> Json<Identity> {
    let permissions = match principal.via {
        Via::ApiKey { permissions, .. } => permissions,
        _ => Permission::ALL.to_vec(),
    };
    Json(Identity {
        user_id: principal.user_id,
        permissions,
    })
}

/// The block catalogue (READ_BLOCK).
#[utoipa::path(get, path = "/external-api/v1/blocks", tag = "external",
    responses((status = 200, body = Vec<BlockModel>)))]
async fn external_blocks(state: State<AppState>, principal: Principal) -> Response {
    blocks::list_blocks(state, principal).await
}

/// Runs one block (EXECUTE_BLOCK).
#[utoipa::path(post, path = "/external-api/v1/blocks/{block_id}/execute", tag = "external",
    params(("block_id" = String, Path)), request_body = JsonObject,
    responses((status = 200, body = PinValues), (status = 404, body = ErrorEnvelope)))]
async fn external_execute_block(
    state: State<AppState>,
    principal: Principal,
    block_id: Path<String>,
    input: Json<JsonObject>,
) -> ApiResult<Json<PinValues>> {
    blocks::execute_block(state, principal, block_id, input).await
}

/// Starts a run of a graph version (EXECUTE_GRAPH).
#[utoipa::path(post, path = "/external-api/v1/graphs/{graph_id}/execute/{graph_version}",
    tag = "external",
    params(("graph_id" = String, Path), ("graph_version" = i32, Path), ExecuteQuery),
    request_body(content = Option<ExecuteBody>, description = "may be empty"),
    responses((status = 200, body = ExecutionMeta), (status = 404, body = ErrorEnvelope)))]
async fn external_execute_graph(
    state: State<AppState>,
    principal: Principal,
    ids: Path<(String, i32)>,
    query: Query<ExecuteQuery>,
    body: OptionalJson<ExecuteBody>,
) -> ApiResult<Json<ExecutionMeta>> {
    executions::execute_graph(state, principal, ids, query, body).await
}

/// A run with its outputs and node executions (READ_GRAPH).
#[utoipa::path(get, path = "/external-api/v1/graphs/{graph_id}/executions/{graph_exec_id}/results",
    tag = "external",
    params(("graph_id" = String, Path), ("graph_exec_id" = String, Path)),
    responses((status = 200, body = ExecutionWithNodes), (status = 404, body = ErrorEnvelope)))]
async fn external_results(
    state: State<AppState>,
    principal: Principal,
    ids: Path<(String, String)>,
) -> ApiResult<Json<ExecutionWithNodes>> {
    executions::get_execution(state, principal, ids).await
}
