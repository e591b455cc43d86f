//! The webset webhook block on deliveries shaped as Exa sends them, and the webhook's creation,
//! removal and delivery checks against a wiremock Exa.

use agentry_core::testing::run_block_with;
use agentry_core::webhooks::{Subscription, WebhookProvider};
use hmac::{Hmac, Mac};
use serde_json::{Map, Value, json};
use sha2::Sha256;
use wiremock::matchers::{body_json, header, method, path};
use wiremock::{Mock, MockServer, ResponseTemplate};

use super::webhook::{BLOCK_ID, ExaWebsetWebhook};
use super::webhook_provider::{
    DeliveryError, ExaWebhooks, deregister, register, subscribed_events, verify_delivery,
};
use crate::testing::{api_key, meta, recorder};

const KEY: &str = "exa-key";

fn input(mut v: Value) -> Value {
    v["credentials"] = meta("exa", "api_key");
    v
}

fn item_event() -> Value {
    json!({"id": "evt_1", "object": "event", "type": "webset.item.created",
        "data": {"id": "witem_1", "object": "webset_item", "websetId": "ws_1",
            "properties": {"type": "company", "url": "https://acme.example"}},
        "createdAt": "2025-06-01T10:00:00Z"})
}

#[tokio::test]
async fn a_delivery_becomes_pins_unless_its_filter_or_webset_says_otherwise() {
    let server = MockServer::start().await;
    let rec = || recorder(&server, api_key("exa", KEY));
    let out = run_block_with(
        ExaWebsetWebhook,
        input(json!({"payload": item_event()})),
        rec(),
    )
    .await;
    assert_eq!(
        out,
        vec![
            ("event_type".into(), json!("webset.item.created")),
            ("event_id".into(), json!("evt_1")),
            ("webset_id".into(), json!("ws_1")),
            ("data".into(), item_event()["data"].clone()),
            ("timestamp".into(), json!("2025-06-01T10:00:00Z")),
            ("metadata".into(), json!({}))
        ]
    );
    // A webset's own event names it by its id; AutoGPT's keys are read too.
    let out = run_block_with(
        ExaWebsetWebhook,
        input(
            json!({"payload": {"type": "webset.created", "data": {"id": "ws_9",
            "object": "webset"}, "createdAt": "t"}}),
        ),
        rec(),
    )
    .await;
    assert_eq!(out[2].1, "ws_9");
    let out = run_block_with(
        ExaWebsetWebhook,
        input(
            json!({"webset_id": "ws_2", "event_filter": {"webset_paused": true},
            "payload": {"eventType": "webset.paused", "eventId": "e", "occurredAt": "t2",
            "metadata": {"k": "v"}}}),
        ),
        rec(),
    )
    .await;
    assert_eq!(out[0].1, "webset.paused");
    assert_eq!(out[2].1, "ws_2");
    assert_eq!(out[4].1, "t2");
    assert_eq!(out[5].1, json!({"k": "v"}));
    // An event the filter leaves off yields nothing (webset.deleted is off by default); one
    // AutoGPT does not know is taken.
    let out = run_block_with(
        ExaWebsetWebhook,
        input(json!({"payload": {"type": "webset.deleted", "data": {"websetId": "ws_1"}}})),
        rec(),
    )
    .await;
    assert!(out.is_empty(), "{out:?}");
    let out = run_block_with(
        ExaWebsetWebhook,
        input(json!({"payload": {"type": "monitor.run.completed"}})),
        rec(),
    )
    .await;
    assert_eq!(out[0].1, "monitor.run.completed");
    // A node watching one webset yields nothing for another's events.
    let out = run_block_with(
        ExaWebsetWebhook,
        input(json!({"webset_id": "ws_other", "payload": item_event()})),
        rec(),
    )
    .await;
    assert!(out.is_empty(), "{out:?}");
}

#[test]
fn a_nodes_filter_names_its_subscription() {
    assert_eq!(
        subscribed_events(&Value::Null),
        [
            "webset.created",
            "webset.search.created",
            "webset.search.completed",
            "webset.item.created",
            "webset.item.enriched",
            "webset.export.completed",
            "import.completed"
        ]
    );
    let none = json!({"webset_created": false, "search_created": false,
        "search_completed": false, "item_created": false, "item_enriched": false,
        "export_completed": false, "import_completed": false, "import_processing": true});
    assert!(subscribed_events(&none).is_empty());
    let provider = ExaWebhooks;
    let mut node = Map::new();
    assert!(provider.trigger("not-exa", &node).is_none());
    assert_eq!(
        provider.trigger(BLOCK_ID, &node),
        Some(Subscription::Incomplete(
            "no Exa credentials are chosen".into()
        ))
    );
    node.insert("credentials".into(), meta("exa", "api_key"));
    node.insert("webset_id".into(), json!(" ws_1 "));
    node.insert("event_filter".into(), none);
    assert_eq!(
        provider.trigger(BLOCK_ID, &node),
        Some(Subscription::Incomplete("no event is chosen".into()))
    );
    node.insert("event_filter".into(), json!({"webset_idle": true}));
    let Some(Subscription::Ready(spec)) = provider.trigger(BLOCK_ID, &node) else {
        panic!("a chosen credential and events subscribe");
    };
    assert_eq!(spec.resource, "ws_1");
    assert!(spec.events.contains(&"webset.idle".to_string()));
}

fn sign(secret: &str, t: i64, body: &[u8]) -> String {
    let mut mac = Hmac::<Sha256>::new_from_slice(secret.as_bytes()).unwrap();
    mac.update(format!("{t}.").as_bytes());
    mac.update(body);
    hex::encode(mac.finalize().into_bytes())
}

#[test]
fn deliveries_are_checked_by_exas_signature() {
    let body = item_event().to_string();
    let body = body.as_bytes();
    let now = 1_750_000_000;
    let good = format!("t={now},v1={}", sign("whsec", now, body));
    let (payload, event) = verify_delivery("whsec", Some(&good), body, now + 10).unwrap();
    assert_eq!(event, "webset.item.created");
    assert_eq!(payload["data"]["id"], "witem_1");
    // Any of several v1 signatures may match (Exa rolling its secret).
    let two = format!("t={now},v1=00ff,v1={}", sign("whsec", now, body));
    assert!(verify_delivery("whsec", Some(&two), body, now).is_ok());
    let cases = [
        (None, DeliveryError::MissingSignature),
        (
            Some("v1=abcd".to_string()),
            DeliveryError::MalformedSignature,
        ),
        (Some(format!("t={now}")), DeliveryError::MalformedSignature),
        (
            Some(format!("t={now},v1={}", sign("other", now, body))),
            DeliveryError::BadSignature,
        ),
        // The signature covers the timestamp: one moved in the header no longer matches.
        (
            Some(format!("t={},v1={}", now + 1, sign("whsec", now, body))),
            DeliveryError::BadSignature,
        ),
        (
            Some(format!(
                "t={},v1={}",
                now - 301,
                sign("whsec", now - 301, body)
            )),
            DeliveryError::Stale,
        ),
    ];
    for (header, error) in cases {
        assert_eq!(
            verify_delivery("whsec", header.as_deref(), body, now),
            Err(error)
        );
    }
    let not_json = b"[1]";
    let signed = format!("t={now},v1={}", sign("whsec", now, not_json));
    assert_eq!(
        verify_delivery("whsec", Some(&signed), not_json, now),
        Err(DeliveryError::NotJson)
    );
}

#[tokio::test]
async fn webhooks_are_created_with_exas_secret_and_removed() {
    let server = MockServer::start().await;
    let url = "https://agentry.example/api/integrations/exa/webhooks/w1/ingress";
    Mock::given(method("POST"))
        .and(path("/websets/v0/webhooks"))
        .and(header("authorization", format!("Bearer {KEY}").as_str()))
        .and(body_json(json!({"url": url,
            "events": ["webset.created", "webset.item.created"],
            "metadata": {"resource": "ws_1", "webhook_type": "webset"}})))
        .respond_with(
            ResponseTemplate::new(200).set_body_json(json!({"id": "whk_1",
            "object": "webhook", "status": "active",
            "events": ["webset.created", "webset.item.created"], "url": url,
            "secret": "whsec_from_exa", "metadata": {"resource": "ws_1"},
            "createdAt": "2025-06-01T10:00:00Z", "updatedAt": "2025-06-01T10:00:00Z"})),
        )
        .expect(1)
        .mount(&server)
        .await;
    Mock::given(method("DELETE"))
        .and(path("/websets/v0/webhooks/whk_1"))
        .respond_with(ResponseTemplate::new(200).set_body_json(json!({"id": "whk_1"})))
        .expect(1)
        .mount(&server)
        .await;
    Mock::given(method("DELETE"))
        .and(path("/websets/v0/webhooks/gone"))
        .respond_with(ResponseTemplate::new(404).set_body_json(json!({"error": "Not found"})))
        .expect(1)
        .mount(&server)
        .await;
    let mut rec = recorder(&server, api_key("exa", KEY));
    let mut cx = agentry_core::Cx::<Value>::new(&mut rec);
    let creds: agentry_core::CredentialsMeta =
        serde_json::from_value(meta("exa", "api_key")).unwrap();
    let events = ["webset.created".to_string(), "webset.item.created".into()];
    let hook = register(&mut cx, &creds, "ws_1", &events, url)
        .await
        .unwrap();
    assert_eq!(hook.id, "whk_1");
    assert_eq!(hook.secret.unwrap().expose(), "whsec_from_exa");
    // The secret is kept sealed by the platform, never in the hook's plain config.
    assert_eq!(
        Value::Object(hook.config),
        json!({"events": events, "resource": "ws_1"})
    );
    deregister(&mut cx, &creds, "whk_1").await.unwrap();
    deregister(&mut cx, &creds, "gone").await.unwrap();
}

#[tokio::test]
async fn a_webhook_exa_refuses_says_why() {
    let server = MockServer::start().await;
    Mock::given(method("POST"))
        .and(path("/websets/v0/webhooks"))
        .respond_with(ResponseTemplate::new(400).set_body_json(json!({"error": "Invalid url"})))
        .mount(&server)
        .await;
    let mut rec = recorder(&server, api_key("exa", KEY));
    let mut cx = agentry_core::Cx::<Value>::new(&mut rec);
    let creds: agentry_core::CredentialsMeta =
        serde_json::from_value(meta("exa", "api_key")).unwrap();
    let error = register(&mut cx, &creds, "", &["webset.created".into()], "http://x")
        .await
        .unwrap_err();
    assert_eq!(
        error.to_string(),
        "Failed to create Exa webhook: exa rejected the request (400): Invalid url"
    );
}
