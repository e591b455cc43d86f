//! SendWebRequestBlock against wiremock on 127.0.0.1, multipart uploads from a temporary file
//! store included.

use agentry_core::Resources;
use agentry_core::testing::{Recorder, run_block, run_block_with};
use serde_json::{Value, json};
use wiremock::matchers::{body_json, body_string, header, method, path};
use wiremock::{Mock, MockServer, ResponseTemplate};

use super::*;
use crate::files::FileStore;
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
async fn pins_match_autogpt() {
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

/// `permissive()` with a file store under `root`, for user `u1` and run `r1`.
fn with_files(root: &std::path::Path) -> Recorder {
    let mut r = permissive();
    r.resources = r.resources.with(FileStore::new(root));
    r.info.user_id = "u1".into();
    r.info.graph_exec_id = "r1".into();
    r
}

/// The parts of a multipart body: each part's header lines and content.
fn parts(content_type: &str, body: &[u8]) -> Vec<(String, String)> {
    let boundary = content_type
        .split_once("boundary=")
        .expect("a multipart boundary")
        .1;
    let body = String::from_utf8_lossy(body);
    body.split(&format!("--{boundary}"))
        .filter_map(|part| part.strip_prefix("\r\n"))
        .filter_map(|part| part.split_once("\r\n\r\n"))
        .map(|(head, content)| {
            let content = content.strip_suffix("\r\n").unwrap_or(content);
            (head.to_string(), content.to_string())
        })
        .collect()
}

#[tokio::test]
async fn files_go_as_multipart_parts_after_the_form_fields() {
    let root = tempfile::tempdir().unwrap();
    let run_dir = root.path().join("u1").join("r1");
    std::fs::create_dir_all(&run_dir).unwrap();
    std::fs::write(run_dir.join("notes.csv"), "a,b\n1,2\n").unwrap();
    let server = MockServer::start().await;
    Mock::given(method("POST"))
        .and(path("/upload"))
        .respond_with(ResponseTemplate::new(200).set_body_json(json!({"ok": true})))
        .expect(1)
        .mount(&server)
        .await;
    let out = run_block_with(
        SendWebRequest,
        json!({"url": format!("{}/upload", server.uri()), "json_format": false,
            "body": {"title": "Hello", "n": 3}, "files_name": "doc",
            "files": ["data:text/plain;base64,aGVsbG8gZmlsZQ==", "notes.csv"]}),
        with_files(root.path()),
    )
    .await;
    assert_eq!(out, vec![("response".into(), json!({"ok": true}))]);

    let request = &server.received_requests().await.unwrap()[0];
    let content_type = request.headers["content-type"].to_str().unwrap();
    assert!(
        content_type.starts_with("multipart/form-data"),
        "{content_type}"
    );
    let parts = parts(content_type, &request.body);
    assert_eq!(parts.len(), 4, "{parts:?}");
    assert!(parts[0].0.contains(r#"name="title""#) && parts[0].1 == "Hello");
    assert!(parts[1].0.contains(r#"name="n""#) && parts[1].1 == "3");
    // The data URI was stored under a new name with the extension of its MIME type.
    let (head, content) = &parts[2];
    assert!(head.contains(r#"name="doc"; filename=""#), "{head}");
    assert!(
        head.contains(".txt\"") && head.contains("text/plain"),
        "{head}"
    );
    assert_eq!(content, "hello file");
    let (head, content) = &parts[3];
    assert!(
        head.contains(r#"name="doc"; filename="notes.csv""#),
        "{head}"
    );
    assert!(head.contains("text/csv"), "{head}");
    assert_eq!(content, "a,b\n1,2\n");
}

#[tokio::test]
async fn file_uploads_refuse_json_bad_bodies_and_paths_outside_the_run() {
    let root = tempfile::tempdir().unwrap();
    std::fs::write(root.path().join("secret.txt"), "no").unwrap();
    let server = MockServer::start().await;
    let url = format!("{}/upload", server.uri());
    let file = "data:text/plain;base64,aGk=";
    let cases = [
        (
            json!({"url": url, "files": [file]}),
            "json_format=True cannot be combined with file uploads",
        ),
        (
            json!({"url": url, "json_format": false, "body": [1], "files": [file]}),
            "must be a dictionary of form fields",
        ),
        (
            json!({"url": url, "json_format": false, "files": ["../../secret.txt"]}),
            "outside",
        ),
        (
            json!({"url": url, "json_format": false, "files": ["/etc/passwd"]}),
            "outside",
        ),
        (
            json!({"url": url, "json_format": false, "files": ["missing.txt"]}),
            "does not exist",
        ),
    ];
    for (input, expected) in cases {
        let out = run_block_with(SendWebRequest, input, with_files(root.path())).await;
        assert_eq!(out.len(), 1, "{out:?}");
        assert_eq!(out[0].0, "error", "{out:?}");
        let message = out[0].1.as_str().unwrap();
        assert!(message.contains(expected), "{message}");
    }
    assert!(server.received_requests().await.unwrap().is_empty());
}
