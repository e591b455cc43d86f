//! Runs over HTTP: waiting for outputs, polling a run with its node executions, listing runs
//! with pagination, and stopping a long run.

use serde_json::{Value, json};

use crate::support::{CALCULATOR, COUNTDOWN, INPUT, OUTPUT, TestApp, agent, graph, node_of};

async fn calculator(app: &TestApp) -> String {
    let saved = app
        .create_graph(&json!({ "graph": agent("calculator-agent.json") }))
        .await;
    saved["id"].as_str().unwrap().to_string()
}

#[tokio::test]
async fn waiting_answers_with_the_outputs() {
    let app = TestApp::start().await;
    let id = calculator(&app).await;
    let run = app
        .post_json(
            &format!("/api/graphs/{id}/execute/1?wait=true"),
            &json!({"inputs": {"Input": 8}}),
        )
        .await
        .expect(200);
    assert_eq!(run["status"], json!("COMPLETED"), "{run}");
    assert_eq!(run["outputs"], json!({"Output": [42.0]}));
    assert_eq!(run["graph_id"], json!(id));
    assert_eq!(run["graph_version"], json!(1));
    assert_eq!(run["inputs"], json!({"Input": 8}));
    assert!(run["id"].is_string());
    assert!(run["ended_at"].is_string(), "{run}");
}

/// The waited answer is built from the run's end, not read back: it must say what the stored
/// run says, field by field, for a run that completes and for one that fails.
#[tokio::test]
async fn a_waited_answer_is_the_run_as_stored() {
    let app = TestApp::start().await;
    let completes = calculator(&app).await;
    let fails = app
        .create_graph(&json!({ "graph": graph(
            "divides by zero",
            &[("calc", CALCULATOR, json!({"operation": "Divide", "a": 1, "b": 0}))],
            &[],
        )}))
        .await["id"]
        .as_str()
        .unwrap()
        .to_string();
    for (id, body, status) in [
        (&completes, json!({"inputs": {"Input": 8}}), "COMPLETED"),
        (&fails, json!({}), "FAILED"),
    ] {
        let waited = app
            .post_json(&format!("/api/graphs/{id}/execute/1?wait=true"), &body)
            .await
            .expect(200);
        assert_eq!(waited["status"], json!(status), "{waited}");
        let exec_id = waited["id"].as_str().unwrap();
        let stored = app
            .get(&format!("/api/graphs/{id}/executions/{exec_id}"))
            .await
            .expect(200);
        let fields = waited.as_object().unwrap();
        for (key, value) in fields {
            assert_eq!(
                &stored[key], value,
                "{key}: waited {waited}, stored {stored}"
            );
        }
        for key in ["started_at", "ended_at", "stats", "created_at", "status"] {
            assert!(fields.contains_key(key), "{key} missing from {waited}");
        }
        assert!(waited["stats"]["node_count"].is_number(), "{waited}");
        assert!(waited["ended_at"].is_string(), "{waited}");
    }
}

#[tokio::test]
async fn a_started_run_can_be_polled_until_it_completes() {
    let app = TestApp::start().await;
    let id = calculator(&app).await;
    let started = app
        .post_json(
            &format!("/api/graphs/{id}/execute/1"),
            &json!({"inputs": {"Input": 8}}),
        )
        .await
        .expect(200);
    let exec_id = started["id"].as_str().unwrap().to_string();
    assert_eq!(started["graph_id"], json!(id));
    let status = started["status"].as_str().unwrap();
    assert!(
        ["QUEUED", "RUNNING", "COMPLETED"].contains(&status),
        "{started}"
    );

    let run = app.wait_for_status(&id, &exec_id, &["COMPLETED"]).await;
    assert_eq!(run["id"], json!(exec_id));
    assert_eq!(run["outputs"], json!({"Output": [42.0]}));
    let nodes = &run["node_executions"];
    assert_eq!(nodes.as_array().unwrap().len(), 3, "{nodes}");
    for node in nodes.as_array().unwrap() {
        assert!(node["input_data"].is_object(), "{node}");
        assert!(node["output_data"].is_object(), "{node}");
        assert_eq!(node["status"], json!("COMPLETED"), "{node}");
        assert_eq!(node["graph_exec_id"], json!(exec_id));
    }
    let calc = node_of(nodes, CALCULATOR);
    assert_eq!(calc["output_data"], json!({"result": [42.0]}));
    assert_eq!(calc["input_data"]["a"], json!(8));
    assert_eq!(calc["input_data"]["b"], json!(34));
    let input = node_of(nodes, INPUT);
    assert_eq!(input["output_data"]["result"], json!([8]));
    let output = node_of(nodes, OUTPUT);
    assert_eq!(output["output_data"]["output"], json!([42.0]));
}

#[tokio::test]
async fn runs_are_listed_with_pagination() {
    let app = TestApp::start().await;
    let id = calculator(&app).await;
    let mut exec_ids = Vec::new();
    for input in [1, 2, 3] {
        let run = app
            .post_json(
                &format!("/api/graphs/{id}/execute/1?wait=true"),
                &json!({"inputs": {"Input": input}}),
            )
            .await
            .expect(200);
        assert_eq!(run["status"], json!("COMPLETED"), "{run}");
        exec_ids.push(run["id"].as_str().unwrap().to_string());
    }

    let all = app.get("/api/executions").await.expect(200);
    let all_ids: Vec<&Value> = all.as_array().unwrap().iter().map(|r| &r["id"]).collect();
    for exec_id in &exec_ids {
        assert!(all_ids.contains(&&json!(exec_id)), "{exec_id} in {all}");
    }

    let page = app
        .get(&format!("/api/graphs/{id}/executions"))
        .await
        .expect(200);
    assert_eq!(page["executions"].as_array().unwrap().len(), 3, "{page}");
    assert_eq!(page["pagination"]["total_items"], json!(3));
    assert_eq!(page["pagination"]["current_page"], json!(1));
    for run in page["executions"].as_array().unwrap() {
        assert_eq!(run["graph_id"], json!(id));
        assert_eq!(run["status"], json!("COMPLETED"));
    }

    let page = app
        .get(&format!("/api/graphs/{id}/executions?page=2&page_size=2"))
        .await
        .expect(200);
    assert_eq!(page["executions"].as_array().unwrap().len(), 1, "{page}");
    assert_eq!(
        page["pagination"],
        json!({"total_items": 3, "total_pages": 2, "current_page": 2, "page_size": 2})
    );
}

#[tokio::test]
async fn a_long_run_can_be_stopped() {
    let app = TestApp::start().await;
    let body = graph("wait", &[("wait", COUNTDOWN, json!({"seconds": 30}))], &[]);
    let saved = app.create_graph(&json!({ "graph": body })).await;
    let id = saved["id"].as_str().unwrap().to_string();
    let exec_id = app.start_run(&id, 1, json!({})).await;
    // Let it start; stopping a queued run must work as well, so this is not a race.
    app.wait_for_status(&id, &exec_id, &["RUNNING", "QUEUED"])
        .await;

    let stopped = app
        .post_json(
            &format!("/api/graphs/{id}/executions/{exec_id}/stop"),
            &json!({}),
        )
        .await
        .expect(200);
    assert_eq!(stopped["id"], json!(exec_id));
    let run = app
        .wait_for_status(&id, &exec_id, &["TERMINATED", "COMPLETED", "FAILED"])
        .await;
    assert_eq!(run["status"], json!("TERMINATED"), "{run}");
    assert!(run["ended_at"].is_string(), "{run}");
    for node in run["node_executions"].as_array().unwrap() {
        assert_eq!(node["status"], json!("TERMINATED"), "{node}");
    }
}

#[tokio::test]
async fn a_run_of_another_graph_is_not_found_under_this_one() {
    let app = TestApp::start().await;
    let a = calculator(&app).await;
    let b = calculator(&app).await;
    let exec_id = app.start_run(&a, 1, json!({"Input": 1})).await;
    app.get(&format!("/api/graphs/{b}/executions/{exec_id}"))
        .await
        .expect_error(404, "not_found");
    app.get(&format!("/api/graphs/{a}/executions/{exec_id}"))
        .await
        .expect(200);
}
