//! The OpenAI-compatible adapter against a mock server on 127.0.0.1.

use std::time::{Duration, Instant};

use serde_json::{Value, json};
use wiremock::matchers::{header, method, path};
use wiremock::{Mock, MockServer, ResponseTemplate};

use super::*;
use crate::llm::providers::ProviderConfig;
use crate::llm::testing::{
    after_weather_call, answer, input_message, only_provider, openai_reply, received_bodies,
    refuse, system_message,
};
use crate::llm::{ChatRequest, LlmProviders, Message, ResponseFormat};

fn providers(server: &MockServer, style: JsonStyle, timeout: Duration) -> LlmProviders {
    let base = format!("{}/v1", server.uri());
    let config = ProviderConfig::openai_compatible(&base, Some("sk-test"), style);
    only_provider("openai", config, timeout)
}

fn ask(text: &str) -> ChatRequest {
    ChatRequest {
        messages: vec![Message::system("sys"), Message::user(text)],
        ..ChatRequest::default()
    }
}

async fn mount(server: &MockServer, response: ResponseTemplate) {
    answer(server, "/v1/chat/completions", response).await;
}

#[tokio::test]
async fn a_normal_reply() {
    let server = MockServer::start().await;
    Mock::given(method("POST"))
        .and(path("/v1/chat/completions"))
        .and(header("authorization", "Bearer sk-test"))
        .respond_with(ResponseTemplate::new(200).set_body_json(openai_reply("Hi!", 7, 2)))
        .expect(1)
        .mount(&server)
        .await;
    let p = providers(&server, JsonStyle::JsonSchema, Duration::from_secs(5));
    let done = p.chat("local-model", ask("hello")).await.unwrap();
    assert_eq!(done.response.text, "Hi!");
    assert_eq!(
        (
            done.response.usage.prompt_tokens,
            done.response.usage.completion_tokens
        ),
        (7, 2)
    );
    assert_eq!(
        (done.attempts, done.cost, done.provider.as_str()),
        (1, None, "openai")
    );
    let body = &received_bodies(&server).await[0];
    assert_eq!(body["model"], "local-model");
    assert_eq!(
        body["messages"],
        json!([{"role": "system", "content": "sys"}, {"role": "user", "content": "hello"}])
    );
    assert!(body.get("max_tokens").is_none() && body.get("stream").is_none());
}

#[tokio::test]
async fn tool_calls_both_ways() {
    let server = MockServer::start().await;
    mount(
        &server,
        ResponseTemplate::new(200).set_body_json(json!({
            "choices": [{"message": {"role": "assistant", "content": null, "tool_calls": [
                {"id": "call_1", "type": "function",
                 "function": {"name": "weather", "arguments": "{\"city\":\"Paris\"}"}}]}}],
            "usage": {"prompt_tokens": 3, "completion_tokens": 4}
        })),
    )
    .await;
    let p = providers(&server, JsonStyle::JsonSchema, Duration::from_secs(5));
    let request = after_weather_call(ask("weather?"), "c0", "{}");
    let done = p.chat("m", request).await.unwrap();
    assert_eq!(done.response.text, "");
    assert_eq!(
        done.response.tool_calls,
        vec![ToolCall {
            id: "call_1".into(),
            name: "weather".into(),
            arguments: "{\"city\":\"Paris\"}".into()
        }]
    );
    let body = &received_bodies(&server).await[0];
    assert_eq!(body["tools"][0]["type"], "function");
    assert_eq!(body["tools"][0]["function"]["name"], "weather");
    assert_eq!(
        body["tools"][0]["function"]["parameters"]["properties"]["city"]["type"],
        "string"
    );
    assert_eq!(body["messages"][2]["content"], Value::Null);
    assert_eq!(
        body["messages"][2]["tool_calls"][0]["function"]["arguments"],
        "{}"
    );
    assert_eq!(
        body["messages"][3],
        json!({"role": "tool", "tool_call_id": "c0", "content": "sunny"})
    );
}

#[test]
fn structured_output_follows_the_providers_style() {
    let schema = json!({"type": "object", "properties": {"a": {"type": "string"}}});
    let request = ChatRequest {
        model: "m".into(),
        response_format: ResponseFormat::JsonSchema {
            name: "answer".into(),
            schema: schema.clone(),
        },
        max_tokens: Some(9),
        ..ChatRequest::default()
    };
    let adapter = |json_style, max_tokens_field| OpenAiCompatible {
        detected: Default::default(),
        client: reqwest::Client::new(),
        base_url: String::new(),
        api_key: None,
        json_style,
        max_tokens_field,
        headers: Vec::new(),
    };
    let body = adapter(JsonStyle::JsonSchema, "max_completion_tokens").body(&request, false);
    assert_eq!(
        body["response_format"],
        json!({"type": "json_schema", "json_schema": {"name": "answer", "schema": schema, "strict": false}})
    );
    assert_eq!(body["max_completion_tokens"], 9);
    let body = adapter(JsonStyle::JsonObjectWithSchema, "max_tokens").body(&request, true);
    assert_eq!(
        body["response_format"],
        json!({"type": "json_object", "schema": schema})
    );
    assert_eq!(
        (body["max_tokens"].clone(), body["stream"].clone()),
        (json!(9), json!(true))
    );
    let body = adapter(JsonStyle::JsonObject, "max_tokens").body(&request, false);
    assert_eq!(body["response_format"], json!({"type": "json_object"}));
}

#[tokio::test]
async fn an_sse_stream_is_assembled() {
    let server = MockServer::start().await;
    let events = [
        json!({"choices": [{"index": 0, "delta": {"role": "assistant", "content": "Hel"}}]}),
        json!({"choices": [{"index": 0, "delta": {"content": "lo"}}]}),
        json!({"choices": [{"index": 0, "delta": {"tool_calls": [{"index": 0, "id": "c1",
            "function": {"name": "f", "arguments": "{\"a\""}}]}}]}),
        json!({"choices": [{"index": 0, "delta": {"tool_calls": [{"index": 0,
            "function": {"arguments": ":1}"}}]}}]}),
        json!({"choices": [], "usage": {"prompt_tokens": 5, "completion_tokens": 6}}),
    ];
    let mut sse: String = events.iter().map(|e| format!("data: {e}\n\n")).collect();
    sse.push_str(": keep-alive\n\ndata: [DONE]\n\n");
    mount(
        &server,
        ResponseTemplate::new(200).set_body_raw(sse, "text/event-stream"),
    )
    .await;
    let p = providers(&server, JsonStyle::JsonSchema, Duration::from_secs(5));
    let mut deltas = Vec::new();
    let done = p
        .stream("m", ask("hi"), &mut |d: &str| deltas.push(d.to_string()))
        .await
        .unwrap();
    assert_eq!(deltas, ["Hel", "lo"]);
    assert_eq!(done.response.text, "Hello");
    assert_eq!(done.response.tool_calls[0].arguments, "{\"a\":1}");
    assert_eq!(done.response.usage.completion_tokens, 6);
    let body = &received_bodies(&server).await[0];
    assert_eq!(body["stream"], true);
    assert_eq!(body["stream_options"]["include_usage"], true);
}

#[tokio::test]
async fn a_json_reply_to_a_stream_request_is_one_whole_delta() {
    // Servers that ignore `stream` answer one JSON document: read as a whole reply.
    let server = MockServer::start().await;
    mount(
        &server,
        ResponseTemplate::new(200).set_body_json(openai_reply("whole answer", 3, 2)),
    )
    .await;
    let p = providers(&server, JsonStyle::JsonSchema, Duration::from_secs(5));
    let mut deltas = Vec::new();
    let done = p
        .stream("m", ask("hi"), &mut |d: &str| deltas.push(d.to_string()))
        .await
        .unwrap();
    assert_eq!(deltas, ["whole answer"]);
    assert_eq!(done.response.text, "whole answer");
    assert_eq!(done.response.usage.completion_tokens, 2);
}

#[tokio::test]
async fn another_content_type_on_a_stream_request_is_malformed() {
    let server = MockServer::start().await;
    mount(
        &server,
        ResponseTemplate::new(200).set_body_raw("<html>hi</html>", "text/html"),
    )
    .await;
    let p = providers(&server, JsonStyle::JsonSchema, Duration::from_secs(5));
    let err = p
        .stream("m", ask("hi"), &mut |_: &str| {})
        .await
        .unwrap_err();
    assert!(
        err.error.to_string().contains("text/event-stream"),
        "{:?}",
        err.error
    );
}

#[tokio::test]
async fn rate_limits_honour_retry_after_capped() {
    let server = MockServer::start().await;
    Mock::given(method("POST"))
        .respond_with(
            ResponseTemplate::new(429)
                .insert_header("retry-after", "1")
                .set_body_json(json!({"error": {"message": "slow down"}})),
        )
        .up_to_n_times(1)
        .mount(&server)
        .await;
    mount(
        &server,
        ResponseTemplate::new(200).set_body_json(openai_reply("ok", 1, 1)),
    )
    .await;
    let p = providers(&server, JsonStyle::JsonSchema, Duration::from_secs(5));
    let started = Instant::now();
    let done = p.chat("m", ask("hi")).await.unwrap();
    let waited = started.elapsed();
    assert_eq!((done.response.text.as_str(), done.attempts), ("ok", 2));
    // retry-after says 1 s, the test policy caps it at 300 ms; backoff alone would be 1 ms.
    assert!(waited >= Duration::from_millis(300), "{waited:?}");
    assert!(waited < Duration::from_millis(1000), "{waited:?}");
}

#[tokio::test]
async fn server_errors_are_retried_then_a_system_error() {
    let server = MockServer::start().await;
    refuse(
        &server,
        ResponseTemplate::new(503).set_body_string("upstream down"),
        3,
    )
    .await;
    let p = providers(&server, JsonStyle::JsonSchema, Duration::from_secs(5));
    let err = p.chat("m", ask("hi")).await.unwrap_err();
    assert_eq!(err.attempts, 3);
    let msg = system_message(err.error);
    assert!(
        msg.contains("HTTP 503") && msg.contains("upstream down") && msg.contains("3 attempts"),
        "{msg}"
    );
}

#[tokio::test]
async fn timeouts_are_retried_then_a_system_error() {
    let server = MockServer::start().await;
    mount(
        &server,
        ResponseTemplate::new(200)
            .set_body_json(openai_reply("late", 1, 1))
            .set_delay(Duration::from_secs(3)),
    )
    .await;
    let p = providers(&server, JsonStyle::JsonSchema, Duration::from_millis(150));
    let err = p.chat("m", ask("hi")).await.unwrap_err();
    assert_eq!(err.attempts, 3);
    let msg = system_message(err.error);
    assert!(msg.contains("timed out"), "{msg}");
}

#[tokio::test]
async fn a_malformed_reply_is_a_clear_error_and_not_retried() {
    let server = MockServer::start().await;
    mount(
        &server,
        ResponseTemplate::new(200).set_body_string("<html>proxy error</html>"),
    )
    .await;
    let p = providers(&server, JsonStyle::JsonSchema, Duration::from_secs(5));
    let err = p.chat("m", ask("hi")).await.unwrap_err();
    assert_eq!(err.attempts, 1);
    let msg = system_message(err.error);
    assert!(
        msg.contains("malformed reply") && msg.contains("<html>proxy error"),
        "{msg}"
    );
    let server = MockServer::start().await;
    mount(
        &server,
        ResponseTemplate::new(200).set_body_json(json!({"choices": []})),
    )
    .await;
    let p = providers(&server, JsonStyle::JsonSchema, Duration::from_secs(5));
    let err = p.chat("m", ask("hi")).await.unwrap_err();
    assert!(
        err.error.to_string().contains("no choices"),
        "{:?}",
        err.error
    );
}

#[tokio::test]
async fn unauthorized_is_an_input_error_with_the_providers_message() {
    let server = MockServer::start().await;
    refuse(&server, ResponseTemplate::new(401).set_body_json(
            json!({"error": {"message": "Incorrect API key provided", "type": "invalid_request_error"}}),
        ), 1).await;
    let p = providers(&server, JsonStyle::JsonSchema, Duration::from_secs(5));
    let err = p.chat("m", ask("hi")).await.unwrap_err();
    let msg = input_message(err.error);
    assert!(
        msg.contains("HTTP 401") && msg.contains("Incorrect API key provided"),
        "{msg}"
    );
}

#[tokio::test]
async fn a_users_key_is_sent_instead_of_the_operators_and_never_quoted() {
    let server = MockServer::start().await;
    Mock::given(method("POST"))
        .and(path("/v1/chat/completions"))
        .and(header("authorization", "Bearer sk-user-1"))
        .respond_with(ResponseTemplate::new(200).set_body_json(openai_reply("mine", 1, 1)))
        .expect(1)
        .mount(&server)
        .await;
    let p = providers(&server, JsonStyle::JsonSchema, Duration::from_secs(5));
    let mut request = ask("hello");
    request.api_key = Some(agentry_core::SecretString::new("sk-user-1"));
    assert!(!format!("{request:?}").contains("sk-user-1"));
    let done = p.chat("local-model", request.clone()).await.unwrap();
    assert_eq!(done.response.text, "mine");

    // The provider refuses the key and quotes it: the block's error does not.
    server.reset().await;
    let refusal = json!({"error": {"message": "Incorrect API key provided: sk-user-1",
                                   "type": "invalid_request_error"}});
    mount(&server, ResponseTemplate::new(401).set_body_json(refusal)).await;
    let failed = p.chat("local-model", request).await.unwrap_err();
    let text = failed.error.to_string();
    assert!(
        text.contains("401") && !text.contains("sk-user-1"),
        "{text}"
    );
}
