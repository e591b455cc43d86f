//! Jina AI (`jina/` in AutoGPT): web search (`s.jina.ai`), the Reader (`r.jina.ai`), the
//! segmenter (`segment.jina.ai`), embeddings (`api.jina.ai`) and grounding (`g.jina.ai`).
//! Credentials: provider `jina`, type `api_key` (a bearer key).

pub mod chunking;
pub mod embeddings;
pub mod extract_website_content;
pub mod fact_checker;
pub mod search_the_web;

use agentry_core::{BlockError, CredentialsMeta, Cx, Registry};
use serde::Serialize;

use crate::api::{Client, Service};

pub const PROVIDER: &str = "jina";

/// `https://s.jina.ai/{query}`: search results with the content of the top pages, as text.
pub const SEARCH: Service = Service::api_key(PROVIDER, "jina_search", "https://s.jina.ai");

/// `https://r.jina.ai/{url}`: a page's content as LLM-friendly text.
pub const READER: Service = Service::api_key(PROVIDER, "jina_reader", "https://r.jina.ai");

/// `https://segment.jina.ai/`: text split into chunks.
pub const SEGMENTER: Service =
    Service::api_key(PROVIDER, "jina_segment", "https://segment.jina.ai");

/// `https://api.jina.ai/v1/embeddings`.
pub const API: Service = Service::api_key(PROVIDER, "jina_api", "https://api.jina.ai");

/// `https://g.jina.ai/{statement}`: a statement's factuality with references.
pub const GROUNDING: Service = Service::api_key(PROVIDER, "jina_grounding", "https://g.jina.ai");

/// The `service` client for the Jina key `credentials` names (or the platform's).
pub async fn client<O: Serialize>(
    cx: &mut Cx<'_, O>,
    service: Service,
    credentials: &CredentialsMeta,
) -> Result<Client, BlockError> {
    crate::api::connect(cx, service, credentials).await
}

pub fn register(r: &mut Registry) {
    r.register(chunking::JinaChunking);
    r.register(embeddings::JinaEmbedding);
    r.register(fact_checker::FactChecker);
    r.register(extract_website_content::ExtractWebsiteContent);
    r.register(search_the_web::SearchTheWeb);
}

#[cfg(test)]
#[path = "jina_tests.rs"]
mod tests;
