//! Agentry's HTTP API: AutoGPT's REST routes on axum, described by an OpenAPI document at
//! `/api/openapi.json`, with one error envelope, and AutoGPT's WebSocket API at `/ws` (`ws`).
//! It gets the engine (and its block registry) passed in and never calls blocks itself. Given a
//! `web_app::WebApp`, it also serves the web app at `/` (`web_app`).

pub mod audit;
pub mod auth;
pub mod error;
mod extract;
pub mod listener;
pub mod media;
pub mod model;
pub mod notifications;
pub mod oidc;
pub mod ops;
pub mod payments;
pub mod perimeter;
mod route_docs;
pub mod routes;
pub mod store_search;
pub mod triggers;
pub mod web_app;
mod ws;

/// The WebSocket protocol's parser of a client's text frame, for the fuzz target.
pub use ws::{Request as WsRequest, parse as parse_ws_message};

use std::future::Future;
use std::net::SocketAddr;
use std::sync::{Arc, OnceLock};

use agentry_engine::Engine;
use axum::Router;
use axum::extract::DefaultBodyLimit;
use axum::extract::State;
use axum::http::{Method, Uri, header};
use axum::middleware::from_fn_with_state;
use tokio::net::TcpListener;
use tower::ServiceBuilder;
use utoipa::OpenApi;
use utoipa_axum::router::OpenApiRouter;

use crate::audit::AuditLog;
use crate::auth::Accounts;
use crate::auth::middleware::HostPolicy;
use crate::error::{ApiError, Code};
use crate::perimeter::Perimeter;

/// How requests are authenticated.
#[derive(Clone)]
pub enum AuthMode {
    /// `--no-auth`: every request is the local user. Loopback listeners only.
    Local,
    /// Accounts: bearer tokens, API keys and session cookies.
    Accounts(Arc<Accounts>),
}

/// Everything a handler needs; one reference count to clone. Axum clones the state for every
/// middleware and handler a request passes, so it is one `Arc`, not a dozen.
#[derive(Clone)]
pub struct AppState(Arc<SharedState>);

impl std::ops::Deref for AppState {
    type Target = SharedState;

    fn deref(&self) -> &SharedState {
        &self.0
    }
}

/// What an `AppState` holds (reached through it).
#[derive(Clone)]
pub struct SharedState {
    pub engine: Engine,
    /// The block catalogue, serialized once.
    blocks: axum::body::Bytes,
    pub auth: AuthMode,
    /// The configured `allowed_hosts` (host names the server answers to beside loopback).
    allowed_hosts: Arc<Vec<String>>,
    /// Set by `serve` from the listening address.
    hosts: HostPolicy,
    loopback: bool,
    perimeter: Arc<Perimeter>,
    /// The web app served at `/`; none: only the API answers.
    web_app: Option<web_app::WebApp>,
    /// Readiness and metrics (`ops`).
    ops: Arc<ops::Ops>,
    /// The payment provider credits are bought from; none: they cannot be bought.
    payments: Option<Arc<payments::Payments>>,
    /// Store media (submission images).
    media: media::Media,
    /// Tells users of events (`notifications`).
    notifier: notifications::Notifier,
    /// Embeddings for hybrid store search; none: full-text search alone.
    store_embeddings: Option<Arc<store_search::StoreEmbeddings>>,
    /// Where providers reach this server (`platform_base_url`): the base of the ingress URLs
    /// registered for triggers; none: taken from the request that saves the graph.
    platform_url: Option<Arc<str>>,
}

impl AppState {
    /// Local mode (`--no-auth`): every request acts as the local user.
    pub fn new(engine: Engine) -> Self {
        let blocks: Vec<_> = engine
            .registry()
            .iter()
            .map(|b| routes::blocks::BlockModel::new(&b.info))
            .collect();
        let blocks = serde_json::to_vec(&blocks).unwrap_or_else(|_| b"[]".to_vec());
        let notifier = notifications::Notifier::new(
            engine.store().clone(),
            notifications::NotificationSettings::default(),
            None,
        );
        AppState(Arc::new(SharedState {
            engine,
            notifier,
            blocks: blocks.into(),
            auth: AuthMode::Local,
            perimeter: Arc::new(Perimeter::default()),
            web_app: None,
            ops: Arc::new(ops::Ops::default()),
            payments: None,
            media: media::Media::in_memory(),
            store_embeddings: None,
            allowed_hosts: Arc::new(Vec::new()),
            hosts: HostPolicy::default(),
            loopback: true,
            platform_url: None,
        }))
    }

    /// The fields to set while building; copies them only if the state is already shared.
    fn fields(&mut self) -> &mut SharedState {
        Arc::make_mut(&mut self.0)
    }

    /// Providers deliver trigger events to ingress URLs under `url` (AutoGPT's
    /// `platform_base_url`, such as `https://agentry.example.com`).
    pub fn with_platform_url(mut self, url: &str) -> Self {
        self.fields().platform_url = Some(url.trim_end_matches('/').into());
        self
    }

    /// The base of ingress URLs: the configured one, else the scheme-less `Host` the request
    /// came to, over plain HTTP (a local server).
    pub fn platform_url(&self, headers: &axum::http::HeaderMap) -> String {
        if let Some(url) = &self.platform_url {
            return url.to_string();
        }
        let host = headers
            .get(axum::http::header::HOST)
            .and_then(|h| h.to_str().ok())
            .unwrap_or("localhost");
        format!("http://{host}")
    }

    /// Accounts mode: requests sign in.
    pub fn with_accounts(engine: Engine, accounts: Accounts) -> Self {
        let mut state = AppState::new(engine);
        state.fields().auth = AuthMode::Accounts(Arc::new(accounts));
        state
    }

    /// Host names (`name` or `name:port`) the server answers to besides its loopback names.
    pub fn allowed_hosts(mut self, hosts: Vec<String>) -> Self {
        self.fields().allowed_hosts = Arc::new(hosts);
        self
    }

    /// Whether the server listens on a loopback address only.
    pub fn is_loopback(&self) -> bool {
        self.loopback
    }

    /// The accounts of accounts mode, or 404 in local mode (there are none to manage).
    pub fn accounts(&self) -> Result<&Arc<Accounts>, ApiError> {
        match &self.auth {
            AuthMode::Accounts(accounts) => Ok(accounts),
            AuthMode::Local => Err(ApiError::new(
                Code::AuthDisabled,
                "this server runs without sign-in (--no-auth)",
            )),
        }
    }

    /// With the operator's rate limits, CORS origins and OIDC issuer (default: rate limits
    /// on at their defaults, no CORS, no OIDC).
    pub fn with_perimeter(mut self, perimeter: Perimeter) -> Self {
        self.fields().perimeter = Arc::new(perimeter);
        self
    }

    pub fn perimeter(&self) -> &Perimeter {
        &self.perimeter
    }

    /// Where handlers record sign-ins, key and credential changes and admin actions.
    pub fn audit(&self) -> AuditLog {
        AuditLog::new(self.engine.store().clone())
    }

    /// With the process's metrics recorder and readiness state (default: no metrics).
    pub fn with_ops(mut self, ops: Arc<ops::Ops>) -> Self {
        self.fields().ops = ops;
        self
    }

    pub fn ops(&self) -> &ops::Ops {
        &self.ops
    }

    /// Credits can be bought through this payment provider (`payments`).
    pub fn with_payments(mut self, settings: payments::PaymentSettings) -> Self {
        self.fields().payments = Some(Arc::new(payments::Payments::new(settings)));
        self
    }

    pub fn payments(&self) -> Option<&payments::Payments> {
        self.payments.as_deref()
    }

    /// Stores media (submission images) there (default: in memory).
    pub fn with_media(mut self, media: media::Media) -> Self {
        self.fields().media = media;
        self
    }

    pub fn media(&self) -> &media::Media {
        &self.media
    }

    /// Notifications with the operator's settings, and email through `mailer` when given
    /// (default: the default settings, no email).
    pub fn with_notifications(
        mut self,
        settings: notifications::NotificationSettings,
        mailer: Option<notifications::Mailer>,
    ) -> Self {
        self.fields().notifier =
            notifications::Notifier::new(self.engine.store().clone(), settings, mailer);
        self
    }

    pub fn notifier(&self) -> &notifications::Notifier {
        &self.notifier
    }

    /// Store search is hybrid: approved listing versions and queries are embedded so
    /// (default: full-text search alone).
    pub fn with_store_embeddings(mut self, embeddings: store_search::StoreEmbeddings) -> Self {
        self.fields().store_embeddings = Some(Arc::new(embeddings));
        self
    }

    pub fn store_embeddings(&self) -> Option<&store_search::StoreEmbeddings> {
        self.store_embeddings.as_deref()
    }

    /// Serves `app` at `/`, with its client-side routes.
    pub fn with_web_app(mut self, app: web_app::WebApp) -> Self {
        self.fields().web_app = Some(app);
        self
    }
}

#[derive(OpenApi)]
#[openapi(
    info(
        title = "Agentry API",
        description = "Build, run and share AI agents. AutoGPT-compatible routes. Every error \
            answers `{\"error\":{\"code\",\"message\",\"details\"}}` (`ErrorEnvelope`); the codes \
            are the `Code` enum."
    ),
    components(schemas(error::ErrorEnvelope, error::Code))
)]
struct ApiDoc;

/// Every documented route; the OpenAPI document comes from here (inside
/// `route_docs::with_docs`; otherwise the routes carry no operations).
fn api_routes() -> OpenApiRouter<AppState> {
    let base = if route_docs::wanted() {
        ApiDoc::openapi()
    } else {
        utoipa::openapi::OpenApi::default()
    };
    OpenApiRouter::with_openapi(base)
        .merge(routes::health::router())
        .merge(routes::auth::router())
        .merge(routes::admin::router())
        .merge(routes::api_keys::router())
        .merge(routes::external::router())
        .merge(routes::blocks::router())
        .merge(routes::graphs::router())
        .merge(routes::executions::router())
        .merge(routes::schedules::router())
        .merge(routes::schedule_caps::router())
        .merge(routes::presets::router())
        .merge(routes::reviews::router())
        .merge(routes::webhooks::router())
        .merge(routes::provider_webhooks::router())
        .merge(routes::integrations::router())
        .merge(routes::credits::router())
        .merge(routes::store::router())
        .merge(routes::library::router())
        .merge(routes::shares::router())
        .merge(routes::notifications::router())
}

/// The router. Its OpenAPI document is generated on the first `GET /api/openapi.json` and
/// held from then on as the JSON it answers with.
pub fn router(state: AppState) -> Router {
    let doc: Arc<OnceLock<axum::body::Bytes>> = Arc::default();
    let router: Router<AppState> = Router::from(api_routes())
        .route(
            "/api/openapi.json",
            axum::routing::get(move || async move {
                let body = doc
                    .get_or_init(|| serde_json::to_vec(&openapi()).unwrap_or_default().into())
                    .clone();
                ([(header::CONTENT_TYPE, "application/json")], body)
            }),
        )
        .route("/ws", axum::routing::get(ws::upgrade))
        .fallback(
            |State(state): State<AppState>, method: Method, uri: Uri| async move {
                web_app::answer(state.web_app.as_ref(), &method, &uri)
            },
        )
        .method_not_allowed_fallback(|| async {
            ApiError::new(
                Code::MethodNotAllowed,
                "this route does not accept that method",
            )
        })
        // One `layer` call per stack, outermost first: each call wraps every route in a boxed
        // service that is cloned on every request.
        .layer(
            ServiceBuilder::new()
                .layer(DefaultBodyLimit::max(16 * 1024 * 1024))
                .layer(from_fn_with_state(state.clone(), auth::middleware::guard))
                .layer(from_fn_with_state(
                    state.clone(),
                    auth::middleware::authenticate,
                ))
                // Inside `authenticate`: counts the principal it found.
                .layer(from_fn_with_state(
                    state.clone(),
                    perimeter::layer::by_principal,
                ))
                .layer(axum::middleware::from_fn(ops::metrics::track)),
        )
        // Probes and scrapers: outside sign-in and the host guard (`ops`).
        .merge(ops::api_port_routes());
    let cors = perimeter::cors::layer(state.perimeter().settings()).unwrap_or_else(|e| {
        // Perimeter::new checked them; a state built otherwise gets no CORS at all.
        tracing::error!(error = %e, "CORS is off");
        None
    });
    let router = router.layer(
        ServiceBuilder::new()
            // Outside the limits, so a 429 still carries CORS headers (a page may read
            // Retry-After).
            .option_layer(cors)
            .layer(from_fn_with_state(state.clone(), perimeter::layer::by_ip)),
    );
    perimeter::panics::apply(perimeter::headers::apply(router)).with_state(state)
}

/// The OpenAPI document alone, without a server or database (for generating clients and
/// checking it in: `agentry openapi`).
pub fn openapi() -> utoipa::openapi::OpenApi {
    route_docs::with_docs(|| api_routes().split_for_parts().1)
}

/// The document as `agentry openapi` writes it and `ui/openapi.json` holds it: pretty JSON
/// with a final newline, so a change reads as a diff.
pub fn openapi_json() -> String {
    let mut text = openapi().to_pretty_json().unwrap_or_default();
    text.push('\n');
    text
}

/// Serves until `shutdown` resolves, then finishes in-flight requests. Refuses to serve a
/// non-loopback address without sign-in.
pub async fn serve(
    listener: TcpListener,
    mut state: AppState,
    shutdown: impl Future<Output = ()> + Send + 'static,
) -> std::io::Result<()> {
    let addr = listener.local_addr()?;
    state.fields().loopback = addr.ip().is_loopback();
    if !state.loopback && matches!(state.auth, AuthMode::Local) {
        return Err(std::io::Error::other(format!(
            "refusing to listen on {addr} without sign-in: anyone who can reach it could run \
             anything as the local user. Listen on 127.0.0.1, or drop --no-auth"
        )));
    }
    let hosts = HostPolicy::new(addr, &state.allowed_hosts);
    state.fields().hosts = hosts;
    let (notifier, engine) = (state.notifier.clone(), state.engine.clone());
    let app = router(state);
    // Small writes go out at once: WebSocket events are small frames, and Nagle's algorithm
    // would hold each one behind the peer's delayed ACK (about 40 ms).
    let listener = axum::serve::ListenerExt::tap_io(listener, |tcp| {
        if let Err(e) = tcp.set_nodelay(true) {
            tracing::debug!(error = %e, "could not set TCP_NODELAY");
        }
    });
    // This process's notification tasks live as long as it serves.
    let notifying = tokio_util::sync::CancellationToken::new();
    let _stop_notifying = notifying.clone().drop_guard();
    notifier.spawn(engine, notifying);
    // The peer's address feeds per-IP rate limits and the audit log.
    axum::serve(
        listener,
        app.into_make_service_with_connect_info::<SocketAddr>(),
    )
    .with_graceful_shutdown(shutdown)
    .await
}
