//! A webset's life: ExaCreateOrFindWebsetBlock (read by external id, created on a 404),
//! ExaDeleteWebsetBlock (`DELETE /websets/v0/websets/{id}`) and ExaCancelWebsetBlock
//! (`POST /websets/v0/websets/{id}/cancel`).

use agentry_core::{Block, BlockError, BlockMeta, Category, CredentialsMeta, Cx};
use reqwest::Method;
use schemars::JsonSchema;
use serde::{Deserialize, Serialize};
use serde_json::{Map, Value, json};

use super::websets_model::{Webset, webset_path};
use crate::api::Payload;
use crate::error::IntegrationError;

pub struct ExaCreateOrFindWebset;
pub struct ExaDeleteWebset;
pub struct ExaCancelWebset;

fn ten() -> i64 {
    10
}

#[derive(Deserialize, JsonSchema)]
pub struct CreateOrFindInput {
    /// The Exa integration requires an API Key.
    #[serde(default)]
    #[schemars(extend("credentials_provider" = ["exa"], "credentials_types" = ["api_key"]))]
    pub credentials: CredentialsMeta,
    /// External identifier for this webset - used to find existing or create new
    pub external_id: String,
    /// Search query (optional - only needed if creating new webset)
    #[serde(default)]
    pub search_query: Option<String>,
    /// Number of items to find in initial search
    #[serde(default = "ten")]
    #[schemars(range(min = 1, max = 1000))]
    pub search_count: i64,
    /// Key-value pairs to associate with the webset
    #[serde(default)]
    #[schemars(extend("advanced" = true))]
    pub metadata: Option<Map<String, Value>>,
}

#[derive(Serialize, JsonSchema)]
#[serde(tag = "pin", content = "value", rename_all = "snake_case")]
pub enum CreateOrFindOutput {
    /// The webset (existing or newly created)
    Webset(Box<Webset>),
    /// True if webset was newly created, False if it already existed
    WasCreated(bool),
}

impl Block for ExaCreateOrFindWebset {
    const META: BlockMeta = BlockMeta::standard(
        "214542b6-3603-4bea-bc07-f51c2871cbd9",
        "ExaCreateOrFindWebsetBlock",
        "Create a new webset or return existing one by external_id (idempotent operation)",
        &[Category::Search],
    );
    type Input = CreateOrFindInput;
    type Output = CreateOrFindOutput;

    async fn run(
        &self,
        input: CreateOrFindInput,
        cx: &mut Cx<'_, CreateOrFindOutput>,
    ) -> Result<(), BlockError> {
        if !(1..=1000).contains(&input.search_count) {
            return Err(BlockError::Input(format!(
                "search_count must be 1 to 1000, not {}",
                input.search_count
            )));
        }
        let client = super::super::client(cx, &input.credentials).await?;
        let found = client
            .get_json(cx, &webset_path(Some(&input.external_id)), &[])
            .await;
        match found {
            Ok(existing) => {
                cx.emit(CreateOrFindOutput::Webset(Box::new(Webset::from_api(
                    &existing,
                ))));
                cx.emit(CreateOrFindOutput::WasCreated(false));
            }
            // Only "no such webset" leads to creating one; every other failure is reported.
            Err(IntegrationError::Rejected { status: 404, .. }) => {
                let mut body = Map::new();
                if let Some(query) = input.search_query.filter(|q| !q.is_empty()) {
                    body.insert(
                        "search".into(),
                        json!({"query": query, "count": input.search_count}),
                    );
                }
                body.insert("externalId".into(), json!(input.external_id));
                if let Some(metadata) = input.metadata {
                    body.insert("metadata".into(), Value::Object(metadata));
                }
                let body = Value::Object(body);
                let created = client
                    .send_json(cx, Method::POST, &webset_path(None), &body)
                    .await?;
                cx.emit(CreateOrFindOutput::Webset(Box::new(Webset::from_api(
                    &created,
                ))));
                cx.emit(CreateOrFindOutput::WasCreated(true));
            }
            Err(e) => return Err(e.into()),
        }
        Ok(())
    }
}

#[derive(Deserialize, JsonSchema)]
pub struct DeleteInput {
    /// The Exa integration requires an API Key.
    #[serde(default)]
    #[schemars(extend("credentials_provider" = ["exa"], "credentials_types" = ["api_key"]))]
    pub credentials: CredentialsMeta,
    /// The ID or external ID of the Webset to delete
    pub webset_id: String,
}

#[derive(Serialize, JsonSchema)]
#[serde(tag = "pin", content = "value", rename_all = "snake_case")]
pub enum DeleteOutput {
    /// The unique identifier for the deleted webset
    WebsetId(String),
    /// The external identifier for the deleted webset
    ExternalId(Option<String>),
    /// The status of the deleted webset
    Status(String),
    /// Whether the deletion was successful
    Success(String),
}

impl Block for ExaDeleteWebset {
    const META: BlockMeta = BlockMeta::standard(
        "aa6994a2-e986-421f-8d4c-7671d3be7b7e",
        "ExaDeleteWebsetBlock",
        "Delete a Webset and all its items",
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
        let path = webset_path(Some(&input.webset_id));
        let deleted = client
            .send_payload(cx, Method::DELETE, &path, &[], Payload::Empty)
            .await?;
        let webset = Webset::from_api(&deleted);
        cx.emit(DeleteOutput::WebsetId(webset.id));
        cx.emit(DeleteOutput::ExternalId(webset.external_id));
        cx.emit(DeleteOutput::Status(webset.status.unwrap_or_default()));
        cx.emit(DeleteOutput::Success("true".into()));
        Ok(())
    }
}

#[derive(Deserialize, JsonSchema)]
pub struct CancelInput {
    /// The Exa integration requires an API Key.
    #[serde(default)]
    #[schemars(extend("credentials_provider" = ["exa"], "credentials_types" = ["api_key"]))]
    pub credentials: CredentialsMeta,
    /// The ID or external ID of the Webset to cancel
    pub webset_id: String,
}

#[derive(Serialize, JsonSchema)]
#[serde(tag = "pin", content = "value", rename_all = "snake_case")]
pub enum CancelOutput {
    /// The unique identifier for the webset
    WebsetId(String),
    /// The status of the webset after cancellation
    Status(String),
    /// The external identifier for the webset
    ExternalId(Option<String>),
    /// Whether the cancellation was successful
    Success(String),
}

impl Block for ExaCancelWebset {
    const META: BlockMeta = BlockMeta::standard(
        "e40a6420-1db8-47bb-b00a-0e6aecd74176",
        "ExaCancelWebsetBlock",
        "Cancel all operations being performed on a Webset",
        &[Category::Search],
    );
    type Input = CancelInput;
    type Output = CancelOutput;

    async fn run(
        &self,
        input: CancelInput,
        cx: &mut Cx<'_, CancelOutput>,
    ) -> Result<(), BlockError> {
        let client = super::super::client(cx, &input.credentials).await?;
        let path = format!("{}/cancel", webset_path(Some(&input.webset_id)));
        let canceled = client
            .send_payload(cx, Method::POST, &path, &[], Payload::Empty)
            .await?;
        let webset = Webset::from_api(&canceled);
        cx.emit(CancelOutput::WebsetId(webset.id));
        cx.emit(CancelOutput::Status(webset.status.unwrap_or_default()));
        cx.emit(CancelOutput::ExternalId(webset.external_id));
        cx.emit(CancelOutput::Success("true".into()));
        Ok(())
    }
}
