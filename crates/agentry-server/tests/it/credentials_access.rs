//! Who may reach a user's credentials, with sign-in on: only the signed-in user (another user
//! finds nothing: empty lists and 404s, and a run of theirs cannot decrypt them), and an API key
//! only with AutoGPT's permission for the route (READ_INTEGRATIONS to list, MANAGE_INTEGRATIONS
//! to store or log in with OAuth2, DELETE_INTEGRATIONS to delete).

use std::sync::Arc;

use agentry_core::{Credentials, CredentialsMeta};
use agentry_engine::Config;
use agentry_engine::integrations::{CredentialSettings, Keyring, RunCredentials};
use agentry_server::auth::Accounts;
use agentry_store::NewAccount;
use agentry_store::entity::api_key;
use serde_json::{Value, json};

use crate::support::{Auth, Reply, TestApp};

fn keyed() -> Config {
    let keyring = Keyring::parse(&[Keyring::generate_spec("k1")]).unwrap();
    Config {
        credentials: CredentialSettings {
            keyring: Some(Arc::new(keyring)),
            ..CredentialSettings::default()
        },
        ..Config::default()
    }
}

/// A signed-in user: their id and a bearer access token.
struct User {
    id: String,
    token: String,
}

async fn sign_up(app: &TestApp, accounts: &Accounts, email: &str) -> User {
    let account = app
        .engine
        .store()
        .create_account(
            NewAccount {
                email,
                password_hash: "not used: these users sign in with tokens",
                role: "user",
            },
            false,
        )
        .await
        .unwrap();
    let issued = accounts.issue(&account).await.unwrap();
    User {
        id: account.id,
        token: issued.access_token,
    }
}

/// An API key of `user` with these permissions (AutoGPT's names).
async fn api_key(app: &TestApp, accounts: &Accounts, user: &User, permissions: &str) -> String {
    let (id, key) = agentry_server::auth::secret::new_api_key();
    app.engine
        .store()
        .add_api_key(api_key::Model {
            id,
            user_id: user.id.clone(),
            name: permissions.to_lowercase(),
            key_hash: accounts.api_key_hash(&key),
            permissions: permissions.into(),
            created_at: chrono::Utc::now(),
            last_used_at: None,
            revoked_at: None,
        })
        .await
        .unwrap();
    key
}

async fn call(app: &TestApp, method: &str, path: &str, bearer: &str, body: Option<Value>) -> Reply {
    let method = reqwest::Method::from_bytes(method.as_bytes()).unwrap();
    let mut request = app
        .http()
        .request(method, app.url(path))
        .bearer_auth(bearer);
    if let Some(body) = body {
        request = request.json(&body);
    }
    let response = request.send().await.unwrap();
    let status = response.status().as_u16();
    let body = response.json().await.unwrap_or(Value::Null);
    Reply { status, body }
}

fn api_key_body(secret: &str) -> Value {
    json!({"type": "api_key", "title": "mine", "api_key": secret})
}

#[tokio::test]
async fn another_user_finds_none_of_a_users_credentials() {
    let app =
        TestApp::start_with_config_and_accounts(keyed(), Auth::Accounts(Default::default())).await;
    let accounts = app.accounts().await;
    let ada = sign_up(&app, &accounts, "ada@example.com").await;
    let bob = sign_up(&app, &accounts, "bob@example.com").await;

    // Without a token: nothing at all.
    app.get("/api/integrations/credentials")
        .await
        .expect_error(401, "unauthenticated");

    let created = call(
        &app,
        "POST",
        "/api/integrations/openai/credentials",
        &ada.token,
        Some(api_key_body("sk-ada-only-0123456789")),
    )
    .await
    .expect(201);
    let id = created["id"].as_str().unwrap().to_string();
    let one = format!("/api/integrations/openai/credentials/{id}");

    let mine = call(
        &app,
        "GET",
        "/api/integrations/credentials",
        &ada.token,
        None,
    )
    .await
    .expect(200);
    assert_eq!(mine.as_array().unwrap().len(), 1);

    for path in [
        "/api/integrations/credentials",
        "/api/integrations/openai/credentials",
    ] {
        let theirs = call(&app, "GET", path, &bob.token, None).await.expect(200);
        assert_eq!(theirs, json!([]), "{path}");
    }
    call(&app, "GET", &one, &bob.token, None)
        .await
        .expect_error(404, "not_found");
    call(&app, "DELETE", &one, &bob.token, None)
        .await
        .expect_error(404, "not_found");

    // A run of Bob's naming Ada's credential by id cannot open it.
    let bobs_run = RunCredentials::new(app.engine.vault().clone(), bob.id.clone());
    let meta = CredentialsMeta {
        id: Some(id.clone()),
        provider: Some("openai".into()),
        kind: Some("api_key".into()),
        title: None,
    };
    let refused = bobs_run.get(&meta).await.unwrap_err().to_string();
    assert!(refused.contains("do not exist"), "{refused}");
    assert!(!refused.contains("sk-ada-only"), "{refused}");
    let adas_run = RunCredentials::new(app.engine.vault().clone(), ada.id.clone());
    let opened = adas_run.get(&meta).await.unwrap();
    assert_eq!(
        opened.secret.bearer().unwrap().expose(),
        "sk-ada-only-0123456789"
    );

    // Ada's is still there after Bob's delete.
    call(&app, "GET", &one, &ada.token, None).await.expect(200);
}

#[tokio::test]
async fn api_keys_reach_credentials_only_with_the_routes_permission() {
    let app =
        TestApp::start_with_config_and_accounts(keyed(), Auth::Accounts(Default::default())).await;
    let accounts = app.accounts().await;
    let ada = sign_up(&app, &accounts, "ada@example.com").await;
    let runner = api_key(&app, &accounts, &ada, "EXECUTE_GRAPH,READ_GRAPH").await;
    let reader = api_key(&app, &accounts, &ada, "READ_INTEGRATIONS").await;
    let manager = api_key(&app, &accounts, &ada, "MANAGE_INTEGRATIONS").await;
    let deleter = api_key(&app, &accounts, &ada, "DELETE_INTEGRATIONS").await;
    let list = "/api/integrations/credentials";
    let create = "/api/integrations/openai/credentials";

    let denied = call(&app, "GET", list, &runner, None)
        .await
        .expect_error(403, "permission_denied");
    assert_eq!(denied["details"]["permission"], "READ_INTEGRATIONS");
    let denied = call(&app, "POST", create, &reader, Some(api_key_body("sk-1")))
        .await
        .expect_error(403, "permission_denied");
    assert_eq!(denied["details"]["permission"], "MANAGE_INTEGRATIONS");
    assert_eq!(
        call(&app, "GET", list, &ada.token, None).await.expect(200),
        json!([]),
        "a refused create stores nothing"
    );

    let created = call(&app, "POST", create, &manager, Some(api_key_body("sk-2")))
        .await
        .expect(201);
    let one = format!("{create}/{}", created["id"].as_str().unwrap());
    // The key acts as its user: the session sees what the key stored.
    let listed = call(&app, "GET", list, &reader, None).await.expect(200);
    assert_eq!(listed.as_array().unwrap().len(), 1);
    call(&app, "GET", list, &ada.token, None).await.expect(200);

    // Starting an OAuth2 login changes state: it needs MANAGE_INTEGRATIONS, not READ.
    let login = "/api/integrations/github/login";
    let denied = call(&app, "GET", login, &reader, None)
        .await
        .expect_error(403, "permission_denied");
    assert_eq!(denied["details"]["permission"], "MANAGE_INTEGRATIONS");
    call(&app, "GET", login, &manager, None)
        .await
        .expect_error(400, "oauth_not_configured");

    for key in [&reader, &manager] {
        let denied = call(&app, "DELETE", &one, key, None)
            .await
            .expect_error(403, "permission_denied");
        assert_eq!(denied["details"]["permission"], "DELETE_INTEGRATIONS");
    }
    call(&app, "DELETE", &one, &deleter, None).await.expect(200);
    call(&app, "GET", &one, &ada.token, None)
        .await
        .expect_error(404, "not_found");
}
