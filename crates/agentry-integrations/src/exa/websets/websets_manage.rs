//! Reading and changing websets: ExaGetWebsetBlock (`GET /websets/v0/websets/{id}`),
//! ExaListWebsetsBlock (the paginated list) and ExaUpdateWebsetBlock (`POST` of new metadata).

use agentry_core::{Block, BlockError, BlockMeta, Category, CredentialsMeta, Cx};
use reqwest::Method;
use schemars::JsonSchema;
use serde::{Deserialize, Serialize};
use serde_json::{Map, Value, json};

use super::websets_model::{Webset, webset_path};
use super::{Page, dumps, iso, maybe_text, metadata, pruned, text};

pub struct ExaGetWebset;
pub struct ExaListWebsets;
pub struct ExaUpdateWebset;

#[derive(Deserialize, JsonSchema)]
pub struct GetInput {
    /// The Exa integration requires an API Key.
    #[serde(default)]
    #[schemars(extend("credentials_provider" = ["exa"], "credentials_types" = ["api_key"]))]
    pub credentials: CredentialsMeta,
    /// The ID or external ID of the Webset to retrieve
    pub webset_id: String,
}

#[derive(Serialize, JsonSchema)]
#[serde(tag = "pin", content = "value", rename_all = "snake_case")]
pub enum GetOutput {
    /// The unique identifier for the webset
    WebsetId(String),
    /// The status of the webset
    Status(String),
    /// The external identifier for the webset
    ExternalId(Option<String>),
    /// The searches performed on the webset
    Searches(Vec<Map<String, Value>>),
    /// The enrichments applied to the webset
    Enrichments(Vec<Map<String, Value>>),
    /// The monitors for the webset
    Monitors(Vec<Map<String, Value>>),
    /// The items in the webset (if expand_items is true)
    Items(Option<Vec<Map<String, Value>>>),
    /// Key-value pairs associated with the webset
    Metadata(Map<String, Value>),
    /// The date and time the webset was created
    CreatedAt(String),
    /// The date and time the webset was last updated
    UpdatedAt(String),
}

impl Block for ExaGetWebset {
    const META: BlockMeta = BlockMeta::standard(
        "6ab8e12a-132c-41bf-b5f3-d662620fa832",
        "ExaGetWebsetBlock",
        "Retrieve a Webset by ID or external ID",
        &[Category::Search],
    );
    type Input = GetInput;
    type Output = GetOutput;

    async fn run(&self, input: GetInput, cx: &mut Cx<'_, GetOutput>) -> Result<(), BlockError> {
        let client = super::super::client(cx, &input.credentials).await?;
        let path = webset_path(Some(&input.webset_id));
        let webset = client.get_json(cx, &path, &[]).await?;
        cx.emit(GetOutput::WebsetId(text(&webset["id"])));
        cx.emit(GetOutput::Status(text(&webset["status"])));
        cx.emit(GetOutput::ExternalId(maybe_text(&webset["externalId"])));
        cx.emit(GetOutput::Searches(dumps(&webset, "searches")));
        cx.emit(GetOutput::Enrichments(dumps(&webset, "enrichments")));
        cx.emit(GetOutput::Monitors(dumps(&webset, "monitors")));
        // AutoGPT never expands the items.
        cx.emit(GetOutput::Items(None));
        cx.emit(GetOutput::Metadata(metadata(&webset)));
        cx.emit(GetOutput::CreatedAt(iso(&webset["createdAt"])));
        cx.emit(GetOutput::UpdatedAt(iso(&webset["updatedAt"])));
        Ok(())
    }
}

fn twenty_five() -> i64 {
    25
}

#[derive(Deserialize, JsonSchema)]
pub struct ListInput {
    /// The Exa integration requires an API Key.
    #[serde(default)]
    #[schemars(extend("credentials_provider" = ["exa"], "credentials_types" = ["api_key"]))]
    pub credentials: CredentialsMeta,
    /// Trigger for the webset, value is ignored!
    #[serde(default)]
    pub trigger: Option<Value>,
    /// Cursor for pagination through results
    #[serde(default)]
    #[schemars(extend("advanced" = true))]
    pub cursor: Option<String>,
    /// Number of websets to return (1-100)
    #[serde(default = "twenty_five")]
    #[schemars(range(min = 1, max = 100), extend("advanced" = true))]
    pub limit: i64,
}

#[derive(Serialize, JsonSchema)]
#[serde(tag = "pin", content = "value", rename_all = "snake_case")]
pub enum ListOutput {
    /// List of websets
    Websets(#[schemars(with = "Vec<Webset>")] Vec<Value>),
    /// Whether there are more results to paginate through
    HasMore(bool),
    /// Cursor for the next page of results
    NextCursor(Option<String>),
}

impl Block for ExaListWebsets {
    const META: BlockMeta = BlockMeta::standard(
        "1dcd8fd6-c13f-4e6f-bd4c-654428fa4757",
        "ExaListWebsetsBlock",
        "List all Websets with pagination support",
        &[Category::Search],
    );
    type Input = ListInput;
    type Output = ListOutput;

    async fn run(&self, input: ListInput, cx: &mut Cx<'_, ListOutput>) -> Result<(), BlockError> {
        if !(1..=100).contains(&input.limit) {
            return Err(BlockError::Input(format!(
                "limit must be 1 to 100, not {}",
                input.limit
            )));
        }
        let client = super::super::client(cx, &input.credentials).await?;
        let mut query = vec![];
        if let Some(cursor) = input.cursor {
            query.push(("cursor", cursor));
        }
        query.push(("limit", input.limit.to_string()));
        let page = client.get_json(cx, &webset_path(None), &query).await?;
        let page = Page::from_api(&page, pruned);
        cx.emit(ListOutput::Websets(page.data));
        cx.emit(ListOutput::HasMore(page.has_more));
        cx.emit(ListOutput::NextCursor(page.next_cursor));
        Ok(())
    }
}

#[derive(Deserialize, JsonSchema)]
pub struct UpdateInput {
    /// The Exa integration requires an API Key.
    #[serde(default)]
    #[schemars(extend("credentials_provider" = ["exa"], "credentials_types" = ["api_key"]))]
    pub credentials: CredentialsMeta,
    /// The ID or external ID of the Webset to update
    pub webset_id: String,
    /// Key-value pairs to associate with this webset (set to null to clear)
    #[serde(default)]
    pub metadata: Option<Map<String, Value>>,
}

#[derive(Serialize, JsonSchema)]
#[serde(tag = "pin", content = "value", rename_all = "snake_case")]
pub enum UpdateOutput {
    /// The unique identifier for the webset
    WebsetId(String),
    /// The status of the webset
    Status(String),
    /// The external identifier for the webset
    ExternalId(Option<String>),
    /// Updated metadata for the webset
    Metadata(Map<String, Value>),
    /// The date and time the webset was updated
    UpdatedAt(String),
}

impl Block for ExaUpdateWebset {
    const META: BlockMeta = BlockMeta::standard(
        "89ccd99a-3c2b-4fbf-9e25-0ffa398d0314",
        "ExaUpdateWebsetBlock",
        "Update metadata for an existing Webset",
        &[Category::Search],
    );
    type Input = UpdateInput;
    type Output = UpdateOutput;

    async fn run(
        &self,
        input: UpdateInput,
        cx: &mut Cx<'_, UpdateOutput>,
    ) -> Result<(), BlockError> {
        let client = super::super::client(cx, &input.credentials).await?;
        // AutoGPT sends `{}` when no metadata is given (a null never reaches the API).
        let body = match &input.metadata {
            Some(metadata) => json!({"metadata": metadata}),
            None => json!({}),
        };
        let path = webset_path(Some(&input.webset_id));
        let webset = Webset::from_api(&client.send_json(cx, Method::POST, &path, &body).await?);
        cx.emit(UpdateOutput::WebsetId(webset.id));
        cx.emit(UpdateOutput::Status(webset.status.unwrap_or_default()));
        cx.emit(UpdateOutput::ExternalId(webset.external_id));
        cx.emit(UpdateOutput::Metadata(webset.metadata.unwrap_or_default()));
        cx.emit(UpdateOutput::UpdatedAt(
            webset.updated_at.unwrap_or_default(),
        ));
        Ok(())
    }
}
