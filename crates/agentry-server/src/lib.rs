//! Agentry's HTTP API: AutoGPT's REST routes on axum, described by an OpenAPI document at
//! `/api/openapi.json`, with one error envelope, and AutoGPT's WebSocket API at `/ws` (`ws`).
//! It gets the engine (and its block registry) passed in and never calls blocks itself.

pub mod error;
mod extract;
pub mod routes;
mod ws;

use std::future::Future;
use std::sync::Arc;

use agentry_engine::Engine;
use agentry_store::DEFAULT_USER_ID;
use axum::Router;
use axum::extract::DefaultBodyLimit;
use serde_json::Value;
use tokio::net::TcpListener;
use utoipa::OpenApi;
use utoipa_axum::router::OpenApiRouter;

use crate::error::{ApiError, Code};

/// Everything a handler needs; cheap to clone.
#[derive(Clone)]
pub struct AppState {
    pub engine: Engine,
    /// The block catalogue, rendered once.
    blocks: Arc<Value>,
}

impl AppState {
    pub fn new(engine: Engine) -> Self {
        let blocks = engine
            .registry()
            .iter()
            .map(|b| routes::blocks::block_json(&b.info))
            .collect();
        AppState {
            engine,
            blocks: Arc::new(Value::Array(blocks)),
        }
    }

    /// The user a request acts as. Until sign-in exists, the local default user.
    pub fn user_id(&self) -> &str {
        DEFAULT_USER_ID
    }
}

#[derive(OpenApi)]
#[openapi(info(
    title = "Agentry API",
    description = "Build, run and share AI agents. AutoGPT-compatible routes."
))]
struct ApiDoc;

/// The router and its OpenAPI document.
pub fn router(state: AppState) -> (Router, utoipa::openapi::OpenApi) {
    let (router, api) = OpenApiRouter::with_openapi(ApiDoc::openapi())
        .merge(routes::health::router())
        .merge(routes::blocks::router())
        .merge(routes::graphs::router())
        .merge(routes::executions::router())
        .merge(routes::schedules::router())
        .merge(routes::presets::router())
        .merge(routes::reviews::router())
        .merge(routes::webhooks::router())
        .merge(routes::integrations::router())
        .split_for_parts();
    let doc = api.clone();
    let router = router
        .route(
            "/api/openapi.json",
            axum::routing::get(move || async move { axum::Json(doc.clone()) }),
        )
        .route("/ws", axum::routing::get(ws::upgrade))
        .fallback(|| async { ApiError::new(Code::RouteNotFound, "no such route") })
        .method_not_allowed_fallback(|| async {
            ApiError::new(
                Code::MethodNotAllowed,
                "this route does not accept that method",
            )
        })
        .layer(DefaultBodyLimit::max(16 * 1024 * 1024))
        .layer(tower_http::trace::TraceLayer::new_for_http())
        .with_state(state);
    (router, api)
}

/// The OpenAPI document alone (for generating clients and checking it in).
pub fn openapi(state: AppState) -> utoipa::openapi::OpenApi {
    router(state).1
}

/// Serves until `shutdown` resolves, then finishes in-flight requests.
pub async fn serve(
    listener: TcpListener,
    state: AppState,
    shutdown: impl Future<Output = ()> + Send + 'static,
) -> std::io::Result<()> {
    let (app, _) = router(state);
    // Small writes go out at once: WebSocket events are small frames, and Nagle's algorithm
    // would hold each one behind the peer's delayed ACK (about 40 ms).
    let listener = axum::serve::ListenerExt::tap_io(listener, |tcp| {
        if let Err(e) = tcp.set_nodelay(true) {
            tracing::debug!(error = %e, "could not set TCP_NODELAY");
        }
    });
    axum::serve(listener, app)
        .with_graceful_shutdown(shutdown)
        .await
}
