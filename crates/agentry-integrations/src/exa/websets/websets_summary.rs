//! ExaWebsetSummaryBlock: a webset (`GET /websets/v0/websets/{id}`) with a sample of its items
//! (`GET …/items?limit=`) summarised as AutoGPT does: searches, enrichments, monitors, statistics.

use agentry_core::{Block, BlockError, BlockMeta, Category, CredentialsMeta, Cx};
use schemars::JsonSchema;
use serde::{Deserialize, Serialize};
use serde_json::{Map, Value, json};

use super::items_path;
use super::websets_insights::processing;
use super::websets_model::webset_path;
use super::{iso, isoformat, pruned, text};

pub struct ExaWebsetSummary;

fn yes() -> bool {
    true
}
fn three() -> i64 {
    3
}

#[derive(Deserialize, JsonSchema)]
pub struct SummaryInput {
    /// The Exa integration requires an API Key.
    #[serde(default)]
    #[schemars(extend("credentials_provider" = ["exa"], "credentials_types" = ["api_key"]))]
    pub credentials: CredentialsMeta,
    /// The ID or external ID of the Webset
    pub webset_id: String,
    /// Include sample items in the summary
    #[serde(default = "yes")]
    pub include_sample_items: bool,
    /// Number of sample items to include
    #[serde(default = "three")]
    #[schemars(range(min = 0, max = 10))]
    pub sample_size: i64,
    /// Include details about searches
    #[serde(default = "yes")]
    pub include_search_details: bool,
    /// Include details about enrichments
    #[serde(default = "yes")]
    pub include_enrichment_details: bool,
}

#[derive(Serialize, JsonSchema)]
#[serde(tag = "pin", content = "value", rename_all = "snake_case")]
pub enum SummaryOutput {
    /// The webset identifier
    WebsetId(String),
    /// Title of the webset if available
    Title(Option<String>),
    /// Current status
    Status(String),
    /// Type of entities in the webset
    EntityType(String),
    /// Total number of items
    TotalItems(i64),
    /// Sample items from the webset
    SampleItems(Vec<Map<String, Value>>),
    /// Summary of searches performed
    SearchSummary(Map<String, Value>),
    /// Summary of enrichments applied
    EnrichmentSummary(Map<String, Value>),
    /// Summary of monitors configured
    MonitorSummary(Map<String, Value>),
    /// Various statistics about the webset
    Statistics(Map<String, Value>),
    /// When the webset was created
    CreatedAt(String),
    /// When the webset was last updated
    UpdatedAt(String),
}

fn list<'v>(v: &'v Value, key: &str) -> &'v [Value] {
    v[key].as_array().map_or(&[], Vec::as_slice)
}

fn object(v: Value) -> Map<String, Value> {
    match v {
        Value::Object(map) => map,
        _ => Map::new(),
    }
}

/// AutoGPT's search summary: counts, items found (the SDK's float) and the first 3 queries.
fn search_summary(searches: &[Value]) -> Map<String, Value> {
    let total_found: f64 = searches
        .iter()
        .filter_map(|s| s["progress"]["found"].as_f64())
        .sum();
    object(json!({
        "total_searches": searches.len(),
        "completed_searches": searches.iter().filter(|s| s["status"] == "completed").count(),
        "total_items_found": total_found,
        "queries": searches.iter().take(3).map(|s| s["query"].clone()).collect::<Vec<_>>(),
    }))
}

/// AutoGPT's enrichment summary; its formats are a Python set, here in first-seen order.
fn enrichment_summary(enrichments: &[Value]) -> Map<String, Value> {
    let mut formats: Vec<String> = Vec::new();
    for e in enrichments {
        let format = e["format"]
            .as_str()
            .map_or_else(|| "None".into(), str::to_string);
        if !formats.contains(&format) {
            formats.push(format);
        }
    }
    let titles: Vec<String> = enrichments
        .iter()
        .take(3)
        .map(|e| {
            let title = [&e["title"], &e["description"]]
                .into_iter()
                .filter_map(Value::as_str)
                .find(|t| !t.is_empty())
                .unwrap_or("");
            title.chars().take(50).collect()
        })
        .collect();
    object(json!({
        "total_enrichments": enrichments.len(),
        "completed_enrichments": enrichments.iter().filter(|e| e["status"] == "completed").count(),
        "enrichment_types": formats,
        "titles": titles,
    }))
}

fn monitor_summary(monitors: &[Value]) -> Map<String, Value> {
    let mut summary = object(json!({
        "total_monitors": monitors.len(),
        "active_monitors": monitors.iter().filter(|m| m["status"] == "enabled").count(),
    }));
    // Python's `min` of the isoformat strings: the earliest when the offsets agree.
    let next_run = monitors
        .iter()
        .filter_map(|m| m["nextRunAt"].as_str())
        .map(isoformat)
        .min();
    if let Some(next_run) = next_run {
        summary.insert("next_run".into(), json!(next_run));
    }
    summary
}

impl Block for ExaWebsetSummary {
    const META: BlockMeta = BlockMeta::standard(
        "9eff1710-a49b-490e-b486-197bf8b23c61",
        "ExaWebsetSummaryBlock",
        "Get a comprehensive summary of a webset with samples and statistics",
        &[Category::Search],
    );
    type Input = SummaryInput;
    type Output = SummaryOutput;

    async fn run(
        &self,
        input: SummaryInput,
        cx: &mut Cx<'_, SummaryOutput>,
    ) -> Result<(), BlockError> {
        if !(0..=10).contains(&input.sample_size) {
            return Err(BlockError::Input(format!(
                "sample_size must be 0 to 10, not {}",
                input.sample_size
            )));
        }
        let client = super::super::client(cx, &input.credentials).await?;
        let webset = client
            .get_json(cx, &webset_path(Some(&input.webset_id)), &[])
            .await?;
        let status = text(&webset["status"]);
        let searches = list(&webset, "searches");
        let entity_type = searches
            .first()
            .and_then(|s| s["entity"]["type"].as_str())
            .unwrap_or("unknown")
            .to_string();
        let mut samples = Vec::new();
        if input.include_sample_items && input.sample_size > 0 {
            let query = [("limit", input.sample_size.to_string())];
            let page = client
                .get_json(cx, &items_path(&input.webset_id, None), &query)
                .await?;
            samples = list(&page, "data")
                .iter()
                .filter_map(|item| pruned(item).as_object().cloned())
                .collect();
        }
        let search_summary = if input.include_search_details && !searches.is_empty() {
            search_summary(searches)
        } else {
            Map::new()
        };
        let enrichments = list(&webset, "enrichments");
        let enrichment_summary = if input.include_enrichment_details && !enrichments.is_empty() {
            enrichment_summary(enrichments)
        } else {
            Map::new()
        };
        let monitors = list(&webset, "monitors");
        let found = search_summary
            .get("total_items_found")
            .and_then(Value::as_f64)
            .unwrap_or(0.0);
        let average = if searches.is_empty() {
            json!(0)
        } else {
            json!(found / searches.len() as f64)
        };
        let statistics = object(json!({
            "total_operations": searches.len() + enrichments.len(),
            "is_processing": processing(&status),
            "has_monitors": !monitors.is_empty(),
            "avg_items_per_search": average,
        }));
        cx.emit(SummaryOutput::WebsetId(text(&webset["id"])));
        // The API's webset title is not read, as AutoGPT (whose SDK had none) does.
        cx.emit(SummaryOutput::Title(None));
        cx.emit(SummaryOutput::Status(status));
        cx.emit(SummaryOutput::EntityType(entity_type));
        cx.emit(SummaryOutput::TotalItems(samples.len() as i64));
        cx.emit(SummaryOutput::SampleItems(samples));
        cx.emit(SummaryOutput::SearchSummary(search_summary));
        cx.emit(SummaryOutput::EnrichmentSummary(enrichment_summary));
        cx.emit(SummaryOutput::MonitorSummary(monitor_summary(monitors)));
        cx.emit(SummaryOutput::Statistics(statistics));
        cx.emit(SummaryOutput::CreatedAt(iso(&webset["createdAt"])));
        cx.emit(SummaryOutput::UpdatedAt(iso(&webset["updatedAt"])));
        Ok(())
    }
}
