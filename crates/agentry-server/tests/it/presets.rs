//! Library presets over HTTP: create, list, read, change, delete, and execute with the preset's
//! inputs merged under the request's.

use serde_json::{Value, json};

use crate::support::{TestApp, agent};

/// A PATCH with a JSON body; the shared helpers have none.
async fn patch(app: &TestApp, path: &str, body: &Value) -> (u16, Value) {
    let response = reqwest::Client::builder()
        .no_proxy()
        .build()
        .unwrap()
        .patch(format!("http://{}{path}", app.addr()))
        .json(body)
        .send()
        .await
        .unwrap();
    let status = response.status().as_u16();
    (status, response.json().await.unwrap_or(Value::Null))
}

#[tokio::test]
async fn presets_crud_and_execute() {
    let app = TestApp::start().await;
    let saved = app
        .create_graph(&json!({ "graph": agent("calculator-agent.json") }))
        .await;
    let graph_id = saved["id"].as_str().unwrap();
    let created = app
        .post_json(
            "/api/library/presets",
            &json!({"graph_id": graph_id, "graph_version": 1, "name": "eight",
                    "description": "adds 34 to 8", "inputs": {"Input": 3}, "credentials": {}}),
        )
        .await
        .expect(200);
    assert_eq!(created["is_active"], json!(true));
    assert_eq!(created["inputs"], json!({"Input": 3}));
    let id = created["id"].as_str().unwrap().to_string();
    let path = format!("/api/library/presets/{id}");

    let list = app.get("/api/library/presets").await.expect(200);
    assert_eq!(list["presets"].as_array().unwrap().len(), 1);
    assert_eq!(list["pagination"]["total_items"], json!(1));
    let none = app
        .get("/api/library/presets?graph_id=other")
        .await
        .expect(200);
    assert!(none["presets"].as_array().unwrap().is_empty());
    assert_eq!(app.get(&path).await.expect(200)["name"], json!("eight"));

    // An empty change (or the same values again) changes nothing, not even `updated_at`.
    let before = app.get(&path).await.expect(200);
    for same in [json!({}), json!({"name": "eight"})] {
        let (status, unchanged) = patch(&app, &path, &same).await;
        assert_eq!(status, 200, "{unchanged}");
        assert_eq!(unchanged, before, "PATCH {same} changed the preset");
    }

    let (status, changed) = patch(&app, &path, &json!({"name": "renamed"})).await;
    assert_eq!(status, 200, "{changed}");
    assert_eq!(changed["name"], json!("renamed"));
    assert_eq!(
        changed["inputs"],
        json!({"Input": 3}),
        "absent fields are kept"
    );

    // The request's inputs win over the preset's: 8 + 34.
    let run = app
        .post_json(&format!("{path}/execute"), &json!({"inputs": {"Input": 8}}))
        .await
        .expect(200);
    assert_eq!(run["preset_id"], json!(id));
    let exec_id = run["id"].as_str().unwrap();
    let done = app
        .wait_for_status(graph_id, exec_id, &["COMPLETED", "FAILED"])
        .await;
    assert_eq!(done["status"], json!("COMPLETED"), "{done}");
    assert_eq!(done["outputs"], json!({"Output": [42.0]}));
    assert_eq!(done["inputs"], json!({"Input": 8}));

    // Without request inputs the preset's are used: 3 + 34.
    let run = app
        .post_json(&format!("{path}/execute"), &json!({}))
        .await
        .expect(200);
    let done = app
        .wait_for_status(
            graph_id,
            run["id"].as_str().unwrap(),
            &["COMPLETED", "FAILED"],
        )
        .await;
    assert_eq!(done["outputs"], json!({"Output": [37.0]}));

    assert_eq!(app.delete(&path).await.status, 204);
    app.get(&path).await.expect_error(404, "not_found");
    app.post_json(&format!("{path}/execute"), &json!({}))
        .await
        .expect_error(404, "not_found");
}

#[tokio::test]
async fn a_preset_needs_an_existing_graph_version() {
    let app = TestApp::start().await;
    app.post_json(
        "/api/library/presets",
        &json!({"graph_id": "nope", "graph_version": 1, "name": "x", "description": "",
                "inputs": {}, "credentials": {}}),
    )
    .await
    .expect_error(404, "not_found");
}
