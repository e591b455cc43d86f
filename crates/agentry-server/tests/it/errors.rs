//! Refusals: each answers the error envelope with the right status and code, and changes
//! nothing (no graph saved, no run started).

use serde_json::{Value, json};

use crate::support::{CALCULATOR, OUTPUT, TestApp, agent, graph, store_agent_files};

const JSON: &str = "application/json";

async fn calculator(app: &TestApp) -> String {
    let saved = app
        .create_graph(&json!({ "graph": agent("calculator-agent.json") }))
        .await;
    saved["id"].as_str().unwrap().to_string()
}

/// How many runs a graph has.
async fn run_count(app: &TestApp, graph_id: &str) -> Value {
    let page = app
        .get(&format!("/api/graphs/{graph_id}/executions"))
        .await
        .expect(200);
    page["pagination"]["total_items"].clone()
}

#[tokio::test]
async fn malformed_json_is_invalid_json() {
    let app = TestApp::start().await;
    let before = app.graph_ids().await;
    app.post_raw("/api/graphs", JSON, r#"{"graph": {"name": "broken""#)
        .await
        .expect_error(400, "invalid_json");
    app.post_raw("/api/graphs", JSON, "")
        .await
        .expect_error(400, "invalid_json");
    let file = agent("calculator-agent.json").to_string();
    app.post_raw("/api/graphs", "text/plain", &file)
        .await
        .expect_error(415, "unsupported_media_type");
    app.assert_no_graph_saved(&before).await;

    let id = calculator(&app).await;
    app.post_raw(&format!("/api/graphs/{id}/execute/1"), JSON, "{inputs")
        .await
        .expect_error(400, "invalid_json");
    app.put_json(&format!("/api/graphs/{id}/versions/active"), &json!({}))
        .await
        .expect_error(422, "invalid_body");
    assert_eq!(run_count(&app, &id).await, json!(0));
}

#[tokio::test]
async fn a_body_that_is_not_a_graph_is_invalid_graph() {
    let app = TestApp::start().await;
    let before = app.graph_ids().await;
    // A body that is not even an object is refused before it is read as a graph.
    for body in [json!(null), json!([1, 2, 3]), json!("a graph")] {
        app.post_json("/api/graphs", &body)
            .await
            .expect_error(400, "invalid_json");
    }
    for body in [
        json!({}),
        json!({"foo": 1}),
        json!({"graph": {}}),
        json!({"graph": {"name": "not a graph", "nodes": "none"}}),
        json!({"name": "not a graph", "nodes": [{"block_id": CALCULATOR}]}),
        json!({"name": "not a graph", "links": [{"source_id": "x"}]}),
    ] {
        app.post_json("/api/graphs", &body)
            .await
            .expect_error(400, "invalid_graph");
    }
    app.assert_no_graph_saved(&before).await;

    // The same on update, and the graph keeps its one version.
    let id = calculator(&app).await;
    app.put_json(
        &format!("/api/graphs/{id}"),
        &json!({"graph": {"nodes": 7}}),
    )
    .await
    .expect_error(400, "invalid_graph");
    let versions = app
        .get(&format!("/api/graphs/{id}/versions"))
        .await
        .expect(200);
    assert_eq!(versions.as_array().unwrap().len(), 1);
}

/// Block ids of an export (its sub-graphs included) that this build's registry lacks.
fn missing_blocks(file: &Value) -> Vec<String> {
    let registry = agentry_blocks::registry();
    let mut graphs = vec![file.clone()];
    graphs.extend(file["sub_graphs"].as_array().cloned().unwrap_or_default());
    let mut missing: Vec<String> = graphs
        .iter()
        .flat_map(|g| g["nodes"].as_array().cloned().unwrap_or_default())
        .filter_map(|n| n["block_id"].as_str().map(str::to_string))
        .filter(|id| registry.get(id).is_none())
        .collect();
    missing.sort();
    missing.dedup();
    missing
}

#[tokio::test]
async fn an_agent_with_unknown_blocks_is_refused_and_named() {
    let app = TestApp::start().await;
    let before = app.graph_ids().await;
    // The calculator agent with its calculator swapped for an AutoGPT block we lack.
    let registry = agentry_blocks::registry();
    let (lacking_id, lacking_name) = agentry_core::catalog::AUTOGPT_BLOCKS
        .iter()
        .find(|(id, _)| registry.get(id).is_none())
        .expect("some AutoGPT block this build lacks");
    let mut file = agent("calculator-agent.json");
    for node in file["nodes"].as_array_mut().unwrap() {
        if node["block_id"] == json!(CALCULATOR) {
            node["block_id"] = json!(lacking_id);
        }
    }
    let error = app
        .post_json("/api/graphs", &json!({ "graph": file }))
        .await
        .expect_error(400, "unknown_blocks");
    let message = error["message"].as_str().unwrap();
    assert!(message.contains(lacking_name), "{message}");
    assert!(message.contains(lacking_id), "{message}");
    let unknown = error["details"]["unknown_blocks"].as_array().unwrap();
    assert_eq!(unknown.len(), 1, "{error}");
    assert_eq!(unknown[0]["block_id"], json!(lacking_id));
    assert_eq!(unknown[0]["name"], json!(lacking_name));
    assert!(!unknown[0]["node_ids"].as_array().unwrap().is_empty());
    // Blocks Agentry has are not listed.
    assert!(
        unknown.iter().all(|b| b["block_id"] != json!(OUTPUT)),
        "{error}"
    );
    app.assert_no_graph_saved(&before).await;
}

#[tokio::test]
async fn every_store_agent_imports_or_is_refused_naming_its_unknown_blocks() {
    let app = TestApp::start().await;
    let files = store_agent_files();
    assert_eq!(files.len(), 10, "{files:?}");
    for name in &files {
        let before = app.graph_ids().await;
        let file = agent(name);
        let missing = missing_blocks(&file);
        if missing.is_empty() {
            let saved = app
                .post_json("/api/graphs", &json!({ "graph": file }))
                .await
                .expect(200);
            assert_eq!(saved["name"], file["name"], "{name}");
            continue;
        }
        let error = app
            .post_json("/api/graphs", &json!({ "graph": file }))
            .await
            .expect_error(400, "unknown_blocks");
        let message = error["message"].as_str().unwrap();
        let unknown = error["details"]["unknown_blocks"].as_array().unwrap();
        let mut named: Vec<String> = unknown
            .iter()
            .map(|b| b["block_id"].as_str().unwrap().to_string())
            .collect();
        named.sort();
        assert_eq!(named, missing, "{name}: {error}");
        for block in unknown {
            let id = block["block_id"].as_str().unwrap();
            assert!(message.contains(id), "{name}: {id} in {message}");
            if let Some(class) = block["name"].as_str() {
                assert!(message.contains(class), "{name}: {class} in {message}");
            }
        }
        // A bare export is refused the same way.
        app.post_json("/api/graphs", &file)
            .await
            .expect_error(400, "unknown_blocks");
        app.assert_no_graph_saved(&before).await;
    }
}

#[tokio::test]
async fn a_link_to_a_missing_pin_is_invalid_graph() {
    let app = TestApp::start().await;
    let before = app.graph_ids().await;
    let body = graph(
        "bad link",
        &[
            (
                "calc",
                CALCULATOR,
                json!({"operation": "Add", "a": 1, "b": 2}),
            ),
            ("out", OUTPUT, json!({"name": "Output"})),
        ],
        &[("calc", "result", "out", "no_such_pin")],
    );
    let error = app
        .post_json("/api/graphs", &json!({ "graph": body }))
        .await
        .expect_error(400, "invalid_graph");
    let node_errors = error["details"]["node_errors"].as_object().unwrap();
    assert!(node_errors.contains_key("out"), "{error}");
    assert!(!node_errors.contains_key("calc"), "{error}");
    app.assert_no_graph_saved(&before).await;

    // An update with the same fault leaves the graph as it was.
    let id = calculator(&app).await;
    app.put_json(&format!("/api/graphs/{id}"), &body)
        .await
        .expect_error(400, "invalid_graph");
    let versions = app
        .get(&format!("/api/graphs/{id}/versions"))
        .await
        .expect(200);
    assert_eq!(versions.as_array().unwrap().len(), 1);
}

#[tokio::test]
async fn running_the_testing_agent_names_the_missing_calculator_inputs() {
    let app = TestApp::start().await;
    let saved = app
        .create_graph(&json!({ "graph": agent("testing_agent.json") }))
        .await;
    let id = saved["id"].as_str().unwrap();
    let error = app
        .post_json(&format!("/api/graphs/{id}/execute/1?wait=true"), &json!({}))
        .await
        .expect_error(400, "invalid_graph");
    let node_errors = error["details"]["node_errors"].as_object().unwrap();
    let (node_id, pins) = node_errors
        .iter()
        .find(|(_, pins)| pins.get("operation").is_some())
        .unwrap_or_else(|| panic!("an error for the calculator's operation in {error}"));
    for pin in ["operation", "a", "b"] {
        assert!(pins.get(pin).is_some(), "{pin} in {error}");
    }
    let calculator = saved["nodes"]
        .as_array()
        .unwrap()
        .iter()
        .find(|n| n["block_id"] == json!(CALCULATOR))
        .unwrap();
    assert_eq!(calculator["id"], json!(node_id));
    assert_eq!(run_count(&app, id).await, json!(0));
}

#[tokio::test]
async fn running_without_required_inputs_is_missing_inputs() {
    let app = TestApp::start().await;
    let id = calculator(&app).await;
    for body in [
        json!({}),
        json!({"inputs": {}}),
        json!({"inputs": {"Input": null}}),
    ] {
        let error = app
            .post_json(&format!("/api/graphs/{id}/execute/1"), &body)
            .await
            .expect_error(400, "missing_inputs");
        assert_eq!(
            error["details"]["missing_inputs"],
            json!(["Input"]),
            "{error}"
        );
        assert!(error["message"].as_str().unwrap().contains("Input"));
    }
    assert_eq!(run_count(&app, &id).await, json!(0));
}

#[tokio::test]
async fn unknown_graphs_versions_and_runs_are_not_found() {
    let app = TestApp::start().await;
    let missing = "00000000-0000-4000-8000-000000000000";
    app.get(&format!("/api/graphs/{missing}"))
        .await
        .expect_error(404, "not_found");
    app.get(&format!("/api/graphs/{missing}/versions"))
        .await
        .expect_error(404, "not_found");
    app.put_json(
        &format!("/api/graphs/{missing}"),
        &agent("calculator-agent.json"),
    )
    .await
    .expect_error(404, "not_found");
    app.post_json(
        &format!("/api/graphs/{missing}/execute/1"),
        &json!({"inputs": {"Input": 8}}),
    )
    .await
    .expect_error(404, "not_found");

    let id = calculator(&app).await;
    app.get(&format!("/api/graphs/{id}?version=9"))
        .await
        .expect_error(404, "not_found");
    app.post_json(
        &format!("/api/graphs/{id}/execute/9"),
        &json!({"inputs": {"Input": 8}}),
    )
    .await
    .expect_error(404, "not_found");
    app.put_json(
        &format!("/api/graphs/{id}/versions/active"),
        &json!({"active_graph_version": 9}),
    )
    .await
    .expect_error(404, "not_found");
    app.get(&format!("/api/graphs/{id}/executions/{missing}"))
        .await
        .expect_error(404, "not_found");
    app.post_json(
        &format!("/api/graphs/{id}/executions/{missing}/stop"),
        &json!({}),
    )
    .await
    .expect_error(404, "not_found");
    // Nothing changed: the graph is still at version 1, active, and has no runs.
    let graph = app.get(&format!("/api/graphs/{id}")).await.expect(200);
    assert_eq!(graph["version"], json!(1));
    assert_eq!(run_count(&app, &id).await, json!(0));
}

#[tokio::test]
async fn an_unknown_route_is_route_not_found() {
    let app = TestApp::start().await;
    app.get("/api/no-such-thing")
        .await
        .expect_error(404, "route_not_found");
    app.post_json("/api/graphs/x/y/z", &json!({}))
        .await
        .expect_error(404, "route_not_found");
}

#[tokio::test]
async fn bad_query_and_path_parameters_are_refused() {
    let app = TestApp::start().await;
    let id = calculator(&app).await;
    for path in [
        "/api/executions?page_size=0".to_string(),
        "/api/executions?page_size=101".to_string(),
        "/api/executions?page=0".to_string(),
        "/api/executions?page_size=many".to_string(),
        format!("/api/graphs/{id}/executions?page_size=0"),
    ] {
        app.get(&path).await.expect_error(400, "invalid_query");
    }
    app.get(&format!("/api/graphs/{id}?version=latest"))
        .await
        .expect_error(400, "invalid_query");
    app.post_json(
        &format!("/api/graphs/{id}/execute/one"),
        &json!({"inputs": {"Input": 8}}),
    )
    .await
    .expect_error(400, "invalid_path");
    app.put_json(
        &format!("/api/graphs/{id}/versions/active"),
        &json!({"version": 1}),
    )
    .await
    .expect_error(422, "invalid_body");
    assert_eq!(run_count(&app, &id).await, json!(0));
}

#[tokio::test]
async fn a_wrong_method_is_refused_in_the_envelope() {
    let app = TestApp::start().await;
    app.delete("/api/blocks")
        .await
        .expect_error(405, "method_not_allowed");
    app.post_json("/api/executions", &json!({}))
        .await
        .expect_error(405, "method_not_allowed");
}

/// Numeric query parameters are bounded and finite, checked before anything happens; unknown
/// graphs are 404 on their lists; an oversized execute body is a 413 in the envelope.
#[tokio::test]
async fn hostile_numbers_and_sizes_are_refused_before_any_effect() {
    let app = TestApp::start().await;
    let id = calculator(&app).await;
    for path in [
        "/api/executions?page=18446744073709551615&page_size=100".to_string(),
        format!("/api/graphs/{id}/executions?page=18446744073709551615&page_size=100"),
        "/api/library/presets?page=18446744073709551615&page_size=100".to_string(),
        "/api/review/pending?page=18446744073709551615&page_size=100".to_string(),
        "/api/executions?page=1&page_size=NaN".to_string(),
        "/api/executions?page=-1".to_string(),
    ] {
        app.get(&path).await.expect_error(400, "invalid_query");
    }
    for timeout in ["NaN", "inf", "-1", "301", "1e309"] {
        app.post_raw(
            &format!("/api/graphs/{id}/execute/1?wait=true&wait_timeout={timeout}"),
            JSON,
            r#"{"inputs": {"Input": 8}}"#,
        )
        .await
        .expect_error(400, "invalid_query");
    }
    assert_eq!(run_count(&app, &id).await, json!(0));

    let huge = format!(
        r#"{{"inputs": {{"Input": "{}"}}}}"#,
        "a".repeat(17 * 1024 * 1024)
    );
    app.post_raw(&format!("/api/graphs/{id}/execute/1"), JSON, &huge)
        .await
        .expect_error(413, "payload_too_large");
    let deep = format!("{}{}", "[".repeat(1000), "]".repeat(1000));
    app.post_raw(&format!("/api/graphs/{id}/execute/1"), JSON, &deep)
        .await
        .expect_error(400, "json_too_deep");
    assert_eq!(run_count(&app, &id).await, json!(0));

    app.get("/api/graphs/no-such-graph/executions")
        .await
        .expect_error(404, "not_found");
    app.get("/api/graphs/no-such-graph/schedules")
        .await
        .expect_error(404, "not_found");
}
