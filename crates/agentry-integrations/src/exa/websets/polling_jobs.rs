//! Waiting on one search or enrichment of a webset: ExaWaitForSearchBlock and
//! ExaWaitForEnrichmentBlock poll the search (or enrichment) with AutoGPT's back-off (the
//! check interval growing by half up to 30 s) until it finishes or the timeout passes.

use agentry_core::{Block, BlockError, BlockMeta, Category, CredentialsMeta, Cx};
use schemars::JsonSchema;
use serde::{Deserialize, Serialize};
use serde_json::{Map, Value, json};

use super::enrichment::enrichments_path;
use super::polling::Backoff;
use super::search::{present, recall_info, searches_path, status_of};
use super::{items_path, number, text};

pub struct ExaWaitForSearch;
pub struct ExaWaitForEnrichment;

/// The longest pause between two looks, as AutoGPT fixes it for these waits.
const MAX_INTERVAL: f64 = 30.0;

/// The states these waits stop at (the API spells "canceled").
fn done(status: &str) -> bool {
    matches!(status, "completed" | "failed" | "canceled")
}

fn three_hundred() -> i64 {
    300
}
fn five() -> i64 {
    5
}
fn yes() -> bool {
    true
}

fn check_ranges(timeout: i64, check_interval: i64) -> Result<(), BlockError> {
    if !(1..=1800).contains(&timeout) || !(1..=60).contains(&check_interval) {
        return Err(BlockError::Input(format!(
            "timeout must be 1 to 1800 seconds and check_interval 1 to 60 seconds, not {timeout} and {check_interval}"
        )));
    }
    Ok(())
}

#[derive(Deserialize, JsonSchema)]
pub struct SearchInput {
    /// The Exa integration requires an API Key.
    #[serde(default)]
    #[schemars(extend("credentials_provider" = ["exa"], "credentials_types" = ["api_key"]))]
    pub credentials: CredentialsMeta,
    /// The ID or external ID of the Webset
    pub webset_id: String,
    /// The ID of the search to monitor
    pub search_id: String,
    /// Maximum time to wait in seconds
    #[serde(default = "three_hundred")]
    #[schemars(range(min = 1, max = 1800))]
    pub timeout: i64,
    /// Initial interval between status checks in seconds
    #[serde(default = "five")]
    #[schemars(range(min = 1, max = 60))]
    pub check_interval: i64,
}

#[derive(Serialize, JsonSchema)]
#[serde(tag = "pin", content = "value", rename_all = "snake_case")]
pub enum SearchOutput {
    /// The search ID that was monitored
    SearchId(String),
    /// The final status of the search
    FinalStatus(String),
    /// Number of items found by the search
    ItemsFound(i64),
    /// Number of items analyzed
    ItemsAnalyzed(i64),
    /// Completion percentage (0-100)
    CompletionPercentage(i64),
    /// Total time elapsed in seconds
    ElapsedTime(f64),
    /// Information about expected results and confidence
    RecallInfo(Map<String, Value>),
    /// Whether the operation timed out
    TimedOut(bool),
}

impl Block for ExaWaitForSearch {
    const META: BlockMeta = BlockMeta::standard(
        "14da21ae-40a1-41bc-a111-c8e5c9ef012b",
        "ExaWaitForSearchBlock",
        "Wait for a specific webset search to complete with progress tracking",
        &[Category::Search],
    );
    type Input = SearchInput;
    type Output = SearchOutput;

    async fn run(
        &self,
        input: SearchInput,
        cx: &mut Cx<'_, SearchOutput>,
    ) -> Result<(), BlockError> {
        present(&[
            ("webset_id", &input.webset_id),
            ("search_id", &input.search_id),
        ])?;
        check_ranges(input.timeout, input.check_interval)?;
        let client = super::super::client(cx, &input.credentials).await?;
        let path = searches_path(&input.webset_id, Some(&input.search_id));
        let first = input.check_interval as f64;
        let mut backoff = Backoff::new(input.timeout, first, 1.5, MAX_INTERVAL);
        let finished = backoff.poll(cx, &client, &path, done).await?;
        let (search, elapsed, recall, timed_out) = match finished {
            Some(search) => {
                let recall = recall_info(&search);
                (search, backoff.elapsed(), recall, false)
            }
            None => {
                // The last known state, without the recall, as AutoGPT reports a timeout.
                let elapsed = backoff.elapsed();
                let search = client.get_json(cx, &path, &[]).await?;
                (search, elapsed, Map::new(), true)
            }
        };
        let progress = &search["progress"];
        cx.emit(SearchOutput::SearchId(input.search_id));
        cx.emit(SearchOutput::FinalStatus(status_of(&search)));
        cx.emit(SearchOutput::ItemsFound(number(&progress["found"])));
        cx.emit(SearchOutput::ItemsAnalyzed(number(&progress["analyzed"])));
        cx.emit(SearchOutput::CompletionPercentage(number(
            &progress["completion"],
        )));
        cx.emit(SearchOutput::ElapsedTime(elapsed));
        cx.emit(SearchOutput::RecallInfo(recall));
        cx.emit(SearchOutput::TimedOut(timed_out));
        Ok(())
    }
}

#[derive(Deserialize, JsonSchema)]
pub struct EnrichmentInput {
    /// The Exa integration requires an API Key.
    #[serde(default)]
    #[schemars(extend("credentials_provider" = ["exa"], "credentials_types" = ["api_key"]))]
    pub credentials: CredentialsMeta,
    /// The ID or external ID of the Webset
    pub webset_id: String,
    /// The ID of the enrichment to monitor
    pub enrichment_id: String,
    /// Maximum time to wait in seconds
    #[serde(default = "three_hundred")]
    #[schemars(range(min = 1, max = 1800))]
    pub timeout: i64,
    /// Initial interval between status checks in seconds
    #[serde(default = "five")]
    #[schemars(range(min = 1, max = 60))]
    pub check_interval: i64,
    /// Include sample enrichment results in output
    #[serde(default = "yes")]
    pub sample_results: bool,
}

#[derive(Serialize, JsonSchema)]
#[serde(tag = "pin", content = "value", rename_all = "snake_case")]
pub enum EnrichmentOutput {
    /// The enrichment ID that was monitored
    EnrichmentId(String),
    /// The final status of the enrichment
    FinalStatus(String),
    /// Number of items successfully enriched
    ItemsEnriched(i64),
    /// Title/description of the enrichment
    EnrichmentTitle(String),
    /// Total time elapsed in seconds
    ElapsedTime(f64),
    /// Sample of enriched data (if requested)
    SampleData(Vec<Map<String, Value>>),
    /// Whether the operation timed out
    TimedOut(bool),
}

/// The enrichment's title, else its description.
fn title_of(enrichment: &Value) -> String {
    [&enrichment["title"], &enrichment["description"]]
        .into_iter()
        .filter_map(Value::as_str)
        .find(|t| !t.is_empty())
        .unwrap_or_default()
        .to_string()
}

/// A value without its null fields at any depth, as the SDK's `exclude_none` dump gives.
fn without_nulls(v: &Value) -> Value {
    match v {
        Value::Object(map) => map
            .iter()
            .filter(|(_, v)| !v.is_null())
            .map(|(k, v)| (k.clone(), without_nulls(v)))
            .collect::<Map<String, Value>>()
            .into(),
        Value::Array(items) => items.iter().map(without_nulls).collect(),
        other => other.clone(),
    }
}

/// The first five items' results of `enrichment` (AutoGPT's `_get_sample_enrichments`).
fn samples(page: &Value, enrichment: &str) -> Vec<Map<String, Value>> {
    let items = page["data"].as_array().into_iter().flatten();
    items
        .filter_map(|item| {
            let result = item["enrichments"]
                .as_array()
                .into_iter()
                .flatten()
                .find(|e| e["enrichmentId"].as_str() == Some(enrichment))?;
            let sample = json!({
                "item_id": text(&item["id"]),
                "item_title": text(&item["properties"]["title"]),
                "enrichment_data": without_nulls(result),
            });
            sample.as_object().cloned()
        })
        .collect()
}

impl Block for ExaWaitForEnrichment {
    const META: BlockMeta = BlockMeta::standard(
        "a11865c3-ac80-4721-8a40-ac4e3b71a558",
        "ExaWaitForEnrichmentBlock",
        "Wait for a webset enrichment to complete with progress tracking",
        &[Category::Search],
    );
    type Input = EnrichmentInput;
    type Output = EnrichmentOutput;

    async fn run(
        &self,
        input: EnrichmentInput,
        cx: &mut Cx<'_, EnrichmentOutput>,
    ) -> Result<(), BlockError> {
        present(&[
            ("webset_id", &input.webset_id),
            ("enrichment_id", &input.enrichment_id),
        ])?;
        check_ranges(input.timeout, input.check_interval)?;
        let client = super::super::client(cx, &input.credentials).await?;
        let path = enrichments_path(&input.webset_id, Some(&input.enrichment_id));
        let first = input.check_interval as f64;
        let mut backoff = Backoff::new(input.timeout, first, 1.5, MAX_INTERVAL);
        if let Some(enrichment) = backoff.poll(cx, &client, &path, done).await? {
            let status = status_of(&enrichment);
            let elapsed = backoff.elapsed();
            let mut sample = Vec::new();
            if input.sample_results && status == "completed" {
                let page = client
                    .get_json(
                        cx,
                        &items_path(&input.webset_id, None),
                        &[("limit", "5".to_string())],
                    )
                    .await?;
                sample = samples(&page, &input.enrichment_id);
            }
            cx.emit(EnrichmentOutput::EnrichmentId(input.enrichment_id));
            cx.emit(EnrichmentOutput::FinalStatus(status));
            cx.emit(EnrichmentOutput::ItemsEnriched(sample.len() as i64));
            cx.emit(EnrichmentOutput::EnrichmentTitle(title_of(&enrichment)));
            cx.emit(EnrichmentOutput::ElapsedTime(elapsed));
            if input.sample_results {
                cx.emit(EnrichmentOutput::SampleData(sample));
            }
            cx.emit(EnrichmentOutput::TimedOut(false));
            return Ok(());
        }
        let elapsed = backoff.elapsed();
        let last = client.get_json(cx, &path, &[]).await?;
        cx.emit(EnrichmentOutput::EnrichmentId(input.enrichment_id));
        cx.emit(EnrichmentOutput::FinalStatus(status_of(&last)));
        cx.emit(EnrichmentOutput::ItemsEnriched(0));
        cx.emit(EnrichmentOutput::EnrichmentTitle(title_of(&last)));
        cx.emit(EnrichmentOutput::ElapsedTime(elapsed));
        cx.emit(EnrichmentOutput::SampleData(Vec::new()));
        cx.emit(EnrichmentOutput::TimedOut(true));
        Ok(())
    }
}
