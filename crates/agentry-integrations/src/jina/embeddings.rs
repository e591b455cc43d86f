//! JinaEmbeddingBlock: embeddings of texts (`POST api.jina.ai/v1/embeddings`).

use agentry_core::{Block, BlockError, BlockMeta, Category, CredentialsMeta, Cx};
use reqwest::Method;
use schemars::JsonSchema;
use serde::{Deserialize, Serialize};
use serde_json::{Value, json};

use crate::error::IntegrationError;

pub struct JinaEmbedding;

fn default_model() -> String {
    "jina-embeddings-v2-base-en".into()
}

#[derive(Deserialize, JsonSchema)]
pub struct Input {
    /// List of texts to embed
    pub texts: Vec<Value>,
    /// The Jina integration can be used with an API Key.
    #[serde(default)]
    #[schemars(extend("credentials_provider" = ["jina"], "credentials_types" = ["api_key"]))]
    pub credentials: CredentialsMeta,
    /// Jina embedding model to use
    #[serde(default = "default_model")]
    pub model: String,
}

#[derive(Serialize, JsonSchema)]
#[serde(tag = "pin", content = "value", rename_all = "snake_case")]
pub enum Output {
    /// List of embeddings
    Embeddings(Vec<Value>),
}

impl Block for JinaEmbedding {
    const META: BlockMeta = BlockMeta::standard(
        "7c56b3ab-62e7-43a2-a2dc-4ec4245660b6",
        "JinaEmbeddingBlock",
        "Generates embeddings using Jina AI",
        &[Category::Ai],
    );
    type Input = Input;
    type Output = Output;

    async fn run(&self, input: Input, cx: &mut Cx<'_, Output>) -> Result<(), BlockError> {
        let client = super::client(cx, super::API, &input.credentials).await?;
        let body = json!({"input": input.texts, "model": input.model});
        let answer = client
            .send_json(cx, Method::POST, "/v1/embeddings", &body)
            .await?;
        let data = answer["data"]
            .as_array()
            .ok_or(IntegrationError::Malformed {
                provider: super::PROVIDER,
                message: "the embeddings answer has no data".into(),
            })?;
        let embeddings = data.iter().map(|e| e["embedding"].clone()).collect();
        cx.emit(Output::Embeddings(embeddings));
        Ok(())
    }
}
