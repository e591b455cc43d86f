//! ExaContentsBlock: the contents of pages by URL (`POST /contents`), always with the
//! LLM-ready context string.

use agentry_core::{Block, BlockError, BlockMeta, Category, CredentialsMeta, Cx};
use reqwest::Method;
use schemars::JsonSchema;
use serde::{Deserialize, Serialize};
use serde_json::{Map, Value, json};

use super::{ExtrasSettings, HighlightSettings, Livecrawl, SummarySettings, results, text_of};

pub struct ExaContents;

fn yes() -> bool {
    true
}
fn fallback() -> Option<Livecrawl> {
    Some(Livecrawl::Fallback)
}
fn ten_seconds() -> Option<i64> {
    Some(10_000)
}
fn zero() -> Option<i64> {
    Some(0)
}

#[derive(Deserialize, JsonSchema)]
pub struct Input {
    /// The Exa integration requires an API Key.
    #[serde(default)]
    #[schemars(extend("credentials_provider" = ["exa"], "credentials_types" = ["api_key"]))]
    pub credentials: CredentialsMeta,
    /// Array of URLs to crawl (preferred over 'ids')
    #[serde(default)]
    pub urls: Vec<String>,
    /// [DEPRECATED - use 'urls' instead] Array of document IDs obtained from searches
    #[serde(default)]
    pub ids: Vec<String>,
    /// Retrieve text content from pages
    #[serde(default = "yes")]
    pub text: bool,
    /// Text snippets most relevant from each page
    #[serde(default)]
    pub highlights: HighlightSettings,
    /// LLM-generated summary of the webpage
    #[serde(default)]
    pub summary: SummarySettings,
    /// Livecrawling options: never, fallback (default), always, preferred
    #[serde(default = "fallback")]
    pub livecrawl: Option<Livecrawl>,
    /// Timeout for livecrawling in milliseconds
    #[serde(default = "ten_seconds")]
    pub livecrawl_timeout: Option<i64>,
    /// Number of subpages to crawl
    #[serde(default = "zero")]
    pub subpages: Option<i64>,
    /// Keyword(s) to find specific subpages of search results
    #[serde(default)]
    pub subpage_target: Option<Value>,
    /// Extra parameters for additional content
    #[serde(default)]
    pub extras: ExtrasSettings,
}

#[derive(Serialize, JsonSchema)]
#[serde(tag = "pin", content = "value", rename_all = "snake_case")]
pub enum Output {
    /// List of document contents with metadata
    Results(Vec<Value>),
    /// Single document content result
    Result(Value),
    /// A formatted string of the results ready for LLMs
    Context(String),
    /// Unique identifier for the request
    RequestId(String),
    /// Status information for each requested URL
    Statuses(Vec<Value>),
    /// Cost breakdown for the request
    CostDollars(Value),
}

impl Block for ExaContents {
    const META: BlockMeta = BlockMeta::standard(
        "c52be83f-f8cd-4180-b243-af35f986b461",
        "ExaContentsBlock",
        "Retrieves document contents using Exa's contents API",
        &[Category::Search],
    );
    type Input = Input;
    type Output = Output;

    async fn run(&self, input: Input, cx: &mut Cx<'_, Output>) -> Result<(), BlockError> {
        let mut body = Map::new();
        if !input.urls.is_empty() {
            body.insert("urls".into(), json!(input.urls));
        } else if !input.ids.is_empty() {
            body.insert("ids".into(), json!(input.ids));
        } else {
            return Err(BlockError::Input(
                "Either 'urls' or 'ids' must be provided".into(),
            ));
        }
        if input.text {
            body.insert("text".into(), json!({"includeHtmlTags": true}));
        }
        // Settings left at their defaults are not sent, as AutoGPT leaves them to Exa.
        let h = &input.highlights;
        if h.num_sentences != 1 || h.highlights_per_url != 1 || h.query.is_some() {
            body.insert("highlights".into(), h.payload());
        }
        if input.summary.query.is_some() || input.summary.schema.is_some() {
            body.insert("summary".into(), input.summary.payload());
        }
        if let Some(l) = input.livecrawl {
            body.insert("livecrawl".into(), json!(l));
        }
        if let Some(t) = input.livecrawl_timeout {
            body.insert("livecrawlTimeout".into(), t.into());
        }
        if let Some(n) = input.subpages {
            body.insert("subpages".into(), n.into());
        }
        if let Some(t) = input.subpage_target.filter(|t| !t.is_null() && *t != "") {
            body.insert("subpageTarget".into(), t);
        }
        if input.extras.links > 0 || input.extras.image_links > 0 {
            body.insert("extras".into(), input.extras.payload());
        }
        body.insert("context".into(), true.into());
        let client = super::client(cx, &input.credentials).await?;
        let answer = client
            .send_json(cx, Method::POST, "/contents", &Value::Object(body))
            .await?;
        let found = results(&answer);
        cx.emit(Output::Results(found.clone()));
        for one in found {
            cx.emit(Output::Result(one));
        }
        if let Some(context) = text_of(&answer, "context") {
            cx.emit(Output::Context(context));
        }
        if let Some(statuses) = answer["statuses"].as_array().filter(|s| !s.is_empty()) {
            cx.emit(Output::Statuses(statuses.clone()));
        }
        if let Some(cost) = answer.get("costDollars").filter(|c| !c.is_null()) {
            cx.emit(Output::CostDollars(cost.clone()));
        }
        Ok(())
    }
}
