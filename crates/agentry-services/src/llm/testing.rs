//! Test support for the LLM layer: a wiremock server on 127.0.0.1 speaking OpenAI's chat
//! completions (and Anthropic's messages), and an `LlmProviders` pointing at it.

use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::Duration;

use agentry_core::testing::Recorder;
use agentry_core::{BlockError, Resources};
use serde_json::{Value, json};
use wiremock::matchers::{method, path};
use wiremock::{MockServer, Request, Respond, ResponseTemplate};

use super::openai::JsonStyle;
use super::providers::ProviderConfig;
use super::{ChatRequest, LlmProviders, Message, RetryPolicy, Tool, ToolCall};

/// The one provider `name` with `config`, retrying fast, a call timing out after `timeout`.
pub fn only_provider(name: &str, config: ProviderConfig, timeout: Duration) -> LlmProviders {
    LlmProviders::builder()
        .provider(name, config)
        .retry(fast_retry())
        .timeout(timeout)
        .build()
        .unwrap()
}

/// The JSON bodies `server` received, in order.
pub async fn received_bodies(server: &MockServer) -> Vec<Value> {
    let requests = server.received_requests().await.unwrap_or_default();
    requests
        .iter()
        .map(|r| serde_json::from_slice(&r.body).unwrap())
        .collect()
}

/// Answers every POST to `route` on `server` with `response`.
pub async fn answer(server: &MockServer, route: &str, response: ResponseTemplate) {
    wiremock::Mock::given(method("POST"))
        .and(path(route))
        .respond_with(response)
        .mount(server)
        .await;
}

/// Answers every POST on `server`, whatever its path, with `refusal`, expecting `times` of them.
pub async fn refuse(server: &MockServer, refusal: ResponseTemplate, times: u64) {
    wiremock::Mock::given(method("POST"))
        .respond_with(refusal)
        .expect(times)
        .mount(server)
        .await;
}

/// The message of a system error; any other error fails the test.
pub fn system_message(error: BlockError) -> String {
    match error {
        BlockError::System(message) => message,
        other => panic!("{other:?}"),
    }
}

/// The message of an input error; any other error fails the test.
pub fn input_message(error: BlockError) -> String {
    match error {
        BlockError::Input(message) => message,
        other => panic!("{other:?}"),
    }
}

/// `request` offering the `weather` tool, continued after the assistant called it (call `id`
/// with `arguments`) and the tool answered "sunny": each adapter's tool-call round trip.
pub fn after_weather_call(mut request: ChatRequest, id: &str, arguments: &str) -> ChatRequest {
    request.tools = vec![Tool {
        name: "weather".into(),
        description: "Weather of a city".into(),
        parameters: json!({"type": "object", "properties": {"city": {"type": "string"}}}),
    }];
    let mut earlier = Message::assistant("");
    earlier.tool_calls = vec![ToolCall {
        id: id.into(),
        name: "weather".into(),
        arguments: arguments.into(),
    }];
    request.messages.push(earlier);
    request.messages.push(Message::tool(id, "sunny"));
    request
}

/// Retries without waiting, so tests stay fast.
pub fn fast_retry() -> RetryPolicy {
    RetryPolicy {
        max_attempts: 3,
        base_backoff: Duration::from_millis(1),
        max_backoff: Duration::from_millis(5),
        retry_after_cap: Duration::from_millis(300),
    }
}

pub struct Mock {
    pub server: MockServer,
}

impl Mock {
    pub async fn start() -> Self {
        Mock {
            server: MockServer::start().await,
        }
    }

    /// `openai` (and every unknown model) and `anthropic` on this server; `openai` takes no
    /// JSON schema, so structured blocks use the tag protocol.
    pub fn providers(&self) -> LlmProviders {
        self.providers_with(JsonStyle::Prompt)
    }

    /// As `providers`, `openai` taking structured output in `style`.
    pub fn providers_with(&self, style: JsonStyle) -> LlmProviders {
        let uri = self.server.uri();
        LlmProviders::builder()
            .provider(
                "openai",
                ProviderConfig::openai_compatible(&format!("{uri}/v1"), Some("sk-test"), style),
            )
            .provider(
                "anthropic",
                ProviderConfig::anthropic(&uri, Some("ak-test")),
            )
            .retry(fast_retry())
            .timeout(Duration::from_secs(5))
            .build()
            .unwrap()
    }

    pub fn recorder(&self) -> Recorder {
        self.recorder_with(JsonStyle::Prompt)
    }

    /// A recorder whose `openai` provider takes structured output in `style`.
    pub fn recorder_with(&self, style: JsonStyle) -> Recorder {
        Recorder {
            resources: Resources::new().with(self.providers_with(style)),
            ..Recorder::default()
        }
    }

    /// Answers the next chat completion with `body`.
    pub async fn reply_once(&self, body: Value) {
        wiremock::Mock::given(method("POST"))
            .and(path("/v1/chat/completions"))
            .respond_with(ResponseTemplate::new(200).set_body_json(body))
            .up_to_n_times(1)
            .mount(&self.server)
            .await;
    }

    /// Answers chat completions with `responder`.
    pub async fn reply_with(&self, responder: impl Respond + 'static) {
        wiremock::Mock::given(method("POST"))
            .and(path("/v1/chat/completions"))
            .respond_with(responder)
            .mount(&self.server)
            .await;
    }

    /// The JSON bodies received, in order.
    pub async fn bodies(&self) -> Vec<Value> {
        received_bodies(&self.server).await
    }
}

/// A chat completion answering `text`.
pub fn openai_reply(text: &str, prompt_tokens: u64, completion_tokens: u64) -> Value {
    json!({
        "id": "chatcmpl-1", "object": "chat.completion", "model": "m",
        "choices": [{"index": 0, "finish_reason": "stop",
                     "message": {"role": "assistant", "content": text}}],
        "usage": {"prompt_tokens": prompt_tokens, "completion_tokens": completion_tokens,
                  "total_tokens": prompt_tokens + completion_tokens}
    })
}

/// Answers with `replies` in turn (the last one repeats), `{TAG}` replaced by the
/// `<json_output id="…">` tag found in the request's messages.
pub struct Script {
    replies: Vec<String>,
    next: AtomicUsize,
}

impl Script {
    pub fn new(replies: &[&str]) -> Self {
        Script {
            replies: replies.iter().map(|s| s.to_string()).collect(),
            next: AtomicUsize::new(0),
        }
    }
}

impl Respond for Script {
    fn respond(&self, request: &Request) -> ResponseTemplate {
        let body: Value = serde_json::from_slice(&request.body).unwrap();
        let re = regex::Regex::new(r#"<json_output id="[0-9a-f]+">"#).unwrap();
        let tag = body["messages"]
            .as_array()
            .into_iter()
            .flatten()
            .filter_map(|m| m["content"].as_str())
            .find_map(|c| re.find(c).map(|m| m.as_str().to_string()))
            .unwrap_or_default();
        let i = self.next.fetch_add(1, Ordering::SeqCst);
        let text = self.replies[i.min(self.replies.len() - 1)].replace("{TAG}", &tag);
        ResponseTemplate::new(200).set_body_json(openai_reply(&text, 10, 5))
    }
}
