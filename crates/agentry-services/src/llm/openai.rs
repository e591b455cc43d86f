//! The OpenAI-compatible wire adapter (`POST {base}/chat/completions`): OpenAI, Groq,
//! OpenRouter, Ollama's `/v1`, llama.cpp, vLLM, LM Studio and others.
//!
//! Structured output differs between servers, so the style is chosen per provider
//! (`JsonStyle`, `structured_output.rs`): configured, or probed once and kept in `detected`.
//! A streamed request answered with plain JSON (a server that ignores `stream`) is read as
//! one whole reply.

use std::sync::Arc;

use agentry_core::SecretString;
use serde::Deserialize;
use serde_json::{Value, json};
use tokio::sync::OnceCell;

use super::sse::{self, SseEvent};
use super::{CallError, ChatRequest, ChatResponse, LlmProvider, ResponseFormat, Role, ToolCall};
use super::{Usage, wire};

pub use super::structured_output::JsonStyle;

/// One OpenAI-compatible endpoint.
#[derive(Debug, Clone)]
pub struct OpenAiCompatible {
    pub client: reqwest::Client,
    /// Up to and including the version, e.g. `https://api.openai.com/v1`.
    pub base_url: String,
    pub api_key: Option<String>,
    pub json_style: JsonStyle,
    /// The style a probe found, when `json_style` is `Detect` (shared by clones).
    pub detected: Arc<OnceCell<JsonStyle>>,
    /// `max_completion_tokens` for OpenAI's own API (its reasoning models refuse
    /// `max_tokens`), `max_tokens` elsewhere.
    pub max_tokens_field: &'static str,
    /// Extra headers on every request (OpenRouter's `X-Title`).
    pub headers: Vec<(String, String)>,
}

impl OpenAiCompatible {
    /// The configured style, or the detected one (`Prompt` while none is known).
    pub fn resolved_style(&self) -> JsonStyle {
        match self.json_style {
            JsonStyle::Detect => self.detected.get().copied().unwrap_or(JsonStyle::Prompt),
            style => style,
        }
    }

    /// The style for structured answers, probing the server once when it is to be detected.
    /// A probe that failed in a way a retry could fix is not kept: `Prompt` this time. The probe
    /// carries the user's `api_key` when the call brings one (the operator may have none).
    pub async fn structured_style(&self, model: &str, api_key: Option<&SecretString>) -> JsonStyle {
        if self.json_style != JsonStyle::Detect {
            return self.json_style;
        }
        let found = self
            .detected
            .get_or_try_init(|| async {
                let style = super::structured_output::probe(self, model, api_key).await?;
                tracing::info!(base_url = %self.base_url, ?style, "structured-output style detected");
                Ok::<_, CallError>(style)
            })
            .await;
        match found {
            Ok(style) => *style,
            Err(e) => {
                let e = match api_key {
                    Some(key) => e.redacted(key.expose()),
                    None => e,
                };
                tracing::warn!(base_url = %self.base_url, "structured-output probe failed, asking in the prompt: {e}");
                JsonStyle::Prompt
            }
        }
    }

    /// The HTTP request for `body`, with the user's key of `chat` when it has one, else ours.
    fn request(&self, chat: &ChatRequest, body: &Value) -> reqwest::RequestBuilder {
        let url = format!("{}/chat/completions", self.base_url.trim_end_matches('/'));
        let mut request = self.client.post(url).json(body);
        let key = chat.api_key.as_ref().map(SecretString::expose);
        if let Some(key) = key.or(self.api_key.as_deref()) {
            request = request.bearer_auth(key);
        }
        for (name, value) in &self.headers {
            request = request.header(name, value);
        }
        request
    }

    /// The request body as the wire wants it.
    pub fn body(&self, request: &ChatRequest, stream: bool) -> Value {
        let messages: Vec<Value> = request.messages.iter().map(message).collect();
        let mut body = json!({"model": request.model, "messages": messages});
        if !request.tools.is_empty() {
            let tools: Vec<Value> = request
                .tools
                .iter()
                .map(|t| {
                    json!({"type": "function", "function": {
                        "name": t.name, "description": t.description, "parameters": t.parameters,
                    }})
                })
                .collect();
            body["tools"] = Value::Array(tools);
        }
        match &request.response_format {
            ResponseFormat::Text => {}
            ResponseFormat::JsonObject => body["response_format"] = json!({"type": "json_object"}),
            ResponseFormat::JsonSchema { name, schema } => {
                self.resolved_style().apply(&mut body, name, schema);
            }
        }
        if let Some(max) = request.max_tokens {
            body[self.max_tokens_field] = json!(max);
        }
        if stream {
            body["stream"] = json!(true);
            body["stream_options"] = json!({"include_usage": true});
        }
        body
    }
}

/// A message in OpenAI's chat shape (also how conversation history pins carry it).
pub fn message(m: &super::Message) -> Value {
    match m.role {
        Role::System => json!({"role": "system", "content": m.content}),
        Role::User => json!({"role": "user", "content": m.content}),
        Role::Tool => json!({
            "role": "tool", "tool_call_id": m.tool_call_id.clone().unwrap_or_default(),
            "content": m.content,
        }),
        Role::Assistant if m.tool_calls.is_empty() => {
            json!({"role": "assistant", "content": m.content})
        }
        Role::Assistant => {
            let calls: Vec<Value> = m
                .tool_calls
                .iter()
                .map(|c| {
                    json!({"id": c.id, "type": "function",
                        "function": {"name": c.name, "arguments": c.arguments}})
                })
                .collect();
            let content = if m.content.is_empty() {
                Value::Null
            } else {
                json!(m.content)
            };
            json!({"role": "assistant", "content": content, "tool_calls": calls})
        }
    }
}

#[derive(Deserialize)]
struct Reply {
    choices: Vec<Choice>,
    #[serde(default)]
    usage: Option<WireUsage>,
}

#[derive(Deserialize)]
struct Choice {
    message: ReplyMessage,
}

#[derive(Deserialize)]
struct ReplyMessage {
    #[serde(default)]
    content: Option<String>,
    #[serde(default)]
    tool_calls: Option<Vec<WireToolCall>>,
}

#[derive(Deserialize)]
struct WireToolCall {
    #[serde(default)]
    id: String,
    function: WireFunction,
}

#[derive(Deserialize)]
struct WireFunction {
    name: String,
    #[serde(default)]
    arguments: String,
}

#[derive(Deserialize, Default, Clone, Copy)]
struct WireUsage {
    #[serde(default)]
    prompt_tokens: u64,
    #[serde(default)]
    completion_tokens: u64,
}

impl From<WireUsage> for Usage {
    fn from(u: WireUsage) -> Self {
        Usage {
            prompt_tokens: u.prompt_tokens,
            completion_tokens: u.completion_tokens,
        }
    }
}

/// OpenRouter's price of the call, from its `x-total-cost` header.
fn provider_cost(response: &reqwest::Response) -> Option<f64> {
    let cost = response.headers().get("x-total-cost")?.to_str().ok()?;
    cost.trim()
        .parse::<f64>()
        .ok()
        .filter(|c| c.is_finite() && *c >= 0.0)
}

/// Reads a whole (non-streamed) chat completion.
async fn read_reply(response: reqwest::Response) -> Result<ChatResponse, CallError> {
    let cost = provider_cost(&response);

    let reply: Reply = wire::read_json(response).await?;
    let Some(choice) = reply.choices.into_iter().next() else {
        return Err(CallError::Malformed("the reply has no choices".into()));
    };
    let tool_calls = choice
        .message
        .tool_calls
        .unwrap_or_default()
        .into_iter()
        .map(|c| ToolCall {
            id: c.id,
            name: c.function.name,
            arguments: c.function.arguments,
        })
        .collect();
    Ok(ChatResponse {
        text: choice.message.content.unwrap_or_default(),
        tool_calls,
        usage: reply.usage.unwrap_or_default().into(),
        provider_cost: cost,
    })
}

#[async_trait::async_trait]
impl LlmProvider for OpenAiCompatible {
    async fn json_style(&self, model: &str, api_key: Option<&SecretString>) -> JsonStyle {
        self.structured_style(model, api_key).await
    }

    async fn embed(
        &self,
        request: &super::embeddings::EmbedRequest,
    ) -> Result<super::embeddings::Embeddings, CallError> {
        self.embed_once(request).await
    }

    async fn chat(&self, request: &ChatRequest) -> Result<ChatResponse, CallError> {
        let response = wire::send(self.request(request, &self.body(request, false))).await?;
        read_reply(response).await
    }

    async fn stream(
        &self,
        request: &ChatRequest,
        on_delta: &mut (dyn for<'s> FnMut(&'s str) + Send),
    ) -> Result<ChatResponse, CallError> {
        let response = wire::send(self.request(request, &self.body(request, true))).await?;
        if sse::is_plain_json(&response) {
            // The server ignored `stream`: one whole reply, handed on as one delta.
            let reply = read_reply(response).await?;
            if !reply.text.is_empty() {
                on_delta(&reply.text);
            }
            return Ok(reply);
        }
        let mut out = ChatResponse {
            provider_cost: provider_cost(&response),
            ..ChatResponse::default()
        };
        let mut saw_data = false;
        sse::read_events(response, |event: SseEvent| {
            if event.data.trim() == "[DONE]" {
                return Ok(true);
            }
            saw_data = true;
            let chunk: Value = wire::parse_json(&event.data)?;
            if let Some(err) = chunk.get("error") {
                let text = err
                    .get("message")
                    .and_then(Value::as_str)
                    .unwrap_or("error");
                return Err(CallError::Malformed(format!("error in the stream: {text}")));
            }
            if let Some(usage) = chunk.get("usage").filter(|u| !u.is_null()) {
                let usage: WireUsage = serde_json::from_value(usage.clone())
                    .map_err(|e| CallError::Malformed(format!("usage: {e}")))?;
                out.usage = usage.into();
            }
            let Some(delta) = chunk.pointer("/choices/0/delta") else {
                return Ok(false);
            };
            if let Some(text) = delta.get("content").and_then(Value::as_str)
                && !text.is_empty()
            {
                on_delta(text);
                out.text.push_str(text);
            }
            for call in delta
                .get("tool_calls")
                .and_then(Value::as_array)
                .into_iter()
                .flatten()
            {
                let index = call.get("index").and_then(Value::as_u64).unwrap_or(0) as usize;
                if index > 128 {
                    return Err(CallError::Malformed(format!("tool call index {index}")));
                }
                while out.tool_calls.len() <= index {
                    out.tool_calls.push(ToolCall {
                        id: String::new(),
                        name: String::new(),
                        arguments: String::new(),
                    });
                }
                let slot = &mut out.tool_calls[index];
                if let Some(id) = call.get("id").and_then(Value::as_str) {
                    slot.id = id.to_string();
                }
                if let Some(name) = call.pointer("/function/name").and_then(Value::as_str) {
                    slot.name.push_str(name);
                }
                if let Some(args) = call.pointer("/function/arguments").and_then(Value::as_str) {
                    slot.arguments.push_str(args);
                }
            }
            Ok(false)
        })
        .await?;
        if !saw_data {
            return Err(CallError::Malformed("the stream ended without data".into()));
        }
        Ok(out)
    }
}

#[cfg(test)]
#[path = "openai_tests.rs"]
mod tests;
