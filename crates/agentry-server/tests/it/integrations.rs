//! Users' credentials over HTTP: stored encrypted and never answered, refused without a key,
//! the whole OAuth2 dance (PKCE, single-use state, refresh before expiry and on demand) against
//! a mock provider on 127.0.0.1, and a run whose block uses a stored secret, after which the
//! secret is in no log line, no stored row and no API answer.

use std::io::Write;
use std::sync::{Arc, Mutex};

use agentry_blocks::http::{HttpSettings, OutboundHttp};
use agentry_core::{Credentials, CredentialsMeta, Resources, SecretString};
use agentry_engine::Config;
use agentry_engine::integrations::{
    CredentialSettings, Keyring, OauthProvider, OauthProviders, RunCredentials,
};
use serde_json::{Value, json};
use wiremock::matchers::{body_string_contains, header, method, path};
use wiremock::{Mock, MockServer, ResponseTemplate};

use crate::support::{TestApp, graph};

const AUTHENTICATED_REQUEST: &str = "fff86bcd-e001-4bad-a7f6-2eae4720c8dc";

fn keyed(oauth: Vec<OauthProvider>) -> Config {
    let keyring = Keyring::parse(&[Keyring::generate_spec("k1")]).unwrap();
    Config {
        credentials: CredentialSettings {
            keyring: Some(Arc::new(keyring)),
            oauth: OauthProviders::new(oauth),
        },
        resources: Arc::new(
            Resources::new().with(
                OutboundHttp::new(HttpSettings {
                    allow_private_networks: true,
                    ..HttpSettings::default()
                })
                .unwrap(),
            ),
        ),
        ..Config::default()
    }
}

#[tokio::test]
async fn credentials_are_stored_and_listed_without_their_secret() {
    let app = TestApp::start_with_config(keyed(Vec::new()), false).await;
    let secret = "sk-test-0123456789-never-shown";
    let created = app
        .post_json(
            "/api/integrations/openai/credentials",
            &json!({"type": "api_key", "title": "mine", "api_key": secret, "provider": "openai"}),
        )
        .await
        .expect(201);
    assert_eq!(created["type"], "api_key");
    assert_eq!(created["provider"], "openai");
    let id = created["id"].as_str().unwrap().to_string();
    app.post_json(
        "/api/integrations/smtp/credentials",
        &json!({"type": "user_password", "username": "ada", "password": "pw-secret-42"}),
    )
    .await
    .expect(201);

    let all = app.get("/api/integrations/credentials").await.expect(200);
    assert_eq!(all.as_array().unwrap().len(), 2);
    let openai = app
        .get("/api/integrations/openai/credentials")
        .await
        .expect(200);
    assert_eq!(openai.as_array().unwrap().len(), 1);
    let meta = app
        .get(&format!("/api/integrations/openai/credentials/{id}"))
        .await
        .expect(200);
    assert_eq!(meta["title"], "mine");
    for answer in [&created, &all, &openai, &meta] {
        let text = answer.to_string();
        assert!(
            !text.contains(secret) && !text.contains("pw-secret-42"),
            "{text}"
        );
    }
    // The same id under another provider's path is not found.
    app.get(&format!("/api/integrations/github/credentials/{id}"))
        .await
        .expect_error(404, "not_found");

    // Bad bodies change nothing and never quote what was sent.
    let wrong_type = app
        .post_json(
            "/api/integrations/openai/credentials",
            &json!({"type": "api_key", "api_key": "x", "expires_at": "sk-leaky-value"}),
        )
        .await
        .expect_error(400, "invalid_credentials_request");
    assert!(!wrong_type.to_string().contains("sk-leaky-value"));
    app.post_json(
        "/api/integrations/openai/credentials",
        &json!({"type": "api_key", "api_key": "   "}),
    )
    .await
    .expect_error(400, "invalid_credentials_request");
    app.post_json(
        "/api/integrations/openai/credentials",
        &json!({"type": "api_key", "api_key": "k", "provider": "anthropic"}),
    )
    .await
    .expect_error(400, "invalid_credentials_request");
    app.post_json(
        "/api/integrations/bad%20name/credentials",
        &json!({"type": "api_key", "api_key": "k"}),
    )
    .await
    .expect_error(400, "invalid_credentials_request");
    let all = app.get("/api/integrations/credentials").await.expect(200);
    assert_eq!(all.as_array().unwrap().len(), 2);

    let deleted = app
        .delete(&format!("/api/integrations/openai/credentials/{id}"))
        .await
        .expect(200);
    assert_eq!(deleted["deleted"], true);
    app.delete(&format!("/api/integrations/openai/credentials/{id}"))
        .await
        .expect_error(404, "not_found");
}

#[tokio::test]
async fn without_a_key_credentials_are_refused_with_how_to_set_one() {
    let app = TestApp::start().await;
    let error = app
        .post_json(
            "/api/integrations/openai/credentials",
            &json!({"type": "api_key", "api_key": "sk-x"}),
        )
        .await
        .expect_error(503, "encryption_key_missing");
    assert!(
        error["message"]
            .as_str()
            .unwrap()
            .contains("AGENTRY_ENCRYPTION_KEY")
    );
    let all = app.get("/api/integrations/credentials").await.expect(200);
    assert_eq!(all, json!([]));
}

fn token(access: &str, refresh: &str, expires_in: u64) -> ResponseTemplate {
    ResponseTemplate::new(200).set_body_json(json!({
        "access_token": access, "token_type": "bearer", "expires_in": expires_in,
        "refresh_token": refresh, "scope": "repo"
    }))
}

#[tokio::test]
async fn the_oauth2_dance_stores_tokens_and_refreshes_them() {
    let provider = MockServer::start().await;
    let github = OauthProvider {
        provider: "github".into(),
        client_id: "client-1".into(),
        client_secret: SecretString::new("client-secret-1"),
        auth_url: format!("{}/authorize", provider.uri()),
        token_url: format!("{}/token", provider.uri()),
        redirect_uri: "http://127.0.0.1:3000/auth/integrations/oauth_callback".into(),
        scopes: vec!["read:user".into()],
    };
    let app = TestApp::start_with_config(keyed(vec![github]), false).await;

    let login = app
        .get("/api/integrations/github/login?scopes=repo")
        .await
        .expect(200);
    let url = url::Url::parse(login["login_url"].as_str().unwrap()).unwrap();
    let query: std::collections::HashMap<_, _> = url.query_pairs().into_owned().collect();
    let state = login["state_token"].as_str().unwrap();
    assert_eq!(url.path(), "/authorize");
    assert_eq!(query["state"], state);
    assert_eq!(query["client_id"], "client-1");
    assert_eq!(query["scope"], "repo");
    assert_eq!(query["code_challenge_method"], "S256");
    assert!(query["code_challenge"].len() >= 43);

    // The code is exchanged with the PKCE verifier and the client's secret (basic auth).
    Mock::given(method("POST"))
        .and(path("/token"))
        .and(body_string_contains("grant_type=authorization_code"))
        .and(body_string_contains("code=the-code"))
        .and(body_string_contains("code_verifier="))
        .respond_with(token("at-first", "rt-first", 60))
        .expect(1)
        .mount(&provider)
        .await;
    Mock::given(method("POST"))
        .and(path("/token"))
        .and(body_string_contains("grant_type=refresh_token"))
        .and(body_string_contains("refresh_token=rt-first"))
        .respond_with(token("at-second", "rt-second", 3600))
        .expect(1)
        .mount(&provider)
        .await;
    Mock::given(method("POST"))
        .and(path("/token"))
        .and(body_string_contains("refresh_token=rt-second"))
        .respond_with(token("at-third", "rt-third", 3600))
        .expect(1)
        .mount(&provider)
        .await;

    app.post_json(
        "/api/integrations/github/callback",
        &json!({"code": "the-code", "state_token": "forged"}),
    )
    .await
    .expect_error(400, "invalid_credentials_request");
    let created = app
        .post_json(
            "/api/integrations/github/callback",
            &json!({"code": "the-code", "state_token": state}),
        )
        .await
        .expect(200);
    assert_eq!(created["type"], "oauth2");
    assert_eq!(created["scopes"], json!(["repo"]));
    assert!(!created.to_string().contains("at-first"));
    // The state is single-use.
    app.post_json(
        "/api/integrations/github/callback",
        &json!({"code": "the-code", "state_token": state}),
    )
    .await
    .expect_error(400, "invalid_credentials_request");

    // The token expires within five minutes: the first use refreshes it.
    let id = created["id"].as_str().unwrap();
    let user = agentry_store::DEFAULT_USER_ID;
    let credentials = RunCredentials::new(app.engine.vault().clone(), user);
    let meta = CredentialsMeta {
        id: Some(id.into()),
        provider: Some("github".into()),
        kind: Some("oauth2".into()),
        title: None,
    };
    let fresh = credentials.get(&meta).await.unwrap();
    assert_eq!(fresh.secret.bearer().unwrap().expose(), "at-second");
    // Valid for an hour now: used as is.
    let again = credentials.get(&meta).await.unwrap();
    assert_eq!(again.secret.bearer().unwrap().expose(), "at-second");
    // The provider answered 401: refreshed on demand.
    let refreshed = credentials.refresh(&meta).await.unwrap();
    assert_eq!(refreshed.secret.bearer().unwrap().expose(), "at-third");

    // Another provider's login, or one the operator did not configure, is refused.
    app.get("/api/integrations/notion/login")
        .await
        .expect_error(400, "oauth_not_configured");
    // A credential for another provider is not handed to a node asking for github.
    let wrong = CredentialsMeta {
        provider: Some("notion".into()),
        ..meta.clone()
    };
    assert!(credentials.get(&wrong).await.is_err());
}

/// Log lines written while a test runs, at debug level for every target.
#[derive(Clone, Default)]
pub(crate) struct Captured(pub(crate) Arc<Mutex<Vec<u8>>>);

impl Write for Captured {
    fn write(&mut self, buf: &[u8]) -> std::io::Result<usize> {
        self.0.lock().unwrap().extend_from_slice(buf);
        Ok(buf.len())
    }
    fn flush(&mut self) -> std::io::Result<()> {
        Ok(())
    }
}

/// Every stored value of every table, as text.
pub(crate) async fn dump_database(url: &str) -> String {
    use sea_orm::{ConnectionTrait, Database, DbBackend, Statement};
    let db = Database::connect(url).await.unwrap();
    let backend = db.get_database_backend();
    let tables: Vec<String> = {
        let sql = match backend {
            DbBackend::Postgres => {
                "SELECT tablename::text AS t FROM pg_tables WHERE schemaname = current_schema()"
            }
            _ => "SELECT name AS t FROM sqlite_master WHERE type = 'table'",
        };
        db.query_all_raw(Statement::from_string(backend, sql))
            .await
            .unwrap()
            .iter()
            .map(|r| r.try_get::<String>("", "t").unwrap())
            .collect()
    };
    assert!(tables.iter().any(|t| t == "credentials"), "{tables:?}");
    let mut out = String::new();
    for table in tables {
        let sql = match backend {
            DbBackend::Postgres => format!("SELECT row_to_json(x)::text AS r FROM \"{table}\" x"),
            _ => {
                let columns: Vec<String> = db
                    .query_all_raw(Statement::from_string(
                        backend,
                        format!("SELECT name AS c FROM pragma_table_info('{table}')"),
                    ))
                    .await
                    .unwrap()
                    .iter()
                    .map(|r| r.try_get::<String>("", "c").unwrap())
                    .collect();
                let parts: Vec<String> = columns
                    .iter()
                    .map(|c| format!("coalesce(CAST(\"{c}\" AS TEXT), '')"))
                    .collect();
                format!("SELECT {} AS r FROM \"{table}\"", parts.join(" || '|' || "))
            }
        };
        for row in db
            .query_all_raw(Statement::from_string(backend, sql))
            .await
            .unwrap()
        {
            out.push_str(&row.try_get::<String>("", "r").unwrap_or_default());
            out.push('\n');
        }
    }
    out
}

#[tokio::test]
async fn a_secret_used_by_a_run_is_in_no_log_row_or_answer() {
    let logs = Captured::default();
    let writer = logs.clone();
    tracing_subscriber::fmt()
        .with_env_filter("debug")
        .with_writer(move || writer.clone())
        .with_ansi(false)
        .init();
    let secret = "Bearer sekrit-7f3a9c-host-token";
    let service = MockServer::start().await;
    Mock::given(method("GET"))
        .and(path("/data"))
        .and(header("authorization", secret))
        .respond_with(ResponseTemplate::new(200).set_body_json(json!({"ok": true})))
        .expect(1)
        .mount(&service)
        .await;
    let app = TestApp::start_with_config(keyed(Vec::new()), false).await;
    let mut answers: Vec<Value> = Vec::new();

    let created = app
        .post_json(
            "/api/integrations/http/credentials",
            &json!({"type": "host_scoped", "host": "127.0.0.1", "title": "svc",
                    "headers": {"Authorization": secret}}),
        )
        .await
        .expect(201);
    let id = created["id"].as_str().unwrap().to_string();
    answers.push(created);

    let saved = app
        .create_graph(&graph(
            "uses a secret",
            &[(
                "fetch",
                AUTHENTICATED_REQUEST,
                json!({"url": format!("{}/data", service.uri()), "method": "GET"}),
            )],
            &[],
        ))
        .await;
    let schema = &saved["credentials_input_schema"];
    assert_eq!(
        schema["properties"]["http_host_scoped_credentials"]["credentials_types"],
        json!(["host_scoped"]),
        "{schema}"
    );
    let graph_id = saved["id"].as_str().unwrap().to_string();
    answers.push(saved);

    // A credentials input the graph does not have is refused.
    app.post_json(
        &format!("/api/graphs/{graph_id}/execute/1"),
        &json!({"credentials_inputs": {"openai_api_key_credentials": {"id": id}}}),
    )
    .await
    .expect_error(400, "invalid_credentials_inputs");

    let run = app
        .post_json(
            &format!("/api/graphs/{graph_id}/execute/1?wait=true"),
            &json!({"credentials_inputs": {"http_host_scoped_credentials":
                {"id": id, "provider": "http", "type": "host_scoped"}}}),
        )
        .await
        .expect(200);
    assert_eq!(run["status"], "COMPLETED", "{run}");
    let exec_id = run["id"].as_str().unwrap().to_string();
    answers.push(run);
    let detail = app
        .get(&format!("/api/graphs/{graph_id}/executions/{exec_id}"))
        .await
        .expect(200);
    let node = &detail["node_executions"][0];
    assert_eq!(
        node["input_data"]["credentials"]["id"],
        json!(id),
        "{detail}"
    );
    answers.push(detail);
    for path in [
        "/api/integrations/credentials".to_string(),
        format!("/api/integrations/http/credentials/{id}"),
        format!("/api/graphs/{graph_id}"),
        format!("/api/graphs/{graph_id}/executions"),
    ] {
        answers.push(app.get(&path).await.expect(200));
    }
    service.verify().await;

    let token = "sekrit-7f3a9c-host-token";
    for answer in &answers {
        assert!(
            !answer.to_string().contains(token),
            "an answer holds the secret: {answer}"
        );
    }
    let stored = dump_database(app.database_url()).await;
    assert!(stored.contains(&id), "the dump reads the credentials table");
    assert!(!stored.contains(token), "a stored row holds the secret");
    let logged = String::from_utf8_lossy(&logs.0.lock().unwrap()).into_owned();
    assert!(
        logged.contains(&exec_id) || !logged.is_empty(),
        "logs were captured"
    );
    assert!(!logged.contains(token), "a log line holds the secret");
}
