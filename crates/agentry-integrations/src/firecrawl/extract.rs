//! FirecrawlExtractBlock: structured data from pages (`POST /v2/extract`, then polls the job).

use agentry_core::{Block, BlockError, BlockMeta, Category, CredentialsMeta, Cx};
use reqwest::Method;
use schemars::JsonSchema;
use serde::{Deserialize, Serialize};
use serde_json::{Map, Value, json};

use crate::api::{Client, meta_for};
use crate::error::{IntegrationError, prefixed};

pub struct FirecrawlExtract;

#[derive(Deserialize, JsonSchema)]
pub struct Input {
    /// The Firecrawl integration can be used with an API Key.
    #[serde(default)]
    pub credentials: CredentialsMeta,
    /// The URLs to crawl - at least one is required. Wildcards are supported. (/*)
    pub urls: Vec<String>,
    /// The prompt to use for the crawl
    #[serde(default)]
    pub prompt: Option<String>,
    /// A Json Schema describing the output structure if more rigid structure is desired.
    #[serde(default)]
    pub output_schema: Option<Map<String, Value>>,
    /// When true, extraction can follow links outside the specified domain.
    #[serde(default)]
    pub enable_web_search: bool,
}

#[derive(Serialize, JsonSchema)]
#[serde(tag = "pin", content = "value", rename_all = "snake_case")]
pub enum Output {
    /// The result of the crawl
    Data(Value),
}

impl Block for FirecrawlExtract {
    const META: BlockMeta = BlockMeta::standard(
        "d1774756-4d9e-40e6-bab1-47ec0ccd81b2",
        "FirecrawlExtractBlock",
        "Firecrawl crawls websites to extract comprehensive data while bypassing blockers.",
        &[Category::Search],
    );
    type Input = Input;
    type Output = Output;

    async fn run(&self, input: Input, cx: &mut Cx<'_, Output>) -> Result<(), BlockError> {
        if input.urls.is_empty() {
            return Err(BlockError::input("at least one URL is required"));
        }
        let meta = meta_for(&input.credentials, super::PROVIDER);
        let credential = cx.credential(&meta).await?;
        let client = Client::new(cx, super::API, &meta, credential)?;
        let mut body = json!({"urls": input.urls, "enableWebSearch": input.enable_web_search});
        if let Some(prompt) = &input.prompt {
            body["prompt"] = json!(prompt);
        }
        if let Some(schema) = &input.output_schema {
            body["schema"] = Value::Object(schema.clone());
        }
        let extract = async {
            let started = client
                .send_json(cx, Method::POST, "/v2/extract", &body)
                .await?;
            let id = started["id"].as_str().ok_or(IntegrationError::Malformed {
                provider: super::PROVIDER,
                message: "the extract answer has no job id".into(),
            })?;
            super::wait_for(&client, cx, "extract", &format!("/v2/extract/{id}")).await
        };
        let answer = extract.await.map_err(|e| prefixed(e, "Extract failed: "))?;
        cx.emit(Output::Data(answer["data"].clone()));
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::testing::{api_key, error_of, meta, recorder};
    use agentry_core::testing::run_block_with;
    use wiremock::matchers::{body_json, method, path};
    use wiremock::{Mock, MockServer, ResponseTemplate};

    #[tokio::test]
    async fn extracts_after_the_job_completes() {
        let server = MockServer::start().await;
        Mock::given(method("POST"))
            .and(path("/v2/extract"))
            .and(body_json(
                json!({"urls": ["https://example.com/*"], "enableWebSearch": false,
                                  "prompt": "Find the company name"}),
            ))
            .respond_with(
                ResponseTemplate::new(200).set_body_json(json!({"success": true, "id": "ex-1"})),
            )
            .mount(&server)
            .await;
        Mock::given(method("GET"))
            .and(path("/v2/extract/ex-1"))
            .respond_with(
                ResponseTemplate::new(200)
                    .set_body_json(json!({"success": true, "status": "processing"})),
            )
            .up_to_n_times(1)
            .mount(&server)
            .await;
        Mock::given(method("GET"))
            .and(path("/v2/extract/ex-1"))
            .respond_with(ResponseTemplate::new(200).set_body_json(json!({
                "success": true, "status": "completed", "data": {"company": "Example Inc"}
            })))
            .mount(&server)
            .await;
        let out = run_block_with(
            FirecrawlExtract,
            json!({"credentials": meta("firecrawl", "api_key"), "urls": ["https://example.com/*"],
                   "prompt": "Find the company name"}),
            recorder(&server, api_key("firecrawl", "fc")),
        )
        .await;
        assert_eq!(
            out,
            vec![("data".into(), json!({"company": "Example Inc"}))]
        );
    }

    #[tokio::test]
    async fn errors_say_extract_failed() {
        let server = MockServer::start().await;
        Mock::given(method("POST"))
            .respond_with(ResponseTemplate::new(400).set_body_json(
                json!({"success": false, "error": "Bad Request: urls must be valid"}),
            ))
            .mount(&server)
            .await;
        let out = run_block_with(
            FirecrawlExtract,
            json!({"credentials": meta("firecrawl", "api_key"), "urls": ["nope"]}),
            recorder(&server, api_key("firecrawl", "fc")),
        )
        .await;
        assert_eq!(
            error_of(&out),
            "Extract failed: firecrawl rejected the request (400): Bad Request: urls must be valid"
        );
    }
}
