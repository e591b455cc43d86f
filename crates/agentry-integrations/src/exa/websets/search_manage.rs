//! Managing webset searches: ExaCancelWebsetSearchBlock (`POST …/searches/{id}/cancel`) and
//! ExaFindOrCreateSearchBlock (reads the webset's searches, creates one only when no search has
//! the same query).

use agentry_core::{Block, BlockError, BlockMeta, Category, CredentialsMeta, Cx};
use reqwest::Method;
use schemars::JsonSchema;
use serde::{Deserialize, Serialize};
use serde_json::json;

use super::search::{SearchBehavior, present, searches_path, status_of};
use super::websets_model::{SearchEntityType, webset_path};
use super::{number, text};
use crate::api::Payload;

pub struct ExaCancelWebsetSearch;
pub struct ExaFindOrCreateSearch;

#[derive(Deserialize, JsonSchema)]
pub struct CancelInput {
    /// The Exa integration requires an API Key.
    #[serde(default)]
    #[schemars(extend("credentials_provider" = ["exa"], "credentials_types" = ["api_key"]))]
    pub credentials: CredentialsMeta,
    /// The ID or external ID of the Webset
    pub webset_id: String,
    /// The ID of the search to cancel
    pub search_id: String,
    /// Optional reason for cancellation
    #[serde(default)]
    pub reason: Option<String>,
}

#[derive(Serialize, JsonSchema)]
#[serde(tag = "pin", content = "value", rename_all = "snake_case")]
pub enum CancelOutput {
    /// The ID of the canceled search
    SearchId(String),
    /// Status after cancellation
    Status(String),
    /// Number of items found before cancellation
    ItemsFoundBeforeCancel(i64),
    /// Whether the cancellation was successful
    Success(String),
}

impl Block for ExaCancelWebsetSearch {
    const META: BlockMeta = BlockMeta::standard(
        "74ef9f1e-ae89-4c7f-9d7d-d217214815b4",
        "ExaCancelWebsetSearchBlock",
        "Cancel a running webset search",
        &[Category::Search],
    );
    type Input = CancelInput;
    type Output = CancelOutput;

    async fn run(
        &self,
        input: CancelInput,
        cx: &mut Cx<'_, CancelOutput>,
    ) -> Result<(), BlockError> {
        present(&[
            ("webset_id", &input.webset_id),
            ("search_id", &input.search_id),
        ])?;
        let client = super::super::client(cx, &input.credentials).await?;
        // The cancel endpoint takes no body: the reason is not sent, as in AutoGPT.
        let path = format!(
            "{}/cancel",
            searches_path(&input.webset_id, Some(&input.search_id))
        );
        let canceled = client
            .send_payload(cx, Method::POST, &path, &[], Payload::Empty)
            .await?;
        cx.emit(CancelOutput::SearchId(text(&canceled["id"])));
        cx.emit(CancelOutput::Status(status_of(&canceled)));
        cx.emit(CancelOutput::ItemsFoundBeforeCancel(number(
            &canceled["progress"]["found"],
        )));
        cx.emit(CancelOutput::Success("true".into()));
        Ok(())
    }
}

fn ten() -> i64 {
    10
}
fn override_behavior() -> SearchBehavior {
    SearchBehavior::Override
}

#[derive(Deserialize, JsonSchema)]
pub struct FindOrCreateInput {
    /// The Exa integration requires an API Key.
    #[serde(default)]
    #[schemars(extend("credentials_provider" = ["exa"], "credentials_types" = ["api_key"]))]
    pub credentials: CredentialsMeta,
    /// The ID or external ID of the Webset
    pub webset_id: String,
    /// Search query to find or create
    pub query: String,
    /// Number of items to find (only used if creating new search)
    #[serde(default = "ten")]
    #[schemars(range(min = 1, max = 1000))]
    pub count: i64,
    /// Entity type (only used if creating)
    #[serde(default)]
    pub entity_type: SearchEntityType,
    /// Search behavior (only used if creating)
    #[serde(default = "override_behavior")]
    pub behavior: SearchBehavior,
}

#[derive(Serialize, JsonSchema)]
#[serde(tag = "pin", content = "value", rename_all = "snake_case")]
pub enum FindOrCreateOutput {
    /// The search ID (existing or new)
    SearchId(String),
    /// The webset ID
    WebsetId(String),
    /// Current search status
    Status(String),
    /// The search query
    Query(String),
    /// True if search was newly created, False if already existed
    WasCreated(bool),
    /// Number of items found (0 if still running)
    ItemsFound(i64),
}

impl Block for ExaFindOrCreateSearch {
    const META: BlockMeta = BlockMeta::standard(
        "cbdb05ac-cb73-4b03-a493-6d34e9a011da",
        "ExaFindOrCreateSearchBlock",
        "Find existing search by query or create new - prevents duplicate searches in workflows",
        &[Category::Search],
    );
    type Input = FindOrCreateInput;
    type Output = FindOrCreateOutput;

    async fn run(
        &self,
        input: FindOrCreateInput,
        cx: &mut Cx<'_, FindOrCreateOutput>,
    ) -> Result<(), BlockError> {
        present(&[("webset_id", &input.webset_id), ("query", &input.query)])?;
        if !(1..=1000).contains(&input.count) {
            return Err(BlockError::Input(format!(
                "count must be 1 to 1000, not {}",
                input.count
            )));
        }
        let client = super::super::client(cx, &input.credentials).await?;
        let webset = client
            .get_json(cx, &webset_path(Some(&input.webset_id)), &[])
            .await?;
        // The same query ignoring case and surrounding spaces, as AutoGPT compares them.
        let wanted = input.query.trim().to_lowercase();
        let existing = webset["searches"]
            .as_array()
            .into_iter()
            .flatten()
            .find(|s| text(&s["query"]).trim().to_lowercase() == wanted)
            .cloned();
        let (search, was_created) = match existing {
            Some(search) => (search, false),
            None => {
                let mut body = json!({"query": input.query, "count": input.count,
                    "behavior": input.behavior});
                if input.entity_type != SearchEntityType::Auto {
                    body["entity"] = json!({"type": input.entity_type});
                }
                let path = searches_path(&input.webset_id, None);
                (
                    client.send_json(cx, Method::POST, &path, &body).await?,
                    true,
                )
            }
        };
        let found = if was_created {
            0
        } else {
            number(&search["progress"]["found"])
        };
        cx.emit(FindOrCreateOutput::SearchId(text(&search["id"])));
        cx.emit(FindOrCreateOutput::WebsetId(input.webset_id));
        cx.emit(FindOrCreateOutput::Status(status_of(&search)));
        cx.emit(FindOrCreateOutput::Query(text(&search["query"])));
        cx.emit(FindOrCreateOutput::WasCreated(was_created));
        cx.emit(FindOrCreateOutput::ItemsFound(found));
        Ok(())
    }
}
