//! Operations endpoints beside the API, for probes and scrapers rather than users:
//! `/ready` (`ready.rs`) and `/metrics` (`metrics.rs`, Prometheus text). On the API's port they
//! sit outside sign-in and the host guard (a probe sends the pod's address as `Host`), and
//! `/metrics` there needs the configured token; the optional separate listener
//! (`metrics.bind`) serves `/health`, `/ready` and `/metrics` without one, for a private port.

pub mod metrics;
pub mod ready;

use std::sync::atomic::{AtomicBool, Ordering};

use axum::Router;
use axum::routing::get;
use metrics_exporter_prometheus::PrometheusHandle;

use crate::AppState;

/// The operator's settings for the ops endpoints (`[metrics]` in `agentry.toml`).
#[derive(Clone, Default, serde::Serialize, serde::Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct MetricsSettings {
    /// A separate listener (`127.0.0.1:9464`, or `0.0.0.0:9464` in a pod) serving `/metrics`,
    /// `/health` and `/ready` without a token. Unset: none.
    pub bind: Option<String>,
    /// The bearer token `/metrics` on the API's port asks for. Unset: `/metrics` is served on
    /// the separate listener only.
    pub token: Option<String>,
}

/// The token is a secret: a printed configuration says only whether one is set.
impl std::fmt::Debug for MetricsSettings {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("MetricsSettings")
            .field("bind", &self.bind)
            .field("token", &self.token.as_ref().map(|_| "<set>"))
            .finish()
    }
}

/// The ops endpoints' state, shared by both listeners.
#[derive(Default)]
pub struct Ops {
    draining: AtomicBool,
    exporter: Option<PrometheusHandle>,
    token: Option<String>,
    gauges: metrics::DatabaseGauges,
}

impl Ops {
    /// With the process's Prometheus recorder (none: `/metrics` answers 404) and the token of
    /// the API port's `/metrics`.
    pub fn new(exporter: Option<PrometheusHandle>, token: Option<String>) -> Ops {
        Ops {
            exporter,
            token: token.filter(|t| !t.is_empty()),
            ..Ops::default()
        }
    }

    /// From now on `/ready` answers 503: the balancer stops sending new requests while the
    /// ones in flight finish (the first step of a graceful stop).
    pub fn start_draining(&self) {
        self.draining.store(true, Ordering::SeqCst);
    }

    pub fn is_draining(&self) -> bool {
        self.draining.load(Ordering::SeqCst)
    }
}

/// `/ready` and the token-guarded `/metrics`, merged into the API router outside sign-in.
pub fn api_port_routes() -> Router<AppState> {
    Router::new()
        .route("/ready", get(ready::ready))
        .route("/metrics", get(metrics::scrape_with_token))
}

/// The separate listener's router: `/health`, `/ready` and `/metrics`, no token.
pub fn listener_router(state: AppState) -> Router {
    Router::new()
        .route("/health", get(ready::alive))
        .route("/ready", get(ready::ready))
        .route("/metrics", get(metrics::scrape))
        .with_state(state)
}

/// Serves the separate ops listener until `shutdown` resolves.
pub async fn serve_listener(
    listener: tokio::net::TcpListener,
    state: AppState,
    shutdown: impl std::future::Future<Output = ()> + Send + 'static,
) -> std::io::Result<()> {
    axum::serve(listener, listener_router(state))
        .with_graceful_shutdown(shutdown)
        .await
}
