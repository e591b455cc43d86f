//! Embeddings for hybrid store search, through the LLM provider layer (an OpenAI-compatible
//! `/v1/embeddings`): a listing version is embedded when it is approved, a search query when it
//! is asked, and versions approved before embeddings were configured (or under another model)
//! when the server starts (`backfill`). A provider that fails never fails the approval or the search: the version stays
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

/// Listing versions read per round of `backfill`.
const BACKFILL_BATCH: u64 = 50;

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

    /// Embeds an approved listing version and keeps the vector; a failure is logged. True
    /// when the vector was kept.
    pub async fn embed_listing(&self, store: &Store, v: &version::Model) -> bool {
        let Some(vector) = self.embed(Self::listing_text(v)).await else {
            return false;
        };
        if let Err(e) = store.put_listing_embedding(v, &self.model, &vector).await {
            tracing::error!(version = %v.id, error = %e, "store search: keeping an embedding failed");
            return false;
        }
        true
    }

    /// Embeds the published versions that have no embedding by this model, a batch at a time,
    /// and answers how many it embedded. It stops at the first version the provider or the
    /// database cannot take (logged): the next start tries again, and full text finds them
    /// meanwhile.
    pub async fn backfill(&self, store: &Store) -> usize {
        let mut embedded = 0;
        loop {
            let missing = match store
                .versions_missing_embedding(&self.model, BACKFILL_BATCH)
                .await
            {
                Ok(missing) => missing,
                Err(e) => {
                    tracing::error!(error = %e, "store search: listing versions to embed failed");
                    return embedded;
                }
            };
            if missing.is_empty() {
                return embedded;
            }
            for v in &missing {
                if !self.embed_listing(store, v).await {
                    return embedded;
                }
                embedded += 1;
            }
        }
    }

    /// `backfill` in the background, logging what it did.
    pub fn spawn_backfill(&self, store: Store) {
        let embeddings = self.clone();
        tokio::spawn(async move {
            let embedded = embeddings.backfill(&store).await;
            if embedded > 0 {
                tracing::info!(embedded, model = %embeddings.model, "store search: embedded listing versions published before");
            }
        });
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
