//! `/api/graphs`: saving AutoGPT exports with fresh ids, reading, versioning and deleting.

use serde_json::{Value, json};

use crate::support::{CALCULATOR, CALCULATOR_FILE_GRAPH_ID, TestApp, agent, node_of, properties};

fn ids(list: &Value, key: &str) -> Vec<String> {
    list.as_array()
        .unwrap()
        .iter()
        .map(|v| v[key].as_str().unwrap().to_string())
        .collect()
}

#[tokio::test]
async fn creating_an_export_saves_version_1_with_fresh_ids() {
    let app = TestApp::start().await;
    let file = agent("calculator-agent.json");
    let saved = app.create_graph(&json!({ "graph": file })).await;
    assert_eq!(saved["version"], json!(1));
    assert_eq!(saved["is_active"], json!(true));
    assert_eq!(saved["name"], file["name"]);
    let id = saved["id"].as_str().unwrap();
    assert_ne!(id, CALCULATOR_FILE_GRAPH_ID);
    let file_nodes = ids(&file["nodes"], "id");
    let saved_nodes = ids(&saved["nodes"], "id");
    assert_eq!(saved_nodes.len(), 3);
    assert!(
        saved_nodes.iter().all(|n| !file_nodes.contains(n)),
        "node ids are fresh: {saved_nodes:?}"
    );
    // Links follow the new node ids.
    for link in saved["links"].as_array().unwrap() {
        for end in ["source_id", "sink_id"] {
            let node = link[end].as_str().unwrap();
            assert!(saved_nodes.iter().any(|n| n == node), "{link}");
        }
    }

    // A bare exported graph is accepted too, and is a graph of its own.
    let bare = app.create_graph(&file).await;
    assert_eq!(bare["version"], json!(1));
    assert_ne!(bare["id"], saved["id"]);
    assert_ne!(bare["id"], json!(CALCULATOR_FILE_GRAPH_ID));

    let listed = app.graph_ids().await;
    assert!(listed.iter().any(|g| g == id), "{listed:?}");
    assert!(listed.iter().any(|g| json!(g) == bare["id"]), "{listed:?}");
    assert_eq!(listed.len(), 2);
}

#[tokio::test]
async fn a_graph_reads_back_with_nodes_links_and_io_schemas() {
    let app = TestApp::start().await;
    let saved = app
        .create_graph(&json!({ "graph": agent("calculator-agent.json") }))
        .await;
    let id = saved["id"].as_str().unwrap();
    let graph = app.get(&format!("/api/graphs/{id}")).await.expect(200);
    assert_eq!(graph["id"], json!(id));
    assert_eq!(graph["version"], json!(1));
    assert_eq!(graph["nodes"].as_array().unwrap().len(), 3);
    assert_eq!(graph["links"].as_array().unwrap().len(), 2);
    assert_eq!(
        properties(&graph["input_schema"]),
        vec!["Input".to_string()]
    );
    assert_eq!(
        properties(&graph["output_schema"]),
        vec!["Output".to_string()]
    );
    let calculator = node_of(&graph["nodes"], CALCULATOR);
    assert_eq!(calculator["input_default"]["b"], json!(34));
    assert_eq!(calculator["input_default"]["operation"], json!("Add"));
    assert_eq!(graph["nodes"], saved["nodes"]);
}

#[tokio::test]
async fn updating_adds_versions_and_the_active_one_can_be_switched() {
    let app = TestApp::start().await;
    let mut file = agent("calculator-agent.json");
    let saved = app.create_graph(&json!({ "graph": file })).await;
    let id = saved["id"].as_str().unwrap().to_string();

    // Version 2 adds 35 instead of 34.
    for node in file["nodes"].as_array_mut().unwrap() {
        if node["block_id"] == json!(CALCULATOR) {
            node["input_default"]["b"] = json!(35);
        }
    }
    let v2 = app
        .put_json(&format!("/api/graphs/{id}"), &json!({ "graph": file }))
        .await
        .expect(200);
    assert_eq!(v2["id"], json!(id));
    assert_eq!(v2["version"], json!(2));
    assert_eq!(v2["is_active"], json!(true));

    let active = app.get(&format!("/api/graphs/{id}")).await.expect(200);
    assert_eq!(active["version"], json!(2));
    assert_eq!(
        node_of(&active["nodes"], CALCULATOR)["input_default"]["b"],
        json!(35)
    );
    let listed = app.get("/api/graphs").await.expect(200);
    let entry = listed
        .as_array()
        .unwrap()
        .iter()
        .find(|g| g["id"] == json!(id))
        .expect("listed");
    assert_eq!(entry["version"], json!(2));

    let versions = app
        .get(&format!("/api/graphs/{id}/versions"))
        .await
        .expect(200);
    let numbers: Vec<&Value> = versions
        .as_array()
        .unwrap()
        .iter()
        .map(|v| &v["version"])
        .collect();
    assert_eq!(numbers, vec![&json!(2), &json!(1)]);

    let switched = app
        .put_json(
            &format!("/api/graphs/{id}/versions/active"),
            &json!({"active_graph_version": 1}),
        )
        .await
        .expect(200);
    assert_eq!(switched["version"], json!(1));
    let active = app.get(&format!("/api/graphs/{id}")).await.expect(200);
    assert_eq!(active["version"], json!(1));
    assert_eq!(
        node_of(&active["nodes"], CALCULATOR)["input_default"]["b"],
        json!(34)
    );

    let v1 = app
        .get(&format!("/api/graphs/{id}?version=1"))
        .await
        .expect(200);
    assert_eq!(v1["version"], json!(1));
    let v2 = app
        .get(&format!("/api/graphs/{id}?version=2"))
        .await
        .expect(200);
    assert_eq!(v2["version"], json!(2));
    assert_eq!(v2["is_active"], json!(false));
    let v2 = app
        .get(&format!("/api/graphs/{id}/versions/2"))
        .await
        .expect(200);
    assert_eq!(
        node_of(&v2["nodes"], CALCULATOR)["input_default"]["b"],
        json!(35)
    );

    // Both versions run, each with its own constant.
    for (version, sum) in [(1, 42.0), (2, 43.0)] {
        let run = app
            .post_json(
                &format!("/api/graphs/{id}/execute/{version}?wait=true"),
                &json!({"inputs": {"Input": 8}}),
            )
            .await
            .expect(200);
        assert_eq!(run["status"], json!("COMPLETED"), "{run}");
        assert_eq!(run["outputs"], json!({"Output": [sum]}));
    }
}

#[tokio::test]
async fn deleting_removes_every_version() {
    let app = TestApp::start().await;
    let file = agent("calculator-agent.json");
    let saved = app.create_graph(&json!({ "graph": file })).await;
    let id = saved["id"].as_str().unwrap().to_string();
    app.put_json(&format!("/api/graphs/{id}"), &file)
        .await
        .expect(200);

    let deleted = app.delete(&format!("/api/graphs/{id}")).await.expect(200);
    assert_eq!(deleted["version_counts"], json!(2));

    app.get(&format!("/api/graphs/{id}"))
        .await
        .expect_error(404, "not_found");
    app.get(&format!("/api/graphs/{id}?version=1"))
        .await
        .expect_error(404, "not_found");
    app.get(&format!("/api/graphs/{id}/versions/2"))
        .await
        .expect_error(404, "not_found");
    app.post_json(
        &format!("/api/graphs/{id}/execute/1"),
        &json!({"inputs": {"Input": 8}}),
    )
    .await
    .expect_error(404, "not_found");
    assert!(!app.graph_ids().await.contains(&id));
    app.delete(&format!("/api/graphs/{id}"))
        .await
        .expect_error(404, "not_found");
}

#[tokio::test]
async fn the_testing_agent_saves_but_is_not_runnable() {
    let app = TestApp::start().await;
    let saved = app
        .create_graph(&json!({ "graph": agent("testing_agent.json") }))
        .await;
    assert_eq!(saved["version"], json!(1));
    assert!(node_of(&saved["nodes"], CALCULATOR)["id"].is_string());
}
