//! Perplexity (AutoGPT's `perplexity.py`): the sonar models with web search, reached through
//! OpenRouter's OpenAI-compatible chat completions API. Credentials: provider `open_router`,
//! type `api_key` (a bearer key), as AutoGPT routes them.

pub mod chat;

use agentry_core::Registry;

use crate::api::Service;

pub const PROVIDER: &str = "open_router";

/// `https://openrouter.ai/api/v1/chat/completions`.
pub const API: Service = Service::api_key(PROVIDER, "perplexity", "https://openrouter.ai/api/v1");

pub fn register(r: &mut Registry) {
    r.register(chat::Perplexity);
}
