//! The model table: AutoGPT's `LlmModel` values with their provider, wire name, context
//! window, output limit and list price. A name not in the table goes, unchanged, to the
//! default OpenAI-compatible provider, so local models need no code change.

/// What we know about one model.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct ModelInfo {
    /// AutoGPT's `LlmModel` value, as saved in graphs.
    pub name: &'static str,
    /// The provider's name in `LlmProviders` (AutoGPT's provider names).
    pub provider: &'static str,
    /// The model name sent on the wire.
    pub wire_name: &'static str,
    pub context_window: u32,
    pub max_output_tokens: Option<u32>,
    /// USD per million (input, output) tokens, where known.
    pub price_per_million: Option<(f64, f64)>,
}

pub const OPENAI: &str = "openai";
pub const ANTHROPIC: &str = "anthropic";
pub const GROQ: &str = "groq";
pub const OLLAMA: &str = "ollama";
pub const OPEN_ROUTER: &str = "open_router";
pub const AIML_API: &str = "aiml_api";
pub const LLAMA_API: &str = "llama_api";
pub const V0: &str = "v0";

/// AutoGPT's `DEFAULT_LLM_MODEL`.
pub const DEFAULT_MODEL: &str = "gpt-5.2-2025-12-11";

const fn m(
    name: &'static str,
    provider: &'static str,
    context_window: u32,
    max_output: u32,
    price: Option<(f64, f64)>,
) -> ModelInfo {
    ModelInfo {
        name,
        provider,
        wire_name: name,
        context_window,
        max_output_tokens: if max_output == 0 {
            None
        } else {
            Some(max_output)
        },
        price_per_million: price,
    }
}

/// Every model AutoGPT names (`max_output` 0 = no limit known).
#[rustfmt::skip]
pub static MODELS: &[ModelInfo] = &[
    m("o3-mini", OPENAI, 200_000, 100_000, Some((1.1, 4.4))),
    m("o3-2025-04-16", OPENAI, 200_000, 100_000, Some((2.0, 8.0))),
    m("o1", OPENAI, 200_000, 100_000, Some((15.0, 60.0))),
    m("o1-mini", OPENAI, 128_000, 65_536, Some((1.1, 4.4))),
    m("gpt-5.2-2025-12-11", OPENAI, 400_000, 128_000, Some((1.75, 14.0))),
    m("gpt-5.1-2025-11-13", OPENAI, 400_000, 128_000, Some((1.25, 10.0))),
    m("gpt-5-2025-08-07", OPENAI, 400_000, 128_000, Some((1.25, 10.0))),
    m("gpt-5-mini-2025-08-07", OPENAI, 400_000, 128_000, Some((0.25, 2.0))),
    m("gpt-5-nano-2025-08-07", OPENAI, 400_000, 128_000, Some((0.05, 0.4))),
    m("gpt-5-chat-latest", OPENAI, 400_000, 16_384, Some((1.25, 10.0))),
    m("gpt-4.1-2025-04-14", OPENAI, 1_047_576, 32_768, Some((2.0, 8.0))),
    m("gpt-4.1-mini-2025-04-14", OPENAI, 1_047_576, 32_768, Some((0.4, 1.6))),
    m("gpt-4o-mini", OPENAI, 128_000, 16_384, Some((0.15, 0.6))),
    m("gpt-4o", OPENAI, 128_000, 16_384, Some((2.5, 10.0))),
    m("gpt-4-turbo", OPENAI, 128_000, 4_096, Some((10.0, 30.0))),
    m("claude-opus-4-1-20250805", ANTHROPIC, 200_000, 32_000, Some((15.0, 75.0))),
    m("claude-opus-4-20250514", ANTHROPIC, 200_000, 32_000, Some((15.0, 75.0))),
    m("claude-sonnet-4-20250514", ANTHROPIC, 200_000, 64_000, Some((3.0, 15.0))),
    m("claude-opus-4-5-20251101", ANTHROPIC, 200_000, 64_000, Some((5.0, 25.0))),
    m("claude-sonnet-4-5-20250929", ANTHROPIC, 200_000, 64_000, Some((3.0, 15.0))),
    m("claude-haiku-4-5-20251001", ANTHROPIC, 200_000, 64_000, Some((1.0, 5.0))),
    m("claude-opus-4-6", ANTHROPIC, 200_000, 128_000, Some((5.0, 25.0))),
    m("claude-opus-4-7", ANTHROPIC, 200_000, 128_000, None),
    m("claude-sonnet-4-6", ANTHROPIC, 200_000, 64_000, Some((3.0, 15.0))),
    m("claude-3-7-sonnet-20250219", ANTHROPIC, 200_000, 64_000, Some((3.0, 15.0))),
    m("claude-3-5-haiku-latest", ANTHROPIC, 200_000, 8_192, Some((0.8, 4.0))),
    m("claude-3-haiku-20240307", ANTHROPIC, 200_000, 4_096, Some((0.25, 1.25))),
    m("Qwen/Qwen2.5-72B-Instruct-Turbo", AIML_API, 32_000, 8_000, None),
    m("nvidia/llama-3.1-nemotron-70b-instruct", AIML_API, 128_000, 40_000, None),
    m("meta-llama/Llama-3.3-70B-Instruct-Turbo", AIML_API, 128_000, 0, None),
    m("meta-llama/Meta-Llama-3.1-70B-Instruct-Turbo", AIML_API, 131_000, 2_000, None),
    m("meta-llama/Llama-3.2-3B-Instruct-Turbo", AIML_API, 128_000, 0, None),
    m("llama-3.3-70b-versatile", GROQ, 128_000, 32_768, Some((0.59, 0.79))),
    m("llama-3.1-8b-instant", GROQ, 128_000, 8_192, Some((0.05, 0.08))),
    m("llama3.3", OLLAMA, 8_192, 0, Some((0.0, 0.0))),
    m("llama3.2", OLLAMA, 8_192, 0, Some((0.0, 0.0))),
    m("llama3", OLLAMA, 8_192, 0, Some((0.0, 0.0))),
    m("llama3.1:405b", OLLAMA, 8_192, 0, Some((0.0, 0.0))),
    m("dolphin-mistral:latest", OLLAMA, 32_768, 0, Some((0.0, 0.0))),
    m("openai/gpt-oss-120b", OPEN_ROUTER, 131_072, 131_072, None),
    m("openai/gpt-oss-20b", OPEN_ROUTER, 131_072, 32_768, None),
    m("google/gemini-2.5-pro-preview-03-25", OPEN_ROUTER, 1_048_576, 65_536, None),
    m("google/gemini-2.5-pro", OPEN_ROUTER, 1_048_576, 65_536, None),
    m("google/gemini-3.1-pro-preview", OPEN_ROUTER, 1_048_576, 65_536, None),
    m("google/gemini-3-flash-preview", OPEN_ROUTER, 1_048_576, 65_536, None),
    m("google/gemini-2.5-flash", OPEN_ROUTER, 1_048_576, 65_535, None),
    m("google/gemini-2.0-flash-001", OPEN_ROUTER, 1_048_576, 8_192, None),
    m("google/gemini-3.1-flash-lite-preview", OPEN_ROUTER, 1_048_576, 65_536, None),
    m("google/gemini-2.5-flash-lite-preview-06-17", OPEN_ROUTER, 1_048_576, 65_535, None),
    m("google/gemini-2.0-flash-lite-001", OPEN_ROUTER, 1_048_576, 8_192, None),
    m("mistralai/mistral-nemo", OPEN_ROUTER, 128_000, 4_096, None),
    m("mistralai/mistral-large-2512", OPEN_ROUTER, 262_144, 0, None),
    m("mistralai/mistral-medium-3.1", OPEN_ROUTER, 131_072, 0, None),
    m("mistralai/mistral-small-3.2-24b-instruct", OPEN_ROUTER, 131_072, 131_072, None),
    m("mistralai/codestral-2508", OPEN_ROUTER, 256_000, 0, None),
    m("cohere/command-r-08-2024", OPEN_ROUTER, 128_000, 4_096, None),
    m("cohere/command-r-plus-08-2024", OPEN_ROUTER, 128_000, 4_096, None),
    m("cohere/command-a-03-2025", OPEN_ROUTER, 256_000, 8_192, None),
    m("deepseek/deepseek-chat", OPEN_ROUTER, 64_000, 2_048, None),
    m("deepseek/deepseek-r1-0528", OPEN_ROUTER, 163_840, 163_840, None),
    m("perplexity/sonar", OPEN_ROUTER, 127_000, 8_000, None),
    m("perplexity/sonar-pro", OPEN_ROUTER, 200_000, 8_000, None),
    m("perplexity/sonar-reasoning-pro", OPEN_ROUTER, 128_000, 8_000, None),
    m("perplexity/sonar-deep-research", OPEN_ROUTER, 128_000, 16_000, None),
    m("nousresearch/hermes-3-llama-3.1-405b", OPEN_ROUTER, 131_000, 4_096, None),
    m("nousresearch/hermes-3-llama-3.1-70b", OPEN_ROUTER, 12_288, 12_288, None),
    m("amazon/nova-lite-v1", OPEN_ROUTER, 300_000, 5_120, None),
    m("amazon/nova-micro-v1", OPEN_ROUTER, 128_000, 5_120, None),
    m("amazon/nova-pro-v1", OPEN_ROUTER, 300_000, 5_120, None),
    m("microsoft/wizardlm-2-8x22b", OPEN_ROUTER, 65_536, 4_096, None),
    m("microsoft/phi-4", OPEN_ROUTER, 16_384, 16_384, None),
    m("gryphe/mythomax-l2-13b", OPEN_ROUTER, 4_096, 4_096, None),
    m("meta-llama/llama-4-scout", OPEN_ROUTER, 131_072, 131_072, None),
    m("meta-llama/llama-4-maverick", OPEN_ROUTER, 1_048_576, 1_000_000, None),
    m("x-ai/grok-3", OPEN_ROUTER, 131_072, 131_072, None),
    m("x-ai/grok-4", OPEN_ROUTER, 256_000, 256_000, None),
    m("x-ai/grok-4-fast", OPEN_ROUTER, 2_000_000, 30_000, None),
    m("x-ai/grok-4.1-fast", OPEN_ROUTER, 2_000_000, 30_000, None),
    m("x-ai/grok-code-fast-1", OPEN_ROUTER, 256_000, 10_000, None),
    m("moonshotai/kimi-k2", OPEN_ROUTER, 131_000, 131_000, None),
    m("moonshotai/kimi-k2-0905", OPEN_ROUTER, 262_144, 262_144, None),
    m("moonshotai/kimi-k2-thinking", OPEN_ROUTER, 262_144, 262_144, None),
    m("qwen/qwen3-235b-a22b-thinking-2507", OPEN_ROUTER, 262_144, 262_144, None),
    m("qwen/qwen3-coder", OPEN_ROUTER, 262_144, 262_144, None),
    m("z-ai/glm-4.5", OPEN_ROUTER, 131_072, 98_304, None),
    m("z-ai/glm-4.5-air", OPEN_ROUTER, 131_072, 98_304, None),
    m("z-ai/glm-4.6", OPEN_ROUTER, 204_800, 204_800, None),
    m("Llama-4-Scout-17B-16E-Instruct-FP8", LLAMA_API, 128_000, 4_028, None),
    m("Llama-4-Maverick-17B-128E-Instruct-FP8", LLAMA_API, 128_000, 4_028, None),
    m("Llama-3.3-8B-Instruct", LLAMA_API, 128_000, 4_028, None),
    m("Llama-3.3-70B-Instruct", LLAMA_API, 128_000, 4_028, None),
    m("v0-1.5-md", V0, 128_000, 64_000, None),
    m("v0-1.5-lg", V0, 512_000, 64_000, None),
    m("v0-1.0-md", V0, 128_000, 64_000, None),
];

/// The model named `name`; as AutoGPT, a provider prefix (`anthropic/claude-sonnet-4-6`) is
/// dropped when the whole name is not known.
pub fn lookup(name: &str) -> Option<&'static ModelInfo> {
    let find = |n: &str| MODELS.iter().find(|m| m.name == n);
    find(name).or_else(|| name.split_once('/').and_then(|(_, rest)| find(rest)))
}

impl ModelInfo {
    /// The list price of a call in USD, when known.
    pub fn cost(&self, prompt_tokens: u64, completion_tokens: u64) -> Option<f64> {
        let (input, output) = self.price_per_million?;
        Some((prompt_tokens as f64 * input + completion_tokens as f64 * output) / 1_000_000.0)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_model_in_the_shared_agents_is_known() {
        for name in [
            "claude-sonnet-4-20250514",
            "claude-sonnet-4-5-20250929",
            "gpt-4.1-2025-04-14",
            "gpt-4o",
            "gpt-5-2025-08-07",
            "gpt-5-mini-2025-08-07",
            "o1",
            "o3-mini",
            "perplexity/sonar-deep-research",
            DEFAULT_MODEL,
        ] {
            assert!(lookup(name).is_some(), "{name}");
        }
        assert_eq!(lookup("gpt-4o").unwrap().provider, OPENAI);
        assert_eq!(
            lookup("claude-sonnet-4-5-20250929").unwrap().provider,
            ANTHROPIC
        );
        assert_eq!(lookup("llama3.3").unwrap().provider, OLLAMA);
        assert_eq!(lookup("perplexity/sonar").unwrap().provider, OPEN_ROUTER);
    }

    #[test]
    fn prefixed_names_fall_back_and_unknown_names_are_none() {
        assert_eq!(
            lookup("anthropic/claude-sonnet-4-6").unwrap().name,
            "claude-sonnet-4-6"
        );
        assert!(lookup("qwen2.5:0.5b").is_none());
        assert!(lookup("acme/unknown").is_none());
    }

    #[test]
    fn names_are_unique_and_costs_add_up() {
        let mut names: Vec<_> = MODELS.iter().map(|m| m.name).collect();
        names.sort_unstable();
        names.dedup();
        assert_eq!(names.len(), MODELS.len());
        let cost = lookup("gpt-4o").unwrap().cost(1_000_000, 100_000).unwrap();
        assert!((cost - 3.5).abs() < 1e-9, "{cost}");
        assert_eq!(lookup("x-ai/grok-4").unwrap().cost(1, 1), None);
    }
}
