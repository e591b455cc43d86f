//! Service routes: the health check and the OpenAPI document.

use serde_json::json;

use crate::support::TestApp;

#[tokio::test]
async fn health_answers_healthy() {
    let app = TestApp::start().await;
    let body = app.get("/health").await.expect(200);
    assert_eq!(body["status"], json!("healthy"));
}

#[tokio::test]
async fn openapi_document_is_3_1_and_lists_the_routes() {
    let app = TestApp::start().await;
    let doc = app.get("/api/openapi.json").await.expect(200);
    let version = doc["openapi"].as_str().expect("an openapi version");
    assert!(version.starts_with("3.1"), "openapi {version}");
    assert!(doc["info"]["title"].is_string());
    let paths = doc["paths"].as_object().expect("paths");
    for (path, method) in [
        ("/health", "get"),
        ("/api/blocks", "get"),
        ("/api/blocks/{block_id}/execute", "post"),
        ("/api/graphs", "get"),
        ("/api/graphs", "post"),
        ("/api/graphs/{graph_id}", "get"),
        ("/api/graphs/{graph_id}", "put"),
        ("/api/graphs/{graph_id}", "delete"),
        ("/api/graphs/{graph_id}/versions", "get"),
        ("/api/graphs/{graph_id}/versions/{version}", "get"),
        ("/api/graphs/{graph_id}/versions/active", "put"),
        ("/api/graphs/{graph_id}/execute/{graph_version}", "post"),
        ("/api/executions", "get"),
        ("/api/graphs/{graph_id}/executions", "get"),
        ("/api/graphs/{graph_id}/executions/{graph_exec_id}", "get"),
        (
            "/api/graphs/{graph_id}/executions/{graph_exec_id}/stop",
            "post",
        ),
    ] {
        let item = paths
            .get(path)
            .unwrap_or_else(|| panic!("{path} is not in the document"));
        assert!(
            item.get(method).is_some(),
            "{method} {path} is not in the document"
        );
    }
}

/// The served document is generated on first request from the same routes (the router
/// itself registers them without their operations): it is the whole document, with every
/// operation, and a second request answers the same.
#[tokio::test]
async fn the_served_document_is_the_whole_document() {
    let app = TestApp::start().await;
    let full: serde_json::Value = serde_json::from_str(&agentry_server::openapi_json()).unwrap();
    let served = app.get("/api/openapi.json").await.expect(200);
    assert_eq!(served, full);
    assert!(
        served["paths"]["/api/graphs"]["post"]["operationId"].is_string(),
        "operations are in the served document"
    );
    assert!(served["components"]["schemas"]["ErrorEnvelope"].is_object());
    assert_eq!(app.get("/api/openapi.json").await.expect(200), full);
}

/// The OpenAPI document is reviewed like code: a change to a route, a body or a code shows
/// up in this snapshot (`cargo insta review` accepts a deliberate one).
#[test]
fn the_openapi_document_changes_only_deliberately() {
    let doc: serde_json::Value = serde_json::from_str(&agentry_server::openapi_json()).unwrap();
    insta::assert_json_snapshot!("openapi", doc);
}

/// Every error code with its status and sentence, as one reviewable table.
#[test]
fn the_error_code_table_changes_only_deliberately() {
    use agentry_server::error::Code;
    let table: String = Code::ALL
        .iter()
        .map(|c| {
            format!(
                "{} {} {}\n",
                c.status().as_u16(),
                c.as_str(),
                c.description()
            )
        })
        .collect();
    insta::assert_snapshot!("error_codes", table);
}

/// The UI's typed client is generated from `ui/openapi.json`; it must be what the server
/// describes now. Refresh it with `agentry openapi -o ui/openapi.json` (or run this test with
/// `AGENTRY_UPDATE_OPENAPI=1`), then `npm run gen:api` in ui/.
#[test]
fn the_ui_openapi_document_is_fresh() {
    let path = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../../ui/openapi.json");
    if std::env::var_os("AGENTRY_UPDATE_OPENAPI").is_some() {
        std::fs::write(&path, agentry_server::openapi_json()).unwrap();
    }
    let committed = std::fs::read_to_string(&path)
        .unwrap_or_else(|e| panic!("cannot read {}: {e}", path.display()));
    let committed: serde_json::Value =
        serde_json::from_str(&committed).expect("ui/openapi.json is JSON");
    let current: serde_json::Value = serde_json::from_str(&agentry_server::openapi_json()).unwrap();
    assert!(
        committed == current,
        "ui/openapi.json is stale: run `cargo run -p agentry -- openapi -o ui/openapi.json`, \
         then `npm run gen:api` in ui/"
    );
}

/// The document's routes each document their error answers with the envelope.
#[test]
fn every_error_answer_in_the_document_is_the_envelope() {
    let doc: serde_json::Value = serde_json::from_str(&agentry_server::openapi_json()).unwrap();
    let mut bare = Vec::new();
    for (path, item) in doc["paths"].as_object().unwrap() {
        for (method, op) in item.as_object().unwrap() {
            for (status, answer) in op["responses"].as_object().unwrap() {
                let schema = &answer["content"]["application/json"]["schema"];
                if status.starts_with('3') {
                    // A redirect (OIDC sign-in) answers a Location, not a body.
                    continue;
                }
                if status.starts_with('2') {
                    if status != "204" && schema.is_null() {
                        bare.push(format!("{method} {path} {status}: no body schema"));
                    }
                    if schema == &json!({"type": "object"}) {
                        bare.push(format!("{method} {path} {status}: a bare Object"));
                    }
                } else if schema["$ref"] != json!("#/components/schemas/ErrorEnvelope") {
                    bare.push(format!("{method} {path} {status}: not the error envelope"));
                }
            }
        }
    }
    assert!(bare.is_empty(), "{bare:#?}");
}
