//! Webset items: ExaGetWebsetItemBlock (`GET /websets/v0/websets/{webset}/items/{id}`),
//! ExaListWebsetItemsBlock (the paginated list, optionally waiting for the first items) and
//! ExaDeleteWebsetItemBlock (`DELETE` of one item).

use std::time::{Duration, Instant};

use agentry_core::{Block, BlockError, BlockMeta, Category, CredentialsMeta, Cx};
use reqwest::Method;
use schemars::JsonSchema;
use serde::{Deserialize, Serialize};
use serde_json::{Map, Value};

use super::{Page, WebsetItem, items_path};
use crate::api::Payload;

pub struct ExaGetWebsetItem;
pub struct ExaListWebsetItems;
pub struct ExaDeleteWebsetItem;

#[derive(Deserialize, JsonSchema)]
pub struct GetInput {
    /// The Exa integration requires an API Key.
    #[serde(default)]
    #[schemars(extend("credentials_provider" = ["exa"], "credentials_types" = ["api_key"]))]
    pub credentials: CredentialsMeta,
    /// The ID or external ID of the Webset
    pub webset_id: String,
    /// The ID of the specific item to retrieve
    pub item_id: String,
}

#[derive(Serialize, JsonSchema)]
#[serde(tag = "pin", content = "value", rename_all = "snake_case")]
pub enum GetOutput {
    /// The unique identifier for the item
    ItemId(String),
    /// The URL of the original source
    Url(Option<String>),
    /// The title of the item
    Title(String),
    /// The main content of the item
    Content(String),
    /// Entity-specific structured data
    EntityData(Map<String, Value>),
    /// Enrichment data added to the item
    Enrichments(Map<String, Value>),
    /// When the item was added to the webset
    CreatedAt(String),
    /// When the item was last updated
    UpdatedAt(String),
}

impl Block for ExaGetWebsetItem {
    const META: BlockMeta = BlockMeta::standard(
        "c4a7d9e2-8f3b-4a6c-9d8e-a5b6c7d8e9f0",
        "ExaGetWebsetItemBlock",
        "Get a specific item from a webset by its ID",
        &[Category::Search],
    );
    type Input = GetInput;
    type Output = GetOutput;

    async fn run(&self, input: GetInput, cx: &mut Cx<'_, GetOutput>) -> Result<(), BlockError> {
        let client = super::super::client(cx, &input.credentials).await?;
        let path = items_path(&input.webset_id, Some(&input.item_id));
        let item = WebsetItem::from_api(&client.get_json(cx, &path, &[]).await?);
        cx.emit(GetOutput::ItemId(item.id));
        cx.emit(GetOutput::Url(item.url));
        cx.emit(GetOutput::Title(item.title));
        cx.emit(GetOutput::Content(item.content));
        cx.emit(GetOutput::EntityData(item.entity_data));
        cx.emit(GetOutput::Enrichments(item.enrichments));
        cx.emit(GetOutput::CreatedAt(item.created_at));
        cx.emit(GetOutput::UpdatedAt(item.updated_at));
        Ok(())
    }
}

fn twenty_five() -> i64 {
    25
}
fn sixty() -> i64 {
    60
}

#[derive(Deserialize, JsonSchema)]
pub struct ListInput {
    /// The Exa integration requires an API Key.
    #[serde(default)]
    #[schemars(extend("credentials_provider" = ["exa"], "credentials_types" = ["api_key"]))]
    pub credentials: CredentialsMeta,
    /// The ID or external ID of the Webset
    pub webset_id: String,
    /// Number of items to return (1-100)
    #[serde(default = "twenty_five")]
    #[schemars(range(min = 1, max = 100))]
    pub limit: i64,
    /// Cursor for pagination through results
    #[serde(default)]
    pub cursor: Option<String>,
    /// Wait for items to be available if webset is still processing
    #[serde(default)]
    pub wait_for_items: bool,
    /// Maximum time to wait for items in seconds
    #[serde(default = "sixty")]
    #[schemars(range(min = 1, max = 300))]
    pub wait_timeout: i64,
}

#[derive(Serialize, JsonSchema)]
#[serde(tag = "pin", content = "value", rename_all = "snake_case")]
pub enum ListOutput {
    /// List of webset items
    Items(Vec<WebsetItem>),
    /// The ID of the webset
    WebsetId(String),
    /// Individual item (yielded for each item in the list)
    Item(Box<WebsetItem>),
    /// Whether there are more items to paginate through
    HasMore(bool),
    /// Cursor for the next page of results
    NextCursor(Option<String>),
}

impl Block for ExaListWebsetItems {
    const META: BlockMeta = BlockMeta::standard(
        "7b5e8c9f-01a2-43c4-95e6-f7a8b9c0d1e2",
        "ExaListWebsetItemsBlock",
        "List items in a webset with pagination support",
        &[Category::Search],
    );
    type Input = ListInput;
    type Output = ListOutput;

    async fn run(&self, input: ListInput, cx: &mut Cx<'_, ListOutput>) -> Result<(), BlockError> {
        if !(1..=100).contains(&input.limit) || !(1..=300).contains(&input.wait_timeout) {
            return Err(BlockError::Input(format!(
                "limit must be 1 to 100 and wait_timeout 1 to 300 seconds, not {} and {}",
                input.limit, input.wait_timeout
            )));
        }
        let client = super::super::client(cx, &input.credentials).await?;
        let path = items_path(&input.webset_id, None);
        let mut query = vec![("limit", input.limit.to_string())];
        if let Some(cursor) = input.cursor.filter(|c| !c.is_empty()) {
            query.push(("cursor", cursor));
        }
        let mut page = client.get_json(cx, &path, &query).await?;
        if input.wait_for_items {
            // AutoGPT's back-off: 2 s, growing by a fifth up to 10 s, until items or the timeout.
            let started = Instant::now();
            let timeout = Duration::from_secs(input.wait_timeout as u64);
            let mut interval = 2.0_f64;
            while page["data"].as_array().is_none_or(Vec::is_empty) {
                let left = timeout.saturating_sub(started.elapsed());
                if left.is_zero() {
                    break;
                }
                tokio::time::sleep(Duration::from_secs_f64(interval).min(left)).await;
                interval = (interval * 1.2).min(10.0);
                page = client.get_json(cx, &path, &query).await?;
            }
        }
        Page::from_api(&page, WebsetItem::from_api).emit(
            cx,
            ListOutput::Items,
            |item| ListOutput::Item(Box::new(item)),
            ListOutput::HasMore,
            ListOutput::NextCursor,
        );
        cx.emit(ListOutput::WebsetId(input.webset_id));
        Ok(())
    }
}

#[derive(Deserialize, JsonSchema)]
pub struct DeleteInput {
    /// The Exa integration requires an API Key.
    #[serde(default)]
    #[schemars(extend("credentials_provider" = ["exa"], "credentials_types" = ["api_key"]))]
    pub credentials: CredentialsMeta,
    /// The ID or external ID of the Webset
    pub webset_id: String,
    /// The ID of the item to delete
    pub item_id: String,
}

#[derive(Serialize, JsonSchema)]
#[serde(tag = "pin", content = "value", rename_all = "snake_case")]
pub enum DeleteOutput {
    /// The ID of the deleted item
    ItemId(String),
    /// Whether the deletion was successful
    Success(String),
}

impl Block for ExaDeleteWebsetItem {
    const META: BlockMeta = BlockMeta::standard(
        "12c57fbe-c270-4877-a2b6-d2d05529ba79",
        "ExaDeleteWebsetItemBlock",
        "Delete a specific item from a webset",
        &[Category::Search],
    );
    type Input = DeleteInput;
    type Output = DeleteOutput;

    async fn run(
        &self,
        input: DeleteInput,
        cx: &mut Cx<'_, DeleteOutput>,
    ) -> Result<(), BlockError> {
        let client = super::super::client(cx, &input.credentials).await?;
        let path = items_path(&input.webset_id, Some(&input.item_id));
        let deleted = client
            .send_payload(cx, Method::DELETE, &path, &[], Payload::Empty)
            .await?;
        // The API answers with the deleted item; AutoGPT reports its id.
        let id = deleted["id"].as_str().unwrap_or(&input.item_id).to_string();
        cx.emit(DeleteOutput::ItemId(id));
        cx.emit(DeleteOutput::Success("true".into()));
        Ok(())
    }
}
