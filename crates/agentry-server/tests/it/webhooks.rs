//! Webhook triggers over HTTP: a graph GenericWebhookTrigger → AgentOutput(payload) gets an
//! ingress URL; a POST to it runs the graph with the body as payload; a trigger with a secret
//! refuses requests without a valid signature.

use hmac::{Hmac, Mac};
use serde_json::{Value, json};
use sha2::Sha256;

use crate::support::{OUTPUT, TestApp, graph};
use crate::trigger_app;

const WEBHOOK: &str = "8fa8c167-2002-47ce-aba8-97572fc5d387";

async fn post(url: &str, body: &str, headers: &[(&str, String)]) -> (u16, Value) {
    let headers: Vec<(&str, &str)> = headers.iter().map(|(n, v)| (*n, v.as_str())).collect();
    trigger_app::deliver(url, &headers, body).await
}

/// Saves the trigger graph and returns (graph id, ingress URL).
async fn hooked(app: &TestApp, secret: Option<&str>) -> (String, String) {
    let trigger = match secret {
        Some(s) => json!({"secret_token": s}),
        None => json!({}),
    };
    let saved = app
        .create_graph(&graph(
            "hook",
            &[
                ("t", WEBHOOK, trigger),
                ("o", OUTPUT, json!({"name": "body"})),
            ],
            &[("t", "payload", "o", "value")],
        ))
        .await;
    let id = saved["id"].as_str().unwrap().to_string();
    let hooks = app
        .get(&format!("/api/graphs/{id}/webhooks"))
        .await
        .expect(200);
    let hooks = hooks.as_array().unwrap();
    assert_eq!(hooks.len(), 1, "{hooks:?}");
    let again = app
        .get(&format!("/api/graphs/{id}/webhooks"))
        .await
        .expect(200);
    assert_eq!(again[0]["id"], hooks[0]["id"], "the webhook id is stable");
    let url = hooks[0]["url"].as_str().unwrap().to_string();
    assert!(
        url.starts_with(&format!(
            "http://{}/api/integrations/generic_webhook/webhooks/",
            app.addr()
        )),
        "{url}"
    );
    (id, url)
}

#[tokio::test]
async fn a_post_to_the_ingress_runs_the_graph_with_the_payload() {
    let app = TestApp::start().await;
    let (id, url) = hooked(&app, None).await;
    let (status, run) = post(&url, r#"{"event": "push", "n": 3}"#, &[]).await;
    assert_eq!(status, 200, "{run}");
    assert_eq!(run["graph_id"], json!(id));
    let done = app
        .wait_for_status(&id, run["id"].as_str().unwrap(), &["COMPLETED", "FAILED"])
        .await;
    assert_eq!(done["status"], json!("COMPLETED"), "{done}");
    assert_eq!(
        done["outputs"],
        json!({"body": [{"event": "push", "n": 3}]})
    );

    let (status, body) = post(&url, "[1, 2]", &[]).await;
    assert_eq!(
        (status, &body["error"]["code"]),
        (400, &json!("invalid_json"))
    );
    let wrong = url.replace("/webhooks/", "/webhooks/0");
    assert_eq!(post(&wrong, "{}", &[]).await.0, 404);
}

#[tokio::test]
async fn a_secret_trigger_needs_a_valid_signature() {
    let app = TestApp::start().await;
    let (id, url) = hooked(&app, Some("s3cret")).await;
    let body = r#"{"ok": true}"#;

    let (status, e) = post(&url, body, &[]).await;
    assert_eq!(
        (status, &e["error"]["code"]),
        (401, &json!("invalid_signature"))
    );
    let bad = "sha256=".to_string() + &"00".repeat(32);
    assert_eq!(
        post(&url, body, &[("X-Webhook-Signature", bad)]).await.0,
        401
    );
    let wrong_secret = post(&url, body, &[("X-Webhook-Secret", "nope".into())]).await;
    assert_eq!(wrong_secret.0, 401);

    let mut mac = Hmac::<Sha256>::new_from_slice(b"s3cret").unwrap();
    mac.update(body.as_bytes());
    let hex: String = mac
        .finalize()
        .into_bytes()
        .iter()
        .map(|b| format!("{b:02x}"))
        .collect();
    let (status, run) = post(
        &url,
        body,
        &[("X-Webhook-Signature", format!("sha256={hex}"))],
    )
    .await;
    assert_eq!(status, 200, "{run}");
    let done = app
        .wait_for_status(&id, run["id"].as_str().unwrap(), &["COMPLETED", "FAILED"])
        .await;
    assert_eq!(done["outputs"], json!({"body": [{"ok": true}]}));
    let (status, _) = post(&url, body, &[("X-Webhook-Secret", "s3cret".into())]).await;
    assert_eq!(status, 200);
}
