//! The hostile-graph corpus: every cap ends its run FAILED with an error naming the cap, while
//! another user's ordinary run starts and completes meanwhile, and nothing else changes.

use std::time::{Duration, Instant};

use agentry_core::{ExecutionStatus, Graph};
use agentry_engine::{Config, Engine, RunLimits};
use agentry_store::DEFAULT_USER_ID;
use serde_json::{Value, json};

use crate::support::*;

const EXTRACT: &str = "3146e4fe-2cdd-4f29-bd12-0c9d5bb4deb0";
const EXECUTOR: &str = "e189baac-8c20-45a1-94a7-55177ea42565";
const OTHER_USER: &str = "other-user";

/// s → a ⇄ b: two StoreValue nodes feeding each other for ever.
fn cycle() -> Graph {
    graph(
        &[
            ("s", STORE_VALUE, json!({"input": 1})),
            ("a", STORE_VALUE, json!({})),
            ("b", STORE_VALUE, json!({})),
        ],
        &[
            ("s", "output", "a", "input"),
            ("a", "output", "b", "input"),
            ("b", "output", "a", "input"),
        ],
    )
}

/// input x → calculator (x + 1) → output y: the ordinary run of another user.
fn ordinary() -> Graph {
    graph(
        &[
            ("x", INPUT, json!({"name": "x"})),
            ("c", CALCULATOR, json!({"operation": "Add", "b": 1})),
            ("y", OUTPUT, json!({"name": "y"})),
        ],
        &[("x", "result", "c", "a"), ("c", "result", "y", "value")],
    )
}

async fn start_as(engine: &Engine, user: &str, g: &Graph, inputs: Value) -> String {
    let inputs = inputs.as_object().cloned().unwrap_or_default();
    let request = request(engine, user, g, inputs).await;
    engine.execute(request).await.unwrap().row.id
}

/// Another user's ordinary run, started while the hostile run goes: it completes, with its
/// answer, within a few seconds.
async fn other_user_completes(t: &TestEngine, g: &Graph) {
    let started = Instant::now();
    let id = start_as(&t.engine, OTHER_USER, g, json!({"x": 41})).await;
    let result = t
        .engine
        .wait(&id, Duration::from_secs(10))
        .await
        .expect("the other user's run ends");
    assert_eq!(
        result.status,
        ExecutionStatus::Completed,
        "{:?}",
        result.error
    );
    assert_eq!(result.outputs.tree()["y"], json!([42.0]));
    assert!(started.elapsed() < Duration::from_secs(10));
}

/// Runs `hostile` as the default user with the other user's run beside it; returns the
/// hostile run's id and error.
async fn hostile_run(t: &TestEngine, hostile: &Graph, inputs: Value) -> (String, String) {
    t.store
        .insert_graph_version(DEFAULT_USER_ID, hostile, "")
        .await
        .expect("save the hostile graph");
    let other = ordinary();
    t.store
        .insert_graph_version(OTHER_USER, &other, "")
        .await
        .expect("save the other user's graph");
    let id = start_as(&t.engine, DEFAULT_USER_ID, hostile, inputs).await;
    other_user_completes(t, &other).await;
    let result = t
        .engine
        .wait(&id, Duration::from_secs(30))
        .await
        .expect("the hostile run ends");
    assert_eq!(result.status, ExecutionStatus::Failed, "{:?}", result.error);
    (id, result.error.expect("a failed run says why"))
}

fn with_limits(limits: RunLimits) -> Config {
    Config {
        limits,
        ..Config::default()
    }
}

#[tokio::test]
async fn a_cycle_ends_at_max_node_executions() {
    let limits = RunLimits {
        max_node_executions: 200,
        ..RunLimits::default()
    };
    let t = engine_with(agentry_blocks::registry(), with_limits(limits)).await;
    let (id, error) = hostile_run(&t, &cycle(), json!({})).await;
    assert!(error.contains("max_node_executions"), "{error}");
    assert!(error.contains("200"), "{error}");
    let record = t.store.get_execution(DEFAULT_USER_ID, &id).await.unwrap();
    assert_eq!(record.nodes.len(), 200, "no execution past the cap");
    assert!(
        record
            .nodes
            .iter()
            .all(|n| n.row.status != "RUNNING" && n.row.status != "QUEUED"),
        "nothing is left running"
    );
    assert_eq!(t.engine.running(), 0);
}

#[tokio::test]
async fn a_graph_lowers_its_own_caps() {
    let t = engine().await;
    let mut g = cycle();
    g.extra.insert(
        "metadata".into(),
        json!({"agentry": {"limits": {"max_node_executions": 30}}}),
    );
    let (_, error) = hostile_run(&t, &g, json!({})).await;
    assert!(
        error.contains("max_node_executions") && error.contains("30"),
        "{error}"
    );
}

#[tokio::test]
async fn a_cycle_ends_at_max_output_bytes() {
    let limits = RunLimits {
        max_output_bytes: 20_000,
        ..RunLimits::default()
    };
    let t = engine_with(agentry_blocks::registry(), with_limits(limits)).await;
    let mut g = cycle();
    g.nodes[0].input_default = json!({"input": "x".repeat(1000)})
        .as_object()
        .cloned()
        .unwrap();
    let (id, error) = hostile_run(&t, &g, json!({})).await;
    assert!(error.contains("max_output_bytes"), "{error}");
    let record = t.store.get_execution(DEFAULT_USER_ID, &id).await.unwrap();
    let stored: usize = record
        .nodes
        .iter()
        .flat_map(|n| n.outputs.iter())
        .map(|(_, v)| v.to_string().len())
        .sum();
    assert!(stored <= 20_000, "{stored} bytes stored");
}

#[tokio::test]
async fn a_cycle_ends_at_its_wall_time() {
    // The platform's cap on node executions raised too: a graph only lowers the platform's
    // caps, and at the default 10,000 a fast machine reached that cap before 0.5 s.
    let limits = RunLimits {
        max_node_executions: 100_000_000,
        ..RunLimits::default()
    };
    let t = engine_with(agentry_blocks::registry(), with_limits(limits)).await;
    let mut g = cycle();
    g.extra.insert(
        "metadata".into(),
        json!({"agentry": {"limits": {"wall_time_secs": 0.5, "max_node_executions": 1000000}}}),
    );
    let (_, error) = hostile_run(&t, &g, json!({})).await;
    assert!(error.contains("wall time"), "{error}");
}

fn find_all(text: &str) -> Graph {
    graph(
        &[(
            "e",
            EXTRACT,
            json!({"text": text, "pattern": "a", "find_all": true}),
        )],
        &[],
    )
}

#[tokio::test]
async fn a_fan_out_ends_at_max_outputs_per_node() {
    let limits = RunLimits {
        max_outputs_per_node: 500,
        ..RunLimits::default()
    };
    let t = engine_with(agentry_blocks::registry(), with_limits(limits)).await;
    let (id, error) = hostile_run(&t, &find_all(&"a".repeat(200_000)), json!({})).await;
    assert!(error.contains("max_outputs_per_node"), "{error}");
    let record = t.store.get_execution(DEFAULT_USER_ID, &id).await.unwrap();
    assert_eq!(record.nodes.len(), 1);
    assert!(record.nodes[0].outputs.len() <= 500);
    assert_eq!(record.nodes[0].row.status, "FAILED");
}

#[tokio::test]
async fn a_fan_out_ends_at_max_outputs_per_pin() {
    let t = engine().await;
    let mut g = find_all(&"a".repeat(5_000));
    g.extra.insert(
        "metadata".into(),
        json!({"agentry": {"limits": {"max_outputs_per_pin": 100}}}),
    );
    let (_, error) = hostile_run(&t, &g, json!({})).await;
    assert!(
        error.contains("max_outputs_per_pin") && error.contains("positive"),
        "{error}"
    );
}

#[tokio::test]
async fn a_huge_value_ends_at_max_value_bytes() {
    let limits = RunLimits {
        max_value_bytes: 10_000,
        ..RunLimits::default()
    };
    let t = engine_with(agentry_blocks::registry(), with_limits(limits)).await;
    let g = graph(
        &[("s", STORE_VALUE, json!({"input": "x".repeat(20_000)}))],
        &[],
    );
    let (id, error) = hostile_run(&t, &g, json!({})).await;
    assert!(error.contains("max_value_bytes"), "{error}");
    let record = t.store.get_execution(DEFAULT_USER_ID, &id).await.unwrap();
    assert!(
        record.nodes[0].outputs.is_empty(),
        "the value is not stored"
    );
}

#[tokio::test]
async fn inputs_over_max_input_bytes_are_refused_before_anything_is_written() {
    let limits = RunLimits {
        max_input_bytes: 1_000,
        ..RunLimits::default()
    };
    let t = engine_with(agentry_blocks::registry(), with_limits(limits)).await;
    let g = ordinary();
    let request = request(
        &t.engine,
        DEFAULT_USER_ID,
        &g,
        inputs(json!({"x": "y".repeat(2_000)})),
    )
    .await;
    let err = t.engine.execute(request).await.unwrap_err();
    assert!(err.to_string().contains("max_input_bytes"), "{err}");
    let (runs, total) = t
        .store
        .list_executions(DEFAULT_USER_ID, None, 1, 10)
        .await
        .unwrap();
    assert!(runs.is_empty() && total == 0, "no run was recorded");
    assert_eq!(t.store.queue_len().await.unwrap(), 0);
}

/// A graph whose AgentExecutorBlock runs the graph itself (its version fed by a link, so no
/// save-time check sees the recursion), `fan` times per run.
fn recursive(fan: usize) -> Graph {
    let id = uuid::Uuid::new_v4().to_string();
    let mut nodes =
        vec![json!({"id": "v", "block_id": STORE_VALUE, "input_default": {"input": 1}})];
    let mut links = Vec::new();
    for i in 0..fan {
        nodes.push(
            json!({"id": format!("call{i}"), "block_id": EXECUTOR, "input_default": {
                "user_id": DEFAULT_USER_ID, "graph_id": id, "inputs": {},
                "input_schema": {}, "output_schema": {},
            }}),
        );
        links.push(
            json!({"id": format!("l{i}"), "source_id": "v", "source_name": "output",
            "sink_id": format!("call{i}"), "sink_name": "graph_version", "is_static": true}),
        );
    }
    let g: Graph = serde_json::from_value(json!({
        "id": id, "version": 1, "name": "recursive", "nodes": nodes, "links": links,
    }))
    .unwrap();
    g
}

#[tokio::test]
async fn a_recursive_agent_ends_at_max_depth_without_starving_anyone() {
    let limits = RunLimits {
        max_depth: 5,
        ..RunLimits::default()
    };
    // Fewer slots than the tree has runs: children must not need slots of their own.
    let config = Config {
        worker_concurrency: 2,
        ..with_limits(limits)
    };
    let t = engine_with(agentry_blocks::registry(), config).await;
    let g = recursive(1);
    let (id, error) = hostile_run(&t, &g, json!({})).await;
    assert!(error.contains("max_depth"), "{error}");
    let (runs, _) = t
        .store
        .list_executions(DEFAULT_USER_ID, Some(&g.id), 1, 100)
        .await
        .unwrap();
    assert_eq!(runs.len(), 6, "the top run and five nested children");
    assert!(
        runs.iter().all(|r| r.status == "FAILED"),
        "every level fails"
    );
    assert!(runs.iter().any(|r| r.id == id));
}

#[tokio::test]
async fn a_recursive_fan_out_ends_at_max_child_runs() {
    let limits = RunLimits {
        max_child_runs: 20,
        ..RunLimits::default()
    };
    let config = Config {
        worker_concurrency: 2,
        ..with_limits(limits)
    };
    let t = engine_with(agentry_blocks::registry(), config).await;
    let g = recursive(3);
    let (_, error) = hostile_run(&t, &g, json!({})).await;
    assert!(error.contains("max_child_runs"), "{error}");
    let (runs, _) = t
        .store
        .list_executions(DEFAULT_USER_ID, Some(&g.id), 1, 100)
        .await
        .unwrap();
    assert!(runs.len() <= 21, "{} runs", runs.len());
    tokio::time::sleep(Duration::from_millis(300)).await;
    assert_eq!(t.engine.running(), 0, "the whole tree ended");
}

/// As `recursive(1)`, with each level waiting `seconds` before it calls itself: a tree that
/// holds its slot for a while.
fn slow_recursive(seconds: u64) -> Graph {
    let id = uuid::Uuid::new_v4().to_string();
    serde_json::from_value(json!({
        "id": id, "version": 1, "name": "slow recursive",
        "nodes": [
            {"id": "t", "block_id": COUNTDOWN, "input_default": {"input_message": 1, "seconds": seconds}},
            {"id": "call", "block_id": EXECUTOR, "input_default": {
                "user_id": DEFAULT_USER_ID, "graph_id": id, "inputs": {},
                "input_schema": {}, "output_schema": {}}},
        ],
        "links": [{"id": "l0", "source_id": "t", "source_name": "output_message",
                   "sink_id": "call", "sink_name": "graph_version", "is_static": true}],
    }))
    .unwrap()
}

#[tokio::test]
async fn recursive_trees_of_one_user_leave_a_slot_for_another_user() {
    let limits = RunLimits {
        max_depth: 3,
        ..RunLimits::default()
    };
    // Three slots: one user's share is two, whatever it starts.
    let config = Config {
        worker_concurrency: 3,
        ..with_limits(limits)
    };
    let t = engine_with(agentry_blocks::registry(), config).await;
    // The worker loop claims the tree that waits in the queue once a slot is free again.
    let stop = tokio_util::sync::CancellationToken::new();
    t.engine.spawn_worker(stop.clone());
    let g = slow_recursive(1);
    t.store
        .insert_graph_version(DEFAULT_USER_ID, &g, "")
        .await
        .unwrap();
    let other = ordinary();
    t.store
        .insert_graph_version(OTHER_USER, &other, "")
        .await
        .unwrap();
    let mut trees = Vec::new();
    for _ in 0..3 {
        trees.push(start_as(&t.engine, DEFAULT_USER_ID, &g, json!({})).await);
    }
    // Each tree takes about four seconds (a one-second wait at each of its four levels).
    other_user_completes(&t, &other).await;
    let mut still_going = 0;
    for id in &trees {
        let status = t.store.run_status(id).await.unwrap();
        if !status.is_final() {
            still_going += 1;
        }
    }
    assert_eq!(
        still_going, 3,
        "the other user's run did not wait for the trees to end"
    );
    for id in &trees {
        let result = t.engine.wait(id, Duration::from_secs(30)).await.unwrap();
        assert_eq!(result.status, ExecutionStatus::Failed, "{:?}", result.error);
        assert!(result.error.unwrap_or_default().contains("max_depth"));
    }
    stop.cancel();
}
