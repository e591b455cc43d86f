//! ReadRSSFeedBlock: fetches an RSS or Atom feed and yields the entries of a recent period.

use std::time::Duration;

use agentry_core::{Block, BlockError, BlockMeta, Category, Cx};
use chrono::{DateTime, TimeDelta, Utc};
use reqwest::Method;
use schemars::JsonSchema;
use serde::{Deserialize, Serialize};

use crate::http::OutboundHttp;

pub struct ReadRssFeed;

fn yes() -> bool {
    true
}

fn one_day() -> i64 {
    1440
}

#[derive(Deserialize, JsonSchema)]
pub struct Input {
    /// The URL of the RSS feed to read
    pub rss_url: String,
    /// The time period to check in minutes relative to the run block runtime, e.g. 60 would check for new entries in the last hour.
    #[serde(default = "one_day")]
    pub time_period: i64,
    /// The number of seconds to wait between polling attempts.
    pub polling_rate: i64,
    /// Whether to run the block continuously or just once.
    #[serde(default = "yes")]
    pub run_continuously: bool,
}

/// One feed item, as AutoGPT's `RSSEntry`.
#[derive(Debug, Clone, PartialEq, Serialize, JsonSchema)]
pub struct RssEntry {
    pub title: String,
    pub link: String,
    pub description: String,
    pub pub_date: DateTime<Utc>,
    pub author: String,
    pub categories: Vec<String>,
}

#[derive(Serialize, JsonSchema)]
#[serde(tag = "pin", content = "value", rename_all = "snake_case")]
pub enum Output {
    /// The RSS item
    Entry(RssEntry),
    /// List of all RSS entries
    Entries(Vec<RssEntry>),
}

/// Parses RSS 0.9x/1.0/2.0, Atom or JSON Feed. Entries without any date are skipped (AutoGPT
/// fails on them); an entry's publication date wins over its update date.
pub fn parse_entries(bytes: &[u8]) -> Result<Vec<RssEntry>, BlockError> {
    let feed = feed_rs::parser::parse(bytes)
        .map_err(|e| BlockError::Input(format!("the feed could not be parsed: {e}")))?;
    Ok(feed
        .entries
        .into_iter()
        .filter_map(|entry| {
            let pub_date = entry.published.or(entry.updated)?;
            let description = entry
                .summary
                .map(|t| t.content)
                .or_else(|| entry.content.and_then(|c| c.body))
                .unwrap_or_default();
            Some(RssEntry {
                title: entry.title.map(|t| t.content).unwrap_or_default(),
                link: entry
                    .links
                    .into_iter()
                    .next()
                    .map(|l| l.href)
                    .unwrap_or_default(),
                description,
                pub_date,
                author: entry
                    .authors
                    .into_iter()
                    .next()
                    .and_then(|p| p.name.or(p.email))
                    .unwrap_or_default(),
                categories: entry.categories.into_iter().map(|c| c.term).collect(),
            })
        })
        .collect())
}

async fn fetch(http: &OutboundHttp, url: &str) -> Result<Vec<RssEntry>, BlockError> {
    let request = http.request(Method::GET, url)?.header(
        "accept",
        "application/rss+xml, application/atom+xml, application/xml;q=0.9, */*;q=0.8",
    );
    let fetched = http.send(request).await?;
    match fetched.status {
        200..=299 => parse_entries(&fetched.body),
        status @ 400..=499 => Err(BlockError::Input(format!(
            "the feed answered HTTP {status}"
        ))),
        status => Err(BlockError::System(format!(
            "the feed answered HTTP {status}"
        ))),
    }
}

impl Block for ReadRssFeed {
    const META: BlockMeta = BlockMeta::standard(
        "5ebe6768-8e5d-41e3-9134-1c7bd89a8d52",
        "ReadRSSFeedBlock",
        "Reads RSS feed entries from a given URL.",
        &[Category::Input],
    );
    type Input = Input;
    type Output = Output;

    async fn run(&self, input: Input, cx: &mut Cx<'_, Output>) -> Result<(), BlockError> {
        let http = OutboundHttp::from_cx(cx);
        let since = cx.now() - TimeDelta::minutes(input.time_period.clamp(0, 1 << 40));
        loop {
            let entries: Vec<RssEntry> = fetch(&http, &input.rss_url)
                .await?
                .into_iter()
                .filter(|e| e.pub_date > since)
                .collect();
            for entry in &entries {
                cx.emit(Output::Entry(entry.clone()));
            }
            cx.emit(Output::Entries(entries));
            if !input.run_continuously {
                // AutoGPT sleeps once more before returning; nothing waits for that, so we don't.
                return Ok(());
            }
            let pause = input.polling_rate.clamp(1, 86_400) as u64;
            tokio::time::sleep(Duration::from_secs(pause)).await;
        }
    }
}

#[cfg(test)]
#[path = "read_rss_feed_tests.rs"]
mod tests;
