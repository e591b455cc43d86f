//! `LlmProviders` from the standard environment variables (`OPENAI_API_KEY`,
//! `ANTHROPIC_BASE_URL`, `OLLAMA_HOST`, …): every provider AutoGPT knows, those without the
//! operator's key or URL serving users' own keys only.

use super::models;
use super::openai::JsonStyle;
use super::providers::{LlmProviders, LlmProvidersBuilder, ProviderConfig, Wire};

impl LlmProviders {
    /// Every provider AutoGPT knows, from the standard environment variables.
    pub fn from_env() -> Result<Self, String> {
        Self::builder_from(|name| std::env::var(name).ok().filter(|v| !v.trim().is_empty())).build()
    }

    /// As `from_env`, reading variables through `var`, and returning the builder.
    pub fn builder_from(var: impl Fn(&str) -> Option<String>) -> LlmProvidersBuilder {
        let key = |name: &str| var(name);
        let openai_base = var("OPENAI_BASE_URL");
        let mut openai = ProviderConfig::openai_compatible(
            openai_base
                .as_deref()
                .unwrap_or("https://api.openai.com/v1"),
            key("OPENAI_API_KEY").as_deref(),
            JsonStyle::JsonSchema,
        );
        if openai_base.is_none() {
            // OpenAI's reasoning models refuse `max_tokens`; other servers may not know the new name.
            openai.wire = Wire::OpenAi {
                json_style: JsonStyle::JsonSchema,
                max_tokens_field: "max_completion_tokens",
            };
        }
        let anthropic = ProviderConfig::anthropic(
            var("ANTHROPIC_BASE_URL")
                .as_deref()
                .unwrap_or("https://api.anthropic.com"),
            key("ANTHROPIC_API_KEY").as_deref(),
        );
        let compatible = |base_var: &str, default: &str, key_var: &str, style| {
            ProviderConfig::openai_compatible(
                var(base_var).as_deref().unwrap_or(default),
                key(key_var).as_deref(),
                style,
            )
        };
        let ollama_host = var("OLLAMA_HOST").unwrap_or_else(|| "localhost:11434".into());
        let ollama_base = if ollama_host.contains("://") {
            format!("{}/v1", ollama_host.trim_end_matches('/'))
        } else {
            format!("http://{}/v1", ollama_host.trim_end_matches('/'))
        };
        let mut open_router = compatible(
            "OPENROUTER_BASE_URL",
            "https://openrouter.ai/api/v1",
            "OPENROUTER_API_KEY",
            JsonStyle::JsonSchema,
        );
        open_router
            .headers
            .push(("X-Title".into(), "Agentry".into()));
        // A hosted provider with neither a key nor a base URL of the operator's cannot answer
        // with the platform's key: it serves users' own keys only, and a run without one fails
        // at once, naming the variable to set.
        let configured =
            |base_var: &str, key_var: &str| var(base_var).is_some() || var(key_var).is_some();
        let mut builder = Self::builder().provider(
            models::OLLAMA,
            ProviderConfig::openai_compatible(&ollama_base, None, JsonStyle::JsonSchema),
        );
        let hosted = [
            (models::OPENAI, "OPENAI_BASE_URL", openai),
            (models::ANTHROPIC, "ANTHROPIC_BASE_URL", anthropic),
            (
                models::GROQ,
                "GROQ_BASE_URL",
                compatible(
                    "GROQ_BASE_URL",
                    "https://api.groq.com/openai/v1",
                    "GROQ_API_KEY",
                    JsonStyle::JsonObject,
                ),
            ),
            (models::OPEN_ROUTER, "OPENROUTER_BASE_URL", open_router),
            (
                models::AIML_API,
                "AIML_API_BASE_URL",
                compatible(
                    "AIML_API_BASE_URL",
                    "https://api.aimlapi.com/v2",
                    "AIML_API_KEY",
                    JsonStyle::JsonObject,
                ),
            ),
            (
                models::LLAMA_API,
                "LLAMA_API_BASE_URL",
                compatible(
                    "LLAMA_API_BASE_URL",
                    "https://api.llama.com/compat/v1",
                    "LLAMA_API_KEY",
                    JsonStyle::JsonObject,
                ),
            ),
            (
                models::V0,
                "V0_BASE_URL",
                compatible(
                    "V0_BASE_URL",
                    "https://api.v0.dev/v1",
                    "V0_API_KEY",
                    JsonStyle::JsonObject,
                ),
            ),
        ];
        for (name, base_var, config) in hosted {
            if configured(base_var, key_variable(name).unwrap_or_default()) {
                builder = builder.provider(name, config);
            } else {
                builder = builder.user_keys_only(name, config);
            }
        }
        builder
    }
}

/// The environment variable holding a hosted provider's API key.
pub fn key_variable(provider: &str) -> Option<&'static str> {
    Some(match provider {
        models::OPENAI => "OPENAI_API_KEY",
        models::ANTHROPIC => "ANTHROPIC_API_KEY",
        models::GROQ => "GROQ_API_KEY",
        models::OPEN_ROUTER => "OPENROUTER_API_KEY",
        models::AIML_API => "AIML_API_KEY",
        models::LLAMA_API => "LLAMA_API_KEY",
        models::V0 => "V0_API_KEY",
        _ => return None,
    })
}
