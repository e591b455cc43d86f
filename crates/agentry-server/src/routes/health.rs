//! `GET /health`: the process is up (liveness). Whether to send it work is `/ready` (`ops`).

use crate::route_docs::routes;
use serde::Serialize;
use utoipa::ToSchema;
use utoipa_axum::router::OpenApiRouter;

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

// It never touches the database, so a slow database never gets processes restarted.
/// Liveness: answers while the process serves (`GET /ready` checks the database).
#[utoipa::path(get, path = "/health", tag = "health",
    responses((status = 200, description = "healthy", body = Health)))]
async fn health() -> ApiResult<Json<Health>> {
    Ok(Json(Health { status: "healthy" }))
}
