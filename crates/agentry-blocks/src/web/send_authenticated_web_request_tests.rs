//! SendAuthenticatedWebRequestBlock against wiremock on 127.0.0.1 (reached as `127.0.0.1` and
//! as `localhost`, two host names for one server).

use std::collections::BTreeMap;

use agentry_core::testing::run_block_with;
use serde_json::{Value, json};
use wiremock::matchers::{header, method, path};
use wiremock::{Mock, MockServer, ResponseTemplate};

use super::*;
use crate::web::send_web_request::tests::permissive;

const SECRET: &str = "Bearer s3cret-value";

fn cred(id: &str, host: &str) -> HostCredential {
    HostCredential {
        id: id.into(),
        title: format!("for {host}"),
        host: host.into(),
        headers: BTreeMap::from([
            ("Authorization".into(), SECRET.into()),
            ("X-Api-Key".into(), "k-s3cret".into()),
        ]),
    }
}

async fn send(input: Value, creds: Vec<HostCredential>) -> Vec<(String, Value)> {
    let mut recorder = permissive();
    recorder.resources.insert(HostCredentials::new(creds));
    run_block_with(SendAuthenticatedWebRequest, input, recorder).await
}

fn meta(id: &str) -> Value {
    json!({"id": id, "provider": "http", "type": "host_scoped", "title": "t"})
}

fn no_secrets(out: &[(String, Value)]) {
    let shown = serde_json::to_string(out).unwrap();
    assert!(!shown.contains("s3cret"), "a secret leaked: {shown}");
}

/// The values the server saw for `name` on its `i`th request.
async fn seen(server: &MockServer, i: usize, name: &str) -> Vec<String> {
    let requests = server.received_requests().await.unwrap();
    requests[i]
        .headers
        .get_all(name)
        .iter()
        .map(|v| v.to_str().unwrap().to_string())
        .collect()
}

async fn echo_server() -> MockServer {
    let server = MockServer::start().await;
    Mock::given(path("/api"))
        .respond_with(ResponseTemplate::new(200).set_body_json(json!({"ok": true})))
        .mount(&server)
        .await;
    server
}

#[tokio::test]
async fn headers_are_injected_on_a_matching_host_and_the_users_own_win() {
    let server = MockServer::start().await;
    Mock::given(method("POST"))
        .and(path("/api"))
        .and(header("authorization", "Bearer user-given"))
        .and(header("x-api-key", "k-s3cret"))
        .and(header("x-user", "mine"))
        .respond_with(ResponseTemplate::new(201).set_body_json(json!({"id": 1})))
        .expect(1)
        .mount(&server)
        .await;
    let out = send(
        json!({
            "url": format!("{}/api", server.uri()),
            "headers": {"authorization": "Bearer user-given", "x-user": "mine"},
            "body": {"a": 1},
            "credentials": meta("local"),
        }),
        vec![cred("other", "example.com"), cred("local", "127.0.0.1")],
    )
    .await;
    assert_eq!(out, vec![("response".into(), json!({"id": 1}))]);
    // As AutoGPT: the graph's own header of that name wins; the others are injected.
    assert_eq!(
        seen(&server, 0, "authorization").await,
        ["Bearer user-given"]
    );
    assert_eq!(seen(&server, 0, "x-api-key").await, ["k-s3cret"]);
    no_secrets(&out);
}

#[tokio::test]
async fn without_an_id_the_credential_for_the_urls_host_is_used() {
    let server = echo_server().await;
    let url = format!("{}/api", server.uri());
    let out = send(
        json!({"url": url, "method": "GET"}),
        vec![cred("other", "example.com"), cred("local", "127.0.0.1")],
    )
    .await;
    assert_eq!(out, vec![("response".into(), json!({"ok": true}))]);
    assert_eq!(seen(&server, 0, "x-api-key").await, ["k-s3cret"]);
    // An id-less credentials object (as a frontend may leave it) also auto-selects.
    let out = send(
        json!({"url": url, "method": "GET", "credentials": {"provider": "http"}}),
        vec![cred("local", "127.0.0.1")],
    )
    .await;
    assert_eq!(out[0].0, "response");
    assert_eq!(seen(&server, 1, "authorization").await, [SECRET]);
}

#[tokio::test]
async fn a_credential_for_another_host_is_not_sent() {
    let server = echo_server().await;
    // Same server, reached by another host name than the credential's.
    let url = server.uri().replace("127.0.0.1", "localhost") + "/api";
    let out = send(
        json!({"url": url, "method": "GET", "headers": {"x-user": "mine"},
               "credentials": meta("local")}),
        vec![cred("local", "127.0.0.1")],
    )
    .await;
    assert_eq!(out, vec![("response".into(), json!({"ok": true}))]);
    assert!(seen(&server, 0, "authorization").await.is_empty());
    assert!(seen(&server, 0, "x-api-key").await.is_empty());
    assert_eq!(seen(&server, 0, "x-user").await, ["mine"]);
    // With no id, a host no credential covers is an error, and nothing is sent.
    let out = send(
        json!({"url": url, "method": "GET"}),
        vec![cred("local", "127.0.0.1")],
    )
    .await;
    assert_eq!(out[0].0, "error");
    assert!(
        out[0].1.as_str().unwrap().contains("'localhost'"),
        "{out:?}"
    );
    assert_eq!(server.received_requests().await.unwrap().len(), 1);
}

#[tokio::test]
async fn a_wildcard_covers_its_domain() {
    let server = echo_server().await;
    let url = server.uri().replace("127.0.0.1", "localhost") + "/api";
    let out = send(
        json!({"url": url, "method": "GET", "credentials": meta("wild")}),
        vec![cred("wild", "*.localhost")],
    )
    .await;
    assert_eq!(out, vec![("response".into(), json!({"ok": true}))]);
    assert_eq!(seen(&server, 0, "authorization").await, [SECRET]);
    // A wildcard never covers an IP address.
    let out = send(
        json!({"url": format!("{}/api", server.uri()), "method": "GET",
               "credentials": meta("wild")}),
        vec![cred("wild", "*.0.0.1")],
    )
    .await;
    assert_eq!(out[0].0, "response");
    assert!(seen(&server, 1, "authorization").await.is_empty());
}

#[tokio::test]
async fn an_unknown_id_or_type_is_an_input_error_and_nothing_is_sent() {
    let server = echo_server().await;
    let url = format!("{}/api", server.uri());
    let out = send(
        json!({"url": url, "credentials": meta("missing")}),
        vec![cred("local", "127.0.0.1")],
    )
    .await;
    assert_eq!(out.len(), 1);
    assert_eq!(out[0].0, "error");
    assert!(
        out[0]
            .1
            .as_str()
            .unwrap()
            .contains("'missing' are not configured"),
        "{out:?}"
    );
    // No HostCredentials resource at all: the same error.
    let out = run_block_with(
        SendAuthenticatedWebRequest,
        json!({"url": url, "credentials": meta("local")}),
        permissive(),
    )
    .await;
    assert!(
        out[0]
            .1
            .as_str()
            .unwrap()
            .contains("'local' are not configured")
    );
    let out = send(
        json!({"url": url, "credentials": {"id": "local", "provider": "openai", "type": "api_key"}}),
        vec![cred("local", "127.0.0.1")],
    )
    .await;
    assert!(out[0].1.as_str().unwrap().contains("'api_key'"), "{out:?}");
    assert!(server.received_requests().await.unwrap().is_empty());
}

#[tokio::test]
async fn credentials_do_not_follow_a_redirect_to_another_origin() {
    let elsewhere = echo_server().await;
    let server = MockServer::start().await;
    Mock::given(path("/hop"))
        .respond_with(
            ResponseTemplate::new(302)
                .insert_header("location", format!("{}/api", elsewhere.uri())),
        )
        .mount(&server)
        .await;
    Mock::given(path("/same"))
        .respond_with(ResponseTemplate::new(307).insert_header("location", "/api"))
        .mount(&server)
        .await;
    Mock::given(path("/api"))
        .respond_with(ResponseTemplate::new(200).set_body_string("here"))
        .mount(&server)
        .await;
    let creds = || vec![cred("local", "127.0.0.1")];
    let out = send(
        json!({"url": format!("{}/hop", server.uri()), "method": "GET"}),
        creds(),
    )
    .await;
    assert_eq!(out[0].0, "error", "{out:?}");
    assert!(
        out[0].1.as_str().unwrap().contains(&elsewhere.uri()),
        "{out:?}"
    );
    no_secrets(&out);
    assert!(elsewhere.received_requests().await.unwrap().is_empty());
    // A redirect on the same origin is followed, headers and all.
    let out = send(
        json!({"url": format!("{}/same", server.uri()), "method": "GET"}),
        creds(),
    )
    .await;
    assert_eq!(out, vec![("response".into(), json!("here"))]);
    assert_eq!(seen(&server, 2, "authorization").await, [SECRET]);
    // The plain block still follows redirects anywhere (its client is unchanged).
    let out = run_block_with(
        crate::web::send_web_request::SendWebRequest,
        json!({"url": format!("{}/hop", server.uri()), "method": "GET"}),
        permissive(),
    )
    .await;
    assert_eq!(out, vec![("response".into(), json!({"ok": true}))]);
}

#[tokio::test]
async fn pins_match_autogpt() {
    let mut r = agentry_core::Registry::new();
    r.register(SendAuthenticatedWebRequest);
    let info = r.info("fff86bcd-e001-4bad-a7f6-2eae4720c8dc").unwrap();
    assert_eq!(info.required_inputs().collect::<Vec<_>>(), ["url"]);
    let inputs: Vec<&String> = info.input_schema["properties"]
        .as_object()
        .unwrap()
        .keys()
        .collect();
    assert_eq!(
        inputs,
        [
            "url",
            "method",
            "headers",
            "json_format",
            "body",
            "files_name",
            "files",
            "credentials"
        ]
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
