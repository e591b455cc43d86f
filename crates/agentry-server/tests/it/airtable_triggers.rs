//! The Airtable webhook trigger end to end, against a wiremock Airtable on 127.0.0.1: saving a
//! graph with the trigger creates a webhook on the base for the data types its filter chooses;
//! a notification MAC'd (`X-Airtable-Content-MAC`) with the base64-decoded secret Airtable
//! issued has its payloads fetched from the hook's cursor, starts a run with them on the
//! trigger's pins and moves the cursor on; one with a wrong or no MAC gets 401 and fetches
//! nothing; a failed fetch answers 502 and leaves the cursor; deleting the graph removes the
//! webhook.

use base64::Engine;
use hmac::{Hmac, Mac};
use serde_json::{Value, json};
use sha2::Sha256;
use wiremock::matchers::{header, method, path, query_param};
use wiremock::{Mock, MockServer, ResponseTemplate};

use crate::support::{OUTPUT, graph};
use crate::trigger_app;

const AIRTABLE_TRIGGER: &str = "d0180ce6-ccb9-48c7-8256-b39e93e62801";
const KEY: &str = "pat_airtable_trigger_test";
/// What Airtable issues: base64 of the MAC key's bytes.
const MAC_SECRET: &str = "YWlydGFibGUtbWFjLWtleS10aGlydHktdHdvLWJ5dGU=";
const PAYLOADS: &str = "/v0/bases/appE2E/webhooks/achE2E/payloads";

/// The trigger watching record data of one table, each payload's transaction as an output.
fn trigger_graph(credential: &str) -> Value {
    graph(
        "base watcher",
        &[
            ("payload", OUTPUT, json!({"name": "payload"})),
            (
                "t",
                AIRTABLE_TRIGGER,
                json!({"base_id": "appE2E", "table_id_or_name": "tblE2E",
                    "events": {"tableData": true, "tableFields": false, "tableMetadata": false},
                    "credentials": {"id": credential, "provider": "airtable", "type": "api_key"}}),
            ),
        ],
        &[("t", "payload", "payload", "value")],
    )
}

fn mac(secret_base64: &str, body: &str) -> String {
    let key = base64::engine::general_purpose::STANDARD
        .decode(secret_base64)
        .unwrap();
    let mut mac = Hmac::<Sha256>::new_from_slice(&key).unwrap();
    mac.update(body.as_bytes());
    format!("hmac-sha256={}", hex::encode(mac.finalize().into_bytes()))
}

async fn deliver(url: &str, mac: Option<&str>, body: &str) -> (u16, Value) {
    let headers: Vec<_> = mac
        .map(|m| ("x-airtable-content-mac", m))
        .into_iter()
        .collect();
    trigger_app::deliver(url, &headers, body).await
}

fn record_change(transaction: i64) -> Value {
    json!({"timestamp": "2026-12-03T21:00:00.000Z", "baseTransactionNumber": transaction,
        "actionMetadata": {"source": "client", "sourceMetadata": {"user": {
            "id": "usrE2E", "email": "ada@example.com", "permissionLevel": "create"}}},
        "payloadFormat": "v0",
        "changedTablesById": {"tblE2E": {"changedRecordsById": {"recE2E": {
            "current": {"cellValuesByFieldId": {"fldE2E": "new"}}}}}}})
}

async fn payloads_answer(airtable: &MockServer, cursor: &str, body: Value) {
    Mock::given(method("GET"))
        .and(path(PAYLOADS))
        .and(query_param("cursor", cursor))
        .and(header("authorization", format!("Bearer {KEY}").as_str()))
        .respond_with(ResponseTemplate::new(200).set_body_json(body))
        .mount(airtable)
        .await;
}

async fn fetches(airtable: &MockServer) -> usize {
    let requests = airtable.received_requests().await.unwrap();
    requests.iter().filter(|r| r.url.path() == PAYLOADS).count()
}

#[tokio::test]
async fn an_airtable_trigger_registers_fetches_payloads_by_cursor_and_removes_its_webhook() {
    let airtable = MockServer::start().await;
    Mock::given(method("POST"))
        .and(path("/v0/bases/appE2E/webhooks"))
        .and(header("authorization", format!("Bearer {KEY}").as_str()))
        .respond_with(
            ResponseTemplate::new(200).set_body_json(json!({"id": "achE2E",
            "macSecretBase64": MAC_SECRET, "expirationTime": "2026-12-10T21:00:00.000Z"})),
        )
        .expect(1)
        .mount(&airtable)
        .await;
    Mock::given(method("DELETE"))
        .and(path("/v0/bases/appE2E/webhooks/achE2E"))
        .respond_with(ResponseTemplate::new(204))
        .expect(1)
        .mount(&airtable)
        .await;
    payloads_answer(
        &airtable,
        "1",
        json!({"payloads": [record_change(7), record_change(8)], "cursor": 3,
            "mightHaveMore": false, "payloadFormat": "v0"}),
    )
    .await;
    // The first read from cursor 3 fails; the next finds nothing new.
    Mock::given(method("GET"))
        .and(path(PAYLOADS))
        .and(query_param("cursor", "3"))
        .respond_with(ResponseTemplate::new(503))
        .up_to_n_times(1)
        .with_priority(1)
        .mount(&airtable)
        .await;
    payloads_answer(
        &airtable,
        "3",
        json!({"payloads": [], "cursor": 3, "mightHaveMore": false, "payloadFormat": "v0"}),
    )
    .await;
    let app = trigger_app::app("airtable", &airtable).await;
    let credential = trigger_app::api_key_credential(&app, "airtable", KEY).await;
    let saved = app.create_graph(&trigger_graph(&credential)).await;
    let graph_id = saved["id"].as_str().unwrap().to_string();

    // The webhook asked for notifies this server's ingress of the table's record data.
    let (sent, url) =
        trigger_app::hook_request(&app, &airtable, "airtable", "/notificationUrl").await;
    assert_eq!(
        sent["specification"],
        json!({"options": {"filters": {"dataTypes": ["tableData"],
            "recordChangeScope": "tblE2E"}}})
    );

    let ping = json!({"base": {"id": "appE2E"}, "webhook": {"id": "achE2E"},
        "timestamp": "2026-12-03T21:00:01.000Z"})
    .to_string();
    // A wrong MAC, one keyed with the base64 text, or none: refused, nothing fetched.
    let text_keyed = mac(
        &base64::engine::general_purpose::STANDARD.encode(MAC_SECRET),
        &ping,
    );
    for wrong in [Some("hmac-sha256=00ff"), Some(text_keyed.as_str()), None] {
        let (status, answer) = deliver(&url, wrong, &ping).await;
        assert_eq!(status, 401, "{answer}");
        assert_eq!(answer["error"]["code"], "invalid_signature");
    }
    assert_eq!(fetches(&airtable).await, 0);

    // A genuine notification: the payloads from cursor 1 run, one `payload` output each.
    let delivered = deliver(&url, Some(&mac(MAC_SECRET, &ping)), &ping).await;
    let done = trigger_app::started_run(&app, &graph_id, delivered, "notification").await;
    let outputs = done["outputs"]["payload"].as_array().unwrap();
    let transactions: Vec<&Value> = outputs
        .iter()
        .map(|p| &p["baseTransactionNumber"])
        .collect();
    assert_eq!(transactions, [&json!(7), &json!(8)], "{done}");
    assert_eq!(
        outputs[0]["changedTablesById"],
        record_change(7)["changedTablesById"]
    );

    // The cursor moved to 3: Airtable failing there answers 502 and leaves it, so the next
    // notification reads from 3 again, finds nothing new, and nothing starts.
    let (status, answer) = deliver(&url, Some(&mac(MAC_SECRET, &ping)), &ping).await;
    assert_eq!(status, 502, "{answer}");
    assert_eq!(answer["error"]["code"], "trigger_fetch_failed");
    let (status, answer) = deliver(&url, Some(&mac(MAC_SECRET, &ping)), &ping).await;
    assert_eq!(
        (status, answer["outcome"].clone()),
        (200, json!("ignored")),
        "{answer}"
    );
    assert_eq!(answer["execution"], Value::Null);
    let cursors: Vec<String> = airtable
        .received_requests()
        .await
        .unwrap()
        .iter()
        .filter(|r| r.url.path() == PAYLOADS)
        .map(|r| r.url.query().unwrap_or_default().to_string())
        .collect();
    assert_eq!(cursors, ["cursor=1", "cursor=3", "cursor=3"]);

    // A signed body that is not a notification is malformed, and fetches nothing.
    let odd = json!({"hello": "world"}).to_string();
    let (status, answer) = deliver(&url, Some(&mac(MAC_SECRET, &odd)), &odd).await;
    assert_eq!(status, 400, "{answer}");
    assert_eq!(answer["error"]["code"], "invalid_delivery");
    assert_eq!(fetches(&airtable).await, 3);

    app.delete(&format!("/api/graphs/{graph_id}"))
        .await
        .expect(200);
    let (status, _) = deliver(&url, Some(&mac(MAC_SECRET, &ping)), &ping).await;
    assert_eq!(status, 404, "the webhook is gone");
    // `expect(1)` of the create and delete mocks is checked when the server drops.
}
