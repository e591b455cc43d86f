//! `GET /health`: the process is up and its database answers.

use axum::extract::State;
use serde::Serialize;
use utoipa::ToSchema;
use utoipa_axum::{router::OpenApiRouter, routes};

use crate::AppState;
use crate::error::ApiResult;
use crate::extract::Json;

pub fn router() -> OpenApiRouter<AppState> {
    OpenApiRouter::new().routes(routes!(health))
}

/// The health check's answer.
#[derive(Serialize, ToSchema)]
pub struct Health {
    /// Always `healthy`.
    status: &'static str,
}

/// Health check: answers once the database can be read.
#[utoipa::path(get, path = "/health", tag = "health",
    responses((status = 200, description = "healthy", body = Health)))]
async fn health(State(state): State<AppState>) -> ApiResult<Json<Health>> {
    state.engine.store().run_status("health-probe").await.ok();
    Ok(Json(Health { status: "healthy" }))
}
