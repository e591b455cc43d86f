//! The Anthropic Messages wire adapter (`POST {base}/v1/messages`, `x-api-key`,
//! `anthropic-version`). System messages go to the `system` field; tool calls and results are
//! `tool_use` / `tool_result` content blocks; tools declare an `input_schema`. A JSON-schema
//! response format is asked for as one forced tool whose input is the answer.

use agentry_core::SecretString;
use serde::Deserialize;
use serde_json::{Map, Value, json};

use super::sse::{self, SseEvent};
use super::{CallError, ChatRequest, ChatResponse, LlmProvider, ResponseFormat, Role, ToolCall};
use super::{Usage, wire};

/// The API version we speak.
pub const VERSION: &str = "2023-06-01";
/// Anthropic requires `max_tokens`; used when neither the block nor the model table gives one.
pub const DEFAULT_MAX_TOKENS: u32 = 4096;

#[derive(Debug, Clone)]
pub struct Anthropic {
    pub client: reqwest::Client,
    /// Without the version path, e.g. `https://api.anthropic.com`.
    pub base_url: String,
    pub api_key: Option<String>,
}

impl Anthropic {
    /// The HTTP request for `body`, with the user's key of `chat` when it has one, else ours.
    fn request(&self, chat: &ChatRequest, body: &Value) -> reqwest::RequestBuilder {
        let url = format!("{}/v1/messages", self.base_url.trim_end_matches('/'));
        let mut request = self
            .client
            .post(url)
            .header("anthropic-version", VERSION)
            .json(body);
        let key = chat.api_key.as_ref().map(SecretString::expose);
        if let Some(key) = key.or(self.api_key.as_deref()) {
            request = request.header("x-api-key", key);
        }
        request
    }

    /// The request body as the wire wants it.
    pub fn body(request: &ChatRequest, stream: bool) -> Value {
        let mut system = Vec::new();
        let mut messages: Vec<(Role, Vec<Value>)> = Vec::new();
        for m in &request.messages {
            let (role, blocks) = match m.role {
                Role::System => {
                    if !m.content.trim().is_empty() {
                        system.push(m.content.clone());
                    }
                    continue;
                }
                Role::User => (Role::User, text_block(&m.content)),
                Role::Assistant => {
                    let mut blocks = text_block(&m.content);
                    for call in &m.tool_calls {
                        let input: Value = serde_json::from_str(&call.arguments)
                            .ok()
                            .filter(Value::is_object)
                            .unwrap_or_else(|| json!({}));
                        blocks.push(json!({"type": "tool_use", "id": call.id,
                            "name": call.name, "input": input}));
                    }
                    (Role::Assistant, blocks)
                }
                Role::Tool => (
                    Role::User,
                    vec![json!({"type": "tool_result",
                        "tool_use_id": m.tool_call_id.clone().unwrap_or_default(),
                        "content": m.content})],
                ),
            };
            if blocks.is_empty() {
                continue;
            }
            // The API wants user and assistant turns to alternate: merge neighbours.
            match messages.last_mut() {
                Some((last, existing)) if *last == role => existing.extend(blocks),
                _ => messages.push((role, blocks)),
            }
        }
        let messages: Vec<Value> = messages
            .into_iter()
            .map(|(role, content)| {
                let role = if role == Role::User {
                    "user"
                } else {
                    "assistant"
                };
                json!({"role": role, "content": content})
            })
            .collect();
        let mut body = json!({
            "model": request.model,
            "max_tokens": request.max_tokens.unwrap_or(DEFAULT_MAX_TOKENS),
            "messages": messages,
        });
        if !system.is_empty() {
            body["system"] = json!(system.join("\n\n"));
        }
        let mut tools: Vec<Value> = request
            .tools
            .iter()
            .map(|t| json!({"name": t.name, "description": t.description, "input_schema": t.parameters}))
            .collect();
        if let ResponseFormat::JsonSchema { name, schema } = &request.response_format {
            tools.push(
                json!({"name": name, "description": "Give the answer as this tool's input.",
                "input_schema": schema}),
            );
            body["tool_choice"] = json!({"type": "tool", "name": name});
        }
        if !tools.is_empty() {
            body["tools"] = Value::Array(tools);
        }
        if stream {
            body["stream"] = json!(true);
        }
        body
    }
}

fn text_block(text: &str) -> Vec<Value> {
    if text.is_empty() {
        Vec::new() // the API rejects empty text blocks
    } else {
        vec![json!({"type": "text", "text": text})]
    }
}

/// The forced answer tool's name, when the request asks for a JSON schema.
fn answer_tool(request: &ChatRequest) -> Option<&str> {
    match &request.response_format {
        ResponseFormat::JsonSchema { name, .. } => Some(name),
        _ => None,
    }
}

/// Sorts the content blocks of a reply into text and tool calls; the forced answer tool's
/// input becomes the text.
fn assemble(
    blocks: Vec<(String, String, ToolCall)>,
    answer: Option<&str>,
    usage: Usage,
) -> ChatResponse {
    let mut out = ChatResponse {
        usage,
        ..ChatResponse::default()
    };
    for (kind, text, call) in blocks {
        match kind.as_str() {
            "text" => out.text.push_str(&text),
            "tool_use" if Some(call.name.as_str()) == answer => out.text = call.arguments,
            "tool_use" => out.tool_calls.push(call),
            _ => {} // thinking and other blocks are not part of the answer
        }
    }
    out
}

#[derive(Deserialize)]
struct Reply {
    content: Vec<Map<String, Value>>,
    #[serde(default)]
    usage: WireUsage,
}

#[derive(Deserialize, Default)]
struct WireUsage {
    #[serde(default)]
    input_tokens: u64,
    #[serde(default)]
    output_tokens: u64,
}

fn str_of(block: &Map<String, Value>, key: &str) -> String {
    block
        .get(key)
        .and_then(Value::as_str)
        .unwrap_or_default()
        .to_string()
}

/// Reads a whole (non-streamed) Messages API reply.
async fn read_reply(
    response: reqwest::Response,
    request: &ChatRequest,
) -> Result<ChatResponse, CallError> {
    let reply: Reply = wire::read_json(response).await?;
    if reply.content.is_empty() {
        return Err(CallError::Malformed("the reply has no content".into()));
    }
    let blocks = reply
        .content
        .iter()
        .map(|b| {
            let call = ToolCall {
                id: str_of(b, "id"),
                name: str_of(b, "name"),
                arguments: b.get("input").map(Value::to_string).unwrap_or_default(),
            };
            (str_of(b, "type"), str_of(b, "text"), call)
        })
        .collect();
    let usage = Usage {
        prompt_tokens: reply.usage.input_tokens,
        completion_tokens: reply.usage.output_tokens,
    };
    Ok(assemble(blocks, answer_tool(request), usage))
}

#[async_trait::async_trait]
impl LlmProvider for Anthropic {
    async fn chat(&self, request: &ChatRequest) -> Result<ChatResponse, CallError> {
        let response = wire::send(self.request(request, &Self::body(request, false))).await?;
        read_reply(response, request).await
    }

    async fn stream(
        &self,
        request: &ChatRequest,
        on_delta: &mut (dyn for<'s> FnMut(&'s str) + Send),
    ) -> Result<ChatResponse, CallError> {
        let response = wire::send(self.request(request, &Self::body(request, true))).await?;
        if sse::is_plain_json(&response) {
            // A proxy or server that ignored `stream`: one whole reply, handed on as one delta.
            let reply = read_reply(response, request).await?;
            if !reply.text.is_empty() {
                on_delta(&reply.text);
            }
            return Ok(reply);
        }
        let mut blocks: Vec<(String, String, ToolCall)> = Vec::new();
        let mut usage = Usage::default();
        let mut stopped = false;
        sse::read_events(response, |event: SseEvent| {
            let data: Value = wire::parse_json(&event.data)?;
            let kind = data.get("type").and_then(Value::as_str).unwrap_or_default();
            let index = data.get("index").and_then(Value::as_u64).unwrap_or(0) as usize;
            match kind {
                "message_start" => {
                    let u = data.pointer("/message/usage");
                    let n = |k: &str| u.and_then(|u| u.get(k)).and_then(Value::as_u64);
                    usage.prompt_tokens = n("input_tokens").unwrap_or(0);
                    usage.completion_tokens = n("output_tokens").unwrap_or(0);
                }
                "content_block_start" => {
                    if index > 128 {
                        return Err(CallError::Malformed(format!("content block {index}")));
                    }
                    let block = data
                        .get("content_block")
                        .and_then(Value::as_object)
                        .cloned()
                        .unwrap_or_default();
                    while blocks.len() <= index {
                        blocks.push(Default::default());
                    }
                    blocks[index] = (
                        str_of(&block, "type"),
                        str_of(&block, "text"),
                        ToolCall {
                            id: str_of(&block, "id"),
                            name: str_of(&block, "name"),
                            arguments: String::new(),
                        },
                    );
                }
                "content_block_delta" => {
                    let Some(slot) = blocks.get_mut(index) else {
                        return Err(CallError::Malformed(format!(
                            "a delta for content block {index}, which never started"
                        )));
                    };
                    let delta = data.get("delta").cloned().unwrap_or_default();
                    if let Some(text) = delta.get("text").and_then(Value::as_str) {
                        on_delta(text);
                        slot.1.push_str(text);
                    }
                    if let Some(part) = delta.get("partial_json").and_then(Value::as_str) {
                        slot.2.arguments.push_str(part);
                    }
                }
                "message_delta" => {
                    if let Some(n) = data.pointer("/usage/output_tokens").and_then(Value::as_u64) {
                        usage.completion_tokens = n;
                    }
                }
                "message_stop" => {
                    stopped = true;
                    return Ok(true);
                }
                "error" => {
                    let message = data
                        .pointer("/error/message")
                        .and_then(Value::as_str)
                        .unwrap_or("error")
                        .to_string();
                    let overloaded = data.pointer("/error/type").and_then(Value::as_str)
                        == Some("overloaded_error");
                    return Err(if overloaded {
                        CallError::Server {
                            status: 529,
                            message,
                        }
                    } else {
                        CallError::Malformed(format!("error in the stream: {message}"))
                    });
                }
                _ => {} // ping, content_block_stop
            }
            Ok(false)
        })
        .await?;
        if !stopped {
            return Err(CallError::Malformed(
                "the stream ended before message_stop".into(),
            ));
        }
        for block in &mut blocks {
            if block.0 == "tool_use" && block.2.arguments.is_empty() {
                block.2.arguments = "{}".into();
            }
        }
        Ok(assemble(blocks, answer_tool(request), usage))
    }
}

#[cfg(test)]
#[path = "anthropic_tests.rs"]
mod tests;
