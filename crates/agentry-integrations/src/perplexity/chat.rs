//! PerplexityBlock: a prompt answered by a Perplexity sonar model, with its URL citations
//! (`POST /chat/completions` on OpenRouter).

use agentry_core::{Block, BlockError, BlockMeta, Category, CredentialsMeta, Cx};
use reqwest::Method;
use schemars::JsonSchema;
use serde::{Deserialize, Serialize};
use serde_json::{Value, json};

use crate::api::{Client, meta_for};
use crate::error::{IntegrationError, prefixed};

pub struct Perplexity;

/// AutoGPT's `PerplexityModel`.
#[derive(Debug, Clone, Copy, Default, Serialize, Deserialize, JsonSchema)]
pub enum PerplexityModel {
    #[default]
    #[serde(rename = "perplexity/sonar")]
    Sonar,
    #[serde(rename = "perplexity/sonar-pro")]
    SonarPro,
    #[serde(rename = "perplexity/sonar-deep-research")]
    SonarDeepResearch,
}

#[derive(Deserialize, JsonSchema)]
pub struct Input {
    /// The query to send to the Perplexity model.
    pub prompt: String,
    /// The Perplexity sonar model to use.
    #[serde(default)]
    pub model: PerplexityModel,
    /// OpenRouter API key for accessing Perplexity models.
    #[serde(default)]
    #[schemars(extend("credentials_provider" = ["open_router"], "credentials_types" = ["api_key"]))]
    pub credentials: CredentialsMeta,
    /// Optional system prompt to provide context to the model.
    #[serde(default)]
    pub system_prompt: String,
    /// The maximum number of tokens to generate.
    #[serde(default)]
    pub max_tokens: Option<i64>,
}

#[derive(Serialize, JsonSchema)]
#[serde(tag = "pin", content = "value", rename_all = "snake_case")]
pub enum Output {
    /// The response from the Perplexity model.
    Response(String),
    /// List of URL citations and annotations from the response.
    Annotations(Vec<Value>),
}

impl Block for Perplexity {
    const META: BlockMeta = BlockMeta::standard(
        "c8a5f2e9-8b3d-4a7e-9f6c-1d5e3c9b7a4f",
        "PerplexityBlock",
        "Query Perplexity's sonar models with real-time web search capabilities and receive annotated responses with source citations.",
        &[Category::Ai, Category::Search],
    );
    type Input = Input;
    type Output = Output;

    async fn run(&self, input: Input, cx: &mut Cx<'_, Output>) -> Result<(), BlockError> {
        let meta = meta_for(&input.credentials, super::PROVIDER);
        let credential = crate::api::credential(cx, &meta).await?;
        // OpenRouter's app attribution, as AutoGPT sends it.
        let client = Client::new(cx, super::API, &meta, credential)?
            .with_header("http-referer", "https://agpt.co")
            .with_header("x-title", "AutoGPT");
        let mut messages = Vec::new();
        if !input.system_prompt.is_empty() {
            messages.push(json!({"role": "system", "content": input.system_prompt}));
        }
        messages.push(json!({"role": "user", "content": input.prompt}));
        let body =
            json!({"model": input.model, "messages": messages, "max_tokens": input.max_tokens});
        let answer = client
            .send_json(cx, Method::POST, "/chat/completions", &body)
            .await
            .map_err(|e| prefixed(e.into(), "Error calling Perplexity: "))?;
        let Some(message) = answer.pointer("/choices/0/message") else {
            let e = IntegrationError::Malformed {
                provider: super::PROVIDER,
                message: "No response from Perplexity via OpenRouter.".into(),
            };
            return Err(prefixed(e.into(), "Error calling Perplexity: "));
        };
        let content = message["content"].as_str().unwrap_or_default().to_string();
        let annotations = message["annotations"]
            .as_array()
            .cloned()
            .unwrap_or_default();
        cx.emit(Output::Response(content));
        cx.emit(Output::Annotations(annotations));
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::testing::{api_key, error_of, meta, recorder};
    use agentry_core::testing::run_block_with;
    use wiremock::matchers::{body_json, header, method, path};
    use wiremock::{Mock, MockServer, ResponseTemplate};

    #[tokio::test]
    async fn answers_with_citations() {
        let server = MockServer::start().await;
        let citation = json!({"type": "url_citation", "url_citation": {
            "url": "https://www.rust-lang.org", "title": "Rust", "start_index": 0, "end_index": 4}});
        Mock::given(method("POST"))
            .and(path("/chat/completions"))
            .and(header("authorization", "Bearer sk-or-key"))
            .and(header("x-title", "AutoGPT"))
            .and(body_json(json!({"model": "perplexity/sonar-pro", "max_tokens": null, "messages": [
                {"role": "system", "content": "Be brief"}, {"role": "user", "content": "What is Rust?"}]})))
            .respond_with(ResponseTemplate::new(200).set_body_json(json!({
                "id": "gen-1", "object": "chat.completion", "model": "perplexity/sonar-pro",
                "choices": [{"index": 0, "finish_reason": "stop", "message": {
                    "role": "assistant", "content": "Rust is a language.", "annotations": [citation]}}],
                "usage": {"prompt_tokens": 5, "completion_tokens": 5, "total_tokens": 10}})))
            .mount(&server)
            .await;
        let out = run_block_with(
            Perplexity,
            json!({"credentials": meta("open_router", "api_key"), "prompt": "What is Rust?",
                   "model": "perplexity/sonar-pro", "system_prompt": "Be brief"}),
            recorder(&server, api_key("open_router", "sk-or-key")),
        )
        .await;
        assert_eq!(
            out,
            vec![
                ("response".into(), json!("Rust is a language.")),
                ("annotations".into(), json!([citation])),
            ]
        );
    }

    #[tokio::test]
    async fn errors_name_perplexity() {
        let server = MockServer::start().await;
        Mock::given(method("POST"))
            .respond_with(ResponseTemplate::new(402).set_body_json(json!({
                "error": {"code": 402, "message": "Insufficient credits"}})))
            .mount(&server)
            .await;
        let out = run_block_with(
            Perplexity,
            json!({"credentials": meta("open_router", "api_key"), "prompt": "q"}),
            recorder(&server, api_key("open_router", "sk-or-key")),
        )
        .await;
        assert_eq!(
            error_of(&out),
            "Error calling Perplexity: open_router rejected the request (402): Insufficient credits"
        );
    }
}
