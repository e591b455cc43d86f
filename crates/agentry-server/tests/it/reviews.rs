//! Human reviews over HTTP: a run pauses in REVIEW, its review is listed, bad decisions are
//! refused without changing anything, and a decision resumes the run on the worker.

use serde_json::{Value, json};

use crate::support::{INPUT, OUTPUT, TestApp, graph, node_of};

const HITL: &str = "8b2a7b3c-6e9d-4a5f-8c1b-2e3f4a5b6c7d";

/// Saves in → review → approved / rejected / message outputs; returns the graph id.
async fn review_graph(app: &TestApp, editable: bool) -> String {
    let body = graph(
        "review",
        &[
            ("in", INPUT, json!({"name": "draft"})),
            (
                "review",
                HITL,
                json!({"name": "Check it", "editable": editable}),
            ),
            ("ok", OUTPUT, json!({"name": "approved"})),
            ("no", OUTPUT, json!({"name": "rejected"})),
            ("msg", OUTPUT, json!({"name": "message"})),
        ],
        &[
            ("in", "result", "review", "data"),
            ("review", "approved_data", "ok", "value"),
            ("review", "rejected_data", "no", "value"),
            ("review", "review_message", "msg", "value"),
        ],
    );
    let saved = app.create_graph(&json!({ "graph": body })).await;
    saved["id"].as_str().unwrap().to_string()
}

/// Starts a run and waits until it pauses; returns the run id and its one review.
async fn paused(app: &TestApp, graph_id: &str) -> (String, Value) {
    let exec_id = app.start_run(graph_id, 1, json!({"draft": "hello"})).await;
    let run = app.wait_for_status(graph_id, &exec_id, &["REVIEW"]).await;
    let node = node_of(&run["node_executions"], HITL);
    assert_eq!(node["status"], json!("REVIEW"), "{run}");
    let reviews = app
        .get(&format!("/api/review/execution/{exec_id}"))
        .await
        .expect(200);
    let list = reviews.as_array().unwrap();
    assert_eq!(list.len(), 1, "{reviews}");
    assert_eq!(list[0]["node_exec_id"], node["node_exec_id"]);
    (exec_id, list[0].clone())
}

fn action(node_exec_id: &Value, approved: bool, data: Option<Value>, message: &str) -> Value {
    let mut item = json!({"node_exec_id": node_exec_id, "approved": approved, "message": message});
    if let Some(data) = data {
        item["reviewed_data"] = data;
    }
    json!({ "reviews": [item] })
}

async fn still_waiting(app: &TestApp, graph_id: &str, exec_id: &str) {
    let pending = app.get("/api/review/pending").await.expect(200);
    assert_eq!(pending.as_array().unwrap().len(), 1, "{pending}");
    assert_eq!(pending[0]["status"], json!("WAITING"));
    let run = app
        .get(&format!("/api/graphs/{graph_id}/executions/{exec_id}"))
        .await
        .expect(200);
    assert_eq!(run["status"], json!("REVIEW"));
}

#[tokio::test]
async fn approving_with_edited_data_resumes_the_run() {
    let app = TestApp::start_with_worker().await;
    let graph_id = review_graph(&app, true).await;
    let (exec_id, review) = paused(&app, &graph_id).await;
    assert_eq!(review["payload"], json!("hello"));
    assert_eq!(review["instructions"], json!("Check it"));
    assert_eq!(review["editable"], json!(true));
    assert_eq!(review["status"], json!("WAITING"));
    assert_eq!(review["graph_exec_id"], json!(exec_id));
    assert_eq!(review["graph_id"], json!(graph_id));
    let pending = app.get("/api/review/pending").await.expect(200);
    assert_eq!(pending, json!([review.clone()]));
    let id = &review["node_exec_id"];

    // Refusals change nothing.
    app.get("/api/review/execution/no-such-run")
        .await
        .expect_error(404, "not_found");
    app.get("/api/review/pending?page=0")
        .await
        .expect_error(400, "invalid_query");
    app.post_json("/api/review/action", &json!({"reviews": []}))
        .await
        .expect_error(400, "invalid_review");
    app.post_json(
        "/api/review/action",
        &action(&json!("nope"), true, None, ""),
    )
    .await
    .expect_error(404, "review_not_found");
    app.post_raw("/api/review/action", "application/json", "{not json")
        .await
        .expect_error(400, "invalid_json");
    let long = "x".repeat(2001);
    app.post_json("/api/review/action", &action(id, true, None, &long))
        .await
        .expect_error(400, "invalid_review");
    let once = action(id, true, None, "")["reviews"][0].clone();
    let twice = json!({ "reviews": [once.clone(), once] });
    app.post_json("/api/review/action", &twice)
        .await
        .expect_error(400, "invalid_review");
    still_waiting(&app, &graph_id, &exec_id).await;

    let answer = app
        .post_json(
            "/api/review/action",
            &action(id, true, Some(json!("HELLO")), "fine"),
        )
        .await
        .expect(200);
    assert_eq!(
        answer,
        json!({"approved_count": 1, "rejected_count": 0, "failed_count": 0, "error": null})
    );
    app.post_json("/api/review/action", &action(id, false, None, ""))
        .await
        .expect_error(409, "review_already_decided");

    let run = app
        .wait_for_status(&graph_id, &exec_id, &["COMPLETED", "FAILED"])
        .await;
    assert_eq!(run["status"], json!("COMPLETED"), "{run}");
    assert_eq!(run["outputs"]["approved"], json!(["HELLO"]));
    assert_eq!(run["outputs"]["message"], json!(["fine"]));
    assert!(run["outputs"].get("rejected").is_none(), "{run}");
    let nodes = run["node_executions"].as_array().unwrap();
    let inputs = nodes
        .iter()
        .filter(|n| n["block_id"] == json!(INPUT))
        .count();
    assert_eq!(inputs, 1, "the input node did not run again");
    let reviewed: Vec<&Value> = nodes
        .iter()
        .filter(|n| n["block_id"] == json!(HITL))
        .collect();
    assert_eq!(reviewed.len(), 1);
    assert_eq!(&reviewed[0]["node_exec_id"], id);
    assert_eq!(reviewed[0]["status"], json!("COMPLETED"));
    assert_eq!(app.get("/api/review/pending").await.expect(200), json!([]));

    let doc = app.get("/api/openapi.json").await.expect(200);
    for (path, method) in [
        ("/api/review/pending", "get"),
        ("/api/review/execution/{graph_exec_id}", "get"),
        ("/api/review/action", "post"),
    ] {
        assert!(doc["paths"][path][method].is_object(), "{method} {path}");
    }
}

#[tokio::test]
async fn a_review_that_is_not_editable_refuses_edits_and_rejecting_takes_the_rejected_path() {
    let app = TestApp::start_with_worker().await;
    let graph_id = review_graph(&app, false).await;
    let (exec_id, review) = paused(&app, &graph_id).await;
    let id = &review["node_exec_id"];
    app.post_json(
        "/api/review/action",
        &action(id, true, Some(json!("changed")), ""),
    )
    .await
    .expect_error(400, "review_not_editable");
    app.post_json(
        "/api/review/action",
        &json!({"reviews": [{"node_exec_id": id, "approved": true, "auto_approve_future": true}]}),
    )
    .await
    .expect_error(400, "unsupported");
    still_waiting(&app, &graph_id, &exec_id).await;

    let answer = app
        .post_json("/api/review/action", &action(id, false, None, "no"))
        .await
        .expect(200);
    assert_eq!(answer["rejected_count"], json!(1));
    let run = app
        .wait_for_status(&graph_id, &exec_id, &["COMPLETED", "FAILED"])
        .await;
    assert_eq!(run["status"], json!("COMPLETED"), "{run}");
    assert_eq!(run["outputs"]["rejected"], json!(["hello"]));
    assert_eq!(run["outputs"]["message"], json!(["no"]));
    assert!(run["outputs"].get("approved").is_none(), "{run}");
}

#[tokio::test]
async fn a_stopped_review_cannot_be_decided() {
    let app = TestApp::start_with_worker().await;
    let graph_id = review_graph(&app, true).await;
    let (exec_id, review) = paused(&app, &graph_id).await;
    let stopped = app
        .post_json(
            &format!("/api/graphs/{graph_id}/executions/{exec_id}/stop"),
            &json!({}),
        )
        .await
        .expect(200);
    assert_eq!(stopped["status"], json!("TERMINATED"));
    assert_eq!(app.get("/api/review/pending").await.expect(200), json!([]));
    app.post_json(
        "/api/review/action",
        &action(&review["node_exec_id"], true, None, ""),
    )
    .await
    .expect_error(409, "execution_not_in_review");
}
