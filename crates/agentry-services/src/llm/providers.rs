//! `LlmProviders`: the process-wide set of configured providers (a `Resources` entry), the
//! model-to-provider routing and the retry policy described in `provider/mod.rs`.
//!
//! Base URLs and keys come from the operator (configuration or the standard environment
//! variables) and are trusted. A call may carry the user's own key (`ChatRequest::api_key`,
//! from the block's `credentials`): it is sent instead of the operator's, and a hosted provider
//! the operator did not configure is then reachable at its public URL ("user keys only").

use std::collections::{HashMap, HashSet};
use std::sync::{Arc, Mutex};
use std::time::Duration;

use agentry_core::{BlockError, SecretString};

use super::anthropic::Anthropic;
pub use super::environment::key_variable;
use super::models::{self, ModelInfo};
use super::openai::{JsonStyle, OpenAiCompatible};
use super::{CallError, ChatRequest, ChatResponse, LlmProvider, ResponseFormat};

/// How often and how patiently a call is tried again.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct RetryPolicy {
    /// Attempts in all, the first included.
    pub max_attempts: u32,
    /// The wait before the second attempt; it doubles for each further one.
    pub base_backoff: Duration,
    pub max_backoff: Duration,
    /// The longest `retry-after` we honour.
    pub retry_after_cap: Duration,
}

impl Default for RetryPolicy {
    fn default() -> Self {
        RetryPolicy {
            max_attempts: 3,
            base_backoff: Duration::from_secs(1),
            max_backoff: Duration::from_secs(16),
            retry_after_cap: Duration::from_secs(60),
        }
    }
}

impl RetryPolicy {
    /// After attempt `attempt` of a `what` (e.g. "request") to provider `name` for `model`
    /// failed with `error`: how long to wait before the next attempt, or the error the block
    /// reports when the failure is final (not retryable, or the attempts are used up).
    pub(crate) fn after_failure(
        &self,
        name: &str,
        model: &str,
        what: &str,
        attempt: u32,
        error: &CallError,
    ) -> Result<Duration, BlockError> {
        if !error.is_retryable() {
            return Err(match error {
                CallError::Client { status, message } => BlockError::Input(format!(
                    "{name} rejected the {what} for model {model:?} (HTTP {status}): {message}"
                )),
                other => BlockError::System(format!("{name}: {other}")),
            });
        }
        if attempt >= self.max_attempts.max(1) {
            return Err(BlockError::System(format!(
                "{name}: {error} (gave up after {attempt} attempts)"
            )));
        }
        let wait = self.wait(attempt, error);
        tracing::warn!(provider = %name, %model, attempt, ?wait, "LLM {what} failed, retrying: {error}");
        Ok(wait)
    }

    pub(crate) fn wait(&self, attempt: u32, error: &CallError) -> Duration {
        let backoff = self
            .base_backoff
            .saturating_mul(1 << attempt.saturating_sub(1).min(16))
            .min(self.max_backoff);
        match error {
            CallError::RateLimited {
                retry_after: Some(after),
                ..
            } => (*after).min(self.retry_after_cap),
            _ => backoff,
        }
    }
}

/// The wire protocol of a configured provider.
#[derive(Debug, Clone, PartialEq)]
pub enum Wire {
    OpenAi {
        json_style: JsonStyle,
        max_tokens_field: &'static str,
    },
    Anthropic,
}

/// One provider's settings.
#[derive(Debug, Clone, PartialEq)]
pub struct ProviderConfig {
    pub wire: Wire,
    pub base_url: String,
    pub api_key: Option<String>,
    pub headers: Vec<(String, String)>,
}

impl ProviderConfig {
    /// An OpenAI-compatible endpoint (`base_url` up to `/v1`), sending `max_tokens`.
    pub fn openai_compatible(base_url: &str, api_key: Option<&str>, json_style: JsonStyle) -> Self {
        ProviderConfig {
            wire: Wire::OpenAi {
                json_style,
                max_tokens_field: "max_tokens",
            },
            base_url: base_url.to_string(),
            api_key: api_key.map(str::to_string),
            headers: Vec::new(),
        }
    }

    /// Anthropic's Messages API (`base_url` without `/v1`).
    pub fn anthropic(base_url: &str, api_key: Option<&str>) -> Self {
        ProviderConfig {
            wire: Wire::Anthropic,
            base_url: base_url.to_string(),
            api_key: api_key.map(str::to_string),
            headers: Vec::new(),
        }
    }
}

/// Where a model's calls go: the provider, its name, the wire model name, the table entry.
#[derive(Debug, Clone)]
pub struct Route {
    pub provider: Arc<dyn LlmProvider>,
    pub name: String,
    pub wire_model: String,
    pub model: Option<&'static ModelInfo>,
}

/// A successful call and what it cost.
#[derive(Debug, Clone)]
pub struct Completion {
    pub response: ChatResponse,
    pub provider: String,
    pub model: Option<&'static ModelInfo>,
    /// HTTP attempts made, the successful one included.
    pub attempts: u32,
    /// USD: the provider's own figure, else the table's list price.
    pub cost: Option<f64>,
}

/// A failed call: the error and how many attempts were made.
#[derive(Debug, Clone)]
pub struct CallFailure {
    pub error: BlockError,
    pub attempts: u32,
    /// The server refused the JSON schema the call carried (HTTP 400 or 422): the model is
    /// marked as taking none, and the caller may ask again in the prompt.
    pub schema_refused: bool,
}

/// Every configured provider, cheap to clone.
#[derive(Debug, Clone)]
pub struct LlmProviders {
    inner: Arc<Inner>,
}

#[derive(Debug)]
struct Inner {
    providers: HashMap<String, Arc<dyn LlmProvider>>,
    /// Providers the operator gave no key or URL: they serve calls with a user's key only.
    user_keys_only: HashSet<String>,
    default_provider: String,
    retry: RetryPolicy,
    /// (provider, wire model) pairs whose server refused a JSON schema; asked in the prompt
    /// from then on, for the life of the process.
    schema_refused: Mutex<HashSet<(String, String)>>,
}

/// Builds an `LlmProviders`; `from_env` starts one from the standard variables.
#[derive(Debug)]
pub struct LlmProvidersBuilder {
    configs: Vec<(String, ProviderConfig)>,
    user_keys_only: HashSet<String>,
    custom: Vec<(String, Arc<dyn LlmProvider>)>,
    default_provider: String,
    retry: RetryPolicy,
    timeout: Duration,
    connect_timeout: Duration,
    /// The operator's structured-output style per base URL (without a trailing slash).
    json_styles: Vec<(String, JsonStyle)>,
}

impl LlmProvidersBuilder {
    /// Adds or replaces the provider `name`.
    pub fn provider(mut self, name: &str, config: ProviderConfig) -> Self {
        self.configs.retain(|(n, _)| n != name);
        self.configs.push((name.to_string(), config));
        self.user_keys_only.remove(name);
        self
    }
    /// Adds the provider `name` for calls that bring the user's own key only.
    pub fn user_keys_only(mut self, name: &str, config: ProviderConfig) -> Self {
        self = self.provider(name, config);
        self.user_keys_only.insert(name.to_string());
        self
    }
    /// Adds a provider implemented elsewhere.
    pub fn custom(mut self, name: &str, provider: Arc<dyn LlmProvider>) -> Self {
        self.custom.push((name.to_string(), provider));
        self
    }
    /// The provider for model names not in the table.
    pub fn default_provider(mut self, name: &str) -> Self {
        self.default_provider = name.to_string();
        self
    }
    pub fn retry(mut self, retry: RetryPolicy) -> Self {
        self.retry = retry;
        self
    }
    /// The whole-request timeout (default 600 s: long answers are slow).
    pub fn timeout(mut self, timeout: Duration) -> Self {
        self.timeout = timeout;
        self
    }

    /// The providers configured so far, by name.
    pub fn configs(&self) -> &[(String, ProviderConfig)] {
        &self.configs
    }

    /// Uses `style` for every OpenAI-compatible provider at `base_url`, instead of the default
    /// or a probe (the operator knows the server).
    pub fn json_style_for(mut self, base_url: &str, style: JsonStyle) -> Self {
        self.json_styles
            .push((base_url.trim_end_matches('/').to_string(), style));
        self
    }

    pub fn build(self) -> Result<LlmProviders, String> {
        let client = reqwest::Client::builder()
            .timeout(self.timeout)
            .connect_timeout(self.connect_timeout.min(self.timeout))
            .build()
            .map_err(|e| format!("cannot build the LLM HTTP client: {e}"))?;
        let mut providers: HashMap<String, Arc<dyn LlmProvider>> = HashMap::new();
        for (name, c) in self.configs {
            let provider: Arc<dyn LlmProvider> = match c.wire {
                Wire::OpenAi {
                    json_style,
                    max_tokens_field,
                } => {
                    let configured = self
                        .json_styles
                        .iter()
                        .rev()
                        .find(|(url, _)| url == c.base_url.trim_end_matches('/'))
                        .map(|(_, style)| *style);
                    Arc::new(OpenAiCompatible {
                        client: client.clone(),
                        base_url: c.base_url,
                        api_key: c.api_key,
                        json_style: configured.unwrap_or(json_style),
                        detected: Arc::default(),
                        max_tokens_field,
                        headers: c.headers,
                    })
                }
                Wire::Anthropic => Arc::new(Anthropic {
                    client: client.clone(),
                    base_url: c.base_url,
                    api_key: c.api_key,
                }),
            };
            providers.insert(name, provider);
        }
        providers.extend(self.custom);
        Ok(LlmProviders {
            inner: Arc::new(Inner {
                providers,
                user_keys_only: self.user_keys_only,
                default_provider: self.default_provider,
                retry: self.retry,
                schema_refused: Mutex::default(),
            }),
        })
    }
}

impl LlmProviders {
    /// An empty builder: no providers, default provider `openai`, default retry policy.
    pub fn builder() -> LlmProvidersBuilder {
        LlmProvidersBuilder {
            configs: Vec::new(),
            user_keys_only: HashSet::new(),
            custom: Vec::new(),
            default_provider: models::OPENAI.to_string(),
            retry: RetryPolicy::default(),
            timeout: Duration::from_secs(600),
            connect_timeout: Duration::from_secs(15),
            json_styles: Vec::new(),
        }
    }

    /// The retry policy every call follows.
    pub fn retry_policy(&self) -> RetryPolicy {
        self.inner.retry
    }

    /// Where a call to `model` with the platform's key goes.
    pub fn resolve(&self, model: &str) -> Result<Route, BlockError> {
        self.route(model, false)
    }

    /// Where a call to `model` goes; `user_key`: the call brings the user's own key.
    pub fn route(&self, model: &str, user_key: bool) -> Result<Route, BlockError> {
        let info = models::lookup(model);
        let (name, wire) = match info {
            Some(info) => (info.provider, info.wire_name.to_string()),
            None => (self.inner.default_provider.as_str(), model.to_string()),
        };
        let usable = user_key || !self.inner.user_keys_only.contains(name);
        let provider = self
            .inner
            .providers
            .get(name)
            .filter(|_| usable)
            .ok_or_else(|| {
                let hint = key_variable(name)
                    .map(|var| {
                        format!(
                            ": set {var} (an API key) in its environment, or choose your own \
                             {name} credentials in the block's credentials input"
                        )
                    })
                    .unwrap_or_default();
                BlockError::Input(format!(
                    "model {model:?} needs the LLM provider {name:?}, which this server has not configured{hint}"
                ))
            })?;
        Ok(Route {
            provider: provider.clone(),
            name: name.to_string(),
            wire_model: wire,
            model: info,
        })
    }

    /// Whether structured answers from `model` can be constrained to a JSON schema (the
    /// provider's style, probed once when it is to be detected), so that a block may send
    /// `ResponseFormat::JsonSchema` and read plain JSON; `false`: ask in the prompt.
    /// `api_key`: the user's key the call will carry, if any (it routes, and it probes).
    pub async fn constrained_output(
        &self,
        model: &str,
        api_key: Option<&SecretString>,
    ) -> Result<bool, BlockError> {
        let route = self.route(model, api_key.is_some())?;
        if self.refused(&route) {
            return Ok(false);
        }
        Ok(route
            .provider
            .json_style(&route.wire_model, api_key)
            .await
            .constrains())
    }

    fn refused(&self, route: &Route) -> bool {
        let refused = self
            .inner
            .schema_refused
            .lock()
            .unwrap_or_else(|e| e.into_inner());
        refused.contains(&(route.name.clone(), route.wire_model.clone()))
    }

    /// Sends `request` to the model `model` (AutoGPT's name), retrying as the policy says.
    /// `request.model` is replaced by the wire name.
    pub async fn chat(&self, model: &str, request: ChatRequest) -> Result<Completion, CallFailure> {
        self.call(model, request, None).await
    }

    /// As `chat`, streamed: `on_delta` gets each piece of text as it arrives (a retried
    /// attempt starts over, so it may see a prefix twice).
    pub async fn stream(
        &self,
        model: &str,
        request: ChatRequest,
        on_delta: &mut (dyn for<'s> FnMut(&'s str) + Send),
    ) -> Result<Completion, CallFailure> {
        self.call(model, request, Some(on_delta)).await
    }

    /// One `llm.call` span per call (a child of the node's span): the provider, model, tokens,
    /// cost and attempts as attributes; never the prompt, the reply or a key.
    async fn call(
        &self,
        model: &str,
        request: ChatRequest,
        on_delta: Option<&mut (dyn for<'s> FnMut(&'s str) + Send)>,
    ) -> Result<Completion, CallFailure> {
        use tracing::field::Empty;
        let span = tracing::info_span!(
            "llm.call",
            model = %model,
            provider = Empty,
            prompt_tokens = Empty,
            completion_tokens = Empty,
            cost_usd = Empty,
            attempts = Empty,
            failed = Empty,
        );
        let result = tracing::Instrument::instrument(
            self.call_with_retries(model, request, on_delta),
            span.clone(),
        )
        .await;
        match &result {
            Ok(done) => {
                span.record("provider", done.provider.as_str());
                span.record("prompt_tokens", done.response.usage.prompt_tokens);
                span.record("completion_tokens", done.response.usage.completion_tokens);
                if let Some(cost) = done.cost {
                    span.record("cost_usd", cost);
                }
                span.record("attempts", done.attempts);
            }
            Err(failure) => {
                span.record("attempts", failure.attempts);
                span.record("failed", true);
            }
        }
        result
    }

    async fn call_with_retries(
        &self,
        model: &str,
        mut request: ChatRequest,
        mut on_delta: Option<&mut (dyn for<'s> FnMut(&'s str) + Send)>,
    ) -> Result<Completion, CallFailure> {
        let fail = |error, attempts| CallFailure {
            error,
            attempts,
            schema_refused: false,
        };
        let Route {
            provider,
            name,
            wire_model,
            model: info,
        } = self
            .route(model, request.api_key.is_some())
            .map_err(|e| fail(e, 0))?;
        request.model = wire_model;
        if let (Some(asked), Some(limit)) =
            (request.max_tokens, info.and_then(|i| i.max_output_tokens))
        {
            request.max_tokens = Some(asked.min(limit));
        }
        let policy = self.inner.retry;
        let mut attempt = 0;
        loop {
            attempt += 1;
            let result = match on_delta.as_deref_mut() {
                Some(f) => provider.stream(&request, f).await,
                None => provider.chat(&request).await,
            };
            let error = match result {
                Ok(response) => {
                    let usage = response.usage;
                    let cost = response.provider_cost.or_else(|| {
                        info.and_then(|i| i.cost(usage.prompt_tokens, usage.completion_tokens))
                    });
                    return Ok(Completion {
                        response,
                        provider: name,
                        model: info,
                        attempts: attempt,
                        cost,
                    });
                }
                Err(e) => match &request.api_key {
                    Some(key) => e.redacted(key.expose()),
                    None => e,
                },
            };
            match policy.after_failure(&name, model, "request", attempt, &error) {
                Ok(wait) => tokio::time::sleep(wait).await,
                Err(final_error) => {
                    let schema_refused =
                        matches!(request.response_format, ResponseFormat::JsonSchema { .. })
                            && matches!(
                                error,
                                CallError::Client {
                                    status: 400 | 422,
                                    ..
                                }
                            );
                    if schema_refused {
                        tracing::warn!(provider = %name, %model, "the server refused a JSON schema; asking in the prompt from now on: {error}");
                        self.inner
                            .schema_refused
                            .lock()
                            .unwrap_or_else(|e| e.into_inner())
                            .insert((name.clone(), request.model.clone()));
                    }
                    return Err(CallFailure {
                        schema_refused,
                        ..fail(final_error, attempt)
                    });
                }
            }
        }
    }
}

#[cfg(test)]
#[path = "providers_tests.rs"]
mod tests;
