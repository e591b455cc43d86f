//! FirecrawlMapWebsiteBlock: every link Firecrawl finds on a website (`POST /v2/map`).

use agentry_core::{Block, BlockError, BlockMeta, Category, CredentialsMeta, Cx};
use reqwest::Method;
use schemars::JsonSchema;
use serde::{Deserialize, Serialize};
use serde_json::{Map, Value, json};

use crate::api::{Client, meta_for};
use crate::error::IntegrationError;

pub struct FirecrawlMapWebsite;

#[derive(Deserialize, JsonSchema)]
pub struct Input {
    /// The Firecrawl integration can be used with an API Key.
    #[serde(default)]
    pub credentials: CredentialsMeta,
    /// The website url to map
    pub url: String,
}

#[derive(Serialize, JsonSchema)]
#[serde(tag = "pin", content = "value", rename_all = "snake_case")]
pub enum Output {
    /// List of URLs found on the website
    Links(Vec<String>),
    /// List of search results with url, title, and description
    Results(Vec<Map<String, Value>>),
}

impl Block for FirecrawlMapWebsite {
    const META: BlockMeta = BlockMeta::standard(
        "f0f43e2b-c943-48a0-a7f1-40136ca4d3b9",
        "FirecrawlMapWebsiteBlock",
        "Firecrawl maps a website to extract all the links.",
        &[Category::Search],
    );
    type Input = Input;
    type Output = Output;

    async fn run(&self, input: Input, cx: &mut Cx<'_, Output>) -> Result<(), BlockError> {
        let meta = meta_for(&input.credentials, super::PROVIDER);
        let credential = cx.credential(&meta).await?;
        let client = Client::new(cx, super::API, &meta, credential)?;
        let body = json!({"url": input.url});
        let answer = client.send_json(cx, Method::POST, "/v2/map", &body).await?;
        let links = answer["links"]
            .as_array()
            .ok_or(IntegrationError::Malformed {
                provider: super::PROVIDER,
                message: "the map answer has no links".into(),
            })?;
        // The SDK's SearchResult: url, title and description, None when absent.
        let results: Vec<Map<String, Value>> = links
            .iter()
            .map(|link| {
                let link = match link {
                    Value::String(url) => json!({"url": url}),
                    other => other.clone(),
                };
                let mut row = Map::new();
                for key in ["url", "title", "description"] {
                    row.insert(key.into(), link.get(key).cloned().unwrap_or(Value::Null));
                }
                row
            })
            .collect();
        let urls = results
            .iter()
            .filter_map(|r| r["url"].as_str().map(str::to_string))
            .collect();
        cx.emit(Output::Links(urls));
        cx.emit(Output::Results(results));
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
    async fn maps_links_then_results() {
        let server = MockServer::start().await;
        Mock::given(method("POST"))
            .and(path("/v2/map"))
            .and(header("authorization", "Bearer fc-key"))
            .and(body_json(json!({"url": "https://example.com"})))
            .respond_with(ResponseTemplate::new(200).set_body_json(json!({
                "success": true,
                "links": [
                    {"url": "https://example.com/", "title": "Example", "description": "Home"},
                    {"url": "https://example.com/about"}
                ]
            })))
            .mount(&server)
            .await;
        let out = run_block_with(
            FirecrawlMapWebsite,
            json!({"credentials": meta("firecrawl", "api_key"), "url": "https://example.com"}),
            recorder(&server, api_key("firecrawl", "fc-key")),
        )
        .await;
        assert_eq!(
            out,
            vec![
                (
                    "links".into(),
                    json!(["https://example.com/", "https://example.com/about"])
                ),
                (
                    "results".into(),
                    json!([
                        {"url": "https://example.com/", "title": "Example", "description": "Home"},
                        {"url": "https://example.com/about", "title": null, "description": null}
                    ])
                ),
            ]
        );
    }

    #[tokio::test]
    async fn payment_required_is_reported() {
        let server = MockServer::start().await;
        Mock::given(method("POST"))
            .respond_with(ResponseTemplate::new(402).set_body_json(json!({
                "success": false, "error": "Insufficient credits to perform this request."
            })))
            .mount(&server)
            .await;
        let out = run_block_with(
            FirecrawlMapWebsite,
            json!({"credentials": meta("firecrawl", "api_key"), "url": "https://example.com"}),
            recorder(&server, api_key("firecrawl", "fc-key")),
        )
        .await;
        assert_eq!(
            error_of(&out),
            "firecrawl rejected the request (402): Insufficient credits to perform this request."
        );
    }
}
