//! AirtableCreateFieldBlock and AirtableUpdateFieldBlock: a field (column) added to a table
//! (`POST /v0/meta/bases/{base}/tables/{table}/fields`) or its name and description changed
//! (`PATCH …/fields/{field}`); and AutoGPT's `TableFieldType`, Airtable's field types.

use agentry_core::{Block, BlockError, BlockMeta, Category, CredentialsMeta, Cx};
use reqwest::Method;
use schemars::JsonSchema;
use serde::{Deserialize, Serialize};
use serde_json::{Map, Value, json};

use crate::api::{connect, segment};

pub struct AirtableCreateField;
pub struct AirtableUpdateField;

/// AutoGPT's `TableFieldType`: the field types Airtable's API names.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "camelCase")]
pub enum TableFieldType {
    #[default]
    SingleLineText,
    Email,
    Url,
    MultilineText,
    Number,
    Percent,
    Currency,
    SingleSelect,
    MultipleSelects,
    SingleCollaborator,
    MultipleCollaborators,
    MultipleRecordLinks,
    Date,
    DateTime,
    PhoneNumber,
    MultipleAttachments,
    Checkbox,
    Formula,
    CreatedTime,
    Rollup,
    Count,
    Lookup,
    MultipleLookupValues,
    AutoNumber,
    Barcode,
    Rating,
    RichText,
    Duration,
    LastModifiedTime,
    Button,
    CreatedBy,
    LastModifiedBy,
    ExternalSyncSource,
    AiText,
}

/// `/v0/meta/bases/{base}/tables/{table}/fields`, once base and table are given.
fn fields_path(base_id: &str, table_id: &str) -> Result<String, BlockError> {
    Ok(format!(
        "/v0/meta/bases/{}/tables/{}/fields",
        segment(super::required("base_id", base_id)?),
        segment(super::required("table_id", table_id)?)
    ))
}

#[derive(Deserialize, JsonSchema)]
pub struct CreateFieldInput {
    /// Airtable API credentials
    #[serde(default)]
    #[schemars(extend(
        "credentials_provider" = ["airtable"],
        "credentials_types" = ["api_key", "oauth2"]
    ))]
    pub credentials: CredentialsMeta,
    /// The Airtable base ID
    pub base_id: String,
    /// The table ID to add field to
    pub table_id: String,
    /// The type of the field to create
    #[serde(default)]
    pub field_type: TableFieldType,
    /// The name of the field to create
    pub name: String,
    /// The description of the field to create
    #[serde(default)]
    pub description: Option<String>,
    /// The options of the field to create
    #[serde(default)]
    pub options: Option<Map<String, Value>>,
}

#[derive(Serialize, JsonSchema)]
#[serde(tag = "pin", content = "value", rename_all = "snake_case")]
pub enum CreateFieldOutput {
    /// Created field object
    Field(Value),
    /// ID of the created field
    FieldId(String),
}

impl Block for AirtableCreateField {
    const META: BlockMeta = BlockMeta::standard(
        "6c98a32f-dbf9-45d8-a2a8-5e97e8326351",
        "AirtableCreateFieldBlock",
        "Add a new field to an Airtable table",
        &[Category::Data],
    );
    type Input = CreateFieldInput;
    type Output = CreateFieldOutput;

    async fn run(
        &self,
        input: CreateFieldInput,
        cx: &mut Cx<'_, CreateFieldOutput>,
    ) -> Result<(), BlockError> {
        let path = fields_path(&input.base_id, &input.table_id)?;
        super::required("name", &input.name)?;
        let mut body = json!({"type": input.field_type, "name": input.name});
        // AutoGPT's block drops these two on the way to its API helper; they are sent here, as
        // the helper (and Airtable) take them.
        if let Some(description) = input.description.filter(|d| !d.is_empty()) {
            body["description"] = json!(description);
        }
        if let Some(options) = input.options.filter(|o| !o.is_empty()) {
            body["options"] = Value::Object(options);
        }
        let client = connect(cx, super::API, &input.credentials).await?;
        let field = super::send_converted(&client, cx, Method::POST, &path, body).await?;
        let id = field["id"].as_str().unwrap_or_default().to_string();
        cx.emit(CreateFieldOutput::Field(field));
        cx.emit(CreateFieldOutput::FieldId(id));
        Ok(())
    }
}

#[derive(Deserialize, JsonSchema)]
pub struct UpdateFieldInput {
    /// Airtable API credentials
    #[serde(default)]
    #[schemars(extend(
        "credentials_provider" = ["airtable"],
        "credentials_types" = ["api_key", "oauth2"]
    ))]
    pub credentials: CredentialsMeta,
    /// The Airtable base ID
    pub base_id: String,
    /// The table ID containing the field
    pub table_id: String,
    /// The field ID to update
    pub field_id: String,
    /// The name of the field to update
    #[serde(default)]
    pub name: Option<String>,
    /// The description of the field to update
    #[serde(default)]
    pub description: Option<String>,
}

#[derive(Serialize, JsonSchema)]
#[serde(tag = "pin", content = "value", rename_all = "snake_case")]
pub enum UpdateFieldOutput {
    /// Updated field object
    Field(Value),
}

impl Block for AirtableUpdateField {
    const META: BlockMeta = BlockMeta::standard(
        "f46ac716-3b18-4da1-92e4-34ca9a464d48",
        "AirtableUpdateFieldBlock",
        "Update field properties in an Airtable table",
        &[Category::Data],
    );
    type Input = UpdateFieldInput;
    type Output = UpdateFieldOutput;

    async fn run(
        &self,
        input: UpdateFieldInput,
        cx: &mut Cx<'_, UpdateFieldOutput>,
    ) -> Result<(), BlockError> {
        let fields = fields_path(&input.base_id, &input.table_id)?;
        let field_id = super::required("field_id", &input.field_id)?;
        let path = format!("{fields}/{}", segment(field_id));
        let mut body = Map::new();
        if let Some(name) = input.name.filter(|n| !n.is_empty()) {
            body.insert("name".into(), json!(name));
        }
        if let Some(description) = input.description.filter(|d| !d.is_empty()) {
            body.insert("description".into(), json!(description));
        }
        if body.is_empty() {
            return Err(BlockError::Input(
                "At least one of name or description must be provided".into(),
            ));
        }
        let client = connect(cx, super::API, &input.credentials).await?;
        let body = Value::Object(body);
        let field = super::send_converted(&client, cx, Method::PATCH, &path, body).await?;
        cx.emit(UpdateFieldOutput::Field(field));
        Ok(())
    }
}
