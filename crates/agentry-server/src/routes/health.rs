//! `GET /health`: the process is up and its database answers.

use axum::extract::State;
use serde_json::{Value, json};
use utoipa_axum::{router::OpenApiRouter, routes};

use crate::AppState;
use crate::error::ApiResult;
use crate::extract::Json;

pub fn router() -> OpenApiRouter<AppState> {
    OpenApiRouter::new().routes(routes!(health))
}

/// Health check: answers once the database can be read.
#[utoipa::path(get, path = "/health", tag = "health",
    responses((status = 200, description = "healthy", body = Object)))]
async fn health(State(state): State<AppState>) -> ApiResult<Json<Value>> {
    state.engine.store().run_status("health-probe").await.ok();
    Ok(Json(json!({"status": "healthy"})))
}
