//! FirecrawlSearchBlock: a web search, with the results' pages scraped in the formats asked
//! for (`POST /v2/search`).

use agentry_core::{Block, BlockError, BlockMeta, Category, CredentialsMeta, Cx};
use reqwest::Method;
use schemars::JsonSchema;
use serde::{Deserialize, Serialize};
use serde_json::{Map, Value, json};

use super::scrape::{hour_ms, wait_ms};
use super::{ScrapeFormat, scrape_options, snake_keys};

pub struct FirecrawlSearch;

fn ten() -> i64 {
    10
}

#[derive(Deserialize, JsonSchema)]
pub struct Input {
    /// The Firecrawl integration can be used with an API Key.
    #[serde(default)]
    #[schemars(extend("credentials_provider" = ["firecrawl"], "credentials_types" = ["api_key"]))]
    pub credentials: CredentialsMeta,
    /// The query to search for
    pub query: String,
    /// The number of pages to crawl
    #[serde(default = "ten")]
    pub limit: i64,
    /// The maximum age of the page in milliseconds - default is 1 hour
    #[serde(default = "hour_ms")]
    pub max_age: i64,
    /// Specify a delay in milliseconds before fetching the content, allowing the page
    /// sufficient time to load.
    #[serde(default = "wait_ms")]
    pub wait_for: i64,
    /// Returns the content of the search if specified
    #[serde(default)]
    pub formats: Vec<ScrapeFormat>,
}

#[derive(Serialize, JsonSchema)]
#[serde(tag = "pin", content = "value", rename_all = "snake_case")]
pub enum Output {
    /// The result of the search
    Data(Map<String, Value>),
    /// The site of the search
    Site(Map<String, Value>),
}

impl Block for FirecrawlSearch {
    const META: BlockMeta = BlockMeta::standard(
        "f8d2f28d-b3a1-405b-804e-418c087d288b",
        "FirecrawlSearchBlock",
        "Firecrawl searches the web for the given query.",
        &[Category::Search],
    );
    type Input = Input;
    type Output = Output;

    async fn run(&self, input: Input, cx: &mut Cx<'_, Output>) -> Result<(), BlockError> {
        let client = super::client(cx, &input.credentials).await?;
        let options = scrape_options(&input.formats, input.max_age, input.wait_for);
        let body = json!({"query": input.query, "limit": input.limit, "scrapeOptions": options});
        let answer = client
            .send_json(cx, Method::POST, "/v2/search", &body)
            .await?;
        let data = answer.get("data").cloned().unwrap_or(json!({}));
        let object = |v: Value| match snake_keys(v) {
            Value::Object(map) => map,
            _ => Map::new(),
        };
        cx.emit(Output::Data(object(data.clone())));
        for site in data["web"].as_array().into_iter().flatten() {
            cx.emit(Output::Site(object(site.clone())));
        }
        Ok(())
    }
}
