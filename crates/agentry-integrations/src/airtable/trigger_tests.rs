//! The Airtable webhook trigger: the block on fetched pages shaped as Airtable answers them,
//! and the webhook's creation, removal, notification check and payload fetch (paged by cursor)
//! against a wiremock Airtable.

use agentry_core::testing::run_block_with;
use agentry_core::webhooks::{Delivery, DeliveryRefusal, Subscription, WebhookProvider};
use base64::Engine;
use hmac::{Hmac, Mac};
use serde_json::{Map, Value, json};
use sha2::Sha256;
use wiremock::matchers::{body_json, header, method, path, query_param};
use wiremock::{Mock, MockServer, ResponseTemplate};

use super::trigger::{AirtableWebhookTrigger, BLOCK_ID};
use super::webhook::{
    AirtableWebhooks, DeliveryError, deregister, fetch_payloads, register, verify_delivery,
};
use crate::testing::{api_key, error_of, meta, recorder};

const KEY: &str = "pat-trigger";
/// 32 bytes, base64: the MAC key is these bytes, not the base64 text.
const MAC_SECRET: &str = "c2VjcmV0LWtleS1vZi10aGlydHktdHdvLWJ5dGVzISE=";

/// AutoGPT's example payload (its block's `test_input`).
fn example_payload() -> Value {
    json!({"timestamp": "2022-02-01T21:25:05.663Z", "baseTransactionNumber": 4,
        "actionMetadata": {"source": "client", "sourceMetadata": {"user": {
            "id": "usr00000000000000", "email": "foo@bar.com", "permissionLevel": "create"}}},
        "payloadFormat": "v0"})
}

fn node(payload: Value) -> Value {
    json!({"credentials": meta("airtable", "api_key"), "base_id": "app1234567890",
        "table_id_or_name": "table1234567890",
        "events": {"tableData": true, "tableFields": true, "tableMetadata": false},
        "payload": payload})
}

#[tokio::test]
async fn the_block_yields_each_payload_as_autogpt_does() {
    let server = MockServer::start().await;
    let rec = || recorder(&server, api_key("airtable", KEY));
    let page = json!({"payloads": [example_payload()], "cursor": 5, "mightHaveMore": false});
    let out = run_block_with(AirtableWebhookTrigger, node(page), rec()).await;
    // AutoGPT's test_output: the payload as its `WebhookPayload` model, unset fields null.
    let mut expected = example_payload();
    for key in [
        "changedTablesById",
        "createdTablesById",
        "destroyedTableIds",
        "error",
        "code",
    ] {
        expected[key] = Value::Null;
    }
    assert_eq!(out, vec![("payload".to_string(), expected)]);

    let mut second = example_payload();
    second["baseTransactionNumber"] = json!(5);
    second["changedTablesById"] = json!({"tbl1": {"changedRecordsById": {}}});
    let page = json!({"payloads": [example_payload(), second], "cursor": 6});
    let out = run_block_with(AirtableWebhookTrigger, node(page), rec()).await;
    assert_eq!(out.len(), 2);
    assert_eq!(out[1].1["baseTransactionNumber"], 5);
    assert_eq!(
        out[1].1["changedTablesById"]["tbl1"],
        json!({"changedRecordsById": {}})
    );

    let out = run_block_with(AirtableWebhookTrigger, node(json!({"payloads": []})), rec()).await;
    assert_eq!(error_of(&out), "No valid payloads found in webhook payload");
    let out = run_block_with(AirtableWebhookTrigger, node(json!({})), rec()).await;
    assert_eq!(error_of(&out), "No valid payloads found in webhook payload");
    // A malformed payload stops the run after those before it.
    let page = json!({"payloads": [example_payload(), {"timestamp": "t"}]});
    let out = run_block_with(AirtableWebhookTrigger, node(page), rec()).await;
    assert_eq!(out[0].0, "payload");
    assert!(
        error_of(&out).starts_with("Airtable webhook payload 1 is malformed"),
        "{out:?}"
    );
}

#[test]
fn a_nodes_inputs_name_its_subscription() {
    let provider = AirtableWebhooks;
    let mut input: Map<String, Value> = serde_json::from_value(node(json!({}))).unwrap();
    assert!(provider.trigger("not-airtable", &input).is_none());
    let Some(Subscription::Ready(spec)) = provider.trigger(BLOCK_ID, &input) else {
        panic!("a chosen credential, base, table and events subscribe");
    };
    assert_eq!(spec.resource, "app1234567890/table1234567890");
    assert_eq!(spec.events, ["tableData", "tableFields"]);
    assert_eq!(spec.credentials.provider.as_deref(), Some("airtable"));
    // Without a filter, every data type (AutoGPT's defaults are all true).
    input.remove("events");
    let Some(Subscription::Ready(spec)) = provider.trigger(BLOCK_ID, &input) else {
        panic!("the default filter subscribes");
    };
    assert_eq!(spec.events, ["tableData", "tableFields", "tableMetadata"]);
    input.insert(
        "events".into(),
        json!({"tableData": false, "tableFields": false, "tableMetadata": false}),
    );
    assert_eq!(
        provider.trigger(BLOCK_ID, &input),
        Some(Subscription::Incomplete("no event is chosen".into()))
    );
    input.insert("table_id_or_name".into(), json!(" "));
    assert_eq!(
        provider.trigger(BLOCK_ID, &input),
        Some(Subscription::Incomplete(
            "no base or table is chosen".into()
        ))
    );
    input.insert("base_id".into(), json!("app1/x"));
    assert!(matches!(
        provider.trigger(BLOCK_ID, &input),
        Some(Subscription::Invalid(_))
    ));
    input.remove("credentials");
    input.insert("base_id".into(), json!("app1"));
    assert_eq!(
        provider.trigger(BLOCK_ID, &input),
        Some(Subscription::Incomplete(
            "no Airtable credentials are chosen".into()
        ))
    );
}

fn mac(body: &[u8]) -> String {
    let key = base64::engine::general_purpose::STANDARD
        .decode(MAC_SECRET)
        .unwrap();
    let mut mac = Hmac::<Sha256>::new_from_slice(&key).unwrap();
    mac.update(body);
    format!("hmac-sha256={}", hex::encode(mac.finalize().into_bytes()))
}

fn ping() -> String {
    json!({"base": {"id": "appX"}, "webhook": {"id": "achW"},
        "timestamp": "2026-12-03T21:00:00.000Z"})
    .to_string()
}

#[test]
fn notifications_are_checked_by_their_mac() {
    let body = ping();
    let body = body.as_bytes();
    let ping = verify_delivery(MAC_SECRET, Some(&mac(body)), body).unwrap();
    assert_eq!(ping["webhook"]["id"], "achW");
    // Keyed with the base64 text itself (AutoGPT's reading) it does not match.
    let mut text_keyed = Hmac::<Sha256>::new_from_slice(MAC_SECRET.as_bytes()).unwrap();
    text_keyed.update(body);
    let text_keyed = format!(
        "hmac-sha256={}",
        hex::encode(text_keyed.finalize().into_bytes())
    );
    let tampered = body.iter().copied().rev().collect::<Vec<u8>>();
    let cases: [(Option<String>, &[u8], DeliveryError); 5] = [
        (None, body, DeliveryError::MissingMac),
        (Some(" ".into()), body, DeliveryError::MissingMac),
        (Some("sha1=00".into()), body, DeliveryError::MalformedMac),
        (Some(text_keyed), body, DeliveryError::BadMac),
        (Some(mac(body)), &tampered, DeliveryError::BadMac),
    ];
    for (header, body, error) in cases {
        assert_eq!(
            verify_delivery(MAC_SECRET, header.as_deref(), body),
            Err(error)
        );
    }
    for (bad, error) in [
        (json!({"base": {"id": "a"}}), DeliveryError::Structure),
        (
            json!({"base": {}, "webhook": {"id": "w"}, "timestamp": "t"}),
            DeliveryError::MissingIds,
        ),
    ] {
        let bad = bad.to_string();
        assert_eq!(
            verify_delivery(MAC_SECRET, Some(&mac(bad.as_bytes())), bad.as_bytes()),
            Err(error)
        );
    }
    // Through the provider: a wrong MAC is unauthorized, a bad shape malformed.
    let provider = AirtableWebhooks;
    let header = |_: &str| Some("hmac-sha256=00".to_string());
    assert!(matches!(
        provider.verify(MAC_SECRET, &header, body),
        Err(DeliveryRefusal::Unauthorized(_))
    ));
    let odd = b"[]";
    let header = |_: &str| Some(mac(odd));
    assert!(matches!(
        provider.verify(MAC_SECRET, &header, odd),
        Err(DeliveryRefusal::Malformed(_))
    ));
    let signed = mac(body);
    let header = |name: &str| (name == "x-airtable-content-mac").then(|| signed.clone());
    let delivery = provider.verify(MAC_SECRET, &header, body).unwrap();
    assert_eq!(delivery.event_type, "notification");
}

fn creds() -> agentry_core::CredentialsMeta {
    serde_json::from_value(meta("airtable", "api_key")).unwrap()
}

#[tokio::test]
async fn webhooks_are_created_with_airtables_secret_and_removed() {
    let server = MockServer::start().await;
    let url = "https://agentry.example/api/integrations/airtable/webhooks/w1/ingress";
    Mock::given(method("POST"))
        .and(path("/v0/bases/appX/webhooks"))
        .and(header("authorization", format!("Bearer {KEY}").as_str()))
        .and(body_json(
            json!({"notificationUrl": url, "specification": {"options": {
            "filters": {"dataTypes": ["tableData"], "recordChangeScope": "tblT"}}}}),
        ))
        .respond_with(
            ResponseTemplate::new(200).set_body_json(json!({"id": "achW",
            "macSecretBase64": MAC_SECRET, "expirationTime": "2026-12-10T21:00:00.000Z"})),
        )
        .expect(1)
        .mount(&server)
        .await;
    // A table by name cannot scope the webhook: the whole base is watched.
    Mock::given(method("POST"))
        .and(path("/v0/bases/appY/webhooks"))
        .and(body_json(
            json!({"notificationUrl": url, "specification": {"options": {
            "filters": {"dataTypes": ["tableData", "tableFields"]}}}}),
        ))
        .respond_with(
            ResponseTemplate::new(200)
                .set_body_json(json!({"id": "achY", "macSecretBase64": MAC_SECRET})),
        )
        .expect(1)
        .mount(&server)
        .await;
    Mock::given(method("DELETE"))
        .and(path("/v0/bases/appX/webhooks/achW"))
        .respond_with(ResponseTemplate::new(204))
        .expect(1)
        .mount(&server)
        .await;
    Mock::given(method("DELETE"))
        .and(path("/v0/bases/appX/webhooks/gone"))
        .respond_with(ResponseTemplate::new(404).set_body_json(
            json!({"error": {"type": "NOT_FOUND", "message": "Could not find webhook"}}),
        ))
        .expect(1)
        .mount(&server)
        .await;
    let mut rec = recorder(&server, api_key("airtable", KEY));
    let mut cx = agentry_core::Cx::<Value>::new(&mut rec);
    let hook = register(&mut cx, &creds(), "appX/tblT", &["tableData".into()], url)
        .await
        .unwrap();
    assert_eq!(hook.id, "achW");
    assert_eq!(hook.secret.unwrap().expose(), MAC_SECRET);
    // The secret is kept sealed by the platform, never in the hook's plain config.
    assert_eq!(
        Value::Object(hook.config),
        json!({"webhook_id": "achW", "base_id": "appX", "table_id_or_name": "tblT",
            "events": ["tableData"], "cursor": 1,
            "expiration_time": "2026-12-10T21:00:00.000Z"})
    );
    let types = ["tableData".to_string(), "tableFields".into()];
    let hook = register(&mut cx, &creds(), "appY/Tickets", &types, url)
        .await
        .unwrap();
    assert_eq!(hook.id, "achY");
    deregister(&mut cx, &creds(), "appX/tblT", "achW")
        .await
        .unwrap();
    deregister(&mut cx, &creds(), "appX/tblT", "gone")
        .await
        .unwrap();
    let error = register(&mut cx, &creds(), "appX", &types, url)
        .await
        .unwrap_err();
    assert!(
        error.to_string().contains("{base_id}/{table_id_or_name}"),
        "{error}"
    );
}

#[tokio::test]
async fn refusals_of_airtable_say_why() {
    let server = MockServer::start().await;
    Mock::given(method("POST"))
        .and(path("/v0/bases/appX/webhooks"))
        .respond_with(ResponseTemplate::new(422).set_body_json(json!({"error": {
            "type": "INVALID_REQUEST_UNKNOWN", "message": "Invalid request: notificationUrl"}})))
        .mount(&server)
        .await;
    Mock::given(method("GET"))
        .and(path("/v0/bases/appX/webhooks/achW/payloads"))
        .respond_with(ResponseTemplate::new(401).set_body_json(json!({"error": {
            "type": "AUTHENTICATION_REQUIRED", "message": "Authentication required"}})))
        .mount(&server)
        .await;
    // A 429 is retried after Retry-After, then given up as a system error.
    Mock::given(method("GET"))
        .and(path("/v0/bases/appR/webhooks/achW/payloads"))
        .respond_with(ResponseTemplate::new(429).insert_header("retry-after", "0"))
        .expect(3)
        .mount(&server)
        .await;
    let mut rec = recorder(&server, api_key("airtable", KEY));
    let mut cx = agentry_core::Cx::<Value>::new(&mut rec);
    let error = register(
        &mut cx,
        &creds(),
        "appX/tblT",
        &["tableData".into()],
        "http://x",
    )
    .await
    .unwrap_err();
    assert!(
        error
            .to_string()
            .starts_with("Failed to create Airtable webhook: airtable rejected the request (422)"),
        "{error}"
    );
    let error = fetch_payloads(&mut cx, &creds(), "appX", "achW", 1)
        .await
        .unwrap_err();
    assert!(
        error
            .to_string()
            .contains("airtable refused the credentials (401)"),
        "{error}"
    );
    let error = fetch_payloads(&mut cx, &creds(), "appR", "achW", 1)
        .await
        .unwrap_err();
    assert!(
        matches!(error, agentry_core::BlockError::System(_)) && error.to_string().contains("rate"),
        "{error}"
    );
}

#[tokio::test]
async fn payloads_are_fetched_from_the_stored_cursor_page_by_page() {
    let server = MockServer::start().await;
    let at = "/v0/bases/appX/webhooks/achW/payloads";
    let mut second = example_payload();
    second["baseTransactionNumber"] = json!(5);
    for (cursor, payloads, next, more) in [
        ("3", vec![example_payload()], 4, true),
        ("4", vec![second.clone()], 5, false),
    ] {
        Mock::given(method("GET"))
            .and(path(at))
            .and(query_param("cursor", cursor))
            .and(header("authorization", format!("Bearer {KEY}").as_str()))
            .respond_with(ResponseTemplate::new(200).set_body_json(json!({
                "payloads": payloads, "cursor": next, "mightHaveMore": more,
                "payloadFormat": "v0"})))
            .expect(1)
            .mount(&server)
            .await;
    }
    let mut rec = recorder(&server, api_key("airtable", KEY));
    let provider = AirtableWebhooks;
    let input: Map<String, Value> = serde_json::from_value(node(json!({}))).unwrap();
    let Some(Subscription::Ready(spec)) = provider.trigger(BLOCK_ID, &input) else {
        panic!("subscribes");
    };
    let config: Map<String, Value> = serde_json::from_value(json!({"webhook_id": "achW",
        "base_id": "appX", "cursor": 3}))
    .unwrap();
    let ping = Delivery {
        payload: serde_json::from_str(&ping()).unwrap(),
        event_type: "notification".into(),
    };
    let fetched = provider
        .fetch(&mut rec, &spec, &config, ping)
        .await
        .unwrap();
    assert_eq!(
        Value::Object(fetched.delivery.payload.clone()),
        json!({"payloads": [example_payload(), second], "cursor": 5, "mightHaveMore": false,
            "payloadFormat": "v0"})
    );
    assert_eq!(fetched.config.unwrap()["cursor"], 5);
    assert!(provider.wants(&spec, &fetched.delivery));
    let nothing = Delivery {
        payload: serde_json::from_value(json!({"payloads": []})).unwrap(),
        event_type: "notification".into(),
    };
    assert!(!provider.wants(&spec, &nothing));
}
