//! Jina's segmenter, embeddings and grounding blocks against wiremock.

use agentry_core::testing::run_block_with;
use serde_json::json;
use wiremock::matchers::{body_json, header, method, path};
use wiremock::{Mock, MockServer, ResponseTemplate};

use super::chunking::JinaChunking;
use super::embeddings::JinaEmbedding;
use super::fact_checker::FactChecker;
use crate::testing::{api_key, error_of, meta, recorder};

fn creds() -> serde_json::Value {
    meta("jina", "api_key")
}

#[tokio::test]
async fn chunks_each_text_and_gathers_tokens() {
    let server = MockServer::start().await;
    for (text, chunks) in [
        ("one two", json!(["one ", "two"])),
        ("three", json!(["three"])),
    ] {
        Mock::given(method("POST"))
            .and(path("/"))
            .and(header("authorization", "Bearer jina_key"))
            .and(body_json(json!({"content": text, "return_tokens": "true",
                "return_chunks": "true", "max_chunk_length": "5"})))
            .respond_with(
                ResponseTemplate::new(200).set_body_json(json!({"num_tokens": 2,
                "tokenizer": "cl100k_base", "chunks": chunks, "tokens": [[["one", [1]]]]})),
            )
            .mount(&server)
            .await;
    }
    let out = run_block_with(
        JinaChunking,
        json!({"credentials": creds(), "texts": ["one two", "three"], "max_chunk_length": 5, "return_tokens": true}),
        recorder(&server, api_key("jina", "jina_key")),
    )
    .await;
    assert_eq!(out[0], ("chunks".into(), json!(["one ", "two", "three"])));
    assert_eq!(out[1].0, "tokens");
    assert_eq!(out[1].1.as_array().unwrap().len(), 2);
}

#[tokio::test]
async fn embeds_texts_and_checks_facts() {
    let server = MockServer::start().await;
    Mock::given(method("POST"))
        .and(path("/v1/embeddings"))
        .and(body_json(
            json!({"input": ["hi"], "model": "jina-embeddings-v2-base-en"}),
        ))
        .respond_with(ResponseTemplate::new(200).set_body_json(
            json!({"model": "jina-embeddings-v2-base-en",
            "object": "list", "usage": {"total_tokens": 1, "prompt_tokens": 1},
            "data": [{"object": "embedding", "index": 0, "embedding": [0.1, -0.2]}]}),
        ))
        .mount(&server)
        .await;
    Mock::given(method("GET"))
        .and(path("/The%20sky%20is%20blue"))
        .and(header("accept", "application/json"))
        .respond_with(ResponseTemplate::new(200).set_body_json(json!({"code": 200, "status": 20000, "data": {
            "factuality": 0.95, "result": true, "reason": "Widely documented.",
            "references": [{"url": "https://en.wikipedia.org/wiki/Sky", "keyQuote": "blue", "isSupportive": true}],
            "usage": {"tokens": 10}}})))
        .mount(&server)
        .await;
    let rec = || recorder(&server, api_key("jina", "jina_key"));
    let out = run_block_with(
        JinaEmbedding,
        json!({"credentials": creds(), "texts": ["hi"]}),
        rec(),
    )
    .await;
    assert_eq!(out, vec![("embeddings".into(), json!([[0.1, -0.2]]))]);
    let out = run_block_with(
        FactChecker,
        json!({"credentials": creds(), "statement": "The sky is blue"}),
        rec(),
    )
    .await;
    let pins: Vec<&str> = out.iter().map(|(p, _)| p.as_str()).collect();
    assert_eq!(pins, ["factuality", "result", "reason", "references"]);
    assert_eq!(out[0].1, json!(0.95));
    assert_eq!(out[3].1[0]["keyQuote"], "blue");
}

#[tokio::test]
async fn refused_keys_and_rate_limits_are_reported() {
    let server = MockServer::start().await;
    Mock::given(method("POST"))
        .and(path("/v1/embeddings"))
        .respond_with(ResponseTemplate::new(401).set_body_json(json!({"detail": "Unauthorized"})))
        .mount(&server)
        .await;
    Mock::given(method("POST"))
        .and(path("/"))
        .respond_with(
            ResponseTemplate::new(429)
                .insert_header("retry-after", "0")
                .set_body_json(json!({"detail": "Too many requests"})),
        )
        .mount(&server)
        .await;
    let rec = || recorder(&server, api_key("jina", "jina_key"));
    let out = run_block_with(
        JinaEmbedding,
        json!({"credentials": creds(), "texts": ["hi"]}),
        rec(),
    )
    .await;
    assert!(
        error_of(&out).starts_with("jina refused the credentials (401)"),
        "{out:?}"
    );
    let out = run_block_with(
        JinaChunking,
        json!({"credentials": creds(), "texts": ["a"]}),
        rec(),
    )
    .await;
    assert_eq!(
        error_of(&out),
        "jina is rate limiting these requests; try again later"
    );
}
