//! How a block calls a model: the `LlmProviders` resource with the user's own key when the
//! node names one, usage stats on the node execution, and the inputs every LLM block shares
//! (credentials, prompt values, conversation history).

use std::collections::BTreeMap;

use agentry_core::{BlockError, Credential, CredentialsMeta, Cx, SecretString};
use serde::Serialize;
use serde_json::{Map, Value, json};

use super::provider::providers::CallFailure;
use super::provider::{ChatRequest, ChatResponse, Completion, LlmProviders, Message, Role, models};
use crate::text::template;

/// Calls `model` through the process's `LlmProviders` and records `input_token_count`,
/// `output_token_count`, `llm_call_count`, `llm_retry_count` and `cost` (USD, when known).
/// With `credentials` naming one of the user's credentials the user's key is sent, else the
/// platform's.
pub async fn chat<O: Serialize>(
    cx: &mut Cx<'_, O>,
    model: &str,
    credentials: Option<&Value>,
    request: ChatRequest,
) -> Result<ChatResponse, BlockError> {
    try_chat(cx, model, credentials, request)
        .await
        .map_err(|f| f.error)
}

/// As `chat`, telling apart a server that refused the request's JSON schema
/// (`CallFailure::schema_refused`).
pub async fn try_chat<O: Serialize>(
    cx: &mut Cx<'_, O>,
    model: &str,
    credentials: Option<&Value>,
    mut request: ChatRequest,
) -> Result<ChatResponse, CallFailure> {
    let providers = cx
        .resource::<LlmProviders>()
        .map_err(not_configured)?
        .clone();
    request.api_key = users_key(cx, &providers, model, credentials)
        .await
        .map_err(not_configured)?;
    let done = providers.chat(model, request).await;
    record(cx, done)
}

/// As `chat`, streamed: each piece of text goes to live watchers as partial text of `pin`
/// (`Cx::stream_text`) as it arrives; the block yields the whole answer itself.
pub async fn stream<O: Serialize>(
    cx: &mut Cx<'_, O>,
    model: &str,
    credentials: Option<&Value>,
    mut request: ChatRequest,
    pin: &str,
) -> Result<ChatResponse, BlockError> {
    let providers = cx.resource::<LlmProviders>()?.clone();
    request.api_key = users_key(cx, &providers, model, credentials).await?;
    let done = providers
        .stream(model, request, &mut |delta: &str| {
            cx.stream_text(pin, delta)
        })
        .await;
    record(cx, done).map_err(|f| f.error)
}

/// Whether `model`'s structured answers can be constrained to a JSON schema, for a call with
/// `credentials` (the user's key routes the call, and probes a server whose style is unknown).
pub async fn constrained<O: Serialize>(
    cx: &mut Cx<'_, O>,
    model: &str,
    credentials: Option<&Value>,
) -> Result<bool, BlockError> {
    let providers = cx.resource::<LlmProviders>()?.clone();
    let key = users_key(cx, &providers, model, credentials).await?;
    providers.constrained_output(model, key.as_ref()).await
}

/// The user's key when `credentials` names one of theirs, else `None` (the platform's serves).
async fn users_key<O: Serialize>(
    cx: &mut Cx<'_, O>,
    providers: &LlmProviders,
    model: &str,
    credentials: Option<&Value>,
) -> Result<Option<SecretString>, BlockError> {
    match users_credentials(providers, model, credentials)? {
        Some(meta) => Ok(Some(api_key(&meta, cx.credential(&meta).await?)?)),
        None => Ok(None),
    }
}

fn not_configured(error: BlockError) -> CallFailure {
    CallFailure {
        error,
        attempts: 0,
        schema_refused: false,
    }
}

/// Records a call's usage (or its retries, when it failed) in the node's stats.
fn record<O: Serialize>(
    cx: &mut Cx<'_, O>,
    done: Result<Completion, CallFailure>,
) -> Result<ChatResponse, CallFailure> {
    match done {
        Ok(done) => {
            let usage = done.response.usage;
            let mut stats = Map::new();
            stats.insert("input_token_count".into(), json!(usage.prompt_tokens));
            stats.insert("output_token_count".into(), json!(usage.completion_tokens));
            stats.insert("llm_call_count".into(), json!(1));
            stats.insert("llm_retry_count".into(), json!(done.attempts - 1));
            if let Some(cost) = done.cost {
                stats.insert("cost".into(), json!(cost));
            }
            cx.add_stats(stats);
            record_usage(&done, usage.prompt_tokens, usage.completion_tokens);
            Ok(done.response)
        }
        Err(failed) => {
            if failed.attempts > 1 {
                count_retry(cx, u64::from(failed.attempts - 1));
            }
            Err(failed)
        }
    }
}

/// Tokens and cost for `/metrics`, by provider and model. A model the table does not know
/// counts as `other`: names from graphs must not grow the series without bound.
fn record_usage(done: &super::provider::Completion, input: u64, output: u64) {
    let provider = done.provider.clone();
    let model = done.model.map_or("other", |m| m.name);
    for (kind, n) in [("input", input), ("output", output)] {
        metrics::counter!("agentry_llm_tokens_total", "provider" => provider.clone(), "model" => model, "kind" => kind)
            .increment(n);
    }
    if let Some(cost) = done.cost {
        metrics::counter!("agentry_llm_cost_microdollars_total", "provider" => provider, "model" => model)
            .increment((cost * 1e6).round() as u64);
    }
}

/// The reference to the user's api_key for `model`'s provider when `credentials` names one by
/// id (AutoGPT's `AICredentials`); `None` when it names none, so that the platform's key
/// serves the call.
fn users_credentials(
    providers: &LlmProviders,
    model: &str,
    credentials: Option<&Value>,
) -> Result<Option<CredentialsMeta>, BlockError> {
    let Some(chosen) = credentials
        .and_then(|c| serde_json::from_value::<CredentialsMeta>(c.clone()).ok())
        .filter(|m| m.id.as_deref().is_some_and(|id| !id.is_empty()))
    else {
        return Ok(None);
    };
    // The model decides the provider (AutoGPT's discriminator): credentials of another
    // provider are refused by the store's check rather than sent to the wrong service.
    let provider = providers.route(model, true)?.name;
    Ok(Some(CredentialsMeta {
        provider: Some(provider),
        kind: Some("api_key".into()),
        ..chosen
    }))
}

/// The key of the credential `meta` named.
fn api_key(meta: &CredentialsMeta, credential: Credential) -> Result<SecretString, BlockError> {
    credential.secret.bearer().cloned().ok_or_else(|| {
        BlockError::Input(format!(
            "credentials {} are not an API key",
            meta.id.as_deref().unwrap_or_default()
        ))
    })
}

/// The `credentials` pin's schema of every LLM block, as AutoGPT's `AICredentialsField`: an
/// api_key of one of the model table's providers, the node's `model` choosing which
/// (`discriminator`), so that a graph's credentials inputs ask for the right provider.
pub fn ai_credentials_schema(schema: &mut schemars::Schema) {
    let mut providers: Vec<&str> = models::MODELS.iter().map(|m| m.provider).collect();
    providers.sort_unstable();
    providers.dedup();
    let mapping: Map<String, Value> = models::MODELS
        .iter()
        .map(|m| (m.name.to_string(), json!(m.provider)))
        .collect();
    let object = schema.ensure_object();
    object.insert("credentials_provider".into(), json!(providers));
    object.insert("credentials_types".into(), json!(["api_key"]));
    object.insert("discriminator".into(), json!("model"));
    object.insert("discriminator_mapping".into(), Value::Object(mapping));
}

/// Adds `n` to the node's `llm_retry_count` (answers asked for again).
pub fn count_retry<O: Serialize>(cx: &mut Cx<'_, O>, n: u64) {
    let mut stats = Map::new();
    stats.insert("llm_retry_count".into(), json!(n));
    cx.add_stats(stats);
}

/// Fills `{{ name }}` placeholders as AutoGPT's `TextFormatter` does.
pub fn fill(text: &str, values: &BTreeMap<String, String>) -> Result<String, BlockError> {
    let values: Map<String, Value> = values
        .iter()
        .map(|(k, v)| (k.clone(), Value::String(v.clone())))
        .collect();
    template::render(text, &values, false)
        .map_err(|e| BlockError::Input(format!("cannot fill the prompt: {e}")))
}

/// A `max_tokens` input: absent, zero or negative means "no limit of ours".
pub fn max_tokens(value: Option<i64>) -> Option<u32> {
    value
        .filter(|n| *n > 0)
        .map(|n| u32::try_from(n).unwrap_or(u32::MAX))
}

/// One message of a conversation input (`{"role": …, "content": …}`); empty entries are
/// skipped, as AutoGPT does.
pub fn history_message(value: &Value) -> Result<Option<Message>, BlockError> {
    let Value::Object(map) = value else {
        return match value {
            Value::Null => Ok(None),
            Value::String(s) if s.is_empty() => Ok(None),
            other => Err(BlockError::Input(format!(
                "a conversation message must be an object with role and content, got {other}"
            ))),
        };
    };
    if map.is_empty() {
        return Ok(None);
    }
    let role = match map.get("role").and_then(Value::as_str) {
        Some("system" | "developer") => Role::System,
        Some("user") => Role::User,
        Some("assistant") => Role::Assistant,
        Some("tool") => Role::Tool,
        other => {
            return Err(BlockError::Input(format!(
                "a conversation message needs a role of system, user, assistant or tool, got {other:?}"
            )));
        }
    };
    let content = match map.get("content") {
        None | Some(Value::Null) => String::new(),
        Some(Value::String(s)) => s.clone(),
        Some(other) => other.to_string(),
    };
    let mut message = Message::new(role, content);
    message.tool_call_id = map
        .get("tool_call_id")
        .and_then(Value::as_str)
        .map(str::to_string);
    Ok(Some(message))
}

/// The `prompt` output pin: the messages sent, as `{"role", "content"}` objects.
pub fn prompt_pin(messages: &[Message]) -> Vec<Value> {
    messages
        .iter()
        .map(|m| serde_json::to_value(m).unwrap_or(Value::Null))
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn history_messages_are_read_and_checked() {
        let m = history_message(&json!({"role": "user", "content": "hi"}))
            .unwrap()
            .unwrap();
        assert_eq!(m, Message::user("hi"));
        let m = history_message(&json!({"role": "assistant", "content": {"a": 1}}))
            .unwrap()
            .unwrap();
        assert_eq!(m.content, r#"{"a":1}"#);
        assert_eq!(history_message(&json!({})).unwrap(), None);
        assert!(history_message(&json!({"content": "x"})).is_err());
        assert!(history_message(&json!(3)).is_err());
    }

    #[test]
    fn max_tokens_and_fill() {
        assert_eq!(max_tokens(None), None);
        assert_eq!(max_tokens(Some(0)), None);
        assert_eq!(max_tokens(Some(100)), Some(100));
        let values = BTreeMap::from([("name".to_string(), "Ada".to_string())]);
        assert_eq!(fill("Hi {{ name }}!", &values).unwrap(), "Hi Ada!");
    }
}
