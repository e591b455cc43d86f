//! FileStoreBlock and FileReadBlock over a temporary store: data URIs, URLs from a wiremock
//! server on 127.0.0.1 (and the SSRF guard without permission), paths kept inside the run's
//! folder, and users kept apart.

use agentry_core::Resources;
use agentry_core::testing::{Recorder, run_block_with};
use serde_json::{Value, json};
use wiremock::matchers::{method, path};
use wiremock::{Mock, MockServer, ResponseTemplate};

use super::*;
use crate::files::FileStore as Store;
use crate::http::{HttpSettings, OutboundHttp};
use crate::text::file_read::FileRead;

fn recorder(root: &std::path::Path, user: &str, run: &str, private_ok: bool) -> Recorder {
    let http = OutboundHttp::new(HttpSettings {
        allow_private_networks: private_ok,
        ..HttpSettings::default()
    })
    .unwrap();
    let mut r = Recorder {
        resources: Resources::new().with(http).with(Store::new(root)),
        ..Recorder::default()
    };
    r.info.user_id = user.into();
    r.info.graph_exec_id = run.into();
    r
}

fn only(out: &[(String, Value)], pin: &str) -> String {
    assert_eq!(out.len(), 1, "{out:?}");
    assert_eq!(out[0].0, pin, "{out:?}");
    out[0].1.as_str().unwrap().to_string()
}

#[tokio::test]
async fn a_data_uri_is_stored_then_read_back_by_path() {
    let root = tempfile_dir();
    let uri = "data:text/plain;base64,SGVsbG8gV29ybGQ=";
    let out = run_block_with(
        FileStore,
        json!({"file_in": uri}),
        recorder(&root, "u1", "r1", false),
    )
    .await;
    let rel = only(&out, "file_out");
    assert!(rel.ends_with(".txt"), "{rel}");
    assert_eq!(
        std::fs::read_to_string(root.join("u1").join("r1").join(&rel)).unwrap(),
        "Hello World"
    );
    let out = run_block_with(
        FileStore,
        json!({"file_in": rel, "base_64": true}),
        recorder(&root, "u1", "r1", false),
    )
    .await;
    assert_eq!(only(&out, "file_out"), uri);
    let out = run_block_with(
        FileRead,
        json!({"file_input": rel, "delimiter": " "}),
        recorder(&root, "u1", "r1", false),
    )
    .await;
    assert_eq!(only(&out, "content"), "Hello World");

    // Another user, or another run, does not find the file by its path.
    for (user, run) in [("u2", "r1"), ("u1", "r2")] {
        let out = run_block_with(
            FileRead,
            json!({"file_input": rel}),
            recorder(&root, user, run, false),
        )
        .await;
        assert_eq!(out[0].0, "error", "{user}/{run}: {out:?}");
    }
}

#[tokio::test]
async fn paths_cannot_leave_the_runs_folder() {
    let root = tempfile_dir();
    std::fs::create_dir_all(root.join("u1").join("r0")).unwrap();
    std::fs::write(root.join("u1").join("r0").join("secret.txt"), "s").unwrap();
    for bad in ["../r0/secret.txt", "/etc/passwd", "missing.txt"] {
        let out = run_block_with(
            FileRead,
            json!({"file_input": bad}),
            recorder(&root, "u1", "r1", false),
        )
        .await;
        assert_eq!(out[0].0, "error", "{bad}: {out:?}");
    }
    let out = run_block_with(
        FileStore,
        json!({"file_in": "data:text/plain;base64,@@@"}),
        recorder(&root, "u1", "r1", false),
    )
    .await;
    assert_eq!(out[0].0, "error");
}

#[tokio::test]
async fn urls_are_fetched_through_the_guard() {
    let server = MockServer::start().await;
    Mock::given(method("GET"))
        .and(path("/files/report.csv"))
        .respond_with(ResponseTemplate::new(200).set_body_string("a,b\n1,2"))
        .mount(&server)
        .await;
    let url = format!("{}/files/report.csv", server.uri());
    let root = tempfile_dir();
    let out = run_block_with(
        FileStore,
        json!({"file_in": url}),
        recorder(&root, "u1", "r1", true),
    )
    .await;
    assert_eq!(only(&out, "file_out"), "report.csv");
    let out = run_block_with(
        FileRead,
        json!({"file_input": url, "delimiter": "\n", "skip_rows": 1}),
        recorder(&root, "u1", "r1", true),
    )
    .await;
    assert_eq!(only(&out, "content"), "1,2");

    // Without permission for private networks, 127.0.0.1 is refused before any request.
    let before = server.received_requests().await.unwrap().len();
    let out = run_block_with(
        FileStore,
        json!({"file_in": url}),
        recorder(&root, "u1", "r1", false),
    )
    .await;
    assert_eq!(out[0].0, "error");
    assert_eq!(server.received_requests().await.unwrap().len(), before);
}

/// A fresh directory under the system temp dir (left for the OS to clean).
fn tempfile_dir() -> std::path::PathBuf {
    let dir = std::env::temp_dir().join(format!("agentry-files-test-{}", uuid::Uuid::new_v4()));
    std::fs::create_dir_all(&dir).unwrap();
    dir
}
