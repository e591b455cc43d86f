//! The LLM provider layer: our own `LlmProvider` trait, its wire adapters (OpenAI-compatible
//! chat completions in `openai.rs`, Anthropic Messages in `anthropic.rs`), the model table
//! (`models.rs`) and the process-wide `LlmProviders` resource (`providers.rs`).
//!
//! `environment.rs` builds the providers from the standard environment variables.
//!
//! An adapter makes one HTTP attempt and classifies what went wrong (`CallError`); the retry
//! policy lives in `LlmProviders::chat`, the same for every provider:
//!
//! * **429** is retried after the server's `retry-after` (seconds; capped at
//!   `RetryPolicy::retry_after_cap`), or after the backoff when the header is missing;
//! * **5xx, timeouts and connection failures** are retried with exponential backoff
//!   (`base_backoff`, doubling, capped at `max_backoff`; no jitter) up to
//!   `RetryPolicy::max_attempts` attempts in all, then fail as `BlockError::System`;
//! * **any other 4xx** (401, 400, 404, …) is not retried: `BlockError::Input` with the
//!   provider's own message;
//! * **a malformed reply** (a 2xx body that is not the JSON or SSE we expect) is not retried:
//!   `BlockError::System` saying what was wrong.

pub mod anthropic;
#[cfg(test)]
mod call_span_tests;
pub mod embeddings;
pub mod environment;
pub mod models;
pub mod openai;
pub mod providers;
pub mod sse;
pub mod structured_output;
pub mod wire;

/// Test support: a wiremock server speaking OpenAI's chat completions and an `LlmProviders`
/// pointing at it (for this crate's tests and, with the `testing` feature, the blocks').
#[cfg(any(test, feature = "testing"))]
pub mod testing;

use std::time::Duration;

use agentry_core::SecretString;
use serde::{Deserialize, Serialize};
use serde_json::Value;

pub use models::ModelInfo;
pub use providers::{Completion, LlmProviders, LlmProvidersBuilder, RetryPolicy, Route};
pub use structured_output::JsonStyle;

/// Who wrote a message.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Role {
    System,
    User,
    Assistant,
    Tool,
}

/// One chat message. An assistant message may carry tool calls; a tool message answers one.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Message {
    pub role: Role,
    pub content: String,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub tool_calls: Vec<ToolCall>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub tool_call_id: Option<String>,
}

impl Message {
    pub fn new(role: Role, content: impl Into<String>) -> Self {
        Message {
            role,
            content: content.into(),
            tool_calls: Vec::new(),
            tool_call_id: None,
        }
    }
    pub fn system(content: impl Into<String>) -> Self {
        Self::new(Role::System, content)
    }
    pub fn user(content: impl Into<String>) -> Self {
        Self::new(Role::User, content)
    }
    pub fn assistant(content: impl Into<String>) -> Self {
        Self::new(Role::Assistant, content)
    }
    /// The result of the tool call `call_id`.
    pub fn tool(call_id: impl Into<String>, content: impl Into<String>) -> Self {
        Message {
            tool_call_id: Some(call_id.into()),
            ..Self::new(Role::Tool, content)
        }
    }
}

/// A tool call the model asked for; `arguments` is JSON text.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct ToolCall {
    pub id: String,
    pub name: String,
    pub arguments: String,
}

/// A function the model may call; `parameters` is a JSON schema of its arguments.
#[derive(Debug, Clone, PartialEq)]
pub struct Tool {
    pub name: String,
    pub description: String,
    pub parameters: Value,
}

/// What shape the reply's text must have.
#[derive(Debug, Clone, Default, PartialEq)]
pub enum ResponseFormat {
    #[default]
    Text,
    /// Any JSON object.
    JsonObject,
    /// JSON matching `schema`.
    JsonSchema { name: String, schema: Value },
}

/// One chat call; `model` is the wire model name.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct ChatRequest {
    pub model: String,
    pub messages: Vec<Message>,
    pub tools: Vec<Tool>,
    pub response_format: ResponseFormat,
    pub max_tokens: Option<u32>,
    /// The user's own API key for the model's provider, sent instead of the operator's.
    /// A `SecretString`, so that printing the request never shows it.
    pub api_key: Option<SecretString>,
}

/// Tokens a call used.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Usage {
    pub prompt_tokens: u64,
    pub completion_tokens: u64,
}

/// What the model answered.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct ChatResponse {
    pub text: String,
    pub tool_calls: Vec<ToolCall>,
    pub usage: Usage,
    /// The provider's own price of the call in USD, when it reports one (OpenRouter).
    pub provider_cost: Option<f64>,
}

/// Why one attempt failed; `LlmProviders` decides whether to try again.
#[derive(Debug, Clone, PartialEq)]
pub enum CallError {
    /// HTTP 429, with the server's `retry-after` when it sent one.
    RateLimited {
        retry_after: Option<Duration>,
        message: String,
    },
    /// HTTP 5xx.
    Server { status: u16, message: String },
    /// No reply in time.
    Timeout(String),
    /// The connection failed.
    Connect(String),
    /// HTTP 4xx other than 429: the request is wrong (key, model, parameters).
    Client { status: u16, message: String },
    /// A 2xx reply we cannot read.
    Malformed(String),
}

impl CallError {
    pub fn is_retryable(&self) -> bool {
        !matches!(self, CallError::Client { .. } | CallError::Malformed(_))
    }

    /// The error with every occurrence of `secret` replaced: a provider may quote the key it
    /// refused, and a user's key must not reach a log line, an event or the `error` pin.
    pub fn redacted(self, secret: &str) -> CallError {
        let hide = |text: String| match secret.is_empty() {
            true => text,
            false => text.replace(secret, "<redacted>"),
        };
        match self {
            CallError::RateLimited {
                retry_after,
                message,
            } => CallError::RateLimited {
                retry_after,
                message: hide(message),
            },
            CallError::Server { status, message } => CallError::Server {
                status,
                message: hide(message),
            },
            CallError::Timeout(m) => CallError::Timeout(hide(m)),
            CallError::Connect(m) => CallError::Connect(hide(m)),
            CallError::Client { status, message } => CallError::Client {
                status,
                message: hide(message),
            },
            CallError::Malformed(m) => CallError::Malformed(hide(m)),
        }
    }
}

impl std::fmt::Display for CallError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            CallError::RateLimited { message, .. } => {
                write!(f, "rate limited (HTTP 429): {message}")
            }
            CallError::Server { status, message } => {
                write!(f, "server error (HTTP {status}): {message}")
            }
            CallError::Timeout(m) => write!(f, "timed out: {m}"),
            CallError::Connect(m) => write!(f, "connection failed: {m}"),
            CallError::Client { status, message } => {
                write!(f, "request rejected (HTTP {status}): {message}")
            }
            CallError::Malformed(m) => write!(f, "malformed reply: {m}"),
        }
    }
}

/// A chat API. One call is one HTTP attempt; retries are the caller's (`LlmProviders`).
#[async_trait::async_trait]
pub trait LlmProvider: Send + Sync + std::fmt::Debug {
    /// Sends `request` and returns the whole reply.
    async fn chat(&self, request: &ChatRequest) -> Result<ChatResponse, CallError>;

    /// Sends `request` as a server-sent-event stream, handing each text delta to `on_delta`
    /// as it arrives, and returns the assembled reply.
    async fn stream(
        &self,
        request: &ChatRequest,
        on_delta: &mut (dyn for<'s> FnMut(&'s str) + Send),
    ) -> Result<ChatResponse, CallError>;

    /// How this provider's structured answers are constrained for `model` (the wire name);
    /// an adapter configured to detect it probes the server once, with the user's `api_key` when
    /// the call brings one. `Prompt`: not at all.
    async fn json_style(
        &self,
        _model: &str,
        _api_key: Option<&SecretString>,
    ) -> structured_output::JsonStyle {
        structured_output::JsonStyle::Prompt
    }

    /// Embeds texts (one attempt). Providers without an embeddings API refuse.
    async fn embed(
        &self,
        _request: &embeddings::EmbedRequest,
    ) -> Result<embeddings::Embeddings, CallError> {
        Err(CallError::Client {
            status: 400,
            message: "this provider offers no embeddings".into(),
        })
    }
}
