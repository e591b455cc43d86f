//! The Anthropic adapter against a mock server on 127.0.0.1.

use std::time::{Duration, Instant};

use serde_json::{Value, json};
use wiremock::matchers::{header, method, path};
use wiremock::{Mock, MockServer, ResponseTemplate};

use super::*;
use crate::llm::providers::ProviderConfig;
use crate::llm::testing::{
    after_weather_call, answer, input_message, only_provider, received_bodies, refuse,
    system_message,
};
use crate::llm::{LlmProviders, Message};
use agentry_core::BlockError;

const CLAUDE: &str = "claude-sonnet-4-5-20250929";

fn providers(server: &MockServer, timeout: Duration) -> LlmProviders {
    let config = ProviderConfig::anthropic(&server.uri(), Some("ak-test"));
    only_provider("anthropic", config, timeout)
}

fn ask(text: &str) -> ChatRequest {
    ChatRequest {
        messages: vec![
            Message::system("sys"),
            Message::user(text),
            Message::user("more"),
        ],
        ..ChatRequest::default()
    }
}

fn reply(content: Value) -> Value {
    json!({"id": "msg_1", "type": "message", "role": "assistant", "content": content,
           "stop_reason": "end_turn", "usage": {"input_tokens": 11, "output_tokens": 4}})
}

async fn mount(server: &MockServer, response: ResponseTemplate) {
    answer(server, "/v1/messages", response).await;
}

#[tokio::test]
async fn a_normal_reply() {
    let server = MockServer::start().await;
    Mock::given(method("POST"))
        .and(path("/v1/messages"))
        .and(header("x-api-key", "ak-test"))
        .and(header("anthropic-version", VERSION))
        .respond_with(
            ResponseTemplate::new(200)
                .set_body_json(reply(json!([{"type": "text", "text": "Bonjour"}]))),
        )
        .expect(1)
        .mount(&server)
        .await;
    let done = providers(&server, Duration::from_secs(5))
        .chat(CLAUDE, ask("hello"))
        .await
        .unwrap();
    assert_eq!(done.response.text, "Bonjour");
    assert_eq!(done.provider, "anthropic");
    // $3 / $15 per million tokens.
    assert!((done.cost.unwrap() - (11.0 * 3.0 + 4.0 * 15.0) / 1e6).abs() < 1e-12);
    let body = &received_bodies(&server).await[0];
    assert_eq!(body["model"], CLAUDE);
    assert_eq!(body["system"], "sys");
    assert_eq!(body["max_tokens"], DEFAULT_MAX_TOKENS);
    // Neighbouring user messages merge into one turn.
    assert_eq!(
        body["messages"],
        json!([{"role": "user", "content": [{"type": "text", "text": "hello"}, {"type": "text", "text": "more"}]}])
    );
}

#[tokio::test]
async fn tool_use_and_tool_result_blocks() {
    let server = MockServer::start().await;
    mount(
        &server,
        ResponseTemplate::new(200).set_body_json(reply(json!([
            {"type": "text", "text": "Let me check."},
            {"type": "tool_use", "id": "toolu_1", "name": "weather", "input": {"city": "Paris"}}
        ]))),
    )
    .await;
    let request = after_weather_call(ask("weather?"), "t0", "{\"city\":\"Rome\"}");
    let done = providers(&server, Duration::from_secs(5))
        .chat(CLAUDE, request)
        .await
        .unwrap();
    assert_eq!(done.response.text, "Let me check.");
    assert_eq!(done.response.tool_calls[0].id, "toolu_1");
    assert_eq!(
        done.response.tool_calls[0].arguments,
        "{\"city\":\"Paris\"}"
    );
    let body = &received_bodies(&server).await[0];
    assert_eq!(
        body["tools"][0]["input_schema"]["properties"]["city"]["type"],
        "string"
    );
    assert_eq!(
        body["messages"][1],
        json!({"role": "assistant", "content": [{"type": "tool_use", "id": "t0", "name": "weather", "input": {"city": "Rome"}}]})
    );
    assert_eq!(
        body["messages"][2],
        json!({"role": "user", "content": [{"type": "tool_result", "tool_use_id": "t0", "content": "sunny"}]})
    );
}

#[tokio::test]
async fn a_json_schema_is_asked_for_as_a_forced_tool() {
    let server = MockServer::start().await;
    mount(
        &server,
        ResponseTemplate::new(200).set_body_json(reply(json!([
            {"type": "tool_use", "id": "toolu_2", "name": "answer", "input": {"a": "x"}}
        ]))),
    )
    .await;
    let schema = json!({"type": "object", "properties": {"a": {"type": "string"}}});
    let mut request = ask("q");
    request.response_format = ResponseFormat::JsonSchema {
        name: "answer".into(),
        schema: schema.clone(),
    };
    request.max_tokens = Some(999_999);
    let done = providers(&server, Duration::from_secs(5))
        .chat(CLAUDE, request)
        .await
        .unwrap();
    assert_eq!(
        serde_json::from_str::<Value>(&done.response.text).unwrap(),
        json!({"a": "x"})
    );
    assert!(done.response.tool_calls.is_empty());
    let body = &received_bodies(&server).await[0];
    assert_eq!(
        body["tool_choice"],
        json!({"type": "tool", "name": "answer"})
    );
    assert_eq!(body["tools"][0]["input_schema"], schema);
    assert_eq!(
        body["max_tokens"], 64_000,
        "clamped to the model's output limit"
    );
}

#[tokio::test]
async fn an_sse_stream_is_assembled() {
    let server = MockServer::start().await;
    let events = [
        (
            "message_start",
            json!({"type": "message_start", "message": {"usage": {"input_tokens": 9, "output_tokens": 1}}}),
        ),
        (
            "content_block_start",
            json!({"type": "content_block_start", "index": 0, "content_block": {"type": "text", "text": ""}}),
        ),
        ("ping", json!({"type": "ping"})),
        (
            "content_block_delta",
            json!({"type": "content_block_delta", "index": 0, "delta": {"type": "text_delta", "text": "Hel"}}),
        ),
        (
            "content_block_delta",
            json!({"type": "content_block_delta", "index": 0, "delta": {"type": "text_delta", "text": "lo"}}),
        ),
        (
            "content_block_start",
            json!({"type": "content_block_start", "index": 1, "content_block": {"type": "tool_use", "id": "tu", "name": "f", "input": {}}}),
        ),
        (
            "content_block_delta",
            json!({"type": "content_block_delta", "index": 1, "delta": {"type": "input_json_delta", "partial_json": "{\"a\":"}}),
        ),
        (
            "content_block_delta",
            json!({"type": "content_block_delta", "index": 1, "delta": {"type": "input_json_delta", "partial_json": "1}"}}),
        ),
        (
            "message_delta",
            json!({"type": "message_delta", "delta": {"stop_reason": "tool_use"}, "usage": {"output_tokens": 12}}),
        ),
        ("message_stop", json!({"type": "message_stop"})),
    ];
    let sse: String = events
        .iter()
        .map(|(name, data)| format!("event: {name}\ndata: {data}\n\n"))
        .collect();
    mount(
        &server,
        ResponseTemplate::new(200).set_body_raw(sse, "text/event-stream"),
    )
    .await;
    let mut deltas = Vec::new();
    let done = providers(&server, Duration::from_secs(5))
        .stream(CLAUDE, ask("hi"), &mut |d: &str| deltas.push(d.to_string()))
        .await
        .unwrap();
    assert_eq!(deltas, ["Hel", "lo"]);
    assert_eq!(done.response.text, "Hello");
    assert_eq!(done.response.tool_calls[0].arguments, "{\"a\":1}");
    assert_eq!(
        (
            done.response.usage.prompt_tokens,
            done.response.usage.completion_tokens
        ),
        (9, 12)
    );
    assert_eq!(received_bodies(&server).await[0]["stream"], true);
}

#[tokio::test]
async fn a_whole_reply_to_a_stream_request_is_one_delta() {
    // A proxy (or a mock) that ignores `stream: true` answers one Messages document.
    let server = MockServer::start().await;
    mount(
        &server,
        ResponseTemplate::new(200).set_body_json(reply(json!([{"type": "text", "text": "Whole"}]))),
    )
    .await;
    let mut deltas = Vec::new();
    let done = providers(&server, Duration::from_secs(5))
        .stream(CLAUDE, ask("hi"), &mut |d: &str| deltas.push(d.to_string()))
        .await
        .unwrap();
    assert_eq!(deltas, ["Whole"]);
    assert_eq!(done.response.text, "Whole");
    assert_eq!(done.response.usage.completion_tokens, 4);
    assert_eq!(received_bodies(&server).await[0]["stream"], true);
}

#[tokio::test]
async fn a_stream_cut_before_message_stop_is_malformed() {
    let server = MockServer::start().await;
    let sse = "event: message_start\ndata: {\"type\":\"message_start\",\"message\":{}}\n\n";
    mount(
        &server,
        ResponseTemplate::new(200).set_body_raw(sse, "text/event-stream"),
    )
    .await;
    let err = providers(&server, Duration::from_secs(5))
        .stream(CLAUDE, ask("hi"), &mut |_: &str| {})
        .await
        .unwrap_err();
    assert!(
        err.error.to_string().contains("before message_stop"),
        "{:?}",
        err.error
    );
}

#[tokio::test]
async fn rate_limits_honour_retry_after_capped() {
    let server = MockServer::start().await;
    Mock::given(method("POST"))
        .respond_with(ResponseTemplate::new(429).insert_header("retry-after", "2").set_body_json(
            json!({"type": "error", "error": {"type": "rate_limit_error", "message": "slow"}}),
        ))
        .up_to_n_times(1)
        .mount(&server)
        .await;
    mount(
        &server,
        ResponseTemplate::new(200).set_body_json(reply(json!([{"type": "text", "text": "ok"}]))),
    )
    .await;
    let started = Instant::now();
    let done = providers(&server, Duration::from_secs(5))
        .chat(CLAUDE, ask("hi"))
        .await
        .unwrap();
    assert_eq!((done.response.text.as_str(), done.attempts), ("ok", 2));
    let waited = started.elapsed();
    assert!(
        waited >= Duration::from_millis(300) && waited < Duration::from_millis(1500),
        "{waited:?}"
    );
}

#[tokio::test]
async fn server_errors_are_retried_then_a_system_error() {
    let server = MockServer::start().await;
    refuse(&server, ResponseTemplate::new(529).set_body_json(
            json!({"type": "error", "error": {"type": "overloaded_error", "message": "Overloaded"}}),
        ), 3).await;
    let err = providers(&server, Duration::from_secs(5))
        .chat(CLAUDE, ask("hi"))
        .await
        .unwrap_err();
    let msg = system_message(err.error);
    assert!(
        msg.contains("HTTP 529") && msg.contains("Overloaded"),
        "{msg}"
    );
}

#[tokio::test]
async fn timeouts_are_retried_then_a_system_error() {
    let server = MockServer::start().await;
    mount(
        &server,
        ResponseTemplate::new(200)
            .set_body_json(reply(json!([{"type": "text", "text": "late"}])))
            .set_delay(Duration::from_secs(3)),
    )
    .await;
    let err = providers(&server, Duration::from_millis(150))
        .chat(CLAUDE, ask("hi"))
        .await
        .unwrap_err();
    assert_eq!(err.attempts, 3);
    assert!(
        matches!(&err.error, BlockError::System(m) if m.contains("timed out")),
        "{:?}",
        err.error
    );
}

#[tokio::test]
async fn a_malformed_reply_is_a_clear_error() {
    let server = MockServer::start().await;
    mount(
        &server,
        ResponseTemplate::new(200).set_body_json(json!({"content": "not a list"})),
    )
    .await;
    let err = providers(&server, Duration::from_secs(5))
        .chat(CLAUDE, ask("hi"))
        .await
        .unwrap_err();
    assert_eq!(err.attempts, 1);
    assert!(
        matches!(&err.error, BlockError::System(m) if m.contains("malformed reply")),
        "{:?}",
        err.error
    );
}

#[tokio::test]
async fn unauthorized_is_an_input_error_with_the_providers_message() {
    let server = MockServer::start().await;
    refuse(&server, ResponseTemplate::new(401).set_body_json(
            json!({"type": "error", "error": {"type": "authentication_error", "message": "invalid x-api-key"}}),
        ), 1).await;
    let err = providers(&server, Duration::from_secs(5))
        .chat(CLAUDE, ask("hi"))
        .await
        .unwrap_err();
    let msg = input_message(err.error);
    assert!(
        msg.contains("HTTP 401") && msg.contains("invalid x-api-key"),
        "{msg}"
    );
}

#[tokio::test]
async fn a_users_key_is_sent_instead_of_the_operators() {
    let server = MockServer::start().await;
    Mock::given(method("POST"))
        .and(path("/v1/messages"))
        .and(header("x-api-key", "ak-user-1"))
        .respond_with(
            ResponseTemplate::new(200)
                .set_body_json(reply(json!([{"type": "text", "text": "mine"}]))),
        )
        .expect(1)
        .mount(&server)
        .await;
    let p = providers(&server, Duration::from_secs(5));
    let mut request = ask("hello");
    request.api_key = Some(agentry_core::SecretString::new("ak-user-1"));
    let done = p.chat(CLAUDE, request).await.unwrap();
    assert_eq!(done.response.text, "mine");
}
