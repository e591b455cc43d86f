//! ExaSearchBlock (`POST /search`) and ExaFindSimilarBlock (`POST /findSimilar`): results
//! with the contents asked for, as the exa_py SDK sends them (`contents.text`, `highlights`,
//! `summary` when content settings are given).

use agentry_core::{Block, BlockError, BlockMeta, Category, CredentialsMeta, Cx};
use reqwest::Method;
use schemars::JsonSchema;
use serde::{Deserialize, Serialize};
use serde_json::{Map, Value, json};

use super::{ContentSettings, results, text_of};

pub struct ExaSearch;
pub struct ExaFindSimilar;

/// The filters both blocks take, in the API's names; each sent only when set.
#[derive(Debug, Clone, Default, Deserialize, JsonSchema)]
pub struct Filters {
    /// Domains to include in search
    #[serde(default)]
    pub include_domains: Vec<String>,
    /// Domains to exclude from search
    #[serde(default)]
    pub exclude_domains: Vec<String>,
    /// Start date for crawled content
    #[serde(default)]
    #[schemars(extend("format" = "date-time"))]
    pub start_crawl_date: Option<String>,
    /// End date for crawled content
    #[serde(default)]
    #[schemars(extend("format" = "date-time"))]
    pub end_crawl_date: Option<String>,
    /// Start date for published content
    #[serde(default)]
    #[schemars(extend("format" = "date-time"))]
    pub start_published_date: Option<String>,
    /// End date for published content
    #[serde(default)]
    #[schemars(extend("format" = "date-time"))]
    pub end_published_date: Option<String>,
    /// Text patterns to include
    #[serde(default)]
    pub include_text: Vec<String>,
    /// Text patterns to exclude
    #[serde(default)]
    pub exclude_text: Vec<String>,
    /// Content retrieval settings
    #[serde(default)]
    pub contents: ContentSettings,
    /// Enable content moderation to filter unsafe content from search results
    #[serde(default)]
    pub moderation: bool,
}

impl Filters {
    fn add_to(&self, body: &mut Map<String, Value>) {
        let lists = [
            ("includeDomains", &self.include_domains),
            ("excludeDomains", &self.exclude_domains),
            ("includeText", &self.include_text),
            ("excludeText", &self.exclude_text),
        ];
        for (key, list) in lists {
            if !list.is_empty() {
                body.insert(key.into(), json!(list));
            }
        }
        let dates = [
            ("startCrawlDate", &self.start_crawl_date),
            ("endCrawlDate", &self.end_crawl_date),
            ("startPublishedDate", &self.start_published_date),
            ("endPublishedDate", &self.end_published_date),
        ];
        for (key, date) in dates {
            if let Some(date) = date.as_ref().filter(|d| !d.is_empty()) {
                body.insert(key.into(), json!(date));
            }
        }
        if self.moderation {
            body.insert("moderation".into(), true.into());
        }
        let settings = self.contents.payload();
        if !settings.is_empty() {
            let mut contents = Map::new();
            contents.insert(
                "text".into(),
                settings.get("text").cloned().unwrap_or(json!(false)),
            );
            for key in ["highlights", "summary"] {
                if let Some(v) = settings.get(key) {
                    contents.insert(key.into(), v.clone());
                }
            }
            body.insert("contents".into(), Value::Object(contents));
        }
    }
}

/// AutoGPT's `ExaSearchTypes`.
#[derive(Debug, Clone, Copy, Default, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "lowercase")]
pub enum SearchType {
    Keyword,
    Neural,
    Fast,
    #[default]
    Auto,
}

/// AutoGPT's `ExaSearchCategories`.
#[derive(Debug, Clone, Copy, Serialize, Deserialize, JsonSchema)]
pub enum SearchCategory {
    #[serde(rename = "company")]
    Company,
    #[serde(rename = "research paper")]
    ResearchPaper,
    #[serde(rename = "news")]
    News,
    #[serde(rename = "pdf")]
    Pdf,
    #[serde(rename = "github")]
    Github,
    #[serde(rename = "tweet")]
    Tweet,
    #[serde(rename = "personal site")]
    PersonalSite,
    #[serde(rename = "linkedin profile")]
    LinkedinProfile,
    #[serde(rename = "financial report")]
    FinancialReport,
}

fn ten() -> i64 {
    10
}

#[derive(Deserialize, JsonSchema)]
pub struct SearchInput {
    /// The Exa integration requires an API Key.
    #[serde(default)]
    #[schemars(extend("credentials_provider" = ["exa"], "credentials_types" = ["api_key"]))]
    pub credentials: CredentialsMeta,
    /// The search query
    pub query: String,
    /// Type of search
    #[serde(default, rename = "type")]
    pub kind: SearchType,
    /// Category to search within: company, research paper, news, pdf, github, tweet, personal
    /// site, linkedin profile, financial report
    #[serde(default)]
    pub category: Option<SearchCategory>,
    /// The two-letter ISO country code of the user (e.g., 'US')
    #[serde(default)]
    pub user_location: Option<String>,
    /// Number of results to return
    #[serde(default = "ten")]
    pub number_of_results: i64,
    #[serde(flatten)]
    pub filters: Filters,
}

#[derive(Serialize, JsonSchema)]
#[serde(tag = "pin", content = "value", rename_all = "snake_case")]
pub enum SearchOutput {
    /// List of search results
    Results(Vec<Value>),
    /// Single search result
    Result(Value),
    /// A formatted string of the search results ready for LLMs.
    Context(String),
    /// For auto searches, indicates which search type was selected.
    SearchType(String),
    /// The search type that was actually used for this request (neural or keyword)
    ResolvedSearchType(String),
    /// Cost breakdown for the request
    CostDollars(Value),
}

impl Block for ExaSearch {
    const META: BlockMeta = BlockMeta::standard(
        "996cec64-ac40-4dde-982f-b0dc60a5824d",
        "ExaSearchBlock",
        "Searches the web using Exa's advanced search API",
        &[Category::Search],
    );
    type Input = SearchInput;
    type Output = SearchOutput;

    async fn run(
        &self,
        input: SearchInput,
        cx: &mut Cx<'_, SearchOutput>,
    ) -> Result<(), BlockError> {
        let mut body = Map::new();
        body.insert("query".into(), json!(input.query));
        body.insert("numResults".into(), json!(input.number_of_results));
        body.insert("type".into(), json!(input.kind));
        if let Some(category) = input.category {
            body.insert("category".into(), json!(category));
        }
        if let Some(location) = input.user_location.filter(|l| !l.is_empty()) {
            body.insert("userLocation".into(), json!(location));
        }
        input.filters.add_to(&mut body);
        let client = super::client(cx, &input.credentials).await?;
        let answer = client
            .send_json(cx, Method::POST, "/search", &Value::Object(body))
            .await?;
        let found = results(&answer);
        cx.emit(SearchOutput::Results(found.clone()));
        for one in found {
            cx.emit(SearchOutput::Result(one));
        }
        if let Some(context) = text_of(&answer, "context") {
            cx.emit(SearchOutput::Context(context));
        }
        if let Some(kind) = text_of(&answer, "resolvedSearchType") {
            cx.emit(SearchOutput::ResolvedSearchType(kind));
        }
        if let Some(cost) = answer.get("costDollars").filter(|c| !c.is_null()) {
            cx.emit(SearchOutput::CostDollars(cost.clone()));
        }
        Ok(())
    }
}

#[derive(Deserialize, JsonSchema)]
pub struct SimilarInput {
    /// The Exa integration requires an API Key.
    #[serde(default)]
    #[schemars(extend("credentials_provider" = ["exa"], "credentials_types" = ["api_key"]))]
    pub credentials: CredentialsMeta,
    /// The url for which you would like to find similar links
    pub url: String,
    /// Number of results to return
    #[serde(default = "ten")]
    pub number_of_results: i64,
    #[serde(flatten)]
    pub filters: Filters,
}

#[derive(Serialize, JsonSchema)]
#[serde(tag = "pin", content = "value", rename_all = "snake_case")]
pub enum SimilarOutput {
    /// List of similar documents with metadata and content
    Results(Vec<Value>),
    /// Single similar document result
    Result(Value),
    /// A formatted string of the results ready for LLMs.
    Context(String),
    /// Unique identifier for the request
    RequestId(String),
    /// Cost breakdown for the request
    CostDollars(Value),
}

impl Block for ExaFindSimilar {
    const META: BlockMeta = BlockMeta::standard(
        "5e7315d1-af61-4a0c-9350-7c868fa7438a",
        "ExaFindSimilarBlock",
        "Finds similar links using Exa's findSimilar API",
        &[Category::Search],
    );
    type Input = SimilarInput;
    type Output = SimilarOutput;

    async fn run(
        &self,
        input: SimilarInput,
        cx: &mut Cx<'_, SimilarOutput>,
    ) -> Result<(), BlockError> {
        let mut body = Map::new();
        body.insert("url".into(), json!(input.url));
        body.insert("numResults".into(), json!(input.number_of_results));
        input.filters.add_to(&mut body);
        let client = super::client(cx, &input.credentials).await?;
        let answer = client
            .send_json(cx, Method::POST, "/findSimilar", &Value::Object(body))
            .await?;
        let found = results(&answer);
        cx.emit(SimilarOutput::Results(found.clone()));
        for one in found {
            cx.emit(SimilarOutput::Result(one));
        }
        if let Some(context) = text_of(&answer, "context") {
            cx.emit(SimilarOutput::Context(context));
        }
        if let Some(cost) = answer.get("costDollars").filter(|c| !c.is_null()) {
            cx.emit(SimilarOutput::CostDollars(cost.clone()));
        }
        Ok(())
    }
}
