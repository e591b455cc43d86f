//! Looking before and at a webset: ExaPreviewWebsetBlock (`POST /websets/v0/websets/preview`),
//! ExaWebsetStatusBlock and ExaWebsetReadyCheckBlock (counts and a readiness verdict from
//! `GET /websets/v0/websets/{id}`). The summary block is in `websets_summary.rs`.

use agentry_core::{Block, BlockError, BlockMeta, Category, CredentialsMeta, Cx};
use reqwest::Method;
use schemars::JsonSchema;
use serde::{Deserialize, Serialize};
use serde_json::{Map, Value, json};

use super::websets_model::{SearchEntityType, count, found, webset_path};
use super::{dumps, iso, maybe_text, pruned, text};

pub struct ExaPreviewWebset;
pub struct ExaWebsetStatus;
pub struct ExaWebsetReadyCheck;

#[derive(Deserialize, JsonSchema)]
pub struct PreviewInput {
    /// The Exa integration requires an API Key.
    #[serde(default)]
    #[schemars(extend("credentials_provider" = ["exa"], "credentials_types" = ["api_key"]))]
    pub credentials: CredentialsMeta,
    /// Your search query to preview. Use this to see how Exa will interpret your search before creating a webset.
    pub query: String,
    /// Entity type to force: 'company', 'person', 'article', 'research_paper', or 'custom'. If not provided, Exa will auto-detect.
    #[serde(default)]
    #[schemars(extend("advanced" = true))]
    pub entity_type: Option<SearchEntityType>,
    /// Description for custom entity type (required when entity_type is 'custom')
    #[serde(default)]
    #[schemars(extend("advanced" = true))]
    pub entity_description: Option<String>,
}

#[derive(Serialize, JsonSchema)]
#[serde(tag = "pin", content = "value", rename_all = "snake_case")]
pub enum PreviewOutput {
    /// The detected or specified entity type
    EntityType(String),
    /// Description of the entity type
    EntityDescription(Option<String>),
    /// Generated search criteria that will be used
    Criteria(Vec<Map<String, Value>>),
    /// Available enrichment columns that can be extracted
    EnrichmentColumns(Vec<Map<String, Value>>),
    /// Human-readable interpretation of how the query will be processed
    Interpretation(String),
    /// Suggestions for improving the query
    Suggestions(Vec<String>),
}

impl Block for ExaPreviewWebset {
    const META: BlockMeta = BlockMeta::standard(
        "f8c4e2a1-9b3d-4e5f-a6c7-d8e9f0a1b2c3",
        "ExaPreviewWebsetBlock",
        "Preview how a search query will be interpreted before creating a webset. Helps understand entity detection, criteria generation, and available enrichments.",
        &[Category::Search],
    );
    type Input = PreviewInput;
    type Output = PreviewOutput;

    async fn run(
        &self,
        input: PreviewInput,
        cx: &mut Cx<'_, PreviewOutput>,
    ) -> Result<(), BlockError> {
        let mut body = json!({"query": input.query});
        if let Some(kind) = input.entity_type {
            let mut entity = json!({"type": kind.as_str()});
            if let (SearchEntityType::Custom, Some(d)) = (kind, &input.entity_description)
                && !d.is_empty()
            {
                entity["description"] = json!(d);
            }
            body["entity"] = entity;
        }
        let client = super::super::client(cx, &input.credentials).await?;
        let path = format!("{}/preview", webset_path(None));
        let preview = client.send_json(cx, Method::POST, &path, &body).await?;
        // The API answers `{search: {entity, criteria}, enrichments}` (the SDK's
        // `PreviewWebsetResponse`).
        let entity = pruned(&preview["search"]["entity"]);
        let entity_type = entity["type"].as_str().unwrap_or("auto").to_string();
        let entity_description = maybe_text(&entity["description"]);
        let criteria = dumps(&preview["search"], "criteria");
        let enrichments = dumps(&preview, "enrichments");
        let mut interpretation = format!("Query will search for {entity_type}");
        if let Some(d) = entity_description.as_deref().filter(|d| !d.is_empty()) {
            interpretation.push_str(&format!(" ({d})"));
        }
        if !criteria.is_empty() {
            interpretation.push_str(&format!(" with {} criteria", criteria.len()));
        }
        if !enrichments.is_empty() {
            interpretation.push_str(&format!(
                " and {} available enrichment columns",
                enrichments.len()
            ));
        }
        let mut suggestions = Vec::new();
        if criteria.is_empty() {
            suggestions.push("Consider adding specific criteria to narrow your search".into());
        }
        if enrichments.is_empty() {
            suggestions.push("Consider specifying what data points you want to extract".into());
        }
        cx.emit(PreviewOutput::EntityType(entity_type));
        cx.emit(PreviewOutput::EntityDescription(entity_description));
        cx.emit(PreviewOutput::Criteria(criteria));
        cx.emit(PreviewOutput::EnrichmentColumns(enrichments));
        cx.emit(PreviewOutput::Interpretation(interpretation));
        cx.emit(PreviewOutput::Suggestions(suggestions));
        Ok(())
    }
}

#[derive(Deserialize, JsonSchema)]
pub struct StatusInput {
    /// The Exa integration requires an API Key.
    #[serde(default)]
    #[schemars(extend("credentials_provider" = ["exa"], "credentials_types" = ["api_key"]))]
    pub credentials: CredentialsMeta,
    /// The ID or external ID of the Webset
    pub webset_id: String,
}

#[derive(Serialize, JsonSchema)]
#[serde(tag = "pin", content = "value", rename_all = "snake_case")]
pub enum StatusOutput {
    /// The webset identifier
    WebsetId(String),
    /// Current status (idle, running, paused, etc.)
    Status(String),
    /// Total number of items in the webset
    ItemCount(i64),
    /// Number of searches performed
    SearchCount(i64),
    /// Number of enrichments configured
    EnrichmentCount(i64),
    /// Number of monitors configured
    MonitorCount(i64),
    /// When the webset was last updated
    LastUpdated(String),
    /// Whether any operations are currently running
    IsProcessing(bool),
}

/// Whether a webset of `status` is still working (AutoGPT's `running` or `pending`).
pub fn processing(status: &str) -> bool {
    matches!(status, "running" | "pending")
}

impl Block for ExaWebsetStatus {
    const META: BlockMeta = BlockMeta::standard(
        "47cc3cd8-840f-4ec4-8d40-fcaba75fbe1a",
        "ExaWebsetStatusBlock",
        "Get a quick status overview of a webset",
        &[Category::Search],
    );
    type Input = StatusInput;
    type Output = StatusOutput;

    async fn run(
        &self,
        input: StatusInput,
        cx: &mut Cx<'_, StatusOutput>,
    ) -> Result<(), BlockError> {
        let client = super::super::client(cx, &input.credentials).await?;
        let webset = client
            .get_json(cx, &webset_path(Some(&input.webset_id)), &[])
            .await?;
        let status = text(&webset["status"]);
        cx.emit(StatusOutput::WebsetId(text(&webset["id"])));
        cx.emit(StatusOutput::Status(status.clone()));
        // The item count is estimated from the searches' progress, as AutoGPT does.
        cx.emit(StatusOutput::ItemCount(found(&webset) as i64));
        cx.emit(StatusOutput::SearchCount(count(&webset, "searches")));
        cx.emit(StatusOutput::EnrichmentCount(count(&webset, "enrichments")));
        cx.emit(StatusOutput::MonitorCount(count(&webset, "monitors")));
        cx.emit(StatusOutput::LastUpdated(iso(&webset["updatedAt"])));
        cx.emit(StatusOutput::IsProcessing(processing(&status)));
        Ok(())
    }
}

fn one() -> i64 {
    1
}

#[derive(Deserialize, JsonSchema)]
pub struct ReadyInput {
    /// The Exa integration requires an API Key.
    #[serde(default)]
    #[schemars(extend("credentials_provider" = ["exa"], "credentials_types" = ["api_key"]))]
    pub credentials: CredentialsMeta,
    /// The ID or external ID of the Webset to check
    pub webset_id: String,
    /// Minimum number of items required to be 'ready'
    #[serde(default = "one")]
    #[schemars(range(min = 0))]
    pub min_items: i64,
}

#[derive(Serialize, JsonSchema)]
#[serde(tag = "pin", content = "value", rename_all = "snake_case")]
pub enum ReadyOutput {
    /// True if webset is idle AND has minimum items
    IsReady(bool),
    /// Current webset status
    Status(String),
    /// Number of items in webset
    ItemCount(i64),
    /// Whether webset has any searches configured
    HasSearches(bool),
    /// Whether webset has any enrichments
    HasEnrichments(bool),
    /// Suggested next action (ready_to_process, waiting_for_results, needs_search, etc.)
    Recommendation(String),
}

impl Block for ExaWebsetReadyCheck {
    const META: BlockMeta = BlockMeta::standard(
        "faf9f0f3-e659-4264-b33b-284a02166bec",
        "ExaWebsetReadyCheckBlock",
        "Check if webset is ready for next operation - enables conditional workflow branching",
        &[Category::Search, Category::Logic],
    );
    type Input = ReadyInput;
    type Output = ReadyOutput;

    async fn run(&self, input: ReadyInput, cx: &mut Cx<'_, ReadyOutput>) -> Result<(), BlockError> {
        if input.min_items < 0 {
            return Err(BlockError::Input(format!(
                "min_items must be 0 or more, not {}",
                input.min_items
            )));
        }
        let client = super::super::client(cx, &input.credentials).await?;
        let webset = client
            .get_json(cx, &webset_path(Some(&input.webset_id)), &[])
            .await?;
        let status = text(&webset["status"]);
        let items = found(&webset);
        let has_min_items = items >= input.min_items as f64;
        let has_searches = count(&webset, "searches") > 0;
        let has_enrichments = count(&webset, "enrichments") > 0;
        let recommendation = if !has_searches {
            "needs_search"
        } else if processing(&status) {
            "waiting_for_results"
        } else if !has_min_items {
            "insufficient_items"
        } else if !has_enrichments {
            "ready_to_enrich"
        } else {
            "ready_to_process"
        };
        cx.emit(ReadyOutput::IsReady(status == "idle" && has_min_items));
        cx.emit(ReadyOutput::Status(status));
        cx.emit(ReadyOutput::ItemCount(items as i64));
        cx.emit(ReadyOutput::HasSearches(has_searches));
        cx.emit(ReadyOutput::HasEnrichments(has_enrichments));
        cx.emit(ReadyOutput::Recommendation(recommendation.into()));
        Ok(())
    }
}
