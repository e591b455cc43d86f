//! JinaChunkingBlock: texts split into chunks by Jina's segmenter (`POST segment.jina.ai/`),
//! one request per text.

use agentry_core::{Block, BlockError, BlockMeta, Category, CredentialsMeta, Cx};
use reqwest::Method;
use schemars::JsonSchema;
use serde::{Deserialize, Serialize};
use serde_json::{Value, json};

pub struct JinaChunking;

fn thousand() -> i64 {
    1000
}

#[derive(Deserialize, JsonSchema)]
pub struct Input {
    /// List of texts to chunk
    pub texts: Vec<Value>,
    /// The Jina integration can be used with an API Key.
    #[serde(default)]
    #[schemars(extend("credentials_provider" = ["jina"], "credentials_types" = ["api_key"]))]
    pub credentials: CredentialsMeta,
    /// Maximum length of each chunk
    #[serde(default = "thousand")]
    pub max_chunk_length: i64,
    /// Whether to return token information
    #[serde(default)]
    pub return_tokens: bool,
}

#[derive(Serialize, JsonSchema)]
#[serde(tag = "pin", content = "value", rename_all = "snake_case")]
pub enum Output {
    /// List of chunked texts
    Chunks(Vec<Value>),
    /// List of token information for each chunk
    Tokens(Vec<Value>),
}

impl Block for JinaChunking {
    const META: BlockMeta = BlockMeta::standard(
        "806fb15e-830f-4796-8692-557d300ff43c",
        "JinaChunkingBlock",
        "Chunks texts using Jina AI's segmentation service",
        &[Category::Ai, Category::Text],
    );
    type Input = Input;
    type Output = Output;

    async fn run(&self, input: Input, cx: &mut Cx<'_, Output>) -> Result<(), BlockError> {
        let client = super::client(cx, super::SEGMENTER, &input.credentials).await?;
        let (mut chunks, mut tokens) = (Vec::new(), Vec::new());
        for text in &input.texts {
            // The flags travel as strings, as AutoGPT sends them.
            let body = json!({
                "content": text,
                "return_tokens": input.return_tokens.to_string(),
                "return_chunks": "true",
                "max_chunk_length": input.max_chunk_length.to_string(),
            });
            let answer = client.send_json(cx, Method::POST, "/", &body).await?;
            chunks.extend(answer["chunks"].as_array().cloned().unwrap_or_default());
            if input.return_tokens {
                tokens.extend(answer["tokens"].as_array().cloned().unwrap_or_default());
            }
        }
        cx.emit(Output::Chunks(chunks));
        if input.return_tokens {
            cx.emit(Output::Tokens(tokens));
        }
        Ok(())
    }
}
