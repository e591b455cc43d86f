//! The vector memory pair against a wiremock `/v1/embeddings` on 127.0.0.1 that embeds a few
//! known words as fixed vectors.

use std::sync::Arc;

use agentry_core::memory::{InMemory, Memory};
use agentry_core::testing::{Recorder, run_block_with, run_recorded};
use serde_json::{Value, json};
use wiremock::matchers::{method, path};
use wiremock::{Request, ResponseTemplate};

use super::*;
use crate::llm::testing::Mock;
use crate::memory::add_to_vector_memory::AddToVectorMemory;

fn vector_of(text: &str) -> Vec<f32> {
    match text {
        "cats purr" => vec![1.0, 0.0, 0.0],
        "dogs bark" => vec![0.0, 1.0, 0.0],
        "kitten" => vec![0.9, 0.2, 0.0],
        "taxes" => vec![0.0, 0.0, 1.0],
        _ => vec![0.0, 0.0, 0.0],
    }
}

async fn embeddings_mock() -> Mock {
    let mock = Mock::start().await;
    wiremock::Mock::given(method("POST"))
        .and(path("/v1/embeddings"))
        .respond_with(|request: &Request| {
            let body: Value = serde_json::from_slice(&request.body).unwrap();
            let data: Vec<Value> = body["input"]
                .as_array()
                .unwrap()
                .iter()
                .enumerate()
                .map(|(i, t)| json!({"index": i, "embedding": vector_of(t.as_str().unwrap())}))
                .collect();
            ResponseTemplate::new(200)
                .set_body_json(json!({"data": data, "usage": {"prompt_tokens": 3}}))
        })
        .mount(&mock.server)
        .await;
    mock
}

fn recorder(mock: &Mock, memory: &Arc<InMemory>, graph: &str) -> Recorder {
    let mut r = mock.recorder();
    r.memory = Some(memory.clone() as Arc<dyn Memory>);
    r.info.graph_id = graph.into();
    r
}

async fn add(mock: &Mock, memory: &Arc<InMemory>, input: Value) -> Vec<(String, Value)> {
    run_block_with(AddToVectorMemory, input, recorder(mock, memory, "g1")).await
}

#[tokio::test]
async fn adds_then_finds_by_meaning() {
    let mock = embeddings_mock().await;
    let memory = Arc::new(InMemory::default());
    for (text, kind) in [
        ("cats purr", "cat"),
        ("dogs bark", "dog"),
        ("taxes", "money"),
    ] {
        let out = add(
            &mock,
            &memory,
            json!({"text": text, "metadata": {"kind": kind}}),
        )
        .await;
        assert_eq!(out.len(), 1, "{out:?}");
        assert_eq!(out[0].0, "id");
    }
    let done = run_recorded(
        SearchVectorMemory,
        json!({"query": "kitten", "top_k": 2}),
        recorder(&mock, &memory, "g1"),
    )
    .await;
    let out = done.outputs;
    assert_eq!(out[0].0, "results");
    let results = out[0].1.as_array().unwrap();
    assert_eq!(results.len(), 2);
    assert_eq!(results[0]["text"], json!("cats purr"));
    assert_eq!(results[0]["metadata"], json!({"kind": "cat"}));
    assert_eq!(results[1]["text"], json!("dogs bark"));
    assert!(results[0]["score"].as_f64().unwrap() > results[1]["score"].as_f64().unwrap());
    assert_eq!(
        out[1..],
        [
            ("text".to_string(), json!("cats purr")),
            ("text".to_string(), json!("dogs bark"))
        ]
    );
    assert_eq!(done.stats["input_token_count"], json!(3));

    let out = run_block_with(
        SearchVectorMemory,
        json!({"query": "kitten", "min_score": 0.5}),
        recorder(&mock, &memory, "g1"),
    )
    .await;
    assert_eq!(out[0].1.as_array().unwrap().len(), 1);
}

#[tokio::test]
async fn collections_and_agents_are_kept_apart() {
    let mock = embeddings_mock().await;
    let memory = Arc::new(InMemory::default());
    add(
        &mock,
        &memory,
        json!({"text": "cats purr", "collection": "pets"}),
    )
    .await;
    add(
        &mock,
        &memory,
        json!({"text": "dogs bark", "scope": "across_agents"}),
    )
    .await;
    let search = |graph: &'static str, input: Value| {
        let (mock, memory) = (&mock, memory.clone());
        async move {
            let out =
                run_block_with(SearchVectorMemory, input, recorder(mock, &memory, graph)).await;
            out[0].1.as_array().unwrap().len()
        }
    };
    assert_eq!(search("g1", json!({"query": "kitten"})).await, 0);
    assert_eq!(
        search("g1", json!({"query": "kitten", "collection": "pets"})).await,
        1
    );
    assert_eq!(
        search("g2", json!({"query": "kitten", "collection": "pets"})).await,
        0
    );
    assert_eq!(
        search("g2", json!({"query": "kitten", "scope": "across_agents"})).await,
        1
    );
}

#[tokio::test]
async fn empty_text_bad_top_k_and_missing_providers_fail() {
    let mock = embeddings_mock().await;
    let memory = Arc::new(InMemory::default());
    let out = add(&mock, &memory, json!({"text": "  "})).await;
    assert_eq!(out[0].0, "error");
    let out = run_block_with(
        SearchVectorMemory,
        json!({"query": "x", "top_k": 0}),
        recorder(&mock, &memory, "g"),
    )
    .await;
    assert_eq!(out[0].0, "error");
    let bare = Recorder {
        memory: Some(memory.clone() as Arc<dyn Memory>),
        ..Recorder::default()
    };
    let out = run_block_with(AddToVectorMemory, json!({"text": "cats purr"}), bare).await;
    assert_eq!(out[0].0, "error");
    assert!(
        memory
            .search_vectors("agent#g#default", &[1.0, 0.0, 0.0], 5)
            .await
            .unwrap()
            .is_empty()
    );
}
