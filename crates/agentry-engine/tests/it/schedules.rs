//! The scheduler: a schedule due now starts a run with its inputs and moves to its next fire
//! time; missed fire times coalesce into one run; the loop fires on its own; node inputs reach
//! a webhook trigger node.

use std::time::Duration;

use agentry_engine::NodeInputs;
use agentry_store::{DEFAULT_USER_ID, NewSchedule};
use chrono::Utc;
use serde_json::{Map, Value, json};
use tokio_util::sync::CancellationToken;

use crate::support::{CALCULATOR, INPUT, OUTPUT, engine, graph, request};

const WEBHOOK: &str = "8fa8c167-2002-47ce-aba8-97572fc5d387";

/// Saves "a + 2 → result" and returns (graph id, version).
async fn saved_adder(t: &crate::support::TestEngine) -> (String, i32) {
    let g = graph(
        &[
            ("in", INPUT, json!({"name": "a"})),
            ("calc", CALCULATOR, json!({"operation": "Add", "b": 2})),
            ("out", OUTPUT, json!({"name": "result"})),
        ],
        &[
            ("in", "result", "calc", "a"),
            ("calc", "result", "out", "value"),
        ],
    );
    let record = agentry_engine::graphs::create(&t.store, t.engine.registry(), DEFAULT_USER_ID, g)
        .await
        .unwrap();
    (record.id, record.version)
}

fn due(graph_id: &str, version: i32, next_run_at: i64) -> NewSchedule {
    NewSchedule {
        user_id: DEFAULT_USER_ID.into(),
        graph_id: graph_id.into(),
        graph_version: version,
        name: "every minute".into(),
        cron: "* * * * *".into(),
        timezone: "UTC".into(),
        inputs: json!({"a": 40}),
        next_run_at,
    }
}

#[tokio::test]
async fn a_due_schedule_runs_once_and_moves_on() {
    let t = engine().await;
    let (graph_id, version) = saved_adder(&t).await;
    // Missed for hours while no scheduler ran.
    let long_ago = Utc::now().timestamp_millis() - 5 * 3600 * 1000;
    let s = t
        .store
        .create_schedule(due(&graph_id, version, long_ago))
        .await
        .unwrap();
    let now = Utc::now();
    let started = t.engine.fire_due_schedules(now).await.unwrap();
    assert_eq!(started.len(), 1, "missed fire times coalesce into one run");
    let result = t
        .engine
        .wait(&started[0], Duration::from_secs(30))
        .await
        .expect("the run ends");
    assert_eq!(result.outputs.tree()["result"], json!([42.0]));

    let after = t.store.get_schedule(DEFAULT_USER_ID, &s.id).await.unwrap();
    assert!(
        after.next_run_at > now.timestamp_millis(),
        "continues from now"
    );
    assert!(
        t.engine.fire_due_schedules(now).await.unwrap().is_empty(),
        "nothing is due again at the same instant"
    );
}

#[tokio::test]
async fn a_schedule_whose_graph_is_gone_is_removed() {
    let t = engine().await;
    let s = t
        .store
        .create_schedule(due("no-such-graph", 1, 0))
        .await
        .unwrap();
    assert!(
        t.engine
            .fire_due_schedules(Utc::now())
            .await
            .unwrap()
            .is_empty()
    );
    assert!(t.store.get_schedule(DEFAULT_USER_ID, &s.id).await.is_err());
}

#[tokio::test]
async fn the_loop_fires_due_schedules() {
    let t = engine().await;
    let (graph_id, version) = saved_adder(&t).await;
    t.store
        .create_schedule(due(&graph_id, version, Utc::now().timestamp_millis() - 1))
        .await
        .unwrap();
    let stop = CancellationToken::new();
    let task = t.engine.spawn_scheduler(stop.clone());
    let mut runs = Vec::new();
    for _ in 0..300 {
        (runs, _) = t
            .store
            .list_executions(DEFAULT_USER_ID, Some(&graph_id), 1, 10)
            .await
            .unwrap();
        if !runs.is_empty() {
            break;
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    stop.cancel();
    task.await.unwrap();
    assert_eq!(runs.len(), 1, "the scheduler started the due run");
    assert_eq!(runs[0].inputs, json!({"a": 40}));
}

#[tokio::test]
async fn node_inputs_reach_a_webhook_trigger() {
    let t = engine().await;
    let g = graph(
        &[
            ("hook", WEBHOOK, json!({})),
            ("out", OUTPUT, json!({"name": "body"})),
        ],
        &[("hook", "payload", "out", "value")],
    );
    let mut node_inputs = NodeInputs::new();
    node_inputs.insert(
        "hook".into(),
        Map::from_iter([("payload".to_string(), json!({"event": "push"}))]),
    );
    let request = request(&t.engine, DEFAULT_USER_ID, &g, Map::new())
        .await
        .with_node_inputs(node_inputs);
    let id = t.engine.execute(request).await.unwrap().row.id;
    let result = t.engine.wait(&id, Duration::from_secs(30)).await.unwrap();
    assert_eq!(
        result.outputs.tree()["body"],
        Value::Array(vec![json!({"event": "push"})])
    );
}
