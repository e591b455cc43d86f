//! ExtractWebsiteContentBlock: a page's content through the Jina Reader, or the page itself
//! (`raw_content`) fetched through the SSRF-guarded client.

use agentry_core::{Block, BlockError, BlockMeta, Category, CredentialsMeta, Cx};
use agentry_services::http::OutboundHttp;
use reqwest::Method;
use schemars::JsonSchema;
use serde::{Deserialize, Serialize};

use crate::api::{Client, meta_for};

pub struct ExtractWebsiteContent;

#[derive(Deserialize, JsonSchema)]
pub struct Input {
    /// The Jina integration can be used with an API Key.
    #[serde(default)]
    pub credentials: CredentialsMeta,
    /// The URL to scrape the content from
    pub url: String,
    /// Whether to do a raw scrape of the content or use Jina-ai Reader to scrape the content
    #[serde(default)]
    #[schemars(title = "Raw Content")]
    pub raw_content: bool,
}

#[derive(Serialize, JsonSchema)]
#[serde(tag = "pin", content = "value", rename_all = "snake_case")]
pub enum Output {
    /// The scraped content from the given URL
    Content(String),
}

impl Block for ExtractWebsiteContent {
    const META: BlockMeta = BlockMeta::standard(
        "436c3984-57fd-4b85-8e9a-459b356883bd",
        "ExtractWebsiteContentBlock",
        "This block scrapes the content from the given web URL.",
        &[Category::Search],
    );
    type Input = Input;
    type Output = Output;

    async fn run(&self, input: Input, cx: &mut Cx<'_, Output>) -> Result<(), BlockError> {
        let content = if input.raw_content {
            // The URL comes from the graph: the guard decides what it may reach.
            let http = OutboundHttp::from_cx(cx);
            let fetched = http.send(http.request(Method::GET, &input.url)?).await?;
            if !(200..300).contains(&fetched.status) {
                return Err(BlockError::Input(format!(
                    "{} answered HTTP {}",
                    input.url, fetched.status
                )));
            }
            fetched.text()
        } else {
            let meta = meta_for(&input.credentials, super::PROVIDER);
            let credential = cx.credential(&meta).await?;
            let client = Client::new(cx, super::READER, &meta, credential)?;
            // The Reader takes the target URL as it is, after its own slash.
            let path = format!("/{}", input.url);
            client.get_text(cx, &path).await?
        };
        cx.emit(Output::Content(content));
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::testing::{api_key, error_of, meta, recorder};
    use agentry_core::testing::run_block_with;
    use serde_json::json;
    use wiremock::matchers::{header, method, path};
    use wiremock::{Mock, MockServer, ResponseTemplate};

    #[tokio::test]
    async fn reads_through_the_jina_reader() {
        let server = MockServer::start().await;
        Mock::given(method("GET"))
            .and(path(
                "/https://en.wikipedia.org/wiki/Artificial_intelligence",
            ))
            .and(header("authorization", "Bearer jk"))
            .respond_with(ResponseTemplate::new(200).set_body_string(
                "Title: Artificial intelligence\n\nMarkdown Content:\nAI is intelligence…",
            ))
            .expect(1)
            .mount(&server)
            .await;
        let out = run_block_with(
            ExtractWebsiteContent,
            json!({"credentials": meta("jina", "api_key"),
                   "url": "https://en.wikipedia.org/wiki/Artificial_intelligence"}),
            recorder(&server, api_key("jina", "jk")),
        )
        .await;
        assert_eq!(out.len(), 1, "{out:?}");
        assert_eq!(out[0].0, "content");
        assert!(out[0].1.as_str().unwrap().starts_with("Title: Artificial"));
    }

    #[tokio::test]
    async fn raw_content_fetches_the_page_without_the_key() {
        let server = MockServer::start().await;
        Mock::given(method("GET"))
            .and(path("/page"))
            .respond_with(ResponseTemplate::new(200).set_body_string("<p>hi</p>"))
            .mount(&server)
            .await;
        let out = run_block_with(
            ExtractWebsiteContent,
            json!({"url": format!("{}/page", server.uri()), "raw_content": true}),
            recorder(&server, api_key("jina", "jk")),
        )
        .await;
        assert_eq!(out, vec![("content".into(), json!("<p>hi</p>"))]);
        let requests = server.received_requests().await.unwrap();
        assert!(requests[0].headers.get("authorization").is_none());
    }

    #[tokio::test]
    async fn raw_content_is_guarded() {
        let server = MockServer::start().await;
        let mut rec = recorder(&server, api_key("jina", "jk"));
        // The default client: private networks denied.
        rec.resources = agentry_core::Resources::new();
        let out = agentry_core::testing::run_block_with(
            ExtractWebsiteContent,
            json!({"url": format!("{}/page", server.uri()), "raw_content": true}),
            rec,
        )
        .await;
        assert!(error_of(&out).contains("refused"), "{out:?}");
        assert!(server.received_requests().await.unwrap().is_empty());
    }

    #[tokio::test]
    async fn reader_errors_carry_jinas_message() {
        let server = MockServer::start().await;
        Mock::given(method("GET"))
            .respond_with(ResponseTemplate::new(422).set_body_json(json!({
                "data": null, "code": 422, "name": "AssertionFailureError", "status": 42206,
                "message": "Failed to goto https://nowhere.invalid: net::ERR_NAME_NOT_RESOLVED"
            })))
            .mount(&server)
            .await;
        let out = run_block_with(
            ExtractWebsiteContent,
            json!({"credentials": meta("jina", "api_key"), "url": "https://nowhere.invalid"}),
            recorder(&server, api_key("jina", "jk")),
        )
        .await;
        let error = error_of(&out);
        assert!(error.contains("jina rejected the request (422)"), "{error}");
        assert!(error.contains("ERR_NAME_NOT_RESOLVED"), "{error}");
    }
}
