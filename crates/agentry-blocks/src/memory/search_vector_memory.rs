//! SearchVectorMemoryBlock (ours, no AutoGPT equivalent): the texts of a vector memory
//! collection closest in meaning to a query, by cosine similarity of their embeddings.

use agentry_core::{Block, BlockError, BlockMeta, Category, Cx, VectorHit};
use schemars::JsonSchema;
use serde::{Deserialize, Serialize};

use super::StorageScope;
use super::add_to_vector_memory::{
    collection_key, default_collection, default_embedding_model, embed_one,
};

pub struct SearchVectorMemory;

fn default_top_k() -> i64 {
    5
}

#[derive(Deserialize, JsonSchema)]
pub struct Input {
    /// What to look for
    pub query: String,
    /// The collection to search
    #[serde(default = "default_collection")]
    pub collection: String,
    /// 'within_agent': this agent's collection; 'across_agents': the one shared by all the
    /// user's agents
    #[serde(default)]
    pub scope: StorageScope,
    /// How many results at most
    #[serde(default = "default_top_k")]
    pub top_k: i64,
    /// Results less similar than this (cosine, -1 to 1) are left out
    #[serde(default)]
    pub min_score: Option<f64>,
    /// The embedding model; use the one the texts were added with
    #[serde(default = "default_embedding_model")]
    pub embedding_model: String,
}

#[derive(Serialize, JsonSchema)]
#[serde(tag = "pin", content = "value", rename_all = "snake_case")]
pub enum Output {
    /// Every result, best first: `id`, `text`, `metadata`, `score`
    Results(Vec<VectorHit>),
    /// Each result's text, best first, one at a time
    Text(String),
}

impl Block for SearchVectorMemory {
    const META: BlockMeta = BlockMeta::standard(
        "922b3471-110d-4d7a-b951-429d5bb634a1",
        "SearchVectorMemoryBlock",
        "Searches a durable vector memory collection of this user for the texts closest in \
         meaning to a query (cosine similarity of embeddings), best first.",
        &[Category::Ai, Category::Data],
    );
    type Input = Input;
    type Output = Output;

    async fn run(&self, input: Input, cx: &mut Cx<'_, Output>) -> Result<(), BlockError> {
        if input.top_k < 1 {
            return Err(BlockError::input("top_k must be at least 1"));
        }
        let collection = collection_key(input.scope, &cx.info().graph_id, &input.collection);
        let query = embed_one(cx, &input.embedding_model, &input.query).await?;
        let top_k = usize::try_from(input.top_k.min(1000)).unwrap_or(1000);
        let mut hits = cx
            .memory()?
            .search_vectors(&collection, &query, top_k)
            .await?;
        if let Some(min) = input.min_score {
            hits.retain(|h| f64::from(h.score) >= min);
        }
        let texts: Vec<String> = hits.iter().map(|h| h.text.clone()).collect();
        cx.emit(Output::Results(hits));
        for text in texts {
            cx.emit(Output::Text(text));
        }
        Ok(())
    }
}

#[cfg(test)]
#[path = "vector_memory_tests.rs"]
mod tests;
