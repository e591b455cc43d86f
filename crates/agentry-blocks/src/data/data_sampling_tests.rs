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
            json!("Sample size (2) cannot be larger than the dataset size (1).")
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

/// The picks AutoGPT makes for the same seed, printed by CPython 3.11 running AutoGPT's
/// algorithm (`random.seed(seed)` then the method's calls) on the same data.
#[tokio::test]
async fn seeded_picks_are_autogpts() {
    let data: Vec<Value> = (0..10)
        .map(|i| json!({"id": i, "value": char::from(b'a' + i as u8).to_string(), "group": i % 3}))
        .collect();
    // AutoGPT's own test_input/test_output.
    let out = run_block(
        DataSampling,
        json!({"data": data, "sample_size": 3, "sampling_method": "stratified",
               "accumulate": false, "random_seed": 42, "stratify_key": "group"}),
    )
    .await;
    assert_eq!(
        out,
        vec![
            (
                "sampled_data".into(),
                json!([{"id": 0, "value": "a", "group": 0}, {"id": 1, "value": "b", "group": 1},
                       {"id": 8, "value": "i", "group": 2}])
            ),
            ("sample_indices".into(), json!([0, 1, 8])),
        ]
    );
    for (method, seed, expected) in SEEDED {
        let got = indices(
            json!({"data": records(), "sample_size": 4, "sampling_method": method,
            "random_seed": seed, "stratify_key": "group", "cluster_key": "group",
            "weight_key": "id"}),
        )
        .await;
        assert_eq!(got, expected, "{method} with seed {seed}");
    }
}
const SEEDED: [(&str, i64, [usize; 4]); 24] = [
    ("random", 0, [6, 9, 0, 2]),
    ("random", 42, [1, 0, 4, 9]),
    ("random", -7, [5, 2, 6, 9]),
    ("random", 8589934593, [9, 1, 4, 3]),
    ("systematic", 0, [1, 3, 5, 7]),
    ("systematic", 42, [0, 2, 4, 6]),
    ("systematic", -7, [1, 3, 5, 7]),
    ("systematic", 8589934593, [0, 2, 4, 6]),
    ("stratified", 0, [9, 3, 1, 5]),
    ("stratified", 42, [0, 9, 7, 5]),
    ("stratified", -7, [6, 0, 4, 8]),
    ("stratified", 8589934593, [0, 3, 4, 5]),
    ("weighted", 0, [9, 8, 6, 5]),
    ("weighted", 42, [8, 2, 5, 5]),
    ("weighted", -7, [5, 4, 8, 3]),
    ("weighted", 8589934593, [7, 5, 6, 8]),
    ("reservoir", 0, [6, 1, 2, 5]),
    ("reservoir", 42, [5, 1, 2, 9]),
    ("reservoir", -7, [7, 8, 4, 6]),
    ("reservoir", 8589934593, [5, 1, 6, 3]),
    ("cluster", 0, [1, 7, 2, 4]),
    ("cluster", 42, [2, 6, 8, 5]),
    ("cluster", -7, [0, 6, 1, 3]),
    ("cluster", 8589934593, [8, 0, 6, 9]),
];
