//! Liveness and readiness. `/health` answers while the process serves at all (a restart is the
//! cure when it stops); `/ready` says whether to send it work: the database answers, this
//! binary's migrations are all applied, and the process is not draining for a stop. The
//! worker's free slots are reported, not judged (a busy worker is healthy).

use axum::extract::State;
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use serde_json::json;

use crate::AppState;

/// `GET /health` on the ops listener: alive.
pub async fn alive() -> Response {
    axum::Json(json!({"status": "healthy"})).into_response()
}

/// `GET /ready`: 200 with each check, or 503 naming the failing ones.
pub async fn ready(State(state): State<AppState>) -> Response {
    let store = state.engine.store();
    let mut failing = Vec::new();
    let database = match store.ping().await {
        Ok(()) => "ok".to_string(),
        Err(e) => {
            tracing::warn!(error = %e, "readiness: the database does not answer");
            failing.push("database");
            "unreachable".to_string()
        }
    };
    let migrations = if failing.is_empty() {
        match store.pending_migrations().await {
            Ok(pending) if pending.is_empty() => "current".to_string(),
            Ok(pending) => {
                failing.push("migrations");
                format!("pending: {}", pending.join(", "))
            }
            Err(e) => {
                tracing::warn!(error = %e, "readiness: reading the migrations failed");
                failing.push("migrations");
                "unknown".to_string()
            }
        }
    } else {
        "unknown".to_string()
    };
    if state.ops().is_draining() {
        failing.push("draining");
    }
    let (free, total) = state.engine.worker_slots();
    let body = json!({
        "status": if failing.is_empty() { "ready" } else { "unavailable" },
        "failing": failing,
        "checks": {
            "database": database,
            "migrations": migrations,
            "draining": state.ops().is_draining(),
            "worker_slots": {"free": free, "total": total},
        },
    });
    let status = if failing.is_empty() {
        StatusCode::OK
    } else {
        StatusCode::SERVICE_UNAVAILABLE
    };
    (status, axum::Json(body)).into_response()
}
