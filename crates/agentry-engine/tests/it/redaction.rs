//! Redacted graphs: the run routes real values, the store keeps "redacted" in their place.

use std::collections::HashSet;
use std::sync::Arc;

use agentry_core::ExecutionStatus;
use agentry_engine::Config;
use agentry_store::DEFAULT_USER_ID;
use serde_json::json;

use crate::support::*;

fn adder() -> agentry_core::Graph {
    graph(
        &[
            (
                "add",
                CALCULATOR,
                json!({"operation": "Add", "a": 40, "b": 2}),
            ),
            (
                "twice",
                CALCULATOR,
                json!({"operation": "Multiply", "b": 2}),
            ),
            ("out", OUTPUT, json!({"name": "sum"})),
        ],
        &[
            ("add", "result", "twice", "a"),
            ("twice", "result", "out", "value"),
        ],
    )
}

#[tokio::test]
async fn a_redacted_graph_routes_real_values_and_stores_redacted() {
    let secret = adder();
    let plain = adder();
    let config = Config {
        redact_graphs: Arc::new(HashSet::from([secret.id.clone()])),
        ..Config::default()
    };
    let t = engine_with(agentry_blocks::registry(), config).await;

    let (id, result) = t.run(&secret, Default::default()).await;
    assert_eq!(
        result.status,
        ExecutionStatus::Completed,
        "{:?}",
        result.error
    );
    // Routing used the real values: 40 + 2, doubled.
    assert_eq!(result.outputs.tree()["sum"], json!([84.0]));
    let rec = t.store.get_execution(DEFAULT_USER_ID, &id).await.unwrap();
    assert_eq!(rec.run.status, "COMPLETED");
    assert_eq!(rec.nodes.len(), 3, "every node execution is still stored");
    for node in &rec.nodes {
        assert_eq!(node.row.status, "COMPLETED");
        assert_eq!(node.row.input_data, json!("redacted"));
        assert!(!node.outputs.is_empty(), "output rows are still counted");
        assert!(node.outputs.iter().all(|(_, v)| *v == json!("redacted")));
    }

    let (id, result) = t.run(&plain, Default::default()).await;
    assert_eq!(result.outputs.tree()["sum"], json!([84.0]));
    let rec = t.store.get_execution(DEFAULT_USER_ID, &id).await.unwrap();
    let twice = rec.nodes.iter().find(|n| n.row.node_id == "twice").unwrap();
    assert_eq!(twice.row.input_data["a"], json!(42.0));
    assert_eq!(twice.outputs, vec![("result".to_string(), json!(84.0))]);
}
