//! FirecrawlCrawlBlock: crawls a website (`POST /v2/crawl`, then polls the job and follows its
//! pages) and yields every document, then each requested format of each document.

use agentry_core::{Block, BlockError, BlockMeta, Category, CredentialsMeta, Cx};
use reqwest::Method;
use schemars::JsonSchema;
use serde::{Deserialize, Serialize};
use serde_json::{Map, Value, json};

use super::ScrapeFormat;
use crate::api::{Client, meta_for};
use crate::error::IntegrationError;

pub struct FirecrawlCrawl;

fn limit() -> i64 {
    10
}
fn yes() -> bool {
    true
}
fn max_age() -> i64 {
    3_600_000
}
fn formats() -> Vec<ScrapeFormat> {
    vec![ScrapeFormat::Markdown]
}

#[derive(Deserialize, JsonSchema)]
pub struct Input {
    /// The Firecrawl integration can be used with an API Key.
    #[serde(default)]
    pub credentials: CredentialsMeta,
    /// The URL to crawl
    pub url: String,
    /// The number of pages to crawl
    #[serde(default = "limit")]
    pub limit: i64,
    /// Only return the main content of the page excluding headers, navs, footers, etc.
    #[serde(default = "yes")]
    pub only_main_content: bool,
    /// The maximum age of the page in milliseconds - default is 1 hour
    #[serde(default = "max_age")]
    pub max_age: i64,
    /// Specify a delay in milliseconds before fetching the content, allowing the page sufficient time to load.
    #[serde(default)]
    pub wait_for: i64,
    /// The format of the crawl
    #[serde(default = "formats")]
    pub formats: Vec<ScrapeFormat>,
}

#[derive(Serialize, JsonSchema)]
#[serde(tag = "pin", content = "value", rename_all = "snake_case")]
pub enum Output {
    /// The result of the crawl
    Data(Vec<Map<String, Value>>),
    /// The markdown of the crawl
    Markdown(Value),
    /// The html of the crawl
    Html(Value),
    /// The raw html of the crawl
    RawHtml(Value),
    /// The links of the crawl
    Links(Value),
    /// The screenshot of the crawl
    Screenshot(Value),
    /// The screenshot full page of the crawl
    ScreenshotFullPage(Value),
    /// The json data of the crawl
    JsonData(Value),
    /// The change tracking of the crawl
    ChangeTracking(Value),
}

impl Block for FirecrawlCrawl {
    const META: BlockMeta = BlockMeta::standard(
        "bdbbaba0-03b7-4971-970e-699e2de6015e",
        "FirecrawlCrawlBlock",
        "Firecrawl crawls websites to extract comprehensive data while bypassing blockers.",
        &[Category::Search],
    );
    type Input = Input;
    type Output = Output;

    async fn run(&self, input: Input, cx: &mut Cx<'_, Output>) -> Result<(), BlockError> {
        let meta = meta_for(&input.credentials, super::PROVIDER);
        let credential = cx.credential(&meta).await?;
        let client = Client::new(cx, super::API, &meta, credential)?;
        let body = json!({
            "url": input.url,
            "limit": input.limit,
            "scrapeOptions": {
                "formats": input.formats.iter().map(|f| f.option()).collect::<Vec<_>>(),
                "onlyMainContent": input.only_main_content,
                "maxAge": input.max_age,
                "waitFor": input.wait_for,
            },
        });
        let started = client
            .send_json(cx, Method::POST, "/v2/crawl", &body)
            .await?;
        let id = started["id"].as_str().ok_or(IntegrationError::Malformed {
            provider: super::PROVIDER,
            message: "the crawl answer has no job id".into(),
        })?;
        let mut page = super::wait_for(&client, cx, "crawl", &format!("/v2/crawl/{id}")).await?;
        let mut documents: Vec<Map<String, Value>> = Vec::new();
        loop {
            for doc in page["data"].as_array().into_iter().flatten() {
                if let Value::Object(map) = super::snake_keys(doc.clone()) {
                    documents.push(map);
                }
            }
            let Some(next) = super::next_page(&client, &page["next"]) else {
                break;
            };
            page = client.get_json(cx, &next, &[]).await?;
        }
        cx.emit(Output::Data(documents.clone()));
        for doc in &documents {
            let field = |key: &str| doc.get(key).cloned().unwrap_or(Value::Null);
            for format in &input.formats {
                cx.emit(match format {
                    ScrapeFormat::Markdown => Output::Markdown(field("markdown")),
                    ScrapeFormat::Html => Output::Html(field("html")),
                    ScrapeFormat::RawHtml => Output::RawHtml(field("raw_html")),
                    ScrapeFormat::Links => Output::Links(field("links")),
                    ScrapeFormat::Screenshot => Output::Screenshot(field("screenshot")),
                    ScrapeFormat::ScreenshotFullPage => {
                        Output::ScreenshotFullPage(field("screenshot"))
                    }
                    ScrapeFormat::ChangeTracking => {
                        Output::ChangeTracking(field("change_tracking"))
                    }
                    // AutoGPT yields this on a pin named `json` its schema lacks; the
                    // declared pin is `json_data`.
                    ScrapeFormat::Json => Output::JsonData(field("json")),
                });
            }
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::testing::{api_key, error_of, meta, recorder};
    use agentry_core::testing::run_block_with;
    use wiremock::matchers::{body_partial_json, method, path, query_param};
    use wiremock::{Mock, MockServer, ResponseTemplate};

    #[tokio::test]
    async fn crawls_polls_and_follows_pages() {
        let server = MockServer::start().await;
        Mock::given(method("POST"))
            .and(path("/v2/crawl"))
            .and(body_partial_json(
                json!({"url": "https://example.com", "limit": 2,
                "scrapeOptions": {"formats": ["markdown", "links"], "onlyMainContent": true,
                                  "maxAge": 3600000, "waitFor": 0}}),
            ))
            .respond_with(ResponseTemplate::new(200).set_body_json(json!({
                "success": true, "id": "job-1", "url": format!("{}/v2/crawl/job-1", server.uri())
            })))
            .mount(&server)
            .await;
        Mock::given(method("GET"))
            .and(path("/v2/crawl/job-1"))
            .respond_with(ResponseTemplate::new(200).set_body_json(json!({
                "status": "scraping", "total": 2, "completed": 1, "data": []
            })))
            .up_to_n_times(1)
            .mount(&server)
            .await;
        Mock::given(method("GET"))
            .and(path("/v2/crawl/job-1"))
            .and(query_param("skip", "1"))
            .respond_with(ResponseTemplate::new(200).set_body_json(json!({
                "status": "completed", "total": 2, "completed": 2, "next": null,
                "data": [{"markdown": "# Two", "links": ["https://example.com/"],
                          "metadata": {"sourceURL": "https://example.com/two", "statusCode": 200}}]
            })))
            .mount(&server)
            .await;
        Mock::given(method("GET"))
            .and(path("/v2/crawl/job-1"))
            .respond_with(ResponseTemplate::new(200).set_body_json(json!({
                "status": "completed", "total": 2, "completed": 2,
                "next": format!("{}/v2/crawl/job-1?skip=1", server.uri()),
                "data": [{"markdown": "# One", "links": ["https://example.com/two"],
                          "metadata": {"sourceURL": "https://example.com", "statusCode": 200}}]
            })))
            .mount(&server)
            .await;
        let out = run_block_with(
            FirecrawlCrawl,
            json!({"credentials": meta("firecrawl", "api_key"), "url": "https://example.com",
                   "limit": 2, "formats": ["markdown", "links"]}),
            recorder(&server, api_key("firecrawl", "fc")),
        )
        .await;
        let pins: Vec<&str> = out.iter().map(|(p, _)| p.as_str()).collect();
        assert_eq!(
            pins,
            ["data", "markdown", "links", "markdown", "links"],
            "{out:?}"
        );
        assert_eq!(out[0].1.as_array().unwrap().len(), 2);
        assert_eq!(out[1].1, json!("# One"));
        assert_eq!(out[3].1, json!("# Two"));
    }

    #[tokio::test]
    async fn a_failed_job_is_an_error() {
        let server = MockServer::start().await;
        Mock::given(method("POST"))
            .respond_with(
                ResponseTemplate::new(200).set_body_json(json!({"success": true, "id": "j"})),
            )
            .mount(&server)
            .await;
        Mock::given(method("GET"))
            .respond_with(
                ResponseTemplate::new(200)
                    .set_body_json(json!({"status": "failed", "error": "blocked"})),
            )
            .mount(&server)
            .await;
        let out = run_block_with(
            FirecrawlCrawl,
            json!({"credentials": meta("firecrawl", "api_key"), "url": "https://example.com"}),
            recorder(&server, api_key("firecrawl", "fc")),
        )
        .await;
        assert!(
            error_of(&out).contains("the crawl job failed: blocked"),
            "{out:?}"
        );
    }

    #[tokio::test]
    async fn a_bad_key_is_a_credentials_error() {
        let server = MockServer::start().await;
        Mock::given(method("POST"))
            .respond_with(
                ResponseTemplate::new(401).set_body_json(
                    json!({"success": false, "error": "Unauthorized: Invalid token"}),
                ),
            )
            .mount(&server)
            .await;
        let out = run_block_with(
            FirecrawlCrawl,
            json!({"credentials": meta("firecrawl", "api_key"), "url": "https://example.com"}),
            recorder(&server, api_key("firecrawl", "fc")),
        )
        .await;
        assert_eq!(
            error_of(&out),
            "firecrawl refused the credentials (401): Unauthorized: Invalid token"
        );
    }
}
