//! Imports (AutoGPT's `websets_import_export.py`) over `/websets/v0/imports`: create (the SDK's
//! three steps: the import is made, the CSV is PUT to the upload URL Exa answers with, the
//! import is read back), get, list and delete. Imports come back in AutoGPT's `ImportModel`
//! shape. The export block is in `import_export_webset.rs`.

use agentry_core::{Block, BlockError, BlockMeta, Category, CredentialsMeta, Cx};
use agentry_services::http::OutboundHttp;
use reqwest::Method;
use schemars::JsonSchema;
use serde::{Deserialize, Serialize};
use serde_json::{Map, Value, json};

use super::{Page, iso, maybe_text, number, object, page_query, text};
use crate::api::{Payload, segment};

pub struct ExaCreateImport;
pub struct ExaGetImport;
pub struct ExaListImports;
pub struct ExaDeleteImport;

const IMPORTS: &str = "/websets/v0/imports";

fn import_path(id: &str) -> String {
    format!("{IMPORTS}/{}", segment(id))
}

/// AutoGPT's `ImportModel`.
#[derive(Debug, Clone, Serialize, JsonSchema)]
pub struct Import {
    pub id: String,
    pub status: String,
    pub title: String,
    pub format: String,
    pub entity_type: String,
    pub count: i64,
    /// Only in the answer to a creation.
    pub upload_url: Option<String>,
    /// Only in the answer to a creation.
    pub upload_valid_until: Option<String>,
    pub failed_reason: String,
    pub failed_message: String,
    pub metadata: Map<String, Value>,
    pub created_at: String,
    pub updated_at: String,
}

impl Import {
    /// From the API's import (or its answer to a creation).
    pub fn from_api(raw: &Value) -> Import {
        Import {
            id: text(&raw["id"]),
            status: text(&raw["status"]),
            title: text(&raw["title"]),
            format: text(&raw["format"]),
            entity_type: raw["entity"]["type"]
                .as_str()
                .unwrap_or("unknown")
                .to_string(),
            count: number(&raw["count"]),
            upload_url: maybe_text(&raw["uploadUrl"]),
            upload_valid_until: maybe_text(&raw["uploadValidUntil"]),
            failed_reason: text(&raw["failedReason"]),
            failed_message: text(&raw["failedMessage"]),
            metadata: object(&raw["metadata"]),
            created_at: iso(&raw["createdAt"]),
            updated_at: iso(&raw["updatedAt"]),
        }
    }
}

/// AutoGPT's `ImportEntityType`.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "snake_case")]
pub enum ImportEntityType {
    #[default]
    Company,
    Person,
    Article,
    ResearchPaper,
    Custom,
}

#[derive(Deserialize, JsonSchema)]
pub struct CreateInput {
    /// The Exa integration requires an API Key.
    #[serde(default)]
    #[schemars(extend("credentials_provider" = ["exa"], "credentials_types" = ["api_key"]))]
    pub credentials: CredentialsMeta,
    /// Title for this import
    pub title: String,
    /// CSV data to import (as a string)
    pub csv_data: String,
    /// Type of entities being imported
    #[serde(default)]
    pub entity_type: ImportEntityType,
    /// Description for custom entity type
    #[serde(default)]
    #[schemars(extend("advanced" = true))]
    pub entity_description: Option<String>,
    /// Column index containing the identifier (0-based)
    #[serde(default)]
    #[schemars(range(min = 0))]
    pub identifier_column: i64,
    /// Column index containing URLs (optional)
    #[serde(default)]
    #[schemars(range(min = 0), extend("advanced" = true))]
    pub url_column: Option<i64>,
    /// Metadata to attach to the import
    #[serde(default)]
    #[schemars(extend("advanced" = true))]
    pub metadata: Option<Map<String, Value>>,
}

#[derive(Serialize, JsonSchema)]
#[serde(tag = "pin", content = "value", rename_all = "snake_case")]
pub enum CreateOutput {
    /// The unique identifier for the created import
    ImportId(String),
    /// Current status of the import
    Status(String),
    /// Title of the import
    Title(String),
    /// Number of items in the import
    Count(i64),
    /// Type of entities imported
    EntityType(String),
    /// Upload URL for CSV data (only if csv_data not provided in request)
    UploadUrl(Option<String>),
    /// Expiration time for upload URL (only if upload_url is provided)
    UploadValidUntil(Option<String>),
    /// When the import was created
    CreatedAt(String),
}

impl CreateInput {
    /// The CSV's records (header included) and the widest record's columns, after checking
    /// the columns named exist.
    fn check(&self) -> Result<usize, BlockError> {
        if self.csv_data.trim().is_empty() {
            return Err(BlockError::Input("csv_data is empty".into()));
        }
        let mut reader = csv::ReaderBuilder::new()
            .has_headers(false)
            .flexible(true)
            .from_reader(self.csv_data.as_bytes());
        let mut rows = 0;
        let mut columns = 0;
        for record in reader.records() {
            let record =
                record.map_err(|e| BlockError::Input(format!("csv_data is not valid CSV: {e}")))?;
            rows += 1;
            columns = columns.max(record.len());
        }
        for (name, column) in [
            ("identifier_column", Some(self.identifier_column)),
            ("url_column", self.url_column),
        ] {
            let Some(column) = column else { continue };
            if column < 0 || column as usize >= columns {
                return Err(BlockError::Input(format!(
                    "{name} {column} is not a column of the CSV (it has {columns})"
                )));
            }
        }
        Ok(rows)
    }

    /// AutoGPT's payload: the data rows (the header does not count) and the CSV's bytes.
    fn payload(&self, rows: usize) -> Value {
        let mut csv = json!({"identifier": self.identifier_column});
        if let Some(url) = self.url_column {
            csv["url"] = json!(url);
        }
        let mut entity = json!({"type": self.entity_type});
        if self.entity_type == ImportEntityType::Custom
            && let Some(d) = self.entity_description.as_deref().filter(|d| !d.is_empty())
        {
            entity["description"] = json!(d);
        }
        let mut payload = json!({
            "title": self.title,
            "format": "csv",
            "count": rows.saturating_sub(1),
            "size": self.csv_data.len(),
            "csv": csv,
            "entity": entity,
        });
        if let Some(m) = self.metadata.as_ref().filter(|m| !m.is_empty()) {
            payload["metadata"] = Value::Object(m.clone());
        }
        payload
    }
}

/// PUTs the CSV to the upload URL Exa answered with (a presigned URL: no API key goes there,
/// and it is never put in an error, since its query is a credential).
async fn upload(http: &OutboundHttp, url: &str, csv: &str) -> Result<(), BlockError> {
    let request = http
        .request(Method::PUT, url)
        .map_err(|_| BlockError::System("Exa answered with an unusable upload URL".into()))?
        .header(reqwest::header::CONTENT_TYPE, "text/csv")
        .body(csv.to_string());
    let sent = http.send(request).await?;
    if (200..300).contains(&sent.status) {
        return Ok(());
    }
    let message = format!(
        "uploading the CSV to Exa's upload URL failed ({})",
        sent.status
    );
    Err(if sent.status >= 500 {
        BlockError::System(message)
    } else {
        BlockError::Input(message)
    })
}

impl Block for ExaCreateImport {
    const META: BlockMeta = BlockMeta::standard(
        "020a35d8-8a53-4e60-8b60-1de5cbab1df3",
        "ExaCreateImportBlock",
        "Import CSV data to use with websets for targeted searches",
        &[Category::Data],
    );
    type Input = CreateInput;
    type Output = CreateOutput;

    async fn run(
        &self,
        input: CreateInput,
        cx: &mut Cx<'_, CreateOutput>,
    ) -> Result<(), BlockError> {
        let rows = input.check()?;
        let client = super::super::client(cx, &input.credentials).await?;
        let body = input.payload(rows);
        let created = client.send_json(cx, Method::POST, IMPORTS, &body).await?;
        let id = created["id"].as_str().unwrap_or_default();
        let url = created["uploadUrl"].as_str().unwrap_or_default();
        if id.is_empty() || url.is_empty() {
            return Err(BlockError::System(
                "Exa's answer to the import has no id or upload URL".into(),
            ));
        }
        // Made here: the context cannot be held across the upload's await.
        let http = OutboundHttp::from_cx(cx);
        upload(&http, url, &input.csv_data).await?;
        let path = import_path(id);
        let import = Import::from_api(&client.get_json(cx, &path, &[]).await?);
        cx.emit(CreateOutput::ImportId(import.id));
        cx.emit(CreateOutput::Status(import.status));
        cx.emit(CreateOutput::Title(import.title));
        cx.emit(CreateOutput::Count(import.count));
        cx.emit(CreateOutput::EntityType(import.entity_type));
        cx.emit(CreateOutput::UploadUrl(import.upload_url));
        cx.emit(CreateOutput::UploadValidUntil(import.upload_valid_until));
        cx.emit(CreateOutput::CreatedAt(import.created_at));
        Ok(())
    }
}

#[derive(Deserialize, JsonSchema)]
pub struct IdInput {
    /// The Exa integration requires an API Key.
    #[serde(default)]
    #[schemars(extend("credentials_provider" = ["exa"], "credentials_types" = ["api_key"]))]
    pub credentials: CredentialsMeta,
    /// The ID of the import to retrieve
    pub import_id: String,
}

#[derive(Serialize, JsonSchema)]
#[serde(tag = "pin", content = "value", rename_all = "snake_case")]
pub enum GetOutput {
    /// The unique identifier for the import
    ImportId(String),
    /// Current status of the import
    Status(String),
    /// Title of the import
    Title(String),
    /// Format of the imported data
    Format(String),
    /// Type of entities imported
    EntityType(String),
    /// Number of items imported
    Count(i64),
    /// Upload URL for CSV data (if import not yet uploaded)
    UploadUrl(Option<String>),
    /// Expiration time for upload URL (if applicable)
    UploadValidUntil(Option<String>),
    /// Reason for failure (if applicable)
    FailedReason(Option<String>),
    /// Detailed failure message (if applicable)
    FailedMessage(Option<String>),
    /// When the import was created
    CreatedAt(String),
    /// When the import was last updated
    UpdatedAt(String),
    /// Metadata attached to the import
    Metadata(Map<String, Value>),
}

impl Block for ExaGetImport {
    const META: BlockMeta = BlockMeta::standard(
        "236663c8-a8dc-45f7-a050-2676bb0a3dd2",
        "ExaGetImportBlock",
        "Get the status and details of an import",
        &[Category::Data],
    );
    type Input = IdInput;
    type Output = GetOutput;

    async fn run(&self, input: IdInput, cx: &mut Cx<'_, GetOutput>) -> Result<(), BlockError> {
        let client = super::super::client(cx, &input.credentials).await?;
        let path = import_path(&input.import_id);
        let i = Import::from_api(&client.get_json(cx, &path, &[]).await?);
        cx.emit(GetOutput::ImportId(i.id));
        cx.emit(GetOutput::Status(i.status));
        cx.emit(GetOutput::Title(i.title));
        cx.emit(GetOutput::Format(i.format));
        cx.emit(GetOutput::EntityType(i.entity_type));
        cx.emit(GetOutput::Count(i.count));
        cx.emit(GetOutput::UploadUrl(i.upload_url));
        cx.emit(GetOutput::UploadValidUntil(i.upload_valid_until));
        cx.emit(GetOutput::FailedReason(Some(i.failed_reason)));
        cx.emit(GetOutput::FailedMessage(Some(i.failed_message)));
        cx.emit(GetOutput::CreatedAt(i.created_at));
        cx.emit(GetOutput::UpdatedAt(i.updated_at));
        cx.emit(GetOutput::Metadata(i.metadata));
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
    /// Number of imports to return
    #[serde(default = "twenty_five")]
    #[schemars(range(min = 1, max = 100))]
    pub limit: i64,
    /// Cursor for pagination
    #[serde(default)]
    #[schemars(extend("advanced" = true))]
    pub cursor: Option<String>,
}

#[derive(Serialize, JsonSchema)]
#[serde(tag = "pin", content = "value", rename_all = "snake_case")]
pub enum ListOutput {
    /// List of imports
    Imports(Vec<Import>),
    /// Individual import (yielded for each import)
    ImportItem(Box<Import>),
    /// Whether there are more imports to paginate through
    HasMore(bool),
    /// Cursor for the next page of results
    NextCursor(Option<String>),
}

impl Block for ExaListImports {
    const META: BlockMeta = BlockMeta::standard(
        "65323630-f7e9-4692-a624-184ba14c0686",
        "ExaListImportsBlock",
        "List all imports with pagination support",
        &[Category::Data],
    );
    type Input = ListInput;
    type Output = ListOutput;

    async fn run(&self, input: ListInput, cx: &mut Cx<'_, ListOutput>) -> Result<(), BlockError> {
        let query = page_query(input.limit, input.cursor)?;
        let client = super::super::client(cx, &input.credentials).await?;
        let page = client.get_json(cx, IMPORTS, &query).await?;
        Page::from_api(&page, Import::from_api).emit(
            cx,
            ListOutput::Imports,
            |i| ListOutput::ImportItem(Box::new(i)),
            ListOutput::HasMore,
            ListOutput::NextCursor,
        );
        Ok(())
    }
}

#[derive(Deserialize, JsonSchema)]
pub struct DeleteInput {
    /// The Exa integration requires an API Key.
    #[serde(default)]
    #[schemars(extend("credentials_provider" = ["exa"], "credentials_types" = ["api_key"]))]
    pub credentials: CredentialsMeta,
    /// The ID of the import to delete
    pub import_id: String,
}

#[derive(Serialize, JsonSchema)]
#[serde(tag = "pin", content = "value", rename_all = "snake_case")]
pub enum DeleteOutput {
    /// The ID of the deleted import
    ImportId(String),
    /// Whether the deletion was successful
    Success(String),
}

impl Block for ExaDeleteImport {
    const META: BlockMeta = BlockMeta::standard(
        "81ae30ed-c7ba-4b5d-8483-b726846e570c",
        "ExaDeleteImportBlock",
        "Delete an import",
        &[Category::Data],
    );
    type Input = DeleteInput;
    type Output = DeleteOutput;

    async fn run(
        &self,
        input: DeleteInput,
        cx: &mut Cx<'_, DeleteOutput>,
    ) -> Result<(), BlockError> {
        let client = super::super::client(cx, &input.credentials).await?;
        let path = import_path(&input.import_id);
        let deleted = client
            .send_payload(cx, Method::DELETE, &path, &[], Payload::Empty)
            .await?;
        let id = deleted["id"].as_str().unwrap_or(&input.import_id);
        cx.emit(DeleteOutput::ImportId(id.to_string()));
        cx.emit(DeleteOutput::Success("true".into()));
        Ok(())
    }
}
