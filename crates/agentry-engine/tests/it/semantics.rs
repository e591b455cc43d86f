//! Execution semantics: the real calculator agent, zip queues, static links, error pins, persistence.

use agentry_core::ExecutionStatus;
use agentry_core::validate::{Mode, validate};
use agentry_store::DEFAULT_USER_ID;
use serde_json::json;

use crate::support::*;

#[tokio::test]
async fn calculator_agent_from_autogpt_gives_42() {
    let path = concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/../../../shared/autogpt-agents/calculator-agent.json"
    );
    let text = std::fs::read_to_string(path).expect("../shared/autogpt-agents is beside the repo");
    let g: agentry_core::Graph = serde_json::from_str(&text).unwrap();
    let t = engine().await;
    let (id, result) = t.run(&g, inputs(json!({"Input": "8"}))).await;
    assert_eq!(
        result.status,
        ExecutionStatus::Completed,
        "{:?}",
        result.error
    );
    assert_eq!(result.outputs.tree()["Output"], json!([42.0]));

    // Everything is durable: the run, its three node executions and their outputs.
    let rec = t.store.get_execution(DEFAULT_USER_ID, &id).await.unwrap();
    assert_eq!(rec.run.status, "COMPLETED");
    assert_eq!(rec.nodes.len(), 3);
    assert!(rec.nodes.iter().all(|n| n.row.status == "COMPLETED"));
    let calc = rec
        .nodes
        .iter()
        .find(|n| n.row.block_id == CALCULATOR)
        .unwrap();
    assert_eq!(calc.row.input_data["a"], json!(8.0));
    assert_eq!(calc.outputs, vec![("result".to_string(), json!(42.0))]);
}

#[tokio::test]
async fn values_on_two_pins_pair_up_in_order() {
    let g = graph(
        &[
            ("xs", STEP, json!({"items": [1, 2, 3]})),
            ("ys", STEP, json!({"items": [10, 20, 30]})),
            ("add", CALCULATOR, json!({"operation": "Add"})),
            ("out", OUTPUT, json!({"name": "sum"})),
        ],
        &[
            ("xs", "item", "add", "a"),
            ("ys", "item", "add", "b"),
            ("add", "result", "out", "value"),
        ],
    );
    let t = engine().await;
    let (_, result) = t.run(&g, Default::default()).await;
    assert_eq!(result.status, ExecutionStatus::Completed);
    let mut sums: Vec<f64> = result.outputs.tree()["sum"]
        .as_array()
        .unwrap()
        .iter()
        .map(|v| v.as_f64().unwrap())
        .collect();
    sums.sort_by(f64::total_cmp);
    assert_eq!(sums, [11.0, 22.0, 33.0]);
}

#[tokio::test]
async fn a_static_value_is_reused_by_every_later_execution() {
    let g = graph(
        &[
            ("k", STORE_VALUE, json!({"input": 100})),
            ("xs", STEP, json!({"items": [1, 2, 3]})),
            ("mul", CALCULATOR, json!({"operation": "Multiply"})),
            ("out", OUTPUT, json!({"name": "product"})),
        ],
        &[
            ("k", "output", "mul", "b"),
            ("xs", "item", "mul", "a"),
            ("mul", "result", "out", "value"),
        ],
    );
    assert!(
        g.links[0].is_static,
        "links from StoreValue are forced static"
    );
    let t = engine().await;
    let (_, result) = t.run(&g, Default::default()).await;
    let mut products: Vec<f64> = result.outputs.tree()["product"]
        .as_array()
        .unwrap()
        .iter()
        .map(|v| v.as_f64().unwrap())
        .collect();
    products.sort_by(f64::total_cmp);
    assert_eq!(products, [100.0, 200.0, 300.0]);
}

#[tokio::test]
async fn a_failure_routed_from_the_error_pin_completes_the_run() {
    let g = graph(
        &[
            (
                "div",
                CALCULATOR,
                json!({"operation": "Divide", "a": 1, "b": 0}),
            ),
            ("err", OUTPUT, json!({"name": "problem"})),
        ],
        &[("div", "error", "err", "value")],
    );
    let t = engine().await;
    let (_, result) = t.run(&g, Default::default()).await;
    assert_eq!(result.status, ExecutionStatus::Completed);
    assert_eq!(
        result.outputs.tree()["problem"],
        json!(["Cannot divide by zero"])
    );
}

#[tokio::test]
async fn an_unhandled_failure_fails_the_run_but_other_branches_finish() {
    let g = graph(
        &[
            (
                "div",
                CALCULATOR,
                json!({"operation": "Divide", "a": 1, "b": 0}),
            ),
            (
                "ok",
                CALCULATOR,
                json!({"operation": "Add", "a": 1, "b": 1}),
            ),
            ("out", OUTPUT, json!({"name": "two"})),
        ],
        &[("ok", "result", "out", "value")],
    );
    let t = engine().await;
    let (id, result) = t.run(&g, Default::default()).await;
    assert_eq!(result.status, ExecutionStatus::Failed);
    assert!(result.error.unwrap().contains("Cannot divide by zero"));
    assert_eq!(result.outputs.tree()["two"], json!([2.0]));
    let rec = t.store.get_execution(DEFAULT_USER_ID, &id).await.unwrap();
    let failed = rec.nodes.iter().find(|n| n.row.node_id == "div").unwrap();
    assert_eq!(failed.row.status, "FAILED");
    assert_eq!(
        failed.outputs,
        vec![("error".to_string(), json!("Cannot divide by zero"))]
    );
}

#[tokio::test]
async fn notes_never_run_and_nested_pins_are_assembled() {
    let g = graph(
        &[
            ("note", NOTE, json!({"text": "just a comment"})),
            ("v", STORE_VALUE, json!({"input": {"attendees": [5, 7]}})),
            ("add", CALCULATOR, json!({"operation": "Add", "b": 1})),
            ("out", OUTPUT, json!({"name": "r"})),
        ],
        &[
            ("v", "output_#_attendees_$_1", "add", "a"),
            ("add", "result", "out", "value"),
        ],
    );
    let t = engine().await;
    let (id, result) = t.run(&g, Default::default()).await;
    assert_eq!(result.outputs.tree()["r"], json!([8.0]));
    let rec = t.store.get_execution(DEFAULT_USER_ID, &id).await.unwrap();
    assert!(rec.nodes.iter().all(|n| n.row.node_id != "note"));
}

#[tokio::test]
async fn running_refuses_incomplete_nodes_and_missing_inputs() {
    let path = concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/../../../shared/autogpt-agents/testing_agent.json"
    );
    let g: agentry_core::Graph =
        serde_json::from_str(&std::fs::read_to_string(path).unwrap()).unwrap();
    let registry = agentry_blocks::registry();
    assert!(validate(&g, &registry, Mode::Save).is_ok(), "it imports");
    let t = engine().await;
    let req = request(&t.engine, DEFAULT_USER_ID, &g, Default::default()).await;
    let err = t.engine.execute(req).await.unwrap_err().to_string();
    for pin in ["operation", "`a`", "`b`"] {
        assert!(err.contains(pin), "{err} names {pin}");
    }
    // The check is kept with the cached version: the next run is refused alike.
    let req = request(&t.engine, DEFAULT_USER_ID, &g, Default::default()).await;
    assert_eq!(t.engine.execute(req).await.unwrap_err().to_string(), err);

    let calc = concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/../../../shared/autogpt-agents/calculator-agent.json"
    );
    let g: agentry_core::Graph =
        serde_json::from_str(&std::fs::read_to_string(calc).unwrap()).unwrap();
    let req = request(&t.engine, DEFAULT_USER_ID, &g, Default::default()).await;
    let err = t.engine.execute(req).await.unwrap_err();
    assert!(matches!(err, agentry_engine::Error::MissingInputs(ref m) if m == &["Input"]));
    // Kept with the cached version too: given, it runs; left out again, it is missing again.
    let given = json!({"Input": 3}).as_object().unwrap().clone();
    let req = request(&t.engine, DEFAULT_USER_ID, &g, given).await;
    t.engine.execute(req).await.unwrap();
    let req = request(&t.engine, DEFAULT_USER_ID, &g, Default::default()).await;
    let err = t.engine.execute(req).await.unwrap_err();
    assert!(matches!(err, agentry_engine::Error::MissingInputs(ref m) if m == &["Input"]));
}
