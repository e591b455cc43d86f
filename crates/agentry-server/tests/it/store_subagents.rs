//! A store agent from another creator runs as a sub-agent of the runner's own graph, through
//! the HTTP API (SQLite, or PostgreSQL with `TEST_DATABASE_URL`): saving a graph that calls it
//! needs it in the runner's library and approved; the child run is the runner's, billed to
//! the runner; a graph the runner has no access to, a version not approved and a taken-down
//! version are refused with messages that say which.

use std::sync::Arc;

use agentry_engine::{Config, CreditPolicy};
use serde_json::{Value, json};

use crate::support::{Caller, OUTPUT, TestApp, agent, graph, open_signup};

const AGENT_INPUT: &str = "c0a8e994-ebf1-4a9c-a4d8-89d09c86741b";
const EXECUTOR: &str = "e189baac-8c20-45a1-94a7-55177ea42565";

fn credits_on() -> Config {
    Config {
        credits: Some(Arc::new(CreditPolicy {
            default_block_cost: 1,
            ..CreditPolicy::default()
        })),
        ..Config::default()
    }
}

/// The runner's graph: input "x" → the sub-agent `graph_id` v`version` → output "y".
fn caller_of(sub: &Value, version: i64) -> Value {
    calling(sub, version, "Input", "Output")
}

/// As `caller_of`, for a sub-agent whose input and output pins are `input` and `output`.
fn calling(sub: &Value, version: i64, input: &str, output: &str) -> Value {
    let call = json!({
        "graph_id": sub["id"], "graph_version": version, "user_id": "", "inputs": {},
        "input_schema": sub["input_schema"], "output_schema": sub["output_schema"],
    });
    json!({"graph": graph(
        "uses a store agent",
        &[("x", AGENT_INPUT, json!({"name": "x"})), ("call", EXECUTOR, call),
          ("y", OUTPUT, json!({"name": "y"}))],
        &[("x", "result", "call", input), ("call", output, "y", "value")],
    )})
}

async fn balance(caller: &Caller) -> i64 {
    caller.get("/api/credits").await.expect(200)["credits"]
        .as_i64()
        .unwrap()
}

async fn submit(creator: &Caller, graph_id: &str, version: i64, image: &str) -> String {
    let body = json!({
        "agent_id": graph_id, "agent_version": version, "slug": "calc",
        "name": "Calculator", "sub_heading": "Sums", "description": "Adds 34 to a number.",
        "instructions": "", "agent_output_demo_url": "", "categories": ["math"],
        "image_urls": [image], "changes_summary": "",
    });
    let sub = creator
        .post_json("/api/store/submissions", &body)
        .await
        .expect(200);
    sub["store_listing_version_id"]
        .as_str()
        .unwrap()
        .to_string()
}

/// Saving `body` is refused as an invalid graph whose message contains `says`.
async fn refused(caller: &Caller, body: &Value, says: &str) {
    let error = caller
        .post_json("/api/graphs", body)
        .await
        .expect_error(400, "invalid_graph");
    assert!(error["message"].as_str().unwrap().contains(says), "{error}");
    assert!(
        error["details"]["node_errors"]["call"].is_object(),
        "{error}"
    );
}

#[tokio::test]
async fn a_store_agent_of_another_creator_runs_as_a_sub_agent_billed_to_the_runner() {
    let app = TestApp::start_with_config_and_accounts(credits_on(), open_signup()).await;
    let admin = app.sign_up("admin@example.com").await;
    let creator = app.sign_up("ada@example.com").await;
    let user = app.sign_up("bob@example.com").await;
    let stranger = app.sign_up("eve@example.com").await;
    for (who, amount) in [(&creator, 5), (&user, 100)] {
        admin
            .post_json(
                "/api/credits/admin/add_credits",
                &json!({"user_id": who.id(), "amount": amount, "comments": "start"}),
            )
            .await
            .expect(200);
    }
    let image = creator.become_creator("ada", "Ada").await;
    let calc = creator
        .create_graph(&json!({"graph": agent("calculator-agent.json")}))
        .await;
    let calc_id = calc["id"].as_str().unwrap().to_string();
    let v1 = submit(&creator, &calc_id, 1, &image).await;

    // Not in the runner's library (and, for now, not even approved): no access.
    let call_v1 = caller_of(&calc, 1);
    refused(&user, &call_v1, "nor a store agent in your library").await;
    admin.approve(&v1).await;
    refused(&user, &call_v1, "nor a store agent in your library").await;
    user.post_json(
        "/api/library/agents",
        &json!({"store_listing_version_id": v1}),
    )
    .await
    .expect(200);
    // Someone else's library does not open it to a stranger.
    refused(&stranger, &call_v1, "nor a store agent in your library").await;

    // In the library and approved: the runner's graph saves and runs it.
    let parent = user.create_graph(&call_v1).await;
    let parent_id = parent["id"].as_str().unwrap().to_string();
    let node = parent["nodes"]
        .as_array()
        .unwrap()
        .iter()
        .find(|n| n["block_id"] == EXECUTOR)
        .unwrap();
    assert_eq!(node["input_default"]["graph_id"], json!(calc_id));
    let exec = user.start_run(&parent_id, 1, json!({"x": 8})).await;
    let done = user
        .wait_for_status(&parent_id, &exec, &["COMPLETED", "FAILED"])
        .await;
    assert_eq!(done["status"], "COMPLETED", "{done}");
    assert_eq!(done["outputs"]["y"], json!([42.0]), "{done}");

    // The child run is the runner's, and the runner paid for every node of both runs.
    let (children, _) = app
        .engine
        .store()
        .list_executions(user.id(), Some(&calc_id), 1, 10)
        .await
        .unwrap();
    assert_eq!(children.len(), 1);
    assert_eq!(children[0].parent_id.as_deref(), Some(exec.as_str()));
    let child_exec = children[0].id.clone();
    let history = user.get("/api/credits/transactions").await.expect(200);
    let charged: Vec<&Value> = history["transactions"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|t| t["transaction_type"] == "USAGE")
        .collect();
    assert!(
        charged
            .iter()
            .any(|t| t["usage_execution_id"] == json!(child_exec)),
        "{history}"
    );
    assert!(
        charged
            .iter()
            .any(|t| t["usage_execution_id"] == json!(exec))
    );
    assert_eq!(balance(&user).await, 100 - charged.len() as i64);
    assert_eq!(balance(&creator).await, 5, "the creator pays nothing");
    let (creator_runs, _) = app
        .engine
        .store()
        .list_executions(creator.id(), Some(&calc_id), 1, 10)
        .await
        .unwrap();
    assert!(creator_runs.is_empty(), "no run is the creator's");

    // The runner schedules the store agent itself (by its version, as the library runs it);
    // the schedule fires as the runner. A stranger cannot schedule it.
    let inputs: serde_json::Map<String, Value> = calc["input_schema"]["properties"]
        .as_object()
        .unwrap()
        .keys()
        .map(|k| (k.clone(), json!(8)))
        .collect();
    let schedule =
        json!({"name": "nightly", "cron": "0 3 * * *", "graph_version": 1, "inputs": inputs});
    let error = stranger
        .post_json(&format!("/api/graphs/{calc_id}/schedules"), &schedule)
        .await
        .expect_error(404, "not_found");
    assert!(
        error["message"]
            .as_str()
            .unwrap()
            .contains("nor a store agent in your library"),
        "{error}"
    );
    user.post_json(&format!("/api/graphs/{calc_id}/schedules"), &schedule)
        .await
        .expect(200);
    let started = app
        .engine
        .fire_due_schedules(chrono::Utc::now() + chrono::Duration::days(2))
        .await
        .unwrap();
    assert_eq!(started.len(), 1, "the schedule fired once");
    let mut status = String::new();
    for _ in 0..800 {
        let run = app
            .engine
            .store()
            .get_run(user.id(), &started[0])
            .await
            .unwrap();
        status = run.status.0.as_str().to_string();
        if status == "COMPLETED" || status == "FAILED" {
            break;
        }
        tokio::time::sleep(std::time::Duration::from_millis(25)).await;
    }
    assert_eq!(
        status, "COMPLETED",
        "the scheduled run is the runner's and completes"
    );
    assert_eq!(
        user.get("/api/schedules")
            .await
            .expect(200)
            .as_array()
            .unwrap()
            .len(),
        1,
        "the schedule is kept"
    );
    let listed = user
        .get(&format!("/api/graphs/{calc_id}/schedules"))
        .await
        .expect(200);
    assert_eq!(
        listed.as_array().unwrap().len(),
        1,
        "the store agent's own schedule list has it: {listed}"
    );
    stranger
        .get(&format!("/api/graphs/{calc_id}/schedules"))
        .await
        .expect_error(404, "not_found");

    // A version submitted but not approved cannot be called.
    let updated = creator
        .put_json(
            &format!("/api/graphs/{calc_id}"),
            &json!({"graph": agent("calculator-agent.json")}),
        )
        .await
        .expect(200);
    let v2_version = updated["version"].as_i64().unwrap();
    submit(&creator, &calc_id, v2_version, &image).await;
    refused(
        &user,
        &caller_of(&calc, v2_version),
        "is not approved (it is PENDING)",
    )
    .await;

    // Taken down: saved callers fail clearly when they run, and new ones are refused.
    admin
        .post_json(
            &format!("/api/store/admin/submissions/{v1}/take-down"),
            &json!({"reason": "misleading"}),
        )
        .await
        .expect(200);
    refused(&user, &call_v1, "was taken down (misleading)").await;
    let exec = user.start_run(&parent_id, 1, json!({"x": 8})).await;
    let failed = user
        .wait_for_status(&parent_id, &exec, &["COMPLETED", "FAILED"])
        .await;
    assert_eq!(failed["status"], "FAILED", "{failed}");
    assert!(
        failed.to_string().contains("was taken down (misleading)"),
        "{failed}"
    );
    let (children, _) = app
        .engine
        .store()
        .list_executions(user.id(), Some(&calc_id), 1, 10)
        .await
        .unwrap();
    let children = children.iter().filter(|r| r.parent_id.is_some()).count();
    assert_eq!(children, 1, "no child run started");
}

#[tokio::test]
async fn a_store_agent_runs_its_own_sub_agents_for_the_runner() {
    let app = TestApp::start_with_accounts(open_signup()).await;
    let admin = app.sign_up("admin@example.com").await;
    let creator = app.sign_up("ada@example.com").await;
    let user = app.sign_up("bob@example.com").await;
    let image = creator.become_creator("ada", "Ada").await;
    // The creator's store agent calls another of the creator's graphs, never listed itself.
    let inner = creator
        .create_graph(&json!({"graph": agent("calculator-agent.json")}))
        .await;
    let outer = creator.create_graph(&caller_of(&inner, 1)).await;
    let outer_id = outer["id"].as_str().unwrap().to_string();
    let v1 = submit(&creator, &outer_id, 1, &image).await;
    admin.approve(&v1).await;
    user.post_json(
        "/api/library/agents",
        &json!({"store_listing_version_id": v1}),
    )
    .await
    .expect(200);
    // The inner graph alone is not the user's to call.
    refused(
        &user,
        &caller_of(&inner, 1),
        "nor a store agent in your library",
    )
    .await;
    let parent = user.create_graph(&calling(&outer, 1, "x", "y")).await;
    let parent_id = parent["id"].as_str().unwrap().to_string();
    let exec = user.start_run(&parent_id, 1, json!({"x": 8})).await;
    let done = user
        .wait_for_status(&parent_id, &exec, &["COMPLETED", "FAILED"])
        .await;
    assert_eq!(done["status"], "COMPLETED", "{done}");
    assert_eq!(done["outputs"]["y"], json!([42.0]), "{done}");
    let inner_id = inner["id"].as_str().unwrap();
    let (runs, _) = app
        .engine
        .store()
        .list_executions(user.id(), Some(inner_id), 1, 10)
        .await
        .unwrap();
    assert_eq!(runs.len(), 1, "the grandchild run is the runner's");
}
