//! Run control: parallel branches, cancel, run timeout, node timeout and retry policy.

use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::{Duration, Instant};

use agentry_core::{Block, BlockError, BlockMeta, Category, Cx, ExecutionStatus};
use agentry_engine::Config;
use agentry_store::DEFAULT_USER_ID;
use schemars::JsonSchema;
use serde::{Deserialize, Serialize};
use serde_json::json;

use crate::support::*;

#[tokio::test]
async fn independent_branches_run_concurrently() {
    let mut nodes = vec![("join", CALCULATOR, json!({"operation": "Add", "b": 0}))];
    let ids: Vec<String> = (0..5).map(|i| format!("wait{i}")).collect();
    for id in &ids {
        nodes.push((
            id.as_str(),
            COUNTDOWN,
            json!({"seconds": 1, "input_message": 1}),
        ));
    }
    let links: Vec<(&str, &str, &str, &str)> = ids
        .iter()
        .map(|id| (id.as_str(), "output_message", "join", "a"))
        .collect();
    let g = graph(&nodes, &links);
    let t = engine().await;
    let started = Instant::now();
    let (_, result) = t.run(&g, Default::default()).await;
    assert_eq!(result.status, ExecutionStatus::Completed);
    // Five one-second waits one after another would take five seconds.
    assert!(
        started.elapsed() < Duration::from_secs(4),
        "{:?}",
        started.elapsed()
    );
}

#[tokio::test]
async fn stop_terminates_a_running_run_and_its_nodes() {
    let g = graph(&[("wait", COUNTDOWN, json!({"seconds": 30}))], &[]);
    let t = engine().await;
    let id = t.start(&g, Default::default()).await;
    tokio::time::sleep(Duration::from_millis(100)).await;
    let status = t.engine.stop(DEFAULT_USER_ID, &id).await.unwrap();
    assert_eq!(status, ExecutionStatus::Terminated);
    let rec = t.store.get_execution(DEFAULT_USER_ID, &id).await.unwrap();
    assert_eq!(rec.nodes[0].row.status, "TERMINATED");
    assert!(rec.run.ended_at.is_some());
}

#[tokio::test]
async fn a_run_past_its_timeout_fails() {
    let config = Config {
        run_timeout: Some(Duration::from_millis(300)),
        ..Config::default()
    };
    let t = engine_with(agentry_blocks::registry(), config).await;
    let g = graph(&[("wait", COUNTDOWN, json!({"seconds": 30}))], &[]);
    let (_, result) = t.run(&g, Default::default()).await;
    assert_eq!(result.status, ExecutionStatus::Failed);
    assert!(result.error.unwrap().contains("timed out"));
}

/// Fails with a system error until it has been called `succeed_on` times.
struct Flaky {
    calls: Arc<AtomicUsize>,
    succeed_on: usize,
}

#[derive(Deserialize, JsonSchema)]
struct FlakyInput {}

#[derive(Serialize, JsonSchema)]
#[serde(tag = "pin", content = "value", rename_all = "snake_case")]
enum FlakyOutput {
    Done(usize),
}

impl Block for Flaky {
    const META: BlockMeta = BlockMeta::standard(
        "00000000-0000-4000-8000-00000000f1a7",
        "FlakyTestBlock",
        "Fails with a system error a set number of times.",
        &[Category::Basic],
    );
    type Input = FlakyInput;
    type Output = FlakyOutput;

    async fn run(&self, _: FlakyInput, cx: &mut Cx<'_, FlakyOutput>) -> Result<(), BlockError> {
        let n = self.calls.fetch_add(1, Ordering::SeqCst) + 1;
        if n < self.succeed_on {
            return Err(BlockError::System(format!("upstream 503 on call {n}")));
        }
        cx.emit(FlakyOutput::Done(n));
        Ok(())
    }
}

async fn flaky_run(
    attempts: u64,
    succeed_on: usize,
) -> (ExecutionStatus, usize, serde_json::Value) {
    let calls = Arc::new(AtomicUsize::new(0));
    let mut registry = agentry_blocks::registry();
    registry.register(Flaky {
        calls: calls.clone(),
        succeed_on,
    });
    let t = engine_with(registry, Config::default()).await;
    let mut g = graph(&[("f", CALCULATOR, json!({}))], &[]);
    g.nodes[0].block_id = Flaky::META.id.into();
    g.nodes[0].metadata = json!({"agentry": {"retry": {"attempts": attempts, "backoff_ms": 1}}})
        .as_object()
        .cloned()
        .unwrap();
    let (id, result) = t.run(&g, Default::default()).await;
    let rec = t.store.get_execution(DEFAULT_USER_ID, &id).await.unwrap();
    (
        result.status,
        calls.load(Ordering::SeqCst),
        json!(rec.nodes[0].outputs),
    )
}

#[tokio::test]
async fn system_failures_are_retried_by_policy() {
    let (status, calls, outputs) = flaky_run(3, 3).await;
    assert_eq!(status, ExecutionStatus::Completed);
    assert_eq!(calls, 3);
    assert_eq!(outputs, json!([["done", 3]]));

    let (status, calls, outputs) = flaky_run(2, 5).await;
    assert_eq!(status, ExecutionStatus::Failed);
    assert_eq!(calls, 2, "no more attempts than the policy allows");
    assert_eq!(outputs, json!([["error", "upstream 503 on call 2"]]));
}

/// Panics on every call, with a message that quotes its input.
struct Panicky {
    calls: Arc<AtomicUsize>,
}

#[derive(Deserialize, JsonSchema)]
struct PanickyInput {
    #[serde(default)]
    token: String,
}

impl Block for Panicky {
    const META: BlockMeta = BlockMeta::standard(
        "00000000-0000-4000-8000-0000000bad00",
        "PanickyTestBlock",
        "Panics.",
        &[Category::Basic],
    );
    type Input = PanickyInput;
    type Output = FlakyOutput;

    async fn run(
        &self,
        input: PanickyInput,
        _: &mut Cx<'_, FlakyOutput>,
    ) -> Result<(), BlockError> {
        self.calls.fetch_add(1, Ordering::SeqCst);
        panic!("index out of range near {}", input.token);
    }
}

#[tokio::test]
async fn a_block_that_panics_fails_its_node_at_once_and_the_run_goes_on() {
    let calls = Arc::new(AtomicUsize::new(0));
    let mut registry = agentry_blocks::registry();
    registry.register(Panicky {
        calls: calls.clone(),
    });
    // Without the panic caught, the run would wait for the node until this wall time.
    let config = Config {
        run_timeout: Some(Duration::from_secs(60)),
        ..Config::default()
    };
    let t = engine_with(registry, config).await;
    let mut g = graph(
        &[
            ("boom", CALCULATOR, json!({"token": "sk-secret-42"})),
            (
                "calc",
                CALCULATOR,
                json!({"operation": "Add", "a": 2, "b": 3}),
            ),
        ],
        &[],
    );
    g.nodes[0].block_id = Panicky::META.id.into();
    g.nodes[0].metadata = json!({"agentry": {"retry": {"attempts": 3, "backoff_ms": 1}}})
        .as_object()
        .cloned()
        .unwrap();
    let (id, result) = t.run(&g, Default::default()).await;
    assert_eq!(result.status, ExecutionStatus::Failed);
    let error = result.error.unwrap();
    assert!(!error.contains("timed out"), "{error}");
    assert_eq!(calls.load(Ordering::SeqCst), 1, "a panic is not retried");
    let rec = t.store.get_execution(DEFAULT_USER_ID, &id).await.unwrap();
    let node = |id: &str| {
        rec.nodes
            .iter()
            .find(|n| n.row.node_id == id)
            .unwrap_or_else(|| panic!("no execution of {id}"))
    };
    assert_eq!(node("boom").row.status, "FAILED");
    let outputs = json!(node("boom").outputs);
    assert_eq!(
        outputs,
        json!([[
            "error",
            "the PanickyTestBlock block stopped on an internal error; the server's log has the details"
        ]]),
        "the panic's message stays in the log"
    );
    assert_eq!(node("calc").row.status, "COMPLETED");
    assert_eq!(json!(node("calc").outputs), json!([["result", 5.0]]));
}

#[tokio::test]
async fn a_node_timeout_is_a_system_failure() {
    let t = engine().await;
    let mut g = graph(&[("wait", COUNTDOWN, json!({"seconds": 30}))], &[]);
    g.nodes[0].metadata = json!({"agentry": {"timeout_secs": 0.2}})
        .as_object()
        .cloned()
        .unwrap();
    let (_, result) = t.run(&g, Default::default()).await;
    assert_eq!(result.status, ExecutionStatus::Failed);
    assert!(result.error.unwrap().contains("timed out after 0.2 s"));
}

#[tokio::test]
async fn events_arrive_after_commit_in_order() {
    let t = engine().await;
    let mut rx = t.engine.events().subscribe();
    let path = concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/../../../shared/autogpt-agents/calculator-agent.json"
    );
    let g: agentry_core::Graph =
        serde_json::from_str(&std::fs::read_to_string(path).unwrap()).unwrap();
    let (id, _) = t.run(&g, inputs(json!({"Input": 8}))).await;
    let mut seqs = Vec::new();
    let mut live = std::collections::HashMap::new();
    let mut saw_output = false;
    while let Ok(ev) = rx.try_recv() {
        assert_eq!(ev.graph_exec_id, id);
        seqs.push(ev.seq);
        live.insert(ev.seq, serde_json::to_value(&ev).unwrap());
        if let agentry_engine::EventKind::GraphOutput { name, value } = &ev.kind {
            assert_eq!((name.as_str(), &*value.tree()), ("Output", &json!(42.0)));
            saw_output = true;
        }
    }
    assert!(saw_output);
    assert!(seqs.windows(2).all(|w| w[1] == w[0] + 1), "{seqs:?}");
    // What a resuming client reads back from the store is what was published, less the
    // statuses a row has since left (a node's RUNNING, the run's RUNNING): each event it reads
    // is the live one of the same number, and the last is the run's end.
    let stored = t.store.events_since(DEFAULT_USER_ID, &id, 0).await.unwrap();
    let stored_seqs: Vec<u64> = stored.iter().map(|e| e["seq"].as_u64().unwrap()).collect();
    assert!(
        stored_seqs.windows(2).all(|w| w[0] < w[1]),
        "{stored_seqs:?}"
    );
    assert_eq!(stored_seqs.last(), seqs.last());
    for event in &stored {
        let seq = event["seq"].as_u64().unwrap();
        assert_eq!(Some(event), live.get(&seq), "event {seq}");
    }
    let left_out: Vec<&serde_json::Value> = seqs
        .iter()
        .filter(|s| !stored_seqs.contains(s))
        .map(|s| &live[s])
        .collect();
    assert!(
        left_out.iter().all(|e| e["status"] == "RUNNING"),
        "only RUNNING statuses are overwritten: {left_out:?}"
    );
    let after = t.store.events_since(DEFAULT_USER_ID, &id, 3).await.unwrap();
    assert_eq!(after.first().map(|e| e["seq"].clone()), Some(json!(4)));
    assert!(
        t.store
            .events_since("someone-else", &id, 0)
            .await
            .unwrap()
            .is_empty()
    );
    assert!(matches!(
        rx.try_recv(),
        Err(tokio::sync::broadcast::error::TryRecvError::Empty)
    ));
}

#[tokio::test]
async fn values_travel_while_their_block_is_still_running() {
    let t = engine().await;
    let mut rx = t.engine.events().subscribe();
    let g = graph(
        &[
            (
                "tick",
                COUNTDOWN,
                json!({"seconds": 1, "repeat": 2, "input_message": "tick"}),
            ),
            ("out", OUTPUT, json!({"name": "ticks"})),
        ],
        &[("tick", "output_message", "out", "value")],
    );
    let (_, result) = t.run(&g, Default::default()).await;
    assert_eq!(result.outputs.tree()["ticks"], json!(["tick", "tick"]));
    let mut order = Vec::new();
    while let Ok(ev) = rx.try_recv() {
        match ev.kind {
            agentry_engine::EventKind::GraphOutput { .. } => order.push("output"),
            agentry_engine::EventKind::NodeStatus {
                node_id, status, ..
            } if node_id == "tick" && status == ExecutionStatus::Completed => {
                order.push("tick completed")
            }
            _ => {}
        }
    }
    // The first tick reached the output node a second before the timer block ended.
    assert_eq!(order, ["output", "tick completed", "output"]);
}
