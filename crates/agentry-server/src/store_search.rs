//! Embeddings for hybrid store search, through the LLM provider layer (an OpenAI-compatible
//! `/v1/embeddings`): a listing version is embedded when it is approved, a search query when it
//! is asked. A provider that fails never fails the approval or the search: the version stays
//! findable by full text, and the search falls back to full text; both are logged.

use agentry_services::llm::LlmProviders;
use agentry_store::Store;
use agentry_store::market::Semantic;
use agentry_store::market::entity::version;

/// How hybrid search embeds: the providers, the model, and the least similarity that counts.
#[derive(Debug, Clone)]
pub struct StoreEmbeddings {
    providers: LlmProviders,
    model: String,
    min_similarity: f32,
}

/// Listings less similar to the query than this (cosine) are not semantic matches; OpenAI's
/// `text-embedding-3-*` put unrelated texts well below it.
pub const DEFAULT_MIN_SIMILARITY: f32 = 0.3;

/// The most characters of a listing embedded (embedding models take a few thousand tokens).
const MAX_TEXT_CHARS: usize = 8_000;

impl StoreEmbeddings {
    /// Embeds with `model` (routed by name as the vector-memory blocks' models are).
    pub fn new(providers: LlmProviders, model: impl Into<String>) -> Self {
        StoreEmbeddings {
            providers,
            model: model.into(),
            min_similarity: DEFAULT_MIN_SIMILARITY,
        }
    }

    pub fn with_min_similarity(mut self, min_similarity: f32) -> Self {
        self.min_similarity = min_similarity;
        self
    }

    /// The text a listing version is known by: what full-text search reads, in one string.
    fn listing_text(v: &version::Model) -> String {
        let categories: Vec<&str> = v
            .categories
            .as_array()
            .map(|c| c.iter().filter_map(|x| x.as_str()).collect())
            .unwrap_or_default();
        let text = format!(
            "{}\n{}\n{}\n{}",
            v.name,
            v.sub_heading,
            categories.join(", "),
            v.description
        );
        text.chars().take(MAX_TEXT_CHARS).collect()
    }

    async fn embed(&self, text: String) -> Option<Vec<f32>> {
        match self.providers.embed(&self.model, vec![text]).await {
            Ok(done) => done.vectors.into_iter().next().filter(|v| !v.is_empty()),
            Err(e) => {
                tracing::warn!(model = %self.model, error = %e, "store search: embedding failed");
                None
            }
        }
    }

    /// Embeds an approved listing version and keeps the vector; a failure is logged.
    pub async fn embed_listing(&self, store: &Store, v: &version::Model) {
        let Some(vector) = self.embed(Self::listing_text(v)).await else {
            return;
        };
        if let Err(e) = store.put_listing_embedding(v, &self.model, &vector).await {
            tracing::error!(version = %v.id, error = %e, "store search: keeping an embedding failed");
        }
    }

    /// The semantic side of a search for `text`, or `None` (full text alone) when the
    /// provider fails.
    pub async fn query(&self, text: &str) -> Option<Semantic> {
        let text: String = text.chars().take(MAX_TEXT_CHARS).collect();
        Some(Semantic {
            vector: self.embed(text).await?,
            model: self.model.clone(),
            min_similarity: self.min_similarity,
        })
    }
}
