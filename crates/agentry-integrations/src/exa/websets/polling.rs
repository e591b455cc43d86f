//! Waiting on websets (AutoGPT's `websets_polling.py`): ExaWaitForWebsetBlock polls
//! `GET /websets/v0/websets/{id}` until the webset reaches a status, and `Backoff`, the deadline
//! and growing interval every webset wait here shares (search and enrichment waits are in
//! `polling_jobs.rs`).

use std::time::{Duration, Instant};

use agentry_core::{Block, BlockError, BlockMeta, Category, CredentialsMeta, Cx};
use schemars::JsonSchema;
use serde::{Deserialize, Serialize};
use serde_json::{Map, Value, json};

use super::number;
use super::search::{present, status_of};
use super::websets_model::webset_path;
use crate::api::Client;

pub struct ExaWaitForWebset;

/// Polls until a deadline, sleeping a growing interval between looks as AutoGPT does
/// (`interval = min(interval * factor, max)`). A sleep never runs past the deadline, so a
/// short timeout ends when it says rather than after a whole interval.
pub(super) struct Backoff {
    started: Instant,
    timeout: Duration,
    interval: f64,
    factor: f64,
    max: f64,
}

impl Backoff {
    pub(super) fn new(timeout_secs: i64, first: f64, factor: f64, max: f64) -> Backoff {
        Backoff {
            started: Instant::now(),
            timeout: Duration::from_secs(timeout_secs.max(0) as u64),
            interval: first,
            factor,
            max,
        }
    }

    pub(super) fn expired(&self) -> bool {
        self.started.elapsed() >= self.timeout
    }

    /// Seconds since the wait began.
    pub(super) fn elapsed(&self) -> f64 {
        self.started.elapsed().as_secs_f64()
    }

    pub(super) async fn wait(&mut self) {
        let left = self.timeout.saturating_sub(self.started.elapsed());
        tokio::time::sleep(Duration::from_secs_f64(self.interval).min(left)).await;
        self.interval = (self.interval * self.factor).min(self.max);
    }

    /// GETs `path` until `done` says yes to the answer's status (that answer) or this wait
    /// runs out (`None`), waiting between tries: every "wait for completion" of the websets.
    pub(super) async fn poll<O: Serialize>(
        &mut self,
        cx: &mut Cx<'_, O>,
        client: &Client,
        path: &str,
        done: impl Fn(&str) -> bool,
    ) -> Result<Option<Value>, BlockError> {
        while !self.expired() {
            let current = client.get_json(cx, path, &[]).await?;
            if done(&status_of(&current)) {
                return Ok(Some(current));
            }
            self.wait().await;
        }
        Ok(None)
    }
}

/// The items found by all of a webset's searches (AutoGPT's estimate of its item count).
pub(super) fn found_in_webset(webset: &Value) -> i64 {
    webset["searches"]
        .as_array()
        .into_iter()
        .flatten()
        .map(|s| number(&s["progress"]["found"]))
        .sum()
}

/// `key` of `obj` unless missing or null (a field of an `exclude_none` dump), else `default`.
pub(super) fn given(obj: &Value, key: &str, default: Value) -> Value {
    match obj.get(key) {
        Some(v) if !v.is_null() => v.clone(),
        _ => default,
    }
}

/// AutoGPT's `WebsetTargetStatus`.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Deserialize, JsonSchema)]
#[serde(rename_all = "snake_case")]
pub enum WebsetTargetStatus {
    #[default]
    Idle,
    Completed,
    Running,
    Paused,
    AnyComplete,
}

impl WebsetTargetStatus {
    fn as_str(self) -> &'static str {
        match self {
            WebsetTargetStatus::Idle => "idle",
            WebsetTargetStatus::Completed => "completed",
            WebsetTargetStatus::Running => "running",
            WebsetTargetStatus::Paused => "paused",
            WebsetTargetStatus::AnyComplete => "any_complete",
        }
    }
}

fn three_hundred() -> i64 {
    300
}
fn five() -> i64 {
    5
}
fn thirty() -> i64 {
    30
}
fn yes() -> bool {
    true
}

#[derive(Deserialize, JsonSchema)]
pub struct WaitWebsetInput {
    /// The Exa integration requires an API Key.
    #[serde(default)]
    #[schemars(extend("credentials_provider" = ["exa"], "credentials_types" = ["api_key"]))]
    pub credentials: CredentialsMeta,
    /// The ID or external ID of the Webset to monitor
    pub webset_id: String,
    /// Status to wait for (idle=all operations complete, completed=search done, running=actively processing)
    #[serde(default)]
    pub target_status: WebsetTargetStatus,
    /// Maximum time to wait in seconds
    #[serde(default = "three_hundred")]
    #[schemars(range(min = 1, max = 1800))]
    pub timeout: i64,
    /// Initial interval between status checks in seconds
    #[serde(default = "five")]
    #[schemars(range(min = 1, max = 60))]
    pub check_interval: i64,
    /// Maximum interval between checks (for exponential backoff)
    #[serde(default = "thirty")]
    #[schemars(range(min = 5, max = 120))]
    pub max_interval: i64,
    /// Include detailed progress information in output
    #[serde(default = "yes")]
    pub include_progress: bool,
}

#[derive(Serialize, JsonSchema)]
#[serde(tag = "pin", content = "value", rename_all = "snake_case")]
pub enum WaitWebsetOutput {
    /// The webset ID that was monitored
    WebsetId(String),
    /// The final status of the webset
    FinalStatus(String),
    /// Total time elapsed in seconds
    ElapsedTime(f64),
    /// Number of items found
    ItemCount(i64),
    /// Detailed search progress information
    SearchProgress(Map<String, Value>),
    /// Detailed enrichment progress information
    EnrichmentProgress(Map<String, Value>),
    /// Whether the operation timed out
    TimedOut(bool),
}

impl Block for ExaWaitForWebset {
    const META: BlockMeta = BlockMeta::standard(
        "619d71e8-b72a-434d-8bd4-23376dd0342c",
        "ExaWaitForWebsetBlock",
        "Wait for a webset to reach a specific status with progress tracking",
        &[Category::Search],
    );
    type Input = WaitWebsetInput;
    type Output = WaitWebsetOutput;

    async fn run(
        &self,
        input: WaitWebsetInput,
        cx: &mut Cx<'_, WaitWebsetOutput>,
    ) -> Result<(), BlockError> {
        present(&[("webset_id", &input.webset_id)])?;
        if !(1..=1800).contains(&input.timeout)
            || !(1..=60).contains(&input.check_interval)
            || !(5..=120).contains(&input.max_interval)
        {
            return Err(BlockError::Input(format!(
                "timeout must be 1 to 1800 seconds, check_interval 1 to 60 and max_interval 5 to 120, not {}, {} and {}",
                input.timeout, input.check_interval, input.max_interval
            )));
        }
        let client = super::super::client(cx, &input.credentials).await?;
        let path = webset_path(Some(&input.webset_id));
        let first = input.check_interval as f64;
        let target = input.target_status;
        let (webset, timed_out, elapsed) = if matches!(
            target,
            WebsetTargetStatus::Idle | WebsetTargetStatus::AnyComplete
        ) {
            // The SDK's wait_until_idle: a fixed interval, and past the timeout an error.
            let mut backoff = Backoff::new(input.timeout, first, 1.0, first);
            loop {
                let webset = client.get_json(cx, &path, &[]).await?;
                if status_of(&webset) == "idle" {
                    break (webset, false, backoff.elapsed());
                }
                if backoff.expired() {
                    return Err(BlockError::Input(format!(
                        "Polling timed out after {} seconds",
                        input.timeout
                    )));
                }
                backoff.wait().await;
            }
        } else {
            let max = input.max_interval as f64;
            let mut backoff = Backoff::new(input.timeout, first, 1.5, max);
            let reached = backoff
                .poll(cx, &client, &path, |status| status == target.as_str())
                .await?;
            match reached {
                Some(webset) => (webset, false, backoff.elapsed()),
                None => {
                    let elapsed = backoff.elapsed();
                    (client.get_json(cx, &path, &[]).await?, true, elapsed)
                }
            }
        };
        cx.emit(WaitWebsetOutput::WebsetId(input.webset_id));
        cx.emit(WaitWebsetOutput::FinalStatus(status_of(&webset)));
        cx.emit(WaitWebsetOutput::ElapsedTime(elapsed));
        cx.emit(WaitWebsetOutput::ItemCount(found_in_webset(&webset)));
        if input.include_progress {
            cx.emit(WaitWebsetOutput::SearchProgress(search_progress(&webset)));
            cx.emit(WaitWebsetOutput::EnrichmentProgress(enrichment_progress(
                &webset,
            )));
        }
        cx.emit(WaitWebsetOutput::TimedOut(timed_out));
        Ok(())
    }
}

/// Each search's status and progress, keyed by its id (AutoGPT's `_extract_search_progress`).
fn search_progress(webset: &Value) -> Map<String, Value> {
    let searches = webset["searches"].as_array().into_iter().flatten();
    searches
        .enumerate()
        .map(|(idx, search)| {
            let progress = given(search, "progress", json!({}));
            let id = given(search, "id", json!(format!("search_{idx}")));
            let entry = json!({
                "status": given(search, "status", json!("unknown")),
                "found": given(&progress, "found", json!(0)),
                "analyzed": given(&progress, "analyzed", json!(0)),
                "completion": given(&progress, "completion", json!(0)),
                "time_left": given(&progress, "timeLeft", json!(0)),
            });
            (key_text(&id), entry)
        })
        .collect()
}

/// Each enrichment's status, title and description, keyed by its id.
fn enrichment_progress(webset: &Value) -> Map<String, Value> {
    let enrichments = webset["enrichments"].as_array().into_iter().flatten();
    enrichments
        .enumerate()
        .map(|(idx, enrichment)| {
            let id = given(enrichment, "id", json!(format!("enrichment_{idx}")));
            let entry = json!({
                "status": given(enrichment, "status", json!("unknown")),
                "title": given(enrichment, "title", json!("")),
                "description": given(enrichment, "description", json!("")),
            });
            (key_text(&id), entry)
        })
        .collect()
}

fn key_text(v: &Value) -> String {
    v.as_str().map_or_else(|| v.to_string(), str::to_string)
}

#[cfg(test)]
#[path = "polling_tests.rs"]
mod tests;
