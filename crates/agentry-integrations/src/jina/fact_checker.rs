//! FactCheckerBlock: a statement's factuality from Jina's grounding API
//! (`GET g.jina.ai/{statement}`).

use agentry_core::{Block, BlockError, BlockMeta, Category, CredentialsMeta, Cx};
use schemars::JsonSchema;
use serde::{Deserialize, Serialize};
use serde_json::Value;

use crate::api::segment;
use crate::error::IntegrationError;

pub struct FactChecker;

#[derive(Deserialize, JsonSchema)]
pub struct Input {
    /// The statement to check for factuality
    pub statement: String,
    /// The Jina integration can be used with an API Key.
    #[serde(default)]
    #[schemars(extend("credentials_provider" = ["jina"], "credentials_types" = ["api_key"]))]
    pub credentials: CredentialsMeta,
}

/// AutoGPT's `Reference`.
#[derive(Serialize, Deserialize, JsonSchema)]
pub struct Reference {
    pub url: String,
    #[serde(rename = "keyQuote")]
    pub key_quote: String,
    #[serde(rename = "isSupportive")]
    pub is_supportive: bool,
}

#[derive(Serialize, JsonSchema)]
#[serde(tag = "pin", content = "value", rename_all = "snake_case")]
pub enum Output {
    /// The factuality score of the statement
    Factuality(f64),
    /// The result of the factuality check
    Result(bool),
    /// The reason for the factuality result
    Reason(String),
    /// List of references supporting or contradicting the statement
    References(Vec<Value>),
}

impl Block for FactChecker {
    const META: BlockMeta = BlockMeta::standard(
        "d38b6c5e-9968-4271-8423-6cfe60d6e7e6",
        "FactCheckerBlock",
        "This block checks the factuality of a given statement using Jina AI's Grounding API.",
        &[Category::Search],
    );
    type Input = Input;
    type Output = Output;

    async fn run(&self, input: Input, cx: &mut Cx<'_, Output>) -> Result<(), BlockError> {
        let client = super::client(cx, super::GROUNDING, &input.credentials)
            .await?
            .with_header("accept", "application/json");
        let path = format!("/{}", segment(&input.statement));
        let answer = client.get_json(cx, &path, &[]).await?;
        let Some(data) = answer.get("data") else {
            return Err(IntegrationError::Malformed {
                provider: super::PROVIDER,
                message: "expected 'data' key not found in the response".into(),
            }
            .into());
        };
        cx.emit(Output::Factuality(
            data["factuality"].as_f64().unwrap_or(0.0),
        ));
        cx.emit(Output::Result(data["result"].as_bool().unwrap_or(false)));
        cx.emit(Output::Reason(
            data["reason"].as_str().unwrap_or_default().into(),
        ));
        let references = data["references"].as_array().cloned().unwrap_or_default();
        cx.emit(Output::References(references));
        Ok(())
    }
}
