//! AddToVectorMemoryBlock (ours, no AutoGPT equivalent): embeds a text and keeps it, with its
//! metadata, in one of the user's vector collections for SearchVectorMemoryBlock.

use agentry_core::{Block, BlockError, BlockMeta, Category, Cx, VectorEntry};
use schemars::JsonSchema;
use serde::{Deserialize, Serialize};
use serde_json::{Map, Value, json};

use super::StorageScope;
use crate::llm::provider::LlmProviders;
use crate::llm::provider::embeddings::DEFAULT_EMBEDDING_MODEL;

pub struct AddToVectorMemory;

pub(crate) fn default_collection() -> String {
    "default".to_string()
}

pub(crate) fn default_embedding_model() -> String {
    DEFAULT_EMBEDDING_MODEL.to_string()
}

#[derive(Deserialize, JsonSchema)]
pub struct Input {
    /// The text to remember
    pub text: String,
    /// Anything to keep with the text, returned with search results
    #[serde(default)]
    pub metadata: Map<String, Value>,
    /// The collection to add to
    #[serde(default = "default_collection")]
    pub collection: String,
    /// 'within_agent': the collection belongs to this agent; 'across_agents': shared by all the
    /// user's agents
    #[serde(default)]
    pub scope: StorageScope,
    /// The embedding model (an OpenAI-compatible `/v1/embeddings` model)
    #[serde(default = "default_embedding_model")]
    pub embedding_model: String,
}

#[derive(Serialize, JsonSchema)]
#[serde(tag = "pin", content = "value", rename_all = "snake_case")]
pub enum Output {
    /// The id of the stored entry
    Id(String),
}

/// Embeds one text through the process's `LlmProviders`, recording its token use.
pub(crate) async fn embed_one<O: Serialize>(
    cx: &mut Cx<'_, O>,
    model: &str,
    text: &str,
) -> Result<Vec<f32>, BlockError> {
    let providers = cx.resource::<LlmProviders>()?.clone();
    let done = providers.embed(model, vec![text.to_string()]).await?;
    let mut stats = Map::new();
    stats.insert("input_token_count".into(), json!(done.prompt_tokens));
    stats.insert("llm_call_count".into(), json!(1));
    cx.add_stats(stats);
    done.vectors
        .into_iter()
        .next()
        .filter(|v| !v.is_empty())
        .ok_or_else(|| BlockError::System("the embedding model returned an empty vector".into()))
}

/// The stored collection name: the scope, then the collection the graph named.
pub(crate) fn collection_key(scope: StorageScope, graph_id: &str, collection: &str) -> String {
    format!("{}#{collection}", scope.key(graph_id))
}

impl Block for AddToVectorMemory {
    const META: BlockMeta = BlockMeta::standard(
        "7ef3bfbf-d55e-4736-8165-5a9c465eb684",
        "AddToVectorMemoryBlock",
        "Embeds a text and stores it, with its metadata, in a durable vector memory \
         collection of this user. Find it again by meaning with SearchVectorMemoryBlock.",
        &[Category::Ai, Category::Data],
    );
    type Input = Input;
    type Output = Output;

    async fn run(&self, input: Input, cx: &mut Cx<'_, Output>) -> Result<(), BlockError> {
        if input.text.trim().is_empty() {
            return Err(BlockError::input("there is no text to remember"));
        }
        let collection = collection_key(input.scope, &cx.info().graph_id, &input.collection);
        let embedding = embed_one(cx, &input.embedding_model, &input.text).await?;
        let entry = VectorEntry {
            text: input.text,
            metadata: input.metadata,
            embedding,
        };
        let id = cx.memory()?.add_vector(&collection, entry).await?;
        cx.emit(Output::Id(id));
        Ok(())
    }
}
