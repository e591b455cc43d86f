//! Reading many webset items: ExaBulkWebsetItemsBlock (following the cursor up to a cap),
//! ExaWebsetItemsSummaryBlock (the webset's searches and enrichments plus a sample) and
//! ExaGetNewItemsBlock (one page after a saved cursor, for incremental runs).

use agentry_core::{Block, BlockError, BlockMeta, Category, CredentialsMeta, Cx};
use schemars::JsonSchema;
use serde::{Deserialize, Serialize};
use serde_json::Value;

use super::{WebsetItem, items_path, maybe_text};

pub struct ExaBulkWebsetItems;
pub struct ExaWebsetItemsSummary;
pub struct ExaGetNewItems;

fn hundred() -> i64 {
    100
}
fn yes() -> bool {
    true
}
fn five() -> i64 {
    5
}

/// The Websets API's largest page of items.
const PAGE: i64 = 100;

#[derive(Deserialize, JsonSchema)]
pub struct BulkInput {
    /// The Exa integration requires an API Key.
    #[serde(default)]
    #[schemars(extend("credentials_provider" = ["exa"], "credentials_types" = ["api_key"]))]
    pub credentials: CredentialsMeta,
    /// The ID or external ID of the Webset
    pub webset_id: String,
    /// Maximum number of items to retrieve (1-1000). Note: Large values may take longer.
    #[serde(default = "hundred")]
    #[schemars(range(min = 1, max = 1000))]
    pub max_items: i64,
    /// Include enrichment data for each item
    #[serde(default = "yes")]
    pub include_enrichments: bool,
    /// Include full content for each item
    #[serde(default = "yes")]
    pub include_content: bool,
}

#[derive(Serialize, JsonSchema)]
#[serde(tag = "pin", content = "value", rename_all = "snake_case")]
pub enum BulkOutput {
    /// All items from the webset
    Items(Vec<WebsetItem>),
    /// Individual item (yielded for each item)
    Item(Box<WebsetItem>),
    /// Total number of items retrieved
    TotalRetrieved(i64),
    /// Whether results were truncated due to max_items limit
    Truncated(bool),
}

fn check_max_items(max_items: i64) -> Result<(), BlockError> {
    if (1..=1000).contains(&max_items) {
        return Ok(());
    }
    Err(BlockError::Input(format!(
        "max_items must be between 1 and 1000, not {max_items}"
    )))
}

impl Block for ExaBulkWebsetItems {
    const META: BlockMeta = BlockMeta::standard(
        "dbd619f5-476e-4395-af9a-a7a7c0fb8c4e",
        "ExaBulkWebsetItemsBlock",
        "Get all items from a webset in bulk (with configurable limits)",
        &[Category::Search],
    );
    type Input = BulkInput;
    type Output = BulkOutput;

    async fn run(&self, input: BulkInput, cx: &mut Cx<'_, BulkOutput>) -> Result<(), BlockError> {
        check_max_items(input.max_items)?;
        let client = super::super::client(cx, &input.credentials).await?;
        let path = items_path(&input.webset_id, None);
        let max = input.max_items as usize;
        let mut items: Vec<WebsetItem> = Vec::new();
        let mut cursor: Option<String> = None;
        while items.len() < max {
            let mut query = vec![("limit", PAGE.min(input.max_items).to_string())];
            if let Some(c) = &cursor {
                query.push(("cursor", c.clone()));
            }
            let page = client.get_json(cx, &path, &query).await?;
            for raw in page["data"].as_array().into_iter().flatten() {
                if items.len() >= max {
                    break;
                }
                let mut item = WebsetItem::from_api(raw);
                if !input.include_enrichments {
                    item.enrichments.clear();
                }
                if !input.include_content {
                    item.content.clear();
                }
                items.push(item);
            }
            cursor = maybe_text(&page["nextCursor"]);
            if page["hasMore"].as_bool() != Some(true) || cursor.is_none() {
                break;
            }
        }
        let total = items.len();
        cx.emit(BulkOutput::Items(items.clone()));
        for item in items {
            cx.emit(BulkOutput::Item(Box::new(item)));
        }
        cx.emit(BulkOutput::TotalRetrieved(total as i64));
        cx.emit(BulkOutput::Truncated(total >= max));
        Ok(())
    }
}

#[derive(Deserialize, JsonSchema)]
pub struct SummaryInput {
    /// The Exa integration requires an API Key.
    #[serde(default)]
    #[schemars(extend("credentials_provider" = ["exa"], "credentials_types" = ["api_key"]))]
    pub credentials: CredentialsMeta,
    /// The ID or external ID of the Webset
    pub webset_id: String,
    /// Number of sample items to include
    #[serde(default = "five")]
    #[schemars(range(min = 0, max = 10))]
    pub sample_size: i64,
}

#[derive(Serialize, JsonSchema)]
#[serde(tag = "pin", content = "value", rename_all = "snake_case")]
pub enum SummaryOutput {
    /// Total number of items in the webset
    TotalItems(i64),
    /// Type of entities in the webset
    EntityType(String),
    /// Sample of items from the webset
    SampleItems(Vec<WebsetItem>),
    /// List of enrichment columns available
    EnrichmentColumns(Vec<String>),
}

impl Block for ExaWebsetItemsSummary {
    const META: BlockMeta = BlockMeta::standard(
        "db7813ad-10bd-4652-8623-5667d6fecdd5",
        "ExaWebsetItemsSummaryBlock",
        "Get a summary of webset items without retrieving all data",
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
                "sample_size must be between 0 and 10, not {}",
                input.sample_size
            )));
        }
        let client = super::super::client(cx, &input.credentials).await?;
        let webset_path = format!(
            "/websets/v0/websets/{}",
            crate::api::segment(&input.webset_id)
        );
        let webset = client.get_json(cx, &webset_path, &[]).await?;
        let searches = webset["searches"].as_array().cloned().unwrap_or_default();
        let entity_type = searches
            .first()
            .and_then(|s| s["entity"]["type"].as_str())
            .unwrap_or("unknown")
            .to_string();
        // A column is named by its title, else its description.
        let columns = webset["enrichments"]
            .as_array()
            .into_iter()
            .flatten()
            .map(|e| {
                e["title"]
                    .as_str()
                    .filter(|t| !t.is_empty())
                    .or(e["description"].as_str())
                    .unwrap_or_default()
                    .to_string()
            })
            .collect();
        let mut sample = Vec::new();
        if input.sample_size > 0 {
            let query = [("limit", input.sample_size.to_string())];
            let page = client
                .get_json(cx, &items_path(&input.webset_id, None), &query)
                .await?;
            sample = items_of(&page);
        }
        let total: i64 = searches
            .iter()
            .map(|s| s["progress"]["found"].as_i64().unwrap_or(0))
            .sum();
        cx.emit(SummaryOutput::TotalItems(total));
        cx.emit(SummaryOutput::EntityType(entity_type));
        cx.emit(SummaryOutput::SampleItems(sample));
        cx.emit(SummaryOutput::EnrichmentColumns(columns));
        Ok(())
    }
}

fn items_of(page: &Value) -> Vec<WebsetItem> {
    page["data"]
        .as_array()
        .into_iter()
        .flatten()
        .map(WebsetItem::from_api)
        .collect()
}

#[derive(Deserialize, JsonSchema)]
pub struct NewInput {
    /// The Exa integration requires an API Key.
    #[serde(default)]
    #[schemars(extend("credentials_provider" = ["exa"], "credentials_types" = ["api_key"]))]
    pub credentials: CredentialsMeta,
    /// The ID or external ID of the Webset
    pub webset_id: String,
    /// Cursor from previous run - only items after this will be returned. Leave empty on first run.
    #[serde(default)]
    pub since_cursor: Option<String>,
    /// Maximum number of new items to retrieve
    #[serde(default = "hundred")]
    #[schemars(range(min = 1, max = 1000))]
    pub max_items: i64,
}

#[derive(Serialize, JsonSchema)]
#[serde(tag = "pin", content = "value", rename_all = "snake_case")]
pub enum NewOutput {
    /// Items added since the cursor
    NewItems(Vec<WebsetItem>),
    /// Individual item (yielded for each new item)
    Item(Box<WebsetItem>),
    /// Number of new items found
    Count(i64),
    /// Save this cursor for the next run to get only newer items
    NextCursor(Option<String>),
    /// Whether there are more new items beyond max_items
    HasMore(bool),
}

impl Block for ExaGetNewItems {
    const META: BlockMeta = BlockMeta::standard(
        "3ff9bdf5-9613-4d21-8a60-90eb8b69c414",
        "ExaGetNewItemsBlock",
        "Get items added since a cursor - enables incremental processing without reprocessing",
        &[Category::Search, Category::Data],
    );
    type Input = NewInput;
    type Output = NewOutput;

    async fn run(&self, input: NewInput, cx: &mut Cx<'_, NewOutput>) -> Result<(), BlockError> {
        check_max_items(input.max_items)?;
        let client = super::super::client(cx, &input.credentials).await?;
        let mut query = vec![("limit", input.max_items.to_string())];
        if let Some(cursor) = input.since_cursor.filter(|c| !c.is_empty()) {
            query.push(("cursor", cursor));
        }
        let page = client
            .get_json(cx, &items_path(&input.webset_id, None), &query)
            .await?;
        let items = items_of(&page);
        let count = items.len() as i64;
        cx.emit(NewOutput::NewItems(items.clone()));
        for item in items {
            cx.emit(NewOutput::Item(Box::new(item)));
        }
        cx.emit(NewOutput::Count(count));
        cx.emit(NewOutput::NextCursor(maybe_text(&page["nextCursor"])));
        cx.emit(NewOutput::HasMore(
            page["hasMore"].as_bool().unwrap_or(false),
        ));
        Ok(())
    }
}
