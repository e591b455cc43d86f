//! Firecrawl (`firecrawl/` in AutoGPT): crawl, extract and map over Firecrawl's v2 API.
//! Credentials: provider `firecrawl`, type `api_key` (a bearer key).
//!
//! Crawls and extractions are jobs: the block starts one, then polls `GET /v2/{kind}/{id}`
//! every `IntegrationSettings::poll_interval` until it completes, following a crawl's `next`
//! pages (only when they stay on the configured base URL, where the key may go).

pub mod crawl;
pub mod extract;
pub mod map;
pub mod scrape;
pub mod search;

use agentry_core::{BlockError, CredentialsMeta, Cx, Registry};
use schemars::JsonSchema;
use serde::{Deserialize, Serialize};
use serde_json::{Map, Value};

use crate::api::{Client, Service};
use crate::error::IntegrationError;
use crate::settings::IntegrationSettings;

pub const PROVIDER: &str = "firecrawl";

pub const API: Service = Service::api_key(PROVIDER, "firecrawl", "https://api.firecrawl.dev");

pub fn register(r: &mut Registry) {
    r.register(crawl::FirecrawlCrawl);
    r.register(extract::FirecrawlExtract);
    r.register(map::FirecrawlMapWebsite);
    r.register(scrape::FirecrawlScrape);
    r.register(search::FirecrawlSearch);
}

/// AutoGPT's `ScrapeFormat`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize, Serialize, JsonSchema)]
pub enum ScrapeFormat {
    #[serde(rename = "markdown")]
    Markdown,
    #[serde(rename = "html")]
    Html,
    #[serde(rename = "rawHtml")]
    RawHtml,
    #[serde(rename = "links")]
    Links,
    #[serde(rename = "screenshot")]
    Screenshot,
    #[serde(rename = "screenshot@fullPage")]
    ScreenshotFullPage,
    #[serde(rename = "json")]
    Json,
    #[serde(rename = "changeTracking")]
    ChangeTracking,
}

impl ScrapeFormat {
    /// The v2 API's format option (`screenshot@fullPage` is an object there).
    pub fn option(self) -> Value {
        match self {
            ScrapeFormat::ScreenshotFullPage => {
                serde_json::json!({"type": "screenshot", "fullPage": true})
            }
            other => serde_json::to_value(other).unwrap_or(Value::Null),
        }
    }
}

/// Python's names for a document's keys, as the Firecrawl SDK's models have them
/// (`rawHtml` → `raw_html`); nested values (metadata, extracted JSON) are kept as sent.
pub fn snake_keys(value: Value) -> Value {
    match value {
        Value::Object(map) => Value::Object(
            map.into_iter()
                .map(|(k, v)| (snake(&k), v))
                .collect::<Map<_, _>>(),
        ),
        other => other,
    }
}

fn snake(key: &str) -> String {
    let mut out = String::with_capacity(key.len() + 4);
    for c in key.chars() {
        if c.is_ascii_uppercase() {
            out.push('_');
            out.push(c.to_ascii_lowercase());
        } else {
            out.push(c);
        }
    }
    out
}

/// The Firecrawl client for the credential `credentials` names (or the platform's).
pub async fn client<O: Serialize>(
    cx: &mut Cx<'_, O>,
    credentials: &CredentialsMeta,
) -> Result<Client, BlockError> {
    crate::api::connect(cx, API, credentials).await
}

/// The scrape options AutoGPT's blocks pass (`formats`, `maxAge`, `waitFor`), in the v2
/// API's names; `formats` left out when empty, as the SDK sends `None`.
pub fn scrape_options(formats: &[ScrapeFormat], max_age: i64, wait_for: i64) -> Map<String, Value> {
    let mut options = Map::new();
    if !formats.is_empty() {
        let list = formats.iter().map(|f| f.option()).collect();
        options.insert("formats".into(), Value::Array(list));
    }
    options.insert("maxAge".into(), max_age.into());
    options.insert("waitFor".into(), wait_for.into());
    options
}

/// Polls `GET {path}` until the job's `status` is `completed`, within the configured timeout.
pub async fn wait_for<O: Serialize>(
    client: &Client,
    cx: &mut Cx<'_, O>,
    kind: &str,
    path: &str,
) -> Result<Value, BlockError> {
    let settings = IntegrationSettings::from_cx(cx);
    let started = std::time::Instant::now();
    loop {
        let answer = client.get_json(cx, path, &[]).await?;
        if let Some(e) = failed(kind, &answer) {
            return Err(e.into());
        }
        if answer["status"] == "completed" {
            return Ok(answer);
        }
        if started.elapsed() >= settings.poll_timeout {
            return Err(BlockError::System(format!(
                "the Firecrawl {kind} job did not finish within {} s",
                settings.poll_timeout.as_secs()
            )));
        }
        tokio::time::sleep(settings.poll_interval).await;
    }
}

/// The path of a `next` page URL when it is under `client`'s base URL; `None` otherwise, so
/// the key never goes to another host.
pub fn next_page(client: &Client, next: &Value) -> Option<String> {
    let next = next.as_str()?;
    let base = client.url("");
    next.strip_prefix(&base)
        .filter(|rest| rest.starts_with('/'))
        .map(str::to_string)
}

/// A job's state, when the poll answer says it failed.
pub fn failed(kind: &str, answer: &Value) -> Option<IntegrationError> {
    let status = answer["status"].as_str().unwrap_or_default();
    matches!(status, "failed" | "cancelled").then(|| IntegrationError::Rejected {
        provider: PROVIDER,
        status: 200,
        message: format!(
            "the {kind} job {status}: {}",
            answer["error"].as_str().unwrap_or("no reason given")
        ),
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn keys_become_python_names_at_the_top_only() {
        let doc = snake_keys(json!({"rawHtml": "<p>", "changeTracking": {}, "json": {"aB": 1}}));
        assert_eq!(
            doc,
            json!({"raw_html": "<p>", "change_tracking": {}, "json": {"aB": 1}})
        );
    }

    #[test]
    fn full_page_screenshots_are_objects() {
        assert_eq!(
            ScrapeFormat::ScreenshotFullPage.option(),
            json!({"type": "screenshot", "fullPage": true})
        );
        assert_eq!(ScrapeFormat::RawHtml.option(), json!("rawHtml"));
    }
}

#[cfg(test)]
#[path = "scrape_search_tests.rs"]
mod scrape_search_tests;
