//! Exa (AutoGPT's `exa/`): search, find similar, contents and answer over Exa's REST API
//! (`https://api.exa.ai`), code context and research tasks. Credentials: provider `exa`, type
//! `api_key` (a bearer key). The websets blocks are in `websets/`; the webset webhook trigger
//! is `webhook.rs`, its hook on Exa `webhook_provider.rs`.

pub mod answer;
pub mod code_context;
pub mod contents;
pub mod research;
pub mod research_tasks;
pub mod search;
pub mod webhook;
pub mod webhook_provider;
pub mod websets;

use agentry_core::{BlockError, CredentialsMeta, Cx, Registry};
use schemars::JsonSchema;
use serde::{Deserialize, Serialize};
use serde_json::{Map, Value, json};

use crate::api::{Client, Service};

pub const PROVIDER: &str = "exa";

pub const API: Service = Service::api_key(PROVIDER, "exa", "https://api.exa.ai");

pub fn register(r: &mut Registry) {
    r.register(answer::ExaAnswer);
    r.register(contents::ExaContents);
    r.register(search::ExaSearch);
    r.register(search::ExaFindSimilar);
    r.register(code_context::ExaCodeContext);
    r.register(research::ExaCreateResearch);
    r.register(research_tasks::ExaGetResearch);
    r.register(research_tasks::ExaWaitForResearch);
    r.register(research_tasks::ExaListResearch);
    websets::register(r);
    r.register(webhook::ExaWebsetWebhook);
}

/// The Exa client for the key `credentials` names (or the platform's).
pub async fn client<O: Serialize>(
    cx: &mut Cx<'_, O>,
    credentials: &CredentialsMeta,
) -> Result<Client, BlockError> {
    crate::api::connect(cx, API, credentials).await
}

/// AutoGPT's `HighlightSettings`.
#[derive(Debug, Clone, Deserialize, JsonSchema)]
pub struct HighlightSettings {
    /// Number of sentences per highlight
    #[serde(default = "one")]
    #[schemars(range(min = 1))]
    pub num_sentences: i64,
    /// Number of highlights per URL
    #[serde(default = "one")]
    #[schemars(range(min = 1))]
    pub highlights_per_url: i64,
    /// Custom query to direct the LLM's selection of highlights
    #[serde(default)]
    pub query: Option<String>,
}

impl Default for HighlightSettings {
    fn default() -> Self {
        HighlightSettings {
            num_sentences: 1,
            highlights_per_url: 1,
            query: None,
        }
    }
}

impl HighlightSettings {
    pub fn payload(&self) -> Value {
        let mut out = json!({"numSentences": self.num_sentences, "highlightsPerUrl": self.highlights_per_url});
        if let Some(q) = self.query.as_deref().filter(|q| !q.is_empty()) {
            out["query"] = json!(q);
        }
        out
    }
}

/// AutoGPT's `SummarySettings`.
#[derive(Debug, Clone, Default, Deserialize, JsonSchema)]
pub struct SummarySettings {
    /// Custom query for the LLM-generated summary
    #[serde(default)]
    pub query: Option<String>,
    /// JSON schema for structured output from summary
    #[serde(default)]
    pub schema: Option<Map<String, Value>>,
}

impl SummarySettings {
    pub fn payload(&self) -> Value {
        let mut out = Map::new();
        if let Some(q) = self.query.as_deref().filter(|q| !q.is_empty()) {
            out.insert("query".into(), json!(q));
        }
        if let Some(s) = self.schema.as_ref().filter(|s| !s.is_empty()) {
            out.insert("schema".into(), Value::Object(s.clone()));
        }
        Value::Object(out)
    }
}

/// AutoGPT's `ExtrasSettings`.
#[derive(Debug, Clone, Default, Deserialize, JsonSchema)]
pub struct ExtrasSettings {
    /// Number of URLs to return from each webpage
    #[serde(default)]
    pub links: i64,
    /// Number of images to return for each result
    #[serde(default)]
    pub image_links: i64,
}

impl ExtrasSettings {
    pub fn payload(&self) -> Value {
        let mut out = Map::new();
        if self.links > 0 {
            out.insert("links".into(), self.links.into());
        }
        if self.image_links > 0 {
            out.insert("imageLinks".into(), self.image_links.into());
        }
        Value::Object(out)
    }
}

/// AutoGPT's `LivecrawlTypes`.
#[derive(Debug, Clone, Copy, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "lowercase")]
pub enum Livecrawl {
    Never,
    Fallback,
    Always,
    Preferred,
}

fn one() -> i64 {
    1
}

/// AutoGPT's `ContentSettings`. `text` and `context` are a boolean or an object with a
/// `discriminator` (`enabled`, `disabled`, `advanced` with limits).
#[derive(Debug, Clone, Default, Deserialize, JsonSchema)]
pub struct ContentSettings {
    /// Text content retrieval. Boolean for simple enable/disable or object for advanced settings
    #[serde(default)]
    pub text: Option<Value>,
    /// Text snippets most relevant from each page
    #[serde(default)]
    pub highlights: Option<HighlightSettings>,
    /// LLM-generated summary of the webpage
    #[serde(default)]
    pub summary: Option<SummarySettings>,
    /// Livecrawling options: never, fallback, always, preferred
    #[serde(default)]
    pub livecrawl: Option<Livecrawl>,
    /// Timeout for livecrawling in milliseconds
    #[serde(default)]
    pub livecrawl_timeout: Option<i64>,
    /// Number of subpages to crawl
    #[serde(default)]
    pub subpages: Option<i64>,
    /// Keyword(s) to find specific subpages of search results
    #[serde(default)]
    pub subpage_target: Option<Value>,
    /// Extra parameters for additional content
    #[serde(default)]
    pub extras: Option<ExtrasSettings>,
    /// Format search results into a context string for LLMs
    #[serde(default)]
    pub context: Option<Value>,
}

/// AutoGPT's `process_text_field`.
fn text_field(text: &Value) -> Option<Value> {
    match text {
        Value::Bool(b) => Some(json!(b)),
        Value::Object(o) => match o.get("discriminator").and_then(Value::as_str) {
            Some("disabled") => Some(json!(false)),
            Some("advanced") => {
                let mut out = Map::new();
                if let Some(n) = o
                    .get("max_characters")
                    .and_then(Value::as_i64)
                    .filter(|n| *n != 0)
                {
                    out.insert("maxCharacters".into(), n.into());
                }
                if o.get("include_html_tags").and_then(Value::as_bool) == Some(true) {
                    out.insert("includeHtmlTags".into(), true.into());
                }
                Some(if out.is_empty() {
                    json!(true)
                } else {
                    Value::Object(out)
                })
            }
            _ => Some(json!(true)),
        },
        _ => None,
    }
}

/// AutoGPT's `process_context_field`.
fn context_field(context: &Value) -> Option<Value> {
    match context {
        Value::Bool(true) => Some(json!(true)),
        Value::Object(o) => {
            if let Some(n) = o.get("maxCharacters") {
                return Some(json!({"maxCharacters": n}));
            }
            match o.get("discriminator").and_then(Value::as_str) {
                Some("disabled") => None,
                Some("advanced") => Some(
                    o.get("max_characters")
                        .and_then(Value::as_i64)
                        .filter(|n| *n != 0)
                        .map_or(json!(true), |n| json!({"maxCharacters": n})),
                ),
                _ => Some(json!(true)),
            }
        }
        _ => None,
    }
}

impl ContentSettings {
    /// AutoGPT's `process_contents_settings`, in the API's names (empty when nothing is asked).
    pub fn payload(&self) -> Map<String, Value> {
        let mut out = Map::new();
        if let Some(text) = self.text.as_ref().and_then(text_field) {
            out.insert("text".into(), text);
        }
        if let Some(h) = &self.highlights {
            out.insert("highlights".into(), h.payload());
        }
        if let Some(s) = &self.summary {
            out.insert("summary".into(), s.payload());
        }
        if let Some(l) = self.livecrawl {
            out.insert("livecrawl".into(), json!(l));
        }
        if let Some(t) = self.livecrawl_timeout {
            out.insert("livecrawlTimeout".into(), t.into());
        }
        if let Some(n) = self.subpages {
            out.insert("subpages".into(), n.into());
        }
        if let Some(t) = self
            .subpage_target
            .as_ref()
            .filter(|t| !t.is_null() && *t != "")
        {
            out.insert("subpageTarget".into(), t.clone());
        }
        if let Some(e) = &self.extras {
            out.insert("extras".into(), e.payload());
        }
        if let Some(c) = self.context.as_ref().and_then(context_field) {
            out.insert("context".into(), c);
        }
        out
    }
}

/// A result as AutoGPT's `ExaSearchResults`: its keys, lists empty and the rest null when
/// Exa leaves them out.
pub fn result(raw: &Value) -> Value {
    let field = |k: &str| raw.get(k).cloned().unwrap_or(Value::Null);
    let list = |k: &str| match raw.get(k) {
        Some(Value::Array(a)) => Value::Array(a.clone()),
        _ => json!([]),
    };
    json!({
        "title": field("title"),
        "url": field("url"),
        "publishedDate": field("publishedDate"),
        "author": field("author"),
        "id": raw.get("id").cloned().unwrap_or(json!("")),
        "image": field("image"),
        "favicon": field("favicon"),
        "text": field("text"),
        "highlights": list("highlights"),
        "highlightScores": list("highlightScores"),
        "summary": field("summary"),
        "subpages": list("subpages"),
        "extras": field("extras"),
    })
}

/// The answer's `results` as AutoGPT's results.
pub fn results(answer: &Value) -> Vec<Value> {
    answer["results"]
        .as_array()
        .into_iter()
        .flatten()
        .map(result)
        .collect()
}

/// A non-empty string field of the answer.
pub fn text_of(answer: &Value, key: &str) -> Option<String> {
    answer[key]
        .as_str()
        .filter(|s| !s.is_empty())
        .map(str::to_string)
}

#[cfg(test)]
#[path = "exa_tests.rs"]
mod tests;

#[cfg(test)]
#[path = "webhook_tests.rs"]
mod webhook_tests;
