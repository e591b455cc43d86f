//! Exa's code context and research blocks against a wiremock Exa API answering the shapes of
//! Exa's reference (`/context`, `/research/v1`).

use agentry_core::testing::run_block_with;
use serde_json::{Value, json};
use wiremock::matchers::{body_json, header, method, path, query_param};
use wiremock::{Mock, MockServer, ResponseTemplate};

use super::super::code_context::ExaCodeContext;
use super::super::research_tasks::{ExaGetResearch, ExaListResearch, ExaWaitForResearch};
use super::ExaCreateResearch;
use crate::error_answers::assert_error_answers;
use crate::testing::{api_key, error_of, meta, recorder};

const KEY: &str = "exa-key";

fn input(mut v: Value) -> Value {
    v["credentials"] = meta("exa", "api_key");
    v
}

fn rec(server: &MockServer) -> agentry_core::testing::Recorder {
    recorder(server, api_key("exa", KEY))
}

fn completed() -> Value {
    json!({"researchId": "r_01", "createdAt": 1759000000000i64, "model": "exa-research-fast",
        "instructions": "Top 3 Rust web frameworks", "status": "completed",
        "finishedAt": 1759000060000i64, "outputSchema": {"type": "object"},
        "output": {"content": "axum, actix-web, rocket", "parsed": {"frameworks": ["axum"]}},
        "costDollars": {"total": 0.12, "numSearches": 3.4, "numPages": 7.6, "reasoningTokens": 1200.0}})
}

#[tokio::test]
async fn code_context_sends_the_query_and_token_limit() {
    let server = MockServer::start().await;
    Mock::given(method("POST"))
        .and(path("/context"))
        .and(header("authorization", format!("Bearer {KEY}").as_str()))
        .and(body_json(json!({"query": "axum extractors", "tokensNum": 5000})))
        .respond_with(ResponseTemplate::new(200).set_body_json(json!({
            "requestId": "req_1", "query": "axum extractors", "response": "## Example\n```rust\n```",
            "resultsCount": 4, "costDollars": "{\"total\":1,\"search\":{\"neural\":1}}",
            "searchTime": 812.5, "outputTokens": 950})))
        .mount(&server)
        .await;
    let out = run_block_with(
        ExaCodeContext,
        input(json!({"query": "axum extractors", "tokens_num": "5000"})),
        rec(&server),
    )
    .await;
    let pins: Vec<&str> = out.iter().map(|(p, _)| p.as_str()).collect();
    assert_eq!(
        pins,
        [
            "request_id",
            "query",
            "response",
            "results_count",
            "cost_dollars",
            "search_time",
            "output_tokens"
        ]
    );
    assert_eq!(out[3].1, 4);
    assert_eq!(out[4].1, "{\"total\":1,\"search\":{\"neural\":1}}");
    assert_eq!(out[5].1, 812.5);
}

#[tokio::test]
async fn creates_research_and_waits_for_it() {
    let server = MockServer::start().await;
    Mock::given(method("POST"))
        .and(path("/research/v1"))
        .and(body_json(
            json!({"model": "exa-research-fast", "instructions": "Top 3 Rust web frameworks",
            "outputSchema": {"type": "object"}}),
        ))
        .respond_with(
            ResponseTemplate::new(201).set_body_json(json!({"researchId": "r_01",
            "createdAt": 1759000000000i64, "model": "exa-research-fast",
            "instructions": "Top 3 Rust web frameworks", "status": "pending"})),
        )
        .mount(&server)
        .await;
    Mock::given(method("GET"))
        .and(path("/research/v1/r_01"))
        .respond_with(ResponseTemplate::new(200).set_body_json(completed()))
        .mount(&server)
        .await;
    let out = run_block_with(
        ExaCreateResearch,
        input(
            json!({"instructions": "Top 3 Rust web frameworks", "model": "exa-research-fast",
            "output_schema": {"type": "object"}}),
        ),
        rec(&server),
    )
    .await;
    let pins: Vec<&str> = out.iter().map(|(p, _)| p.as_str()).collect();
    assert_eq!(
        pins,
        [
            "research_id",
            "status",
            "model",
            "instructions",
            "created_at",
            "elapsed_time",
            "output_content",
            "output_parsed",
            "cost_total"
        ]
    );
    assert_eq!(out[1].1, "completed");
    assert_eq!(out[7].1, json!({"frameworks": ["axum"]}));
    assert_eq!(out[8].1, 0.12);

    let out = run_block_with(
        ExaCreateResearch,
        input(
            json!({"instructions": "Top 3 Rust web frameworks", "model": "exa-research-fast",
            "output_schema": {"type": "object"}, "wait_for_completion": false}),
        ),
        rec(&server),
    )
    .await;
    assert_eq!(
        out,
        vec![
            ("research_id".to_string(), json!("r_01")),
            ("status".to_string(), json!("pending")),
            ("model".to_string(), json!("exa-research-fast")),
            (
                "instructions".to_string(),
                json!("Top 3 Rust web frameworks")
            ),
            ("created_at".to_string(), json!(1759000000000i64)),
        ]
    );
    let out = run_block_with(
        ExaCreateResearch,
        input(json!({"instructions": "x", "polling_timeout": 0})),
        rec(&server),
    )
    .await;
    assert_eq!(
        error_of(&out),
        "polling_timeout must be between 1 and 3600 seconds, not 0"
    );
}

#[tokio::test]
async fn gets_a_task_with_its_events_and_costs_rounded() {
    let server = MockServer::start().await;
    let mut with_events = completed();
    with_events["events"] = json!([{"eventType": "research-definition", "createdAt": 1}]);
    Mock::given(method("GET"))
        .and(path("/research/v1/r_01"))
        .and(query_param("events", "true"))
        .respond_with(ResponseTemplate::new(200).set_body_json(with_events))
        .mount(&server)
        .await;
    let out = run_block_with(
        ExaGetResearch,
        input(json!({"research_id": "r_01", "include_events": true})),
        rec(&server),
    )
    .await;
    let pins: Vec<&str> = out.iter().map(|(p, _)| p.as_str()).collect();
    assert_eq!(
        pins,
        [
            "research_id",
            "status",
            "instructions",
            "model",
            "created_at",
            "finished_at",
            "output_content",
            "output_parsed",
            "cost_total",
            "cost_searches",
            "cost_pages",
            "cost_reasoning_tokens",
            "error_message",
            "events"
        ]
    );
    assert_eq!(out[9].1, 3);
    assert_eq!(out[10].1, 8);
    assert_eq!(out[12].1, Value::Null);
    assert_eq!(out[13].1[0]["eventType"], "research-definition");
}

#[tokio::test]
async fn waiting_stops_at_the_end_or_the_timeout() {
    let server = MockServer::start().await;
    Mock::given(method("GET"))
        .and(path("/research/v1/r_01"))
        .respond_with(ResponseTemplate::new(200).set_body_json(completed()))
        .mount(&server)
        .await;
    Mock::given(method("GET"))
        .and(path("/research/v1/slow"))
        .respond_with(
            ResponseTemplate::new(200).set_body_json(json!({"researchId": "slow",
            "status": "running", "createdAt": 1, "model": "exa-research", "instructions": "x"})),
        )
        .mount(&server)
        .await;
    let out = run_block_with(
        ExaWaitForResearch,
        input(json!({"research_id": "r_01"})),
        rec(&server),
    )
    .await;
    let pins: Vec<&str> = out.iter().map(|(p, _)| p.as_str()).collect();
    assert_eq!(
        pins,
        [
            "research_id",
            "final_status",
            "elapsed_time",
            "timed_out",
            "output_content",
            "output_parsed",
            "cost_total"
        ]
    );
    assert_eq!(out[3].1, false);
    let out = run_block_with(
        ExaWaitForResearch,
        input(json!({"research_id": "slow", "timeout": 1, "check_interval": 1})),
        rec(&server),
    )
    .await;
    assert_eq!(out[1], ("final_status".to_string(), json!("running")));
    assert_eq!(out[3], ("timed_out".to_string(), json!(true)));
    assert!(out[2].1.as_f64().unwrap() >= 1.0);
}

#[tokio::test]
async fn lists_tasks_with_the_cursor() {
    let server = MockServer::start().await;
    Mock::given(method("GET"))
        .and(path("/research/v1"))
        .and(query_param("limit", "2"))
        .and(query_param("cursor", "c1"))
        .respond_with(
            ResponseTemplate::new(200).set_body_json(json!({"data": [completed(),
            {"researchId": "r_02", "createdAt": 2, "model": "exa-research", "instructions": "y",
                "status": "running"}], "hasMore": true, "nextCursor": "c2"})),
        )
        .mount(&server)
        .await;
    let out = run_block_with(
        ExaListResearch,
        input(json!({"limit": 2, "cursor": "c1"})),
        rec(&server),
    )
    .await;
    let pins: Vec<&str> = out.iter().map(|(p, _)| p.as_str()).collect();
    assert_eq!(
        pins,
        [
            "research_tasks",
            "research_task",
            "research_task",
            "has_more",
            "next_cursor"
        ]
    );
    assert_eq!(out[2].1["output"], Value::Null);
    assert_eq!(out[1].1["cost_dollars"]["num_pages"], 8);
    assert_eq!(out[4].1, "c2");
}

#[tokio::test]
async fn each_reports_exas_error_answers() {
    let body = json!({"error": "Invalid API key"});
    let key = || api_key("exa", KEY);
    macro_rules! check {
        ($block:expr, $input:expr) => {
            assert_error_answers(
                || $block,
                input($input),
                key(),
                "exa",
                body.clone(),
                "Invalid API key",
            )
            .await
        };
    }
    check!(ExaCodeContext, json!({"query": "q"}));
    check!(ExaCreateResearch, json!({"instructions": "i"}));
    check!(ExaGetResearch, json!({"research_id": "r"}));
    check!(ExaWaitForResearch, json!({"research_id": "r"}));
    check!(ExaListResearch, json!({}));
}
