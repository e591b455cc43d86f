//! The set-up the provider trigger tests share (`github_triggers`, `exa_triggers`,
//! `airtable_triggers`): an app whose provider API is a wiremock server on 127.0.0.1, an API
//! key credential of that provider, the hook the provider was asked for, a delivery posted to
//! its ingress (`webhooks` posts through it too) and the run a delivery started.

use std::sync::Arc;

use agentry_blocks::http::{HttpSettings, OutboundHttp};
use agentry_core::Resources;
use agentry_engine::Config;
use agentry_engine::integrations::{CredentialSettings, Keyring};
use agentry_integrations::IntegrationSettings;
use serde_json::{Value, json};
use wiremock::MockServer;

use crate::support::TestApp;

/// An app with the integration blocks and webhook providers, the base URL `base_key` pointing
/// at `provider`, private networks allowed (the mock is on 127.0.0.1) and one attempt per
/// call, so that a refusal shows at once.
pub async fn app(base_key: &str, provider: &MockServer) -> TestApp {
    let keyring = Keyring::parse(&[Keyring::generate_spec("k1")]).unwrap();
    let mut settings = IntegrationSettings::default().with_base(base_key, &provider.uri());
    settings.retry.max_attempts = 1;
    let config = Config {
        credentials: CredentialSettings {
            keyring: Some(Arc::new(keyring)),
            ..CredentialSettings::default()
        },
        resources: Arc::new(
            Resources::new()
                .with(
                    OutboundHttp::new(HttpSettings {
                        allow_private_networks: true,
                        ..HttpSettings::default()
                    })
                    .unwrap(),
                )
                .with(settings)
                .with(agentry_integrations::webhook_providers()),
        ),
        ..Config::default()
    };
    let mut registry = agentry_blocks::registry();
    agentry_integrations::register(&mut registry);
    TestApp::start_with_registry(config, registry).await
}

/// The id of a new API key credential of `provider` holding `key`.
pub async fn api_key_credential(app: &TestApp, provider: &str, key: &str) -> String {
    let created = app
        .post_json(
            &format!("/api/integrations/{provider}/credentials"),
            &json!({"type": "api_key", "title": provider, "api_key": key}),
        )
        .await
        .expect(201);
    created["id"].as_str().unwrap().to_string()
}

/// The body of the one hook `mock` was asked to create, and the URL it delivers to (at
/// `url_pointer`, a JSON pointer), which must be this app's ingress for `provider`.
pub async fn hook_request(
    app: &TestApp,
    mock: &MockServer,
    provider: &str,
    url_pointer: &str,
) -> (Value, String) {
    let requests = mock.received_requests().await.unwrap();
    assert_eq!(requests.len(), 1);
    let sent: Value = serde_json::from_slice(&requests[0].body).unwrap();
    let url = sent
        .pointer(url_pointer)
        .unwrap()
        .as_str()
        .unwrap()
        .to_string();
    let prefix = format!(
        "http://{}/api/integrations/{provider}/webhooks/",
        app.addr()
    );
    assert!(
        url.starts_with(&prefix) && url.ends_with("/ingress"),
        "{url}"
    );
    (sent, url)
}

/// The run a delivery's `answer` (with its HTTP `status`) says started for `event_type`,
/// once it has finished completed.
pub async fn started_run(
    app: &TestApp,
    graph_id: &str,
    (status, answer): (u16, Value),
    event_type: &str,
) -> Value {
    assert_eq!(status, 200, "{answer}");
    assert_eq!(answer["event_type"], event_type);
    assert_eq!(answer["outcome"], "started");
    let run_id = answer["execution"]["id"].as_str().unwrap();
    let done = app
        .wait_for_status(graph_id, run_id, &["COMPLETED", "FAILED"])
        .await;
    assert_eq!(done["status"], "COMPLETED", "{done}");
    done
}

/// Posts `body` as JSON to an ingress `url` with `headers`; the status and the JSON answer
/// (null when there is none).
pub async fn deliver(url: &str, headers: &[(&str, &str)], body: &str) -> (u16, Value) {
    let mut request = reqwest::Client::builder()
        .no_proxy()
        .build()
        .unwrap()
        .post(url)
        .header("content-type", "application/json")
        .body(body.to_string());
    for (name, value) in headers {
        request = request.header(*name, *value);
    }
    let response = request.send().await.unwrap();
    let status = response.status().as_u16();
    (status, response.json().await.unwrap_or(Value::Null))
}
