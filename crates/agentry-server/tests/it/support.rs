//! Test fixtures: the real server (`agentry_server::serve`) on 127.0.0.1 with a fresh database
//! (`agentry_store::testing`: SQLite, or PostgreSQL when `TEST_DATABASE_URL` is set), typed HTTP helpers, the saved AutoGPT agents and a compact graph builder.

use std::sync::Arc;
use std::time::Duration;

use agentry_engine::{Config, Engine};
use agentry_server::AppState;
use agentry_server::auth::{Accounts, AuthSettings};
use agentry_server::notifications::{Mailer, NotificationSettings, Notifier};
use agentry_server::perimeter::{Perimeter, PerimeterSettings};
use agentry_store::Store;
use agentry_store::testing::{TestDatabase, fresh_database};
use serde_json::{Value, json};
use tokio::sync::oneshot;

pub const INPUT: &str = "c0a8e994-ebf1-4a9c-a4d8-89d09c86741b";
pub const OUTPUT: &str = "363ae599-353e-4804-937e-b2ee3cef3da4";
pub const CALCULATOR: &str = "b1ab9b19-67a6-406d-abf5-2dba76d00c79";
pub const COUNTDOWN: &str = "d67a9c52-5e4e-11e2-bcfd-0800200c9a71";
/// A PNG's first bytes: enough for the store's image type check.
pub const PNG: &[u8] = b"\x89PNG\r\n\x1a\n\0\0\0\rIHDR";
/// The graph id inside `calculator-agent.json`.
pub const CALCULATOR_FILE_GRAPH_ID: &str = "858e2226-e047-4d19-a832-3be4a134d155";

/// One answer: the status and the body as JSON (`Value::Null` when the body is not JSON).
#[derive(Debug)]
pub struct Reply {
    pub status: u16,
    pub body: Value,
}

impl Reply {
    /// Asserts the status and returns the body.
    #[track_caller]
    pub fn expect(self, status: u16) -> Value {
        assert_eq!(
            self.status, status,
            "unexpected status; body: {}",
            self.body
        );
        self.body
    }

    /// Asserts the error envelope with this status and code; returns the `error` object.
    #[track_caller]
    pub fn expect_error(self, status: u16, code: &str) -> Value {
        assert_eq!(
            self.status, status,
            "unexpected status; body: {}",
            self.body
        );
        let error = self.body.get("error").unwrap_or_else(|| {
            panic!("no error envelope in {}", self.body);
        });
        assert_eq!(
            error["code"],
            json!(code),
            "unexpected code in {}",
            self.body
        );
        assert!(
            error["message"].as_str().is_some_and(|m| !m.is_empty()),
            "the error has no message: {}",
            self.body
        );
        error.clone()
    }
}

/// Someone calling the server: anonymous (or the local user of `--no-auth`), or a signed-in
/// user whose access token goes with every request.
#[derive(Clone)]
pub struct Caller {
    base: String,
    client: reqwest::Client,
    /// The access token sent as `Authorization: Bearer`, if signed in.
    pub token: Option<String>,
    /// The signed-in user's id.
    pub user_id: Option<String>,
}

/// The server, running on its own port with its own database until dropped. It calls as the
/// anonymous (or local) caller; `sign_up` gives callers for users.
/// What a test server is made of, besides its database.
struct Parts {
    config: Config,
    worker: bool,
    web_app: Option<agentry_server::web_app::WebApp>,
    perimeter: Perimeter,
    auth: Auth,
    payments: Option<agentry_server::payments::PaymentSettings>,
    notifications: Option<(NotificationSettings, Option<Mailer>)>,
    store_embeddings: Option<agentry_server::store_search::StoreEmbeddings>,
    /// The blocks; none: `agentry_blocks::registry()`.
    registry: Option<Arc<agentry_core::Registry>>,
}

pub struct TestApp {
    /// The engine behind the server.
    pub engine: Engine,
    /// Its notifier (`notifications.rs` drives the digests and the outbox at chosen times).
    pub notifier: Notifier,
    caller: Caller,
    shutdown: Option<oneshot::Sender<()>>,
    /// The database's URL; `_db` (absent for a second process on another app's database)
    /// drops it at the end.
    url: String,
    _db: Option<TestDatabase>,
}

impl std::ops::Deref for TestApp {
    type Target = Caller;
    fn deref(&self) -> &Caller {
        &self.caller
    }
}

impl Drop for TestApp {
    fn drop(&mut self) {
        if let Some(tx) = self.shutdown.take() {
            let _ = tx.send(());
        }
    }
}

/// How the test server authenticates.
pub enum Auth {
    /// `--no-auth`: every request is the local user.
    Local,
    /// Accounts with these settings.
    Accounts(AuthSettings),
}

/// Accounts with open sign-up, so tests can make several users.
pub fn open_signup() -> Auth {
    Auth::Accounts(AuthSettings {
        allow_signup: true,
        ..AuthSettings::default()
    })
}

/// A password the policy accepts.
pub const PASSWORD: &str = "correct horse battery staple";

impl TestApp {
    pub async fn start() -> TestApp {
        Self::start_with(false, None).await
    }

    /// As `start`, serving `app` at `/`.
    pub async fn start_with_web_app(app: agentry_server::web_app::WebApp) -> TestApp {
        Self::start_with(false, Some(app)).await
    }

    /// As `start`, with the engine's worker loop claiming queued runs (runs queued again
    /// after a review decision).
    pub async fn start_with_worker() -> TestApp {
        Self::start_with(true, None).await
    }

    async fn start_with(worker: bool, web_app: Option<agentry_server::web_app::WebApp>) -> TestApp {
        Self::start_with_everything(Config::default(), worker, web_app, unlimited(), Auth::Local)
            .await
    }

    /// With these engine settings (credential keys, OAuth2 providers, resources).
    pub async fn start_with_config(config: Config, worker: bool) -> TestApp {
        Self::start_with_everything(config, worker, None, unlimited(), Auth::Local).await
    }

    /// As `start_with_config`, with sign-in on: every request needs an access token or API
    /// key (`sign_up`, or `accounts` to make them for the same store).
    pub async fn start_with_config_and_accounts(config: Config, auth: Auth) -> TestApp {
        Self::start_with_everything(config, false, None, unlimited(), auth).await
    }

    /// The sign-in keys of this server's store, for issuing tokens and hashing API keys.
    pub async fn accounts(&self) -> Accounts {
        Accounts::new(self.engine.store().clone(), AuthSettings::default())
            .await
            .unwrap()
    }

    /// As `start`, blocks finding these services (an LLM provider on a mock server).
    pub async fn start_with_resources(resources: agentry_core::Resources) -> TestApp {
        let config = Config {
            resources: Arc::new(resources),
            ..Config::default()
        };
        Self::start_with_config(config, false).await
    }

    /// With these engine settings and blocks (the integrations' as well).
    pub async fn start_with_registry(config: Config, registry: agentry_core::Registry) -> TestApp {
        let db = fresh_database().await;
        let url = db.url().to_string();
        let parts = Parts {
            config,
            worker: false,
            web_app: None,
            perimeter: unlimited(),
            auth: Auth::Local,
            payments: None,
            notifications: None,
            store_embeddings: None,
            registry: Some(Arc::new(registry)),
        };
        Self::start_on(url, Some(db), parts).await
    }

    /// As `start`, with these perimeter settings (rate limits, CORS, OIDC).
    pub async fn start_with_perimeter(worker: bool, perimeter: Perimeter) -> TestApp {
        Self::start_with_everything(Config::default(), worker, None, perimeter, Auth::Local).await
    }

    /// A server with accounts (sign-in on), rate limits off.
    pub async fn start_with_accounts(auth: Auth) -> TestApp {
        Self::start_with_everything(Config::default(), false, None, unlimited(), auth).await
    }

    /// Accounts, and these perimeter settings.
    pub async fn start_with_accounts_and(
        worker: bool,
        auth: Auth,
        perimeter: Perimeter,
    ) -> TestApp {
        Self::start_with_everything(Config::default(), worker, None, perimeter, auth).await
    }

    /// Another server process on this app's database (same accounts and signing key), with its
    /// own perimeter: what two API processes of one deployment share.
    pub async fn beside(&self, perimeter: Perimeter, auth: Auth) -> TestApp {
        let parts = Parts {
            config: Config::default(),
            worker: false,
            web_app: None,
            perimeter,
            auth,
            payments: None,
            notifications: None,
            store_embeddings: None,
            registry: None,
        };
        Self::start_on(self.url.clone(), None, parts).await
    }

    async fn start_with_everything(
        config: Config,
        worker: bool,
        web_app: Option<agentry_server::web_app::WebApp>,
        perimeter: Perimeter,
        auth: Auth,
    ) -> TestApp {
        Self::start_with_payments(config, worker, web_app, perimeter, auth, None).await
    }

    /// As the others, with a payment provider credits are bought from (`credits.rs`).
    pub async fn start_with_payments(
        config: Config,
        worker: bool,
        web_app: Option<agentry_server::web_app::WebApp>,
        perimeter: Perimeter,
        auth: Auth,
        payments: Option<agentry_server::payments::PaymentSettings>,
    ) -> TestApp {
        let db = fresh_database().await;
        let url = db.url().to_string();
        let parts = Parts {
            config,
            worker,
            web_app,
            perimeter,
            auth,
            payments,
            notifications: None,
            store_embeddings: None,
            registry: None,
        };
        Self::start_on(url, Some(db), parts).await
    }

    /// As the others, with these notification settings and email through `mailer`
    /// (`notifications.rs`).
    pub async fn start_with_notifications(
        config: Config,
        worker: bool,
        auth: Auth,
        settings: NotificationSettings,
        mailer: Option<Mailer>,
    ) -> TestApp {
        let db = fresh_database().await;
        let url = db.url().to_string();
        let parts = Parts {
            config,
            worker,
            web_app: None,
            perimeter: unlimited(),
            auth,
            payments: None,
            notifications: Some((settings, mailer)),
            store_embeddings: None,
            registry: None,
        };
        Self::start_on(url, Some(db), parts).await
    }

    /// A server with accounts whose store search is hybrid, embedding through `embeddings`.
    pub async fn start_with_store_embeddings(
        auth: Auth,
        embeddings: agentry_server::store_search::StoreEmbeddings,
    ) -> TestApp {
        let db = fresh_database().await;
        let url = db.url().to_string();
        let parts = Parts {
            config: Config::default(),
            worker: false,
            web_app: None,
            perimeter: unlimited(),
            auth,
            payments: None,
            notifications: None,
            store_embeddings: Some(embeddings),
            registry: None,
        };
        Self::start_on(url, Some(db), parts).await
    }

    async fn start_on(url: String, db: Option<TestDatabase>, parts: Parts) -> TestApp {
        let Parts {
            config,
            worker,
            web_app,
            perimeter,
            auth,
            payments,
            notifications,
            store_embeddings,
            registry,
        } = parts;
        let store = Store::open(&url).await.unwrap();
        let registry = registry.unwrap_or_else(|| Arc::new(agentry_blocks::registry()));
        let engine = Engine::new(store.clone(), registry, config);
        if worker {
            // Ends with the test's runtime.
            engine.spawn_worker(tokio_util::sync::CancellationToken::new());
        }
        let listener = agentry_server::listener::bind("127.0.0.1:0").await.unwrap();
        let addr = listener.local_addr().unwrap();
        let (tx, rx) = oneshot::channel::<()>();
        let mut state = match auth {
            Auth::Local => AppState::new(engine.clone()),
            Auth::Accounts(settings) => {
                let accounts = Accounts::new(store.clone(), settings).await.unwrap();
                AppState::with_accounts(engine.clone(), accounts)
            }
        }
        .with_perimeter(perimeter);
        if let Some(app) = web_app {
            state = state.with_web_app(app);
        }
        if let Some(payments) = payments {
            state = state.with_payments(payments);
        }
        if let Some((settings, mailer)) = notifications {
            state = state.with_notifications(settings, mailer);
        }
        if let Some(embeddings) = store_embeddings {
            state = state.with_store_embeddings(embeddings);
        }
        let notifier = state.notifier().clone();
        tokio::spawn(async move {
            agentry_server::serve(listener, state, async {
                let _ = rx.await;
            })
            .await
            .unwrap();
        });
        let client = reqwest::Client::builder()
            .no_proxy()
            .timeout(Duration::from_secs(120))
            .build()
            .unwrap();
        TestApp {
            engine,
            notifier,
            caller: Caller {
                base: format!("http://{addr}"),
                client,
                token: None,
                user_id: None,
            },
            shutdown: Some(tx),
            url,
            _db: db,
        }
    }

    /// The test database's URL.
    pub fn database_url(&self) -> &str {
        &self.url
    }

    /// Signs up `email` (with `PASSWORD`) and answers a caller signed in as it.
    pub async fn sign_up(&self, email: &str) -> Caller {
        let session = self
            .post_json(
                "/api/auth/signup",
                &json!({"email": email, "password": PASSWORD}),
            )
            .await
            .expect(200);
        self.as_token(session["access_token"].as_str().expect("an access token"))
            .with_user(session["user"]["id"].as_str().expect("a user id"))
    }

    /// A caller sending `token` (an access token or an API key) as its bearer credential.
    pub fn as_token(&self, token: &str) -> Caller {
        Caller {
            token: Some(token.to_string()),
            user_id: None,
            ..self.caller.clone()
        }
    }
}

impl Caller {
    fn with_user(mut self, user_id: &str) -> Caller {
        self.user_id = Some(user_id.to_string());
        self
    }

    /// The signed-in user's id.
    #[track_caller]
    pub fn id(&self) -> &str {
        self.user_id.as_deref().expect("a signed-in caller")
    }

    /// The server's address, `127.0.0.1:PORT` (for WebSocket clients).
    pub fn addr(&self) -> &str {
        self.base.trim_start_matches("http://")
    }

    /// The HTTP client, for requests the typed helpers do not make.
    pub fn http(&self) -> &reqwest::Client {
        &self.client
    }

    pub fn url(&self, path: &str) -> String {
        format!("{}{path}", self.base)
    }

    /// Sends `request` with this caller's credential.
    pub async fn send(&self, request: reqwest::RequestBuilder) -> Reply {
        let request = match &self.token {
            Some(token) => request.bearer_auth(token),
            None => request,
        };
        let response = request.send().await.expect("the server answers");
        let status = response.status().as_u16();
        let bytes = response.bytes().await.expect("a body");
        let body = serde_json::from_slice(&bytes).unwrap_or(Value::Null);
        Reply { status, body }
    }

    pub async fn get(&self, path: &str) -> Reply {
        self.send(self.client.get(self.url(path))).await
    }

    pub async fn delete(&self, path: &str) -> Reply {
        self.send(self.client.delete(self.url(path))).await
    }

    pub async fn post_json(&self, path: &str, body: &Value) -> Reply {
        self.send(self.client.post(self.url(path)).json(body)).await
    }

    pub async fn put_json(&self, path: &str, body: &Value) -> Reply {
        self.send(self.client.put(self.url(path)).json(body)).await
    }

    pub async fn patch_json(&self, path: &str, body: &Value) -> Reply {
        self.send(self.client.patch(self.url(path)).json(body))
            .await
    }

    /// POSTs `body` as is, labelled with `content_type`.
    pub async fn post_raw(&self, path: &str, content_type: &str, body: &str) -> Reply {
        let request = self
            .client
            .post(self.url(path))
            .header("content-type", content_type)
            .body(body.to_string());
        self.send(request).await
    }

    /// Saves a graph (the body is `{"graph": …}` or a bare graph) and returns it.
    pub async fn create_graph(&self, body: &Value) -> Value {
        self.post_json("/api/graphs", body).await.expect(200)
    }

    /// The ids of the user's graphs.
    pub async fn graph_ids(&self) -> Vec<String> {
        let list = self.get("/api/graphs").await.expect(200);
        list.as_array()
            .expect("a list of graphs")
            .iter()
            .map(|g| g["id"].as_str().expect("a graph id").to_string())
            .collect()
    }

    /// Asserts that no graph was saved since `before` was taken.
    pub async fn assert_no_graph_saved(&self, before: &[String]) {
        let list = self.get("/api/graphs").await.expect(200);
        let added: Vec<&Value> = list
            .as_array()
            .unwrap()
            .iter()
            .filter(|g| !before.iter().any(|id| g["id"] == json!(id)))
            .collect();
        assert!(added.is_empty(), "graphs were saved: {added:?}");
    }

    /// Starts a run without waiting and returns its id.
    pub async fn start_run(&self, graph_id: &str, version: i64, inputs: Value) -> String {
        let run = self
            .post_json(
                &format!("/api/graphs/{graph_id}/execute/{version}"),
                &json!({ "inputs": inputs }),
            )
            .await
            .expect(200);
        run["id"].as_str().expect("a run id").to_string()
    }

    /// Polls a run until its status is one of `statuses` (bounded), and returns it.
    pub async fn wait_for_status(&self, graph_id: &str, exec_id: &str, statuses: &[&str]) -> Value {
        let path = format!("/api/graphs/{graph_id}/executions/{exec_id}");
        let mut last = Value::Null;
        for _ in 0..800 {
            last = self.get(&path).await.expect(200);
            if statuses.iter().any(|s| last["status"] == json!(s)) {
                return last;
            }
            tokio::time::sleep(Duration::from_millis(25)).await;
        }
        panic!("run {exec_id} did not reach {statuses:?}; last seen: {last}");
    }

    /// Makes this user a creator (profile `username`, named `name`) and uploads one listing
    /// image for them; returns the image's URL.
    pub async fn become_creator(&self, username: &str, name: &str) -> String {
        self.post_json(
            "/api/store/profile",
            &json!({"username": username, "name": name}),
        )
        .await
        .expect(200);
        let upload = self
            .http()
            .post(self.url("/api/store/submissions/media"))
            .header("content-type", "image/png")
            .body(PNG.to_vec());
        self.send(upload).await.expect(200)["url"]
            .as_str()
            .unwrap()
            .to_string()
    }

    /// Approves a pending store submission (this caller is an admin).
    pub async fn approve(&self, listing_version_id: &str) {
        self.post_json(
            &format!("/api/store/admin/submissions/{listing_version_id}/review"),
            &json!({"is_approved": true, "comments": "ok"}),
        )
        .await
        .expect(200);
    }
}

/// The perimeter of most tests: rate limits off, since their polling loops would otherwise
/// meet them (the perimeter tests turn them on).
pub fn unlimited() -> Perimeter {
    let mut settings = PerimeterSettings::default();
    settings.rate_limits.enabled = false;
    Perimeter::new(settings, None, None, "test").unwrap()
}

/// A saved AutoGPT agent export from the shared folder.
pub fn agent(file: &str) -> Value {
    let path = format!(
        "{}/../../../shared/autogpt-agents/{file}",
        env!("CARGO_MANIFEST_DIR")
    );
    let text = std::fs::read_to_string(&path).unwrap_or_else(|e| panic!("{path}: {e}"));
    serde_json::from_str(&text).unwrap()
}

/// Every `agent_*.json` export (the ones using blocks Agentry does not have yet).
pub fn store_agent_files() -> Vec<String> {
    let dir = concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/../../../shared/autogpt-agents"
    );
    let mut files: Vec<String> = std::fs::read_dir(dir)
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .filter(|n| n.starts_with("agent_") && n.ends_with(".json"))
        .collect();
    files.sort();
    files
}

/// A graph body: nodes as (id, block id, input_default), links as (source, pin, sink, pin).
pub fn graph(
    name: &str,
    nodes: &[(&str, &str, Value)],
    links: &[(&str, &str, &str, &str)],
) -> Value {
    let nodes: Vec<Value> = nodes
        .iter()
        .map(
            |(id, block, defaults)| json!({"id": id, "block_id": block, "input_default": defaults}),
        )
        .collect();
    let links: Vec<Value> = links
        .iter()
        .map(|(src, sp, sink, kp)| {
            json!({"source_id": src, "source_name": sp, "sink_id": sink, "sink_name": kp})
        })
        .collect();
    json!({"name": name, "description": "", "nodes": nodes, "links": links})
}

/// The node of a graph (or the node execution of a run) that runs `block_id`.
#[track_caller]
pub fn node_of<'a>(nodes: &'a Value, block_id: &str) -> &'a Value {
    nodes
        .as_array()
        .expect("a list of nodes")
        .iter()
        .find(|n| n["block_id"] == json!(block_id))
        .unwrap_or_else(|| panic!("no node runs {block_id} in {nodes}"))
}

/// Property names of a JSON schema.
pub fn properties(schema: &Value) -> Vec<String> {
    schema["properties"]
        .as_object()
        .map(|p| p.keys().cloned().collect())
        .unwrap_or_default()
}

/// The Redis of the shared-state tests (`TEST_REDIS_URL`); None skips them, unless
/// `AGENTRY_TEST_REDIS=required` (CI), which makes a missing server a failure.
pub fn redis_url() -> Option<String> {
    match std::env::var("TEST_REDIS_URL") {
        Ok(url) => Some(url),
        Err(_) => {
            assert!(
                std::env::var("AGENTRY_TEST_REDIS").as_deref() != Ok("required"),
                "Redis is required (AGENTRY_TEST_REDIS=required) but TEST_REDIS_URL is not set"
            );
            eprintln!("skipped: no Redis (TEST_REDIS_URL)");
            None
        }
    }
}
