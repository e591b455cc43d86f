//! Jina AI (`jina/` in AutoGPT): web search (`s.jina.ai`) and the Reader (`r.jina.ai`).
//! Credentials: provider `jina`, type `api_key` (a bearer key).

pub mod extract_website_content;
pub mod search_the_web;

use agentry_core::Registry;
use agentry_core::credentials::CredentialKind;

use crate::api::{AuthStyle, Service};

pub const PROVIDER: &str = "jina";

/// `https://s.jina.ai/{query}`: search results with the content of the top pages, as text.
pub const SEARCH: Service = Service {
    provider: PROVIDER,
    key: "jina_search",
    default_base: "https://s.jina.ai",
    kinds: &[CredentialKind::ApiKey],
    auth: AuthStyle::Bearer,
};

/// `https://r.jina.ai/{url}`: a page's content as LLM-friendly text.
pub const READER: Service = Service {
    provider: PROVIDER,
    key: "jina_reader",
    default_base: "https://r.jina.ai",
    kinds: &[CredentialKind::ApiKey],
    auth: AuthStyle::Bearer,
};

pub fn register(r: &mut Registry) {
    r.register(extract_website_content::ExtractWebsiteContent);
    r.register(search_the_web::SearchTheWeb);
}
