//! FirecrawlScrapeBlock: one page in the formats asked for (`POST /v2/scrape`).

use agentry_core::{Block, BlockError, BlockMeta, Category, CredentialsMeta, Cx};
use reqwest::Method;
use schemars::JsonSchema;
use serde::{Deserialize, Serialize};
use serde_json::{Map, Value};

use super::{ScrapeFormat, scrape_options, snake_keys};

pub struct FirecrawlScrape;

fn ten() -> i64 {
    10
}
pub(super) fn hour_ms() -> i64 {
    3_600_000
}
pub(super) fn wait_ms() -> i64 {
    200
}
fn markdown() -> Vec<ScrapeFormat> {
    vec![ScrapeFormat::Markdown]
}
fn yes() -> bool {
    true
}

#[derive(Deserialize, JsonSchema)]
pub struct Input {
    /// The Firecrawl integration can be used with an API Key.
    #[serde(default)]
    #[schemars(extend("credentials_provider" = ["firecrawl"], "credentials_types" = ["api_key"]))]
    pub credentials: CredentialsMeta,
    /// The URL to crawl
    pub url: String,
    /// The number of pages to crawl
    #[serde(default = "ten")]
    pub limit: i64,
    /// Only return the main content of the page excluding headers, navs, footers, etc.
    #[serde(default = "yes")]
    pub only_main_content: bool,
    /// The maximum age of the page in milliseconds - default is 1 hour
    #[serde(default = "hour_ms")]
    pub max_age: i64,
    /// Specify a delay in milliseconds before fetching the content, allowing the page
    /// sufficient time to load.
    #[serde(default = "wait_ms")]
    pub wait_for: i64,
    /// The format of the crawl
    #[serde(default = "markdown")]
    pub formats: Vec<ScrapeFormat>,
}

#[derive(Serialize, JsonSchema)]
#[serde(tag = "pin", content = "value", rename_all = "snake_case")]
pub enum Output {
    /// The result of the crawl
    Data(Map<String, Value>),
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

impl Block for FirecrawlScrape {
    const META: BlockMeta = BlockMeta::standard(
        "ac444320-cf5e-4697-b586-2604c17a3e75",
        "FirecrawlScrapeBlock",
        "Firecrawl scrapes a website to extract comprehensive data while bypassing blockers.",
        &[Category::Search],
    );
    type Input = Input;
    type Output = Output;

    async fn run(&self, input: Input, cx: &mut Cx<'_, Output>) -> Result<(), BlockError> {
        let client = super::client(cx, &input.credentials).await?;
        let mut body = scrape_options(&input.formats, input.max_age, input.wait_for);
        body.insert("url".into(), input.url.clone().into());
        body.insert("onlyMainContent".into(), input.only_main_content.into());
        let answer = client
            .send_json(cx, Method::POST, "/v2/scrape", &Value::Object(body))
            .await?;
        let doc = answer.get("data").cloned().unwrap_or(Value::Null);
        let field = |key: &str| doc.get(key).cloned().unwrap_or(Value::Null);
        let data = match snake_keys(doc.clone()) {
            Value::Object(map) => map,
            _ => Map::new(),
        };
        cx.emit(Output::Data(data));
        // One pin per format asked for, as AutoGPT yields them (a full-page screenshot is the
        // document's `screenshot`; the JSON format goes to `json_data`, the pin it declares).
        for format in &input.formats {
            cx.emit(match format {
                ScrapeFormat::Markdown => Output::Markdown(field("markdown")),
                ScrapeFormat::Html => Output::Html(field("html")),
                ScrapeFormat::RawHtml => Output::RawHtml(field("rawHtml")),
                ScrapeFormat::Links => Output::Links(field("links")),
                ScrapeFormat::Screenshot => Output::Screenshot(field("screenshot")),
                ScrapeFormat::ScreenshotFullPage => Output::ScreenshotFullPage(field("screenshot")),
                ScrapeFormat::ChangeTracking => Output::ChangeTracking(field("changeTracking")),
                ScrapeFormat::Json => Output::JsonData(field("json")),
            });
        }
        Ok(())
    }
}
