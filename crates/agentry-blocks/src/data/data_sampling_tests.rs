//! DataSamplingBlock examples: each method's shape, seeds, errors and accumulation.

use agentry_core::testing::{Recorder, run_block, run_block_with};
use serde_json::{Value, json};

use super::*;

fn records() -> Value {
    Value::Array(
        (0..10)
            .map(|i| json!({"id": i, "group": i % 3, "w": if i == 4 { 1 } else { 0 }}))
            .collect(),
    )
}

async fn indices(input: Value) -> Vec<usize> {
    let out = run_block(DataSampling, input).await;
    assert_eq!(out.len(), 2, "{out:?}");
    assert_eq!(out[1].0, "sample_indices");
    serde_json::from_value(out[1].1.clone()).unwrap()
}

#[tokio::test]
async fn deterministic_methods() {
    assert_eq!(
        indices(json!({"data": records(), "sample_size": 3, "sampling_method": "top"})).await,
        [0, 1, 2]
    );
    assert_eq!(
        indices(json!({"data": records(), "sample_size": 3, "sampling_method": "bottom"})).await,
        [7, 8, 9]
    );
    // Weight only on item 4: every draw picks it.
    assert_eq!(
        indices(json!({"data": records(), "sample_size": 3, "sampling_method": "weighted", "weight_key": "w"})).await,
        [4, 4, 4]
    );
}

#[tokio::test]
async fn random_methods_have_the_right_shape_and_seeds_repeat() {
    for method in ["random", "systematic", "reservoir", "stratified", "cluster"] {
        let input = json!({"data": records(), "sample_size": 3, "sampling_method": method,
            "random_seed": 42, "stratify_key": "group", "cluster_key": "group"});
        let first = indices(input.clone()).await;
        assert_eq!(first.len(), 3, "{method}");
        assert!(first.iter().all(|&i| i < 10), "{method}");
        assert_eq!(
            first,
            indices(input).await,
            "{method} must repeat with a seed"
        );
    }
    // Stratified takes one from each of the three groups.
    let mut groups: Vec<usize> = indices(json!({"data": records(), "sample_size": 3,
        "sampling_method": "stratified", "stratify_key": "group"}))
    .await
    .iter()
    .map(|i| i % 3)
    .collect();
    groups.sort();
    assert_eq!(groups, [0, 1, 2]);
    let out = run_block(
        DataSampling,
        json!({"data": records(), "sample_size": 2, "sampling_method": "top"}),
    )
    .await;
    assert_eq!(
        out[0],
        (
            "sampled_data".into(),
            json!([{"id": 0, "group": 0, "w": 0}, {"id": 1, "group": 1, "w": 0}])
        )
    );
}

#[tokio::test]
async fn errors() {
    let too_many = run_block(DataSampling, json!({"data": [{"a": 1}], "sample_size": 2})).await;
    assert_eq!(
        too_many,
        vec![(
            "error".into(),
            json!("Sample size (2) cannot be greater than the dataset size (1).")
        )]
    );
    let no_key = run_block(
        DataSampling,
        json!({"data": records(), "sample_size": 2, "sampling_method": "stratified"}),
    )
    .await;
    assert!(
        no_key[0]
            .1
            .as_str()
            .unwrap()
            .contains("Stratify key must be provided")
    );
    let scalar = run_block(DataSampling, json!({"data": 5})).await;
    assert_eq!(scalar[0].0, "error");
}

#[tokio::test]
async fn accumulate_waits_for_enough_data_per_node() {
    let recorder = || {
        let mut r = Recorder::default();
        r.info.graph_exec_id = "run-acc".into();
        r.info.node_id = "node-acc".into();
        r
    };
    let input = |i: i64| json!({"data": [{"i": i}], "sample_size": 2, "accumulate": true, "sampling_method": "top"});
    assert!(
        run_block_with(DataSampling, input(1), recorder())
            .await
            .is_empty()
    );
    let out = run_block_with(DataSampling, input(2), recorder()).await;
    assert_eq!(out[0], ("sampled_data".into(), json!([{"i": 1}, {"i": 2}])));
    // The store was emptied by the sample.
    assert!(
        run_block_with(DataSampling, input(3), recorder())
            .await
            .is_empty()
    );
}
