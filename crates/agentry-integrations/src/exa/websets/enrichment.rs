//! Webset enrichments (AutoGPT's `websets_enrichment.py`): ExaCreateEnrichmentBlock
//! (`POST /websets/v0/websets/{webset}/enrichments`, optionally waiting for it),
//! ExaGetEnrichmentBlock (`GET …/enrichments/{id}`) and ExaUpdateEnrichmentBlock (`PATCH`);
//! delete and cancel are in `enrichment_manage.rs`.

use agentry_core::{Block, BlockError, BlockMeta, Category, CredentialsMeta, Cx};
use reqwest::Method;
use schemars::JsonSchema;
use serde::{Deserialize, Serialize};
use serde_json::{Map, Value, json};

use super::polling::{Backoff, found_in_webset};
use super::search::{finished, present, status_of};
use super::websets_model::webset_path;
use super::{iso, maybe_text, metadata, text};

pub struct ExaCreateEnrichment;
pub struct ExaGetEnrichment;
pub struct ExaUpdateEnrichment;

/// A webset's enrichments (or one enrichment), ids as escaped path segments.
pub(super) fn enrichments_path(webset: &str, enrichment: Option<&str>) -> String {
    let base = format!(
        "/websets/v0/websets/{}/enrichments",
        crate::api::segment(webset)
    );
    match enrichment {
        Some(id) => format!("{base}/{}", crate::api::segment(id)),
        None => base,
    }
}

/// AutoGPT's `EnrichmentFormat`.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "snake_case")]
pub enum EnrichmentFormat {
    #[default]
    Text,
    Date,
    Number,
    Options,
    Email,
    Phone,
}

impl EnrichmentFormat {
    fn as_str(self) -> &'static str {
        match self {
            EnrichmentFormat::Text => "text",
            EnrichmentFormat::Date => "date",
            EnrichmentFormat::Number => "number",
            EnrichmentFormat::Options => "options",
            EnrichmentFormat::Email => "email",
            EnrichmentFormat::Phone => "phone",
        }
    }
}

fn labels(options: &[String]) -> Value {
    options.iter().map(|o| json!({"label": o})).collect()
}

fn yes() -> bool {
    true
}
fn three_hundred() -> i64 {
    300
}

#[derive(Deserialize, JsonSchema)]
pub struct CreateInput {
    /// The Exa integration requires an API Key.
    #[serde(default)]
    #[schemars(extend("credentials_provider" = ["exa"], "credentials_types" = ["api_key"]))]
    pub credentials: CredentialsMeta,
    /// The ID or external ID of the Webset
    pub webset_id: String,
    /// What data to extract from each item
    pub description: String,
    /// Short title for this enrichment (auto-generated if not provided)
    #[serde(default)]
    pub title: Option<String>,
    /// Expected format of the extracted data
    #[serde(default)]
    pub format: EnrichmentFormat,
    /// Available options when format is 'options'
    #[serde(default)]
    pub options: Vec<String>,
    /// Apply this enrichment to existing items in the webset
    #[serde(default = "yes")]
    pub apply_to_existing: bool,
    /// Metadata to attach to the enrichment
    #[serde(default)]
    pub metadata: Option<Map<String, Value>>,
    /// Wait for the enrichment to complete on existing items
    #[serde(default)]
    pub wait_for_completion: bool,
    /// Maximum time to wait for completion in seconds
    #[serde(default = "three_hundred")]
    #[schemars(range(min = 1, max = 600))]
    pub polling_timeout: i64,
}

#[derive(Serialize, JsonSchema)]
#[serde(tag = "pin", content = "value", rename_all = "snake_case")]
pub enum CreateOutput {
    /// The unique identifier for the created enrichment
    EnrichmentId(String),
    /// The webset this enrichment belongs to
    WebsetId(String),
    /// Current status of the enrichment
    Status(String),
    /// Title of the enrichment
    Title(Option<String>),
    /// Description of what data is extracted
    Description(String),
    /// Format of the extracted data
    Format(String),
    /// Generated instructions for the enrichment
    Instructions(Option<String>),
    /// Number of items enriched (if wait_for_completion was True)
    ItemsEnriched(Option<i64>),
    /// Time taken to complete in seconds (if wait_for_completion was True)
    CompletionTime(Option<f64>),
}

impl CreateInput {
    fn payload(&self) -> Value {
        let mut body = json!({"description": self.description, "format": self.format});
        if let Some(title) = self.title.as_deref().filter(|t| !t.is_empty()) {
            body["title"] = json!(title);
        }
        if self.format == EnrichmentFormat::Options && !self.options.is_empty() {
            body["options"] = labels(&self.options);
        }
        if let Some(metadata) = self.metadata.as_ref().filter(|m| !m.is_empty()) {
            body["metadata"] = Value::Object(metadata.clone());
        }
        body
    }
}

impl Block for ExaCreateEnrichment {
    const META: BlockMeta = BlockMeta::standard(
        "71146ae8-0cb1-4a15-8cde-eae30de71cb6",
        "ExaCreateEnrichmentBlock",
        "Create enrichments to extract additional structured data from webset items",
        &[Category::Ai, Category::Search],
    );
    type Input = CreateInput;
    type Output = CreateOutput;

    async fn run(
        &self,
        input: CreateInput,
        cx: &mut Cx<'_, CreateOutput>,
    ) -> Result<(), BlockError> {
        present(&[
            ("webset_id", &input.webset_id),
            ("description", &input.description),
        ])?;
        if !(1..=600).contains(&input.polling_timeout) {
            return Err(BlockError::Input(format!(
                "polling_timeout must be 1 to 600 seconds, not {}",
                input.polling_timeout
            )));
        }
        let client = super::super::client(cx, &input.credentials).await?;
        let mut backoff = Backoff::new(input.polling_timeout, 5.0, 1.5, 30.0);
        let path = enrichments_path(&input.webset_id, None);
        let created = client
            .send_json(cx, Method::POST, &path, &input.payload())
            .await?;
        let id = text(&created["id"]);
        let mut status = status_of(&created);
        let mut waited = None;
        // Only an enrichment applied to the existing items has anything to wait for.
        if input.wait_for_completion && input.apply_to_existing {
            let path = enrichments_path(&input.webset_id, Some(&id));
            let mut enriched = 0;
            if let Some(current) = backoff.poll(cx, &client, &path, finished).await? {
                status = status_of(&current);
                // AutoGPT's estimate: the items the webset's searches found.
                let webset = client
                    .get_json(cx, &webset_path(Some(&input.webset_id)), &[])
                    .await?;
                enriched = found_in_webset(&webset);
            }
            waited = Some((enriched, backoff.elapsed()));
        }
        cx.emit(CreateOutput::EnrichmentId(id));
        cx.emit(CreateOutput::WebsetId(input.webset_id));
        cx.emit(CreateOutput::Status(status));
        cx.emit(CreateOutput::Title(maybe_text(&created["title"])));
        cx.emit(CreateOutput::Description(input.description));
        cx.emit(CreateOutput::Format(input.format.as_str().to_string()));
        cx.emit(CreateOutput::Instructions(maybe_text(
            &created["instructions"],
        )));
        if let Some((enriched, elapsed)) = waited {
            cx.emit(CreateOutput::ItemsEnriched(Some(enriched)));
            cx.emit(CreateOutput::CompletionTime(Some(elapsed)));
        }
        Ok(())
    }
}

#[derive(Deserialize, JsonSchema)]
pub struct GetInput {
    /// The Exa integration requires an API Key.
    #[serde(default)]
    #[schemars(extend("credentials_provider" = ["exa"], "credentials_types" = ["api_key"]))]
    pub credentials: CredentialsMeta,
    /// The ID or external ID of the Webset
    pub webset_id: String,
    /// The ID of the enrichment to retrieve
    pub enrichment_id: String,
}

#[derive(Serialize, JsonSchema)]
#[serde(tag = "pin", content = "value", rename_all = "snake_case")]
pub enum GetOutput {
    /// The unique identifier for the enrichment
    EnrichmentId(String),
    /// Current status of the enrichment
    Status(String),
    /// Title of the enrichment
    Title(Option<String>),
    /// Description of what data is extracted
    Description(String),
    /// Format of the extracted data
    Format(String),
    /// Available options (for 'options' format)
    Options(Vec<String>),
    /// Generated instructions for the enrichment
    Instructions(Option<String>),
    /// When the enrichment was created
    CreatedAt(String),
    /// When the enrichment was last updated
    UpdatedAt(String),
    /// Metadata attached to the enrichment
    Metadata(Map<String, Value>),
}

impl Block for ExaGetEnrichment {
    const META: BlockMeta = BlockMeta::standard(
        "b8c9d0e1-f2a3-4567-89ab-cdef01234567",
        "ExaGetEnrichmentBlock",
        "Get the status and details of a webset enrichment",
        &[Category::Search],
    );
    type Input = GetInput;
    type Output = GetOutput;

    async fn run(&self, input: GetInput, cx: &mut Cx<'_, GetOutput>) -> Result<(), BlockError> {
        present(&[
            ("webset_id", &input.webset_id),
            ("enrichment_id", &input.enrichment_id),
        ])?;
        let client = super::super::client(cx, &input.credentials).await?;
        let path = enrichments_path(&input.webset_id, Some(&input.enrichment_id));
        let e = client.get_json(cx, &path, &[]).await?;
        let options = e["options"]
            .as_array()
            .into_iter()
            .flatten()
            .map(|o| text(&o["label"]))
            .collect();
        cx.emit(GetOutput::EnrichmentId(text(&e["id"])));
        cx.emit(GetOutput::Status(status_of(&e)));
        cx.emit(GetOutput::Title(maybe_text(&e["title"])));
        cx.emit(GetOutput::Description(text(&e["description"])));
        cx.emit(GetOutput::Format(
            e["format"].as_str().unwrap_or("text").to_string(),
        ));
        cx.emit(GetOutput::Options(options));
        cx.emit(GetOutput::Instructions(maybe_text(&e["instructions"])));
        cx.emit(GetOutput::CreatedAt(iso(&e["createdAt"])));
        cx.emit(GetOutput::UpdatedAt(iso(&e["updatedAt"])));
        cx.emit(GetOutput::Metadata(metadata(&e)));
        Ok(())
    }
}

#[derive(Deserialize, JsonSchema)]
pub struct UpdateInput {
    /// The Exa integration requires an API Key.
    #[serde(default)]
    #[schemars(extend("credentials_provider" = ["exa"], "credentials_types" = ["api_key"]))]
    pub credentials: CredentialsMeta,
    /// The ID or external ID of the Webset
    pub webset_id: String,
    /// The ID of the enrichment to update
    pub enrichment_id: String,
    /// New description for what data to extract
    #[serde(default)]
    pub description: Option<String>,
    /// New format for the extracted data
    #[serde(default)]
    pub format: Option<EnrichmentFormat>,
    /// New options when format is 'options'
    #[serde(default)]
    pub options: Option<Vec<String>>,
    /// New metadata to attach to the enrichment
    #[serde(default)]
    pub metadata: Option<Map<String, Value>>,
}

#[derive(Serialize, JsonSchema)]
#[serde(tag = "pin", content = "value", rename_all = "snake_case")]
pub enum UpdateOutput {
    /// The unique identifier for the enrichment
    EnrichmentId(String),
    /// Current status of the enrichment
    Status(String),
    /// Title of the enrichment
    Title(Option<String>),
    /// Updated description
    Description(String),
    /// Updated format
    Format(String),
    /// Whether the update was successful
    Success(String),
}

impl Block for ExaUpdateEnrichment {
    const META: BlockMeta = BlockMeta::standard(
        "c8d5c5fb-9684-4a29-bd2a-5b38d71776c9",
        "ExaUpdateEnrichmentBlock",
        "Update an existing enrichment configuration",
        &[Category::Search],
    );
    type Input = UpdateInput;
    type Output = UpdateOutput;

    async fn run(
        &self,
        input: UpdateInput,
        cx: &mut Cx<'_, UpdateOutput>,
    ) -> Result<(), BlockError> {
        present(&[
            ("webset_id", &input.webset_id),
            ("enrichment_id", &input.enrichment_id),
        ])?;
        let mut body = Map::new();
        if let Some(description) = &input.description {
            body.insert("description".into(), json!(description));
        }
        if let Some(format) = input.format {
            body.insert("format".into(), json!(format));
        }
        if let Some(options) = &input.options {
            body.insert("options".into(), labels(options));
        }
        if let Some(metadata) = &input.metadata {
            body.insert("metadata".into(), Value::Object(metadata.clone()));
        }
        let client = super::super::client(cx, &input.credentials).await?;
        let path = enrichments_path(&input.webset_id, Some(&input.enrichment_id));
        let data = client
            .send_json(cx, Method::PATCH, &path, &Value::Object(body))
            .await?;
        // AutoGPT reads each field with "" for a missing one (a null title stays null).
        let title = match data.get("title") {
            None => Some(String::new()),
            Some(t) => maybe_text(t),
        };
        cx.emit(UpdateOutput::EnrichmentId(text(&data["id"])));
        cx.emit(UpdateOutput::Status(status_of(&data)));
        cx.emit(UpdateOutput::Title(title));
        cx.emit(UpdateOutput::Description(text(&data["description"])));
        cx.emit(UpdateOutput::Format(text(&data["format"])));
        cx.emit(UpdateOutput::Success("true".into()));
        Ok(())
    }
}

#[cfg(test)]
#[path = "enrichment_tests.rs"]
pub(super) mod tests;
