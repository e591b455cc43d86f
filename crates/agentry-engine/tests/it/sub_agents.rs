//! Sub-agents: AgentExecutorBlock runs a saved graph as a child run, re-yields its outputs, and
//! is stopped with its parent. Sub-graph references are resolved on import as real exports need.

use std::time::Duration;

use agentry_core::{ExecutionStatus, Graph};
use agentry_engine::graphs;
use agentry_store::DEFAULT_USER_ID;
use serde_json::{Value, json};

use crate::support::*;

const EXECUTOR: &str = "e189baac-8c20-45a1-94a7-55177ea42565";

pub(crate) fn calculator() -> Value {
    let path = concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/../../../shared/autogpt-agents/calculator-agent.json"
    );
    serde_json::from_str(&std::fs::read_to_string(path).unwrap()).unwrap()
}

/// input "x" → a sub-agent (the calculator agent, called under a stale id as real exports do)
/// → output "y".
pub(crate) fn parent_calling(sub: &Value, called_id: &str) -> Graph {
    let executor = json!({
        "user_id": "someone-else", "graph_id": called_id, "graph_version": sub["version"],
        "inputs": {}, "input_schema": sub["input_schema"], "output_schema": sub["output_schema"],
    });
    serde_json::from_value(json!({
        "id": uuid::Uuid::new_v4().to_string(), "version": 1, "name": "parent",
        "nodes": [
            {"id": "x", "block_id": INPUT, "input_default": {"name": "x"}},
            {"id": "call", "block_id": EXECUTOR, "input_default": executor},
            {"id": "y", "block_id": OUTPUT, "input_default": {"name": "y"}},
        ],
        "links": [
            {"source_id": "x", "source_name": "result", "sink_id": "call", "sink_name": "Input", "is_static": true},
            {"source_id": "call", "source_name": "Output", "sink_id": "y", "sink_name": "value", "is_static": false},
        ],
        "sub_graphs": [sub],
    }))
    .unwrap()
}

#[tokio::test]
async fn a_sub_agent_runs_as_a_child_and_its_outputs_come_back() {
    let t = engine().await;
    let parent = parent_calling(&calculator(), "b29bb8a9-0000-4000-8000-000000000000");
    let (record, _) = graphs::import(&t.store, t.engine.registry(), DEFAULT_USER_ID, parent)
        .await
        .unwrap();
    let call = record.graph.node("call").unwrap();
    assert_eq!(
        call.input_default["graph_id"], "858e2226-e047-4d19-a832-3be4a134d155",
        "matched by version and pins"
    );
    assert_eq!(call.input_default["user_id"], DEFAULT_USER_ID);

    let (id, result) = t.run(&record.graph, inputs(json!({"x": 8}))).await;
    assert_eq!(
        result.status,
        ExecutionStatus::Completed,
        "{:?}",
        result.error
    );
    assert_eq!(result.outputs.tree()["y"], json!([42.0]));
    let (runs, _) = t
        .store
        .list_executions(
            DEFAULT_USER_ID,
            Some("858e2226-e047-4d19-a832-3be4a134d155"),
            1,
            10,
        )
        .await
        .unwrap();
    assert_eq!(runs.len(), 1);
    assert_eq!(
        runs[0].parent_id.as_deref(),
        Some(id.as_str()),
        "the child records its parent"
    );
}

#[tokio::test]
async fn a_call_to_a_graph_that_is_nowhere_is_refused_naming_it() {
    let t = engine().await;
    let mut parent = parent_calling(&calculator(), "11111111-1111-4111-8111-111111111111");
    parent.sub_graphs = Some(Vec::new());
    let err = graphs::import(&t.store, t.engine.registry(), DEFAULT_USER_ID, parent)
        .await
        .unwrap_err();
    let text = err.to_string();
    assert!(
        text.contains("11111111-1111-4111-8111-111111111111"),
        "{text}"
    );
    assert!(
        t.store
            .list_graphs(DEFAULT_USER_ID)
            .await
            .unwrap()
            .is_empty(),
        "nothing saved"
    );
}

#[tokio::test]
async fn stopping_the_parent_stops_the_child() {
    let t = engine().await;
    let waiter: Value = json!({
        "id": uuid::Uuid::new_v4().to_string(), "version": 1, "name": "waiter",
        "nodes": [
            {"id": "i", "block_id": INPUT, "input_default": {"name": "go"}},
            {"id": "w", "block_id": COUNTDOWN, "input_default": {"seconds": 60}},
            {"id": "o", "block_id": OUTPUT, "input_default": {"name": "done"}},
        ],
        "links": [
            {"source_id": "i", "source_name": "result", "sink_id": "w", "sink_name": "input_message", "is_static": true},
            {"source_id": "w", "source_name": "output_message", "sink_id": "o", "sink_name": "value", "is_static": false},
        ],
    });
    let sub: Graph = serde_json::from_value(waiter.clone()).unwrap();
    let (saved_sub, _) = graphs::import(&t.store, t.engine.registry(), DEFAULT_USER_ID, sub)
        .await
        .unwrap();
    let schemas = agentry_core::export::export(&saved_sub.graph, t.engine.registry());
    let mut parent = parent_calling(&schemas, &saved_sub.id);
    parent.sub_graphs = None;
    parent.links[0].sink_name = "go".into();
    parent.links[1].source_name = "done".into();
    let (record, _) = graphs::import(&t.store, t.engine.registry(), DEFAULT_USER_ID, parent)
        .await
        .unwrap();
    let id = t.start(&record.graph, inputs(json!({"x": 1}))).await;
    let child = loop {
        let (runs, _) = t
            .store
            .list_executions(DEFAULT_USER_ID, Some(&saved_sub.id), 1, 10)
            .await
            .unwrap();
        if let Some(run) = runs.first() {
            break run.id.clone();
        }
        tokio::time::sleep(Duration::from_millis(50)).await;
    };
    tokio::time::sleep(Duration::from_millis(200)).await;
    assert_eq!(
        t.engine.stop(DEFAULT_USER_ID, &id).await.unwrap(),
        ExecutionStatus::Terminated
    );
    let child_result = t
        .engine
        .wait(&child, Duration::from_secs(10))
        .await
        .expect("the child ends");
    assert_eq!(child_result.status, ExecutionStatus::Terminated);
}
