//! Exa's search, find similar, contents and answer blocks against a wiremock Exa API.

use agentry_core::testing::run_block_with;
use serde_json::{Value, json};
use wiremock::matchers::{body_json, header, method, path};
use wiremock::{Mock, MockServer, ResponseTemplate};

use super::answer::ExaAnswer;
use super::contents::ExaContents;
use super::search::{ExaFindSimilar, ExaSearch};
use crate::testing::{api_key, error_of, meta, recorder};

fn creds() -> Value {
    meta("exa", "api_key")
}

fn rec(server: &MockServer) -> agentry_core::testing::Recorder {
    recorder(server, api_key("exa", "exa-key"))
}

fn hit() -> Value {
    json!({"id": "https://rust-lang.org", "url": "https://rust-lang.org", "title": "Rust",
           "publishedDate": "2024-01-01T00:00:00.000Z", "author": null, "text": "Rust is fast",
           "highlights": ["fast"], "highlightScores": [0.9]})
}

#[tokio::test]
async fn searches_with_contents_and_finds_similar() {
    let server = MockServer::start().await;
    Mock::given(method("POST"))
        .and(path("/search"))
        .and(header("authorization", "Bearer exa-key"))
        .and(body_json(
            json!({"query": "rust", "numResults": 2, "type": "neural", "category": "research paper",
            "includeDomains": ["rust-lang.org"], "startPublishedDate": "2024-01-01T00:00:00",
            "contents": {"text": true, "highlights": {"numSentences": 2, "highlightsPerUrl": 1}}}),
        ))
        .respond_with(
            ResponseTemplate::new(200).set_body_json(json!({"requestId": "r1",
            "resolvedSearchType": "neural", "results": [hit()], "context": "Rust is fast",
            "costDollars": {"total": 0.005}})),
        )
        .mount(&server)
        .await;
    Mock::given(method("POST"))
        .and(path("/findSimilar"))
        .and(body_json(
            json!({"url": "https://rust-lang.org", "numResults": 10, "excludeDomains": ["x.com"]}),
        ))
        .respond_with(
            ResponseTemplate::new(200)
                .set_body_json(json!({"requestId": "r2", "results": [hit(), hit()]})),
        )
        .mount(&server)
        .await;
    let out = run_block_with(
        ExaSearch,
        json!({"credentials": creds(), "query": "rust", "number_of_results": 2, "type": "neural",
               "category": "research paper", "include_domains": ["rust-lang.org"],
               "start_published_date": "2024-01-01T00:00:00",
               "contents": {"text": {"discriminator": "enabled"}, "highlights": {"num_sentences": 2}}}),
        rec(&server),
    )
    .await;
    let pins: Vec<&str> = out.iter().map(|(p, _)| p.as_str()).collect();
    assert_eq!(
        pins,
        [
            "results",
            "result",
            "context",
            "resolved_search_type",
            "cost_dollars"
        ]
    );
    assert_eq!(out[1].1["highlightScores"], json!([0.9]));
    assert_eq!(out[1].1["subpages"], json!([]));
    assert_eq!(out[1].1["summary"], Value::Null);
    let out = run_block_with(
        ExaFindSimilar,
        json!({"credentials": creds(), "url": "https://rust-lang.org", "exclude_domains": ["x.com"]}),
        rec(&server),
    )
    .await;
    let pins: Vec<&str> = out.iter().map(|(p, _)| p.as_str()).collect();
    assert_eq!(pins, ["results", "result", "result"]);
}

#[tokio::test]
async fn gets_contents_and_answers() {
    let server = MockServer::start().await;
    Mock::given(method("POST"))
        .and(path("/contents"))
        .and(body_json(
            json!({"urls": ["https://rust-lang.org"], "text": {"includeHtmlTags": true},
            "livecrawl": "fallback", "livecrawlTimeout": 10000, "subpages": 0, "context": true}),
        ))
        .respond_with(
            ResponseTemplate::new(200).set_body_json(json!({"requestId": "r3", "results": [hit()],
            "context": "ctx", "statuses": [{"id": "https://rust-lang.org", "status": "success"}]})),
        )
        .mount(&server)
        .await;
    Mock::given(method("POST"))
        .and(path("/answer"))
        .and(body_json(
            json!({"query": "What is Rust?", "text": true, "stream": false}),
        ))
        .respond_with(
            ResponseTemplate::new(200).set_body_json(json!({"answer": "A language.",
            "citations": [{"id": "c1", "url": "https://rust-lang.org", "title": "Rust"}]})),
        )
        .mount(&server)
        .await;
    let out = run_block_with(
        ExaContents,
        json!({"credentials": creds(), "urls": ["https://rust-lang.org"]}),
        rec(&server),
    )
    .await;
    let pins: Vec<&str> = out.iter().map(|(p, _)| p.as_str()).collect();
    assert_eq!(pins, ["results", "result", "context", "statuses"]);
    let out = run_block_with(ExaContents, json!({"credentials": creds()}), rec(&server)).await;
    assert_eq!(error_of(&out), "Either 'urls' or 'ids' must be provided");
    let out = run_block_with(
        ExaAnswer,
        json!({"credentials": creds(), "query": "What is Rust?"}),
        rec(&server),
    )
    .await;
    assert_eq!(out[0], ("answer".into(), json!("A language.")));
    assert_eq!(out[2].0, "citation");
    assert_eq!(
        out[2].1,
        json!({"id": "c1", "url": "https://rust-lang.org", "title": "Rust", "author": null,
        "publishedDate": null, "text": null, "image": null, "favicon": null})
    );
}

#[tokio::test]
async fn refused_keys_and_bad_requests_are_reported() {
    let server = MockServer::start().await;
    Mock::given(method("POST"))
        .and(path("/search"))
        .respond_with(
            ResponseTemplate::new(401)
                .set_body_json(json!({"requestId": "r", "error": "Invalid API key"})),
        )
        .mount(&server)
        .await;
    Mock::given(method("POST"))
        .and(path("/answer"))
        .respond_with(
            ResponseTemplate::new(400)
                .set_body_json(json!({"requestId": "r", "error": "query is required"})),
        )
        .mount(&server)
        .await;
    let out = run_block_with(
        ExaSearch,
        json!({"credentials": creds(), "query": "q"}),
        rec(&server),
    )
    .await;
    assert_eq!(
        error_of(&out),
        "exa refused the credentials (401): Invalid API key"
    );
    let out = run_block_with(
        ExaAnswer,
        json!({"credentials": creds(), "query": ""}),
        rec(&server),
    )
    .await;
    assert_eq!(
        error_of(&out),
        "exa rejected the request (400): query is required"
    );
}
