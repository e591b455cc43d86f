//! The Exa webset trigger end to end, against a wiremock Exa on 127.0.0.1: saving a graph with
//! the trigger creates a webhook on Exa for the events its filter chooses, a delivery signed
//! (`Exa-Signature`) with the secret Exa answered with starts a run with the event on the
//! trigger's pins, one signed with anything else gets 401, an event the node did not choose is
//! ignored, and deleting the graph removes the webhook.

use std::time::{SystemTime, UNIX_EPOCH};

use hmac::{Hmac, Mac};
use serde_json::{Value, json};
use sha2::Sha256;
use wiremock::matchers::{body_partial_json, header, method, path};
use wiremock::{Mock, MockServer, ResponseTemplate};

use crate::support::{OUTPUT, graph};
use crate::trigger_app;

const WEBSET_TRIGGER: &str = "d0204ed8-8b81-408d-8b8d-ed087a546228";
const KEY: &str = "exa_trigger_test_key";
const EXA_SECRET: &str = "whsec_issued_by_exa";

/// The webset trigger choosing only item creation, its event type and webset as outputs.
fn trigger_graph(credential: &str) -> Value {
    graph(
        "webset watcher",
        &[
            ("event", OUTPUT, json!({"name": "event"})),
            ("webset", OUTPUT, json!({"name": "webset"})),
            (
                "t",
                WEBSET_TRIGGER,
                json!({"event_filter": {"webset_created": false, "search_created": false,
                    "search_completed": false, "item_created": true, "item_enriched": false,
                    "export_completed": false, "import_completed": false},
                    "credentials": {"id": credential, "provider": "exa", "type": "api_key"}}),
            ),
        ],
        &[
            ("t", "event_type", "event", "value"),
            ("t", "webset_id", "webset", "value"),
        ],
    )
}

fn signature(secret: &str, body: &str) -> String {
    let t = SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .unwrap()
        .as_secs();
    let mut mac = Hmac::<Sha256>::new_from_slice(secret.as_bytes()).unwrap();
    mac.update(format!("{t}.{body}").as_bytes());
    format!("t={t},v1={}", hex::encode(mac.finalize().into_bytes()))
}

async fn deliver(url: &str, signature: &str, body: &str) -> (u16, Value) {
    trigger_app::deliver(url, &[("exa-signature", signature)], body).await
}

#[tokio::test]
async fn a_webset_trigger_registers_its_webhook_runs_on_signed_deliveries_and_removes_it() {
    let exa = MockServer::start().await;
    Mock::given(method("POST"))
        .and(path("/websets/v0/webhooks"))
        .and(header("authorization", format!("Bearer {KEY}").as_str()))
        .and(body_partial_json(json!({"events": ["webset.item.created"],
            "metadata": {"resource": "", "webhook_type": "webset"}})))
        .respond_with(
            ResponseTemplate::new(200).set_body_json(json!({"id": "whk_42",
            "object": "webhook", "status": "active", "events": ["webset.item.created"],
            "url": "x", "secret": EXA_SECRET, "metadata": {},
            "createdAt": "2025-06-01T10:00:00Z", "updatedAt": "2025-06-01T10:00:00Z"})),
        )
        .expect(1)
        .mount(&exa)
        .await;
    Mock::given(method("DELETE"))
        .and(path("/websets/v0/webhooks/whk_42"))
        .respond_with(ResponseTemplate::new(200).set_body_json(json!({"id": "whk_42"})))
        .expect(1)
        .mount(&exa)
        .await;
    let app = trigger_app::app("exa", &exa).await;
    let credential = trigger_app::api_key_credential(&app, "exa", KEY).await;
    let saved = app.create_graph(&trigger_graph(&credential)).await;
    let graph_id = saved["id"].as_str().unwrap().to_string();

    // The webhook Exa was asked for delivers to this server's ingress.
    let (_, url) = trigger_app::hook_request(&app, &exa, "exa", "/url").await;

    // A delivery signed with Exa's secret starts a run with the event on the trigger's pins.
    let body = json!({"id": "evt_1", "object": "event", "type": "webset.item.created",
        "data": {"id": "witem_1", "object": "webset_item", "websetId": "ws_7"},
        "createdAt": "2025-06-01T10:00:00Z"})
    .to_string();
    let delivered = deliver(&url, &signature(EXA_SECRET, &body), &body).await;
    let done = trigger_app::started_run(&app, &graph_id, delivered, "webset.item.created").await;
    assert_eq!(
        done["outputs"]["event"],
        json!(["webset.item.created"]),
        "{done}"
    );
    assert_eq!(done["outputs"]["webset"], json!(["ws_7"]), "{done}");

    // Signed with anything but Exa's secret, or not at all: refused, nothing starts.
    let (status, answer) = deliver(&url, &signature("not exa's", &body), &body).await;
    assert_eq!(status, 401, "{answer}");
    assert_eq!(answer["error"]["code"], "invalid_signature");
    let (status, _) = deliver(&url, "", &body).await;
    assert_eq!(status, 401);

    // An event the node did not choose is taken and ignored.
    let other = body.replace("webset.item.created", "webset.item.enriched");
    let (status, answer) = deliver(&url, &signature(EXA_SECRET, &other), &other).await;
    assert_eq!(
        (status, answer["outcome"].clone()),
        (200, json!("ignored")),
        "{answer}"
    );
    assert_eq!(
        answer["execution"],
        Value::Null,
        "nothing started: {answer}"
    );

    app.delete(&format!("/api/graphs/{graph_id}"))
        .await
        .expect(200);
    let (status, _) = deliver(&url, &signature(EXA_SECRET, &body), &body).await;
    assert_eq!(status, 404, "the webhook is gone");
    // `expect(1)` of each mock is checked when the server drops: one webhook made, one removed.
}
