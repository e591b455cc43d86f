//! Durable memory through the engine: a value persisted by one run is read by a later run of
//! the same agent, and by direct block runs of the same user only.

use agentry_core::ExecutionStatus;
use agentry_store::DEFAULT_USER_ID;
use serde_json::{Map, json};

use crate::support::*;

const PERSIST: &str = "1d055e55-a2b9-4547-8311-907d05b0304d";
const RETRIEVE: &str = "d8710fc9-6e29-481e-a7d5-165eb16f8471";

#[tokio::test]
async fn a_later_run_reads_what_an_earlier_run_persisted() {
    let t = engine().await;
    let g = graph(
        &[
            ("in", INPUT, json!({"name": "Input"})),
            ("save", PERSIST, json!({"key": "counter"})),
            (
                "load",
                RETRIEVE,
                json!({"key": "counter", "default_value": "none"}),
            ),
            ("out", OUTPUT, json!({"name": "Output"})),
        ],
        &[
            ("in", "result", "save", "value"),
            ("load", "value", "out", "value"),
        ],
    );
    let (_, first) = t.run(&g, inputs(json!({"Input": "first"}))).await;
    assert_eq!(
        first.status,
        ExecutionStatus::Completed,
        "{:?}",
        first.error
    );
    let saved = t
        .store
        .memory_get(DEFAULT_USER_ID, &format!("agent#{}", g.id), "counter")
        .await
        .unwrap();
    assert_eq!(saved, Some(json!("first")));

    // A second run of the same agent reads the first run's value.
    let (_, second) = t.run(&g, inputs(json!({"Input": "second"}))).await;
    assert_eq!(
        second.status,
        ExecutionStatus::Completed,
        "{:?}",
        second.error
    );
    let outputs = second.outputs.tree();
    let out = outputs["Output"].as_array().unwrap();
    assert!(
        out == &vec![json!("first")] || out == &vec![json!("second")],
        "the retrieve node reads a persisted value: {out:?}"
    );

    // Outside this agent (a direct run has no graph) neither scope holds it.
    for scope in ["within_agent", "across_agents"] {
        let other = t
            .engine
            .run_block(
                RETRIEVE,
                DEFAULT_USER_ID,
                Map::from_iter([
                    ("key".to_string(), json!("counter")),
                    ("scope".to_string(), json!(scope)),
                    ("default_value".to_string(), json!("none")),
                ]),
            )
            .await
            .unwrap();
        assert_eq!(other.outputs, vec![("value".to_string(), json!("none"))]);
    }
}

#[tokio::test]
async fn direct_block_runs_keep_users_apart() {
    let t = engine().await;
    let put = |user: &'static str, value: serde_json::Value| {
        let engine = t.engine.clone();
        async move {
            engine
                .run_block(
                    PERSIST,
                    user,
                    Map::from_iter([
                        ("key".to_string(), json!("k")),
                        ("value".to_string(), value),
                        ("scope".to_string(), json!("across_agents")),
                    ]),
                )
                .await
                .unwrap()
        }
    };
    let done = put("alice", json!(1)).await;
    assert_eq!(done.error, None);
    put("bob", json!(2)).await;
    let get = |user: &'static str| {
        let engine = t.engine.clone();
        async move {
            engine
                .run_block(
                    RETRIEVE,
                    user,
                    Map::from_iter([
                        ("key".to_string(), json!("k")),
                        ("scope".to_string(), json!("across_agents")),
                    ]),
                )
                .await
                .unwrap()
                .outputs
        }
    };
    assert_eq!(get("alice").await, vec![("value".to_string(), json!(1))]);
    assert_eq!(get("bob").await, vec![("value".to_string(), json!(2))]);
    assert_eq!(get("carol").await, vec![("value".to_string(), json!(null))]);
}
