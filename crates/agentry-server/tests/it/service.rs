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
