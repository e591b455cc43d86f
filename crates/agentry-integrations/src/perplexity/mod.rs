//! Perplexity (AutoGPT's `perplexity.py`): the sonar models with web search, reached through
//! OpenRouter's OpenAI-compatible chat completions API. Credentials: provider `open_router`,
//! type `api_key` (a bearer key), as AutoGPT routes them.

pub mod chat;

use agentry_core::Registry;
use agentry_core::credentials::CredentialKind;

use crate::api::{AuthStyle, Service};

pub const PROVIDER: &str = "open_router";

/// `https://openrouter.ai/api/v1/chat/completions`.
pub const API: Service = Service {
    provider: PROVIDER,
    key: "perplexity",
    default_base: "https://openrouter.ai/api/v1",
    kinds: &[CredentialKind::ApiKey],
    auth: AuthStyle::Bearer,
};

pub fn register(r: &mut Registry) {
    r.register(chat::Perplexity);
}
