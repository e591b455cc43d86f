//! Retention: the node data of finished runs is pruned in batches, the run rows stay, and the
//! output nodes' values stay when asked, so a pruned run still reads its graph outputs.

use std::time::Duration;

use agentry_core::{ExecutionStatus, Graph};
use agentry_engine::{Config, RetentionPolicy};
use agentry_store::DEFAULT_USER_ID;
use serde_json::json;

use crate::support::*;

fn calculator() -> Graph {
    graph(
        &[
            ("in", INPUT, json!({"name": "x"})),
            ("add", CALCULATOR, json!({"operation": "Add", "b": 1})),
            ("out", OUTPUT, json!({"name": "y"})),
        ],
        &[
            ("in", "result", "add", "a"),
            ("add", "result", "out", "value"),
        ],
    )
}

fn pruning(keep_outputs: bool) -> Config {
    Config {
        retention: RetentionPolicy {
            // Everything that has ended is old enough.
            after: Some(Duration::ZERO),
            batch: 2,
            keep_outputs,
            ..RetentionPolicy::default()
        },
        ..Config::default()
    }
}

#[tokio::test]
async fn pruning_keeps_run_rows_and_graph_outputs() {
    let t = engine_with(agentry_blocks::registry(), pruning(true)).await;
    let g = calculator();
    let mut runs = Vec::new();
    for x in 0..5 {
        let (id, result) = t.run(&g, inputs(json!({"x": x}))).await;
        assert_eq!(result.status, ExecutionStatus::Completed);
        runs.push(id);
    }
    // Let the clock pass the runs' end times.
    tokio::time::sleep(Duration::from_millis(20)).await;
    let pruned = t.engine.prune().await.unwrap();
    assert_eq!(pruned.runs, 5, "{pruned:?}");
    // Input and calculator nodes went; output nodes stayed.
    assert_eq!(pruned.node_executions, 10, "{pruned:?}");
    for (x, id) in runs.iter().enumerate() {
        let record = t.store.get_execution(DEFAULT_USER_ID, id).await.unwrap();
        assert_eq!(record.run.status, "COMPLETED");
        assert_eq!(record.nodes.len(), 1, "only the output node is kept");
        let outputs = agentry_engine::graph_outputs(t.engine.registry(), &record);
        assert_eq!(outputs["y"], json!([x as f64 + 1.0]));
    }
    // A second sweep finds nothing left to prune.
    assert_eq!(t.engine.prune().await.unwrap().runs, 0);
}

#[tokio::test]
async fn pruning_everything_and_running_runs_untouched() {
    let t = engine_with(agentry_blocks::registry(), pruning(false)).await;
    let (done, _) = t.run(&calculator(), inputs(json!({"x": 1}))).await;
    // A run still going keeps everything.
    let waiting = graph(
        &[(
            "wait",
            COUNTDOWN,
            json!({"seconds": 30, "input_message": "x"}),
        )],
        &[],
    );
    let running = t.start(&waiting, inputs(json!({}))).await;
    tokio::time::sleep(Duration::from_millis(200)).await;
    let pruned = t.engine.prune().await.unwrap();
    assert_eq!(pruned.runs, 1, "{pruned:?}");
    let record = t.store.get_execution(DEFAULT_USER_ID, &done).await.unwrap();
    assert!(record.nodes.is_empty());
    let record = t
        .store
        .get_execution(DEFAULT_USER_ID, &running)
        .await
        .unwrap();
    assert_eq!(record.nodes.len(), 1, "the running run keeps its node");
    t.engine.stop(DEFAULT_USER_ID, &running).await.unwrap();
}

#[tokio::test]
async fn without_retention_nothing_is_pruned() {
    let t = engine().await;
    t.run(&calculator(), inputs(json!({"x": 1}))).await;
    assert_eq!(t.engine.prune().await.unwrap().runs, 0);
}
