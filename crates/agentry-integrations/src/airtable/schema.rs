//! AirtableListSchemaBlock, AirtableCreateTableBlock and AirtableUpdateTableBlock: a base's
//! tables read (`GET /v0/meta/bases/{base}/tables`), one created (`POST` there) or one's name,
//! description or date dependency changed (`PATCH …/tables/{table}`).

use agentry_core::{Block, BlockError, BlockMeta, Category, CredentialsMeta, Cx};
use reqwest::Method;
use schemars::JsonSchema;
use serde::{Deserialize, Serialize};
use serde_json::{Map, Value, json};

use super::schema_fields::TableFieldType;
use crate::api::{connect, segment};

pub struct AirtableListSchema;
pub struct AirtableCreateTable;
pub struct AirtableUpdateTable;

#[derive(Deserialize, JsonSchema)]
pub struct ListSchemaInput {
    /// Airtable API credentials
    #[serde(default)]
    #[schemars(extend(
        "credentials_provider" = ["airtable"],
        "credentials_types" = ["api_key", "oauth2"]
    ))]
    pub credentials: CredentialsMeta,
    /// The Airtable base ID
    pub base_id: String,
}

#[derive(Serialize, JsonSchema)]
#[serde(tag = "pin", content = "value", rename_all = "snake_case")]
pub enum ListSchemaOutput {
    /// Complete base schema with tables, fields, and views
    BaseSchema(Value),
    /// Array of table objects
    Tables(Vec<Value>),
}

/// `/v0/meta/bases/{base}/tables`, once the base is given.
fn tables_path(base_id: &str) -> Result<String, BlockError> {
    let base = super::required("base_id", base_id)?;
    Ok(format!("/v0/meta/bases/{}/tables", segment(base)))
}

impl Block for AirtableListSchema {
    const META: BlockMeta = BlockMeta::standard(
        "64291d3c-99b5-47b7-a976-6d94293cdb2d",
        "AirtableListSchemaBlock",
        "Get the complete schema of an Airtable base",
        &[Category::Data],
    );
    type Input = ListSchemaInput;
    type Output = ListSchemaOutput;

    async fn run(
        &self,
        input: ListSchemaInput,
        cx: &mut Cx<'_, ListSchemaOutput>,
    ) -> Result<(), BlockError> {
        let path = tables_path(&input.base_id)?;
        let client = connect(cx, super::API, &input.credentials).await?;
        let schema = client.get_json(cx, &path, &[]).await?;
        let tables = super::listed(&schema, "tables");
        cx.emit(ListSchemaOutput::BaseSchema(schema));
        cx.emit(ListSchemaOutput::Tables(tables));
        Ok(())
    }
}

fn default_fields() -> Vec<Map<String, Value>> {
    let field = json!({"name": "Name", "type": "singleLineText"});
    vec![field.as_object().cloned().unwrap_or_default()]
}

#[derive(Deserialize, JsonSchema)]
pub struct CreateTableInput {
    /// Airtable API credentials
    #[serde(default)]
    #[schemars(extend(
        "credentials_provider" = ["airtable"],
        "credentials_types" = ["api_key", "oauth2"]
    ))]
    pub credentials: CredentialsMeta,
    /// The Airtable base ID
    pub base_id: String,
    /// The name of the table to create
    pub table_name: String,
    /// Table fields with name, type, and options
    #[serde(default = "default_fields")]
    pub table_fields: Vec<Map<String, Value>>,
}

#[derive(Serialize, JsonSchema)]
#[serde(tag = "pin", content = "value", rename_all = "snake_case")]
pub enum CreateTableOutput {
    /// Created table object
    Table(Value),
    /// ID of the created table
    TableId(String),
}

impl Block for AirtableCreateTable {
    const META: BlockMeta = BlockMeta::standard(
        "fcc20ced-d817-42ea-9b40-c35e7bf34b4f",
        "AirtableCreateTableBlock",
        "Create a new table in an Airtable base",
        &[Category::Data],
    );
    type Input = CreateTableInput;
    type Output = CreateTableOutput;

    async fn run(
        &self,
        input: CreateTableInput,
        cx: &mut Cx<'_, CreateTableOutput>,
    ) -> Result<(), BlockError> {
        let path = tables_path(&input.base_id)?;
        super::required("table_name", &input.table_name)?;
        for (i, field) in input.table_fields.iter().enumerate() {
            check_field(i, field)?;
        }
        let client = connect(cx, super::API, &input.credentials).await?;
        // As AutoGPT: the fields go as given (no string-to-boolean conversion here).
        let body = json!({"name": input.table_name, "fields": input.table_fields});
        let table = client.send_json(cx, Method::POST, &path, &body).await?;
        let id = table["id"].as_str().unwrap_or_default().to_string();
        cx.emit(CreateTableOutput::Table(table));
        cx.emit(CreateTableOutput::TableId(id));
        Ok(())
    }
}

/// AutoGPT's checks on a new table's field: a name, and one of Airtable's field types.
fn check_field(i: usize, field: &Map<String, Value>) -> Result<(), BlockError> {
    let named = field
        .get("name")
        .and_then(Value::as_str)
        .is_some_and(|n| !n.trim().is_empty());
    if !named {
        return Err(BlockError::Input(format!(
            "table_fields[{i}] needs a \"name\""
        )));
    }
    let kind = field.get("type").cloned().unwrap_or(Value::Null);
    if serde_json::from_value::<TableFieldType>(kind.clone()).is_err() {
        return Err(BlockError::Input(format!(
            "table_fields[{i}] has type {kind}, which is not an Airtable field type \
             (singleLineText, number, checkbox, date, …)"
        )));
    }
    Ok(())
}

#[derive(Deserialize, JsonSchema)]
pub struct UpdateTableInput {
    /// Airtable API credentials
    #[serde(default)]
    #[schemars(extend(
        "credentials_provider" = ["airtable"],
        "credentials_types" = ["api_key", "oauth2"]
    ))]
    pub credentials: CredentialsMeta,
    /// The Airtable base ID
    pub base_id: String,
    /// The table ID to update
    pub table_id: String,
    /// The name of the table to update
    #[serde(default)]
    pub table_name: Option<String>,
    /// The description of the table to update
    #[serde(default)]
    pub table_description: Option<String>,
    /// The date dependency of the table to update
    #[serde(default)]
    pub date_dependency: Option<Map<String, Value>>,
}

#[derive(Serialize, JsonSchema)]
#[serde(tag = "pin", content = "value", rename_all = "snake_case")]
pub enum UpdateTableOutput {
    /// Updated table object
    Table(Value),
}

impl Block for AirtableUpdateTable {
    const META: BlockMeta = BlockMeta::standard(
        "34077c5f-f962-49f2-9ec6-97c67077013a",
        "AirtableUpdateTableBlock",
        "Update table properties",
        &[Category::Data],
    );
    type Input = UpdateTableInput;
    type Output = UpdateTableOutput;

    async fn run(
        &self,
        input: UpdateTableInput,
        cx: &mut Cx<'_, UpdateTableOutput>,
    ) -> Result<(), BlockError> {
        let tables = tables_path(&input.base_id)?;
        let table_id = super::required("table_id", &input.table_id)?;
        let path = format!("{tables}/{}", segment(table_id));
        // As AutoGPT: empty values are "not given".
        let mut body = Map::new();
        if let Some(name) = input.table_name.filter(|n| !n.is_empty()) {
            body.insert("name".into(), json!(name));
        }
        if let Some(description) = input.table_description.filter(|d| !d.is_empty()) {
            body.insert("description".into(), json!(description));
        }
        if let Some(dependency) = input.date_dependency.filter(|d| !d.is_empty()) {
            body.insert("dateDependency".into(), Value::Object(dependency));
        }
        if body.is_empty() {
            return Err(BlockError::Input(
                "At least one of table_name, table_description, or date_dependency must be \
                 provided"
                    .into(),
            ));
        }
        let client = connect(cx, super::API, &input.credentials).await?;
        let body = Value::Object(body);
        let table = super::send_converted(&client, cx, Method::PATCH, &path, body).await?;
        cx.emit(UpdateTableOutput::Table(table));
        Ok(())
    }
}
