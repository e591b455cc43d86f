//! Sharing a run, as AutoGPT's share links: the run's owner makes its outputs readable at an
//! unguessable link (256 random bits; only their SHA-256 is stored), optionally with its
//! inputs, and can revoke it, after which the link answers 404. The public read never shows
//! node executions, credentials or who ran it.

use crate::route_docs::routes;
use axum::extract::State;
use axum::http::StatusCode;
use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};
use serde_json::{Map, Value};
use utoipa::ToSchema;
use utoipa_axum::router::OpenApiRouter;

use crate::AppState;
use crate::auth::Principal;
use crate::auth::secret::{random_token, sha256_hex};
use crate::error::{ApiError, ApiResult, ErrorEnvelope};
use crate::extract::{Json, OptionalJson, Path};
use crate::model::RunStatus;

pub fn router() -> OpenApiRouter<AppState> {
    OpenApiRouter::new()
        .routes(routes!(share_execution, unshare_execution))
        .routes(routes!(get_shared))
}

/// How to share.
#[derive(Deserialize, Default, ToSchema)]
pub struct ShareRequest {
    /// Show the run's inputs too (default: outputs only).
    #[serde(default)]
    show_inputs: bool,
}

/// AutoGPT's `ShareResponse`.
#[derive(Serialize, ToSchema)]
pub struct ShareResponse {
    /// The path of the public page's data: `/api/public/shared/{share_token}`.
    share_url: String,
    share_token: String,
}

/// Makes one of the caller's runs readable by whoever has the link.
#[utoipa::path(post, path = "/api/graphs/{graph_id}/executions/{graph_exec_id}/share", tag = "executions",
    params(("graph_id" = String, Path), ("graph_exec_id" = String, Path)),
    request_body(content = Option<ShareRequest>, description = "may be empty"),
    responses((status = 200, body = ShareResponse),
              (status = 404, description = "no such run of the caller's", body = ErrorEnvelope)))]
async fn share_execution(
    State(state): State<AppState>,
    principal: Principal,
    Path((graph_id, exec_id)): Path<(String, String)>,
    OptionalJson(body): OptionalJson<ShareRequest>,
) -> ApiResult<Json<ShareResponse>> {
    let store = state.engine.store();
    let run = store.get_execution(&principal.user_id, &exec_id).await?;
    if run.run.graph_id != graph_id {
        return Err(ApiError::not_found(format!(
            "execution {exec_id} not found"
        )));
    }
    let token = random_token(32);
    store
        .create_run_share(
            &principal.user_id,
            &exec_id,
            &sha256_hex(&token),
            body.show_inputs,
        )
        .await?;
    Ok(Json(ShareResponse {
        share_url: format!("/api/public/shared/{token}"),
        share_token: token,
    }))
}

/// Revokes every link to one of the caller's runs (204); the links then answer 404.
#[utoipa::path(delete, path = "/api/graphs/{graph_id}/executions/{graph_exec_id}/share", tag = "executions",
    params(("graph_id" = String, Path), ("graph_exec_id" = String, Path)),
    responses((status = 204, description = "revoked"),
              (status = 404, description = "no shared run of the caller's", body = ErrorEnvelope)))]
async fn unshare_execution(
    State(state): State<AppState>,
    principal: Principal,
    Path((graph_id, exec_id)): Path<(String, String)>,
) -> ApiResult<StatusCode> {
    let store = state.engine.store();
    let run = store.get_execution(&principal.user_id, &exec_id).await?;
    if run.run.graph_id != graph_id {
        return Err(ApiError::not_found(format!(
            "execution {exec_id} not found"
        )));
    }
    store
        .revoke_run_shares(&principal.user_id, &exec_id)
        .await?;
    Ok(StatusCode::NO_CONTENT)
}

/// AutoGPT's `SharedExecutionResponse`: what a share link shows.
#[derive(Serialize, ToSchema)]
pub struct SharedExecution {
    id: String,
    graph_name: String,
    graph_description: String,
    status: RunStatus,
    created_at: DateTime<Utc>,
    /// Graph outputs by output name.
    #[schema(value_type = std::collections::HashMap<String, serde_json::Value>)]
    outputs: Map<String, Value>,
    /// The run's inputs, when the owner chose to show them.
    #[schema(value_type = Option<std::collections::HashMap<String, serde_json::Value>>)]
    inputs: Option<Value>,
}

/// A shared run's outputs; public (the token is the permission). A revoked or unknown token
/// answers 404.
#[utoipa::path(get, path = "/api/public/shared/{share_token}", tag = "executions",
    params(("share_token" = String, Path)),
    responses((status = 200, body = SharedExecution),
              (status = 404, description = "unknown or revoked link", body = ErrorEnvelope)))]
async fn get_shared(
    State(state): State<AppState>,
    Path(token): Path<String>,
) -> ApiResult<Json<SharedExecution>> {
    let store = state.engine.store();
    let share = store
        .run_share_by_token_hash(&sha256_hex(&token))
        .await
        .map_err(|_| ApiError::not_found("no shared execution at this link"))?;
    let record = store
        .get_execution(&share.user_id, &share.graph_exec_id)
        .await?;
    let run = &record.run;
    // The graph may be the user's own or a store agent's (owned by its creator).
    let graph = match store
        .get_graph(&run.user_id, &run.graph_id, Some(run.graph_version))
        .await
    {
        Ok(g) => Some(g),
        Err(_) => match store
            .library_agent_by_graph(&run.user_id, &run.graph_id)
            .await?
        {
            Some(a) => store
                .get_graph(&a.graph_owner_id, &run.graph_id, Some(run.graph_version))
                .await
                .ok(),
            None => None,
        },
    };
    Ok(Json(SharedExecution {
        id: run.id.clone(),
        graph_name: graph
            .as_ref()
            .map(|g| g.graph.name.clone())
            .unwrap_or_default(),
        graph_description: graph
            .as_ref()
            .map(|g| g.graph.description.clone())
            .unwrap_or_default(),
        status: run.status.0.into(),
        created_at: run.created_at,
        outputs: agentry_engine::graph_outputs(state.engine.registry(), &record),
        inputs: share.show_inputs.then(|| run.inputs.clone()),
    }))
}
