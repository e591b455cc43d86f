//! SendWebRequestBlock against wiremock on 127.0.0.1.

use agentry_core::Resources;
use agentry_core::testing::{Recorder, run_block, run_block_with};
use serde_json::{Value, json};
use wiremock::matchers::{body_json, body_string, header, method, path};
use wiremock::{Mock, MockServer, ResponseTemplate};

use super::*;
use crate::http::HttpSettings;

/// A run whose process allows private networks, so wiremock on 127.0.0.1 is reachable.
pub(crate) fn permissive() -> Recorder {
    let http = OutboundHttp::new(HttpSettings {
        allow_private_networks: true,
        ..Default::default()
    })
    .unwrap();
    Recorder {
        resources: Resources::new().with(http),
        ..Default::default()
    }
}

async fn send(input: Value) -> Vec<(String, Value)> {
    run_block_with(SendWebRequest, input, permissive()).await
}

#[tokio::test]
async fn json_in_json_out() {
    let server = MockServer::start().await;
    Mock::given(method("POST"))
        .and(path("/items"))
        .and(header("x-api-key", "k"))
        .and(body_json(json!({"name": "a", "n": 1})))
        .respond_with(ResponseTemplate::new(201).set_body_json(json!({"id": 7})))
        .expect(1)
        .mount(&server)
        .await;
    let out = send(json!({
        "url": format!("{}/items", server.uri()),
        "headers": {"x-api-key": "k"},
        "body": {"name": "a", "n": 1},
    }))
    .await;
    assert_eq!(out, vec![("response".into(), json!({"id": 7}))]);
}

#[tokio::test]
async fn text_bodies_forms_and_text_responses() {
    let server = MockServer::start().await;
    Mock::given(method("PUT"))
        .and(path("/raw"))
        .and(body_string("not json at all"))
        .respond_with(ResponseTemplate::new(200).set_body_string("plain answer"))
        .mount(&server)
        .await;
    Mock::given(method("POST"))
        .and(path("/form"))
        .and(header("content-type", "application/x-www-form-urlencoded"))
        .and(body_string("q=a+b&n=3&ok=True"))
        .respond_with(ResponseTemplate::new(200).set_body_string("form ok"))
        .mount(&server)
        .await;
    Mock::given(method("POST"))
        .and(path("/parsed"))
        .and(body_json(json!([1, 2])))
        .respond_with(ResponseTemplate::new(200).set_body_string("parsed"))
        .mount(&server)
        .await;
    let raw = send(
        json!({"url": format!("{}/raw", server.uri()), "method": "PUT",
        "body": "not json at all"}),
    )
    .await;
    assert_eq!(raw, vec![("response".into(), json!("plain answer"))]);
    let form = send(
        json!({"url": format!("{}/form", server.uri()), "json_format": false,
        "body": {"q": "a b", "n": 3, "ok": true}}),
    )
    .await;
    assert_eq!(form, vec![("response".into(), json!("form ok"))]);
    // JSON given as text is sent as JSON.
    let parsed = send(json!({"url": format!("{}/parsed", server.uri()), "body": "[1, 2]"})).await;
    assert_eq!(parsed, vec![("response".into(), json!("parsed"))]);
}

#[tokio::test]
async fn status_classes_pick_the_pin() {
    let server = MockServer::start().await;
    Mock::given(path("/missing"))
        .respond_with(ResponseTemplate::new(404).set_body_json(json!({"detail": "nope"})))
        .mount(&server)
        .await;
    Mock::given(path("/broken"))
        .respond_with(ResponseTemplate::new(503).set_body_string("down"))
        .mount(&server)
        .await;
    Mock::given(path("/empty"))
        .respond_with(ResponseTemplate::new(204).insert_header("content-type", "application/json"))
        .mount(&server)
        .await;
    let get = |p: &str| json!({"url": format!("{}{p}", server.uri()), "method": "GET"});
    assert_eq!(
        send(get("/missing")).await,
        vec![("client_error".into(), json!({"detail": "nope"}))]
    );
    assert_eq!(
        send(get("/broken")).await,
        vec![("server_error".into(), json!("down"))]
    );
    assert_eq!(
        send(get("/empty")).await,
        vec![("response".into(), Value::Null)]
    );
}

#[tokio::test]
async fn the_default_client_refuses_private_addresses() {
    let server = MockServer::start().await;
    Mock::given(path("/x"))
        .respond_with(ResponseTemplate::new(200))
        .mount(&server)
        .await;
    // No OutboundHttp configured: the block falls back to the guarded default.
    let out = run_block(
        SendWebRequest,
        json!({"url": format!("{}/x", server.uri()), "method": "GET"}),
    )
    .await;
    assert_eq!(out.len(), 1);
    assert_eq!(out[0].0, "error");
    assert!(
        out[0].1.as_str().unwrap().contains("URL refused"),
        "{out:?}"
    );
    assert!(server.received_requests().await.unwrap().is_empty());
}

#[tokio::test]
async fn redirect_to_a_private_address_is_refused() {
    let server = MockServer::start().await;
    Mock::given(path("/hop"))
        .respond_with(
            ResponseTemplate::new(307).insert_header("location", "http://169.254.169.254/"),
        )
        .mount(&server)
        .await;
    let http = OutboundHttp::new(HttpSettings {
        allowed_networks: vec!["127.0.0.1/32".parse().unwrap()],
        ..Default::default()
    })
    .unwrap();
    let recorder = Recorder {
        resources: Resources::new().with(http),
        ..Default::default()
    };
    let out = run_block_with(
        SendWebRequest,
        json!({"url": format!("{}/hop", server.uri()), "method": "GET"}),
        recorder,
    )
    .await;
    assert_eq!(out[0].0, "error", "{out:?}");
    assert!(out[0].1.as_str().unwrap().contains("169.254.169.254"));
}

#[tokio::test]
async fn files_are_not_supported_yet_and_pins_match_autogpt() {
    let out =
        send(json!({"url": "http://127.0.0.1:9/", "files": ["data:text/plain;base64,aGk="]})).await;
    assert_eq!(out[0].0, "error");
    assert!(out[0].1.as_str().unwrap().contains("not supported"));
    let mut r = agentry_core::Registry::new();
    r.register(SendWebRequest);
    let info = r.info("6595ae1f-b924-42cb-9a41-551a0611c4b4").unwrap();
    assert_eq!(info.required_inputs().collect::<Vec<_>>(), ["url"]);
    let props = &info.input_schema["properties"];
    assert_eq!(
        props["method"]["enum"],
        json!(["GET", "POST", "PUT", "DELETE", "PATCH", "OPTIONS", "HEAD"])
    );
    let outputs: Vec<&String> = info.output_schema["properties"]
        .as_object()
        .unwrap()
        .keys()
        .collect();
    assert_eq!(
        outputs,
        ["response", "client_error", "server_error", "error"]
    );
}
