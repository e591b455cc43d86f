//! AirtableListRecordsBlock and AirtableGetRecordBlock: records of a table
//! (`GET /v0/{base}/{table}` with Airtable's query parameters, `GET …/{record}`), normalized to
//! the table's schema unless asked not to, with the fields' metadata when asked.

use agentry_core::{Block, BlockError, BlockMeta, Category, CredentialsMeta, Cx};
use schemars::JsonSchema;
use serde::{Deserialize, Serialize};
use serde_json::{Map, Value};

use crate::api::{connect, segment};

pub struct AirtableListRecords;
pub struct AirtableGetRecord;

/// Airtable answers at most 100 records a page.
const MAX_PAGE_SIZE: u32 = 100;

fn yes() -> bool {
    true
}

fn hundred() -> u32 {
    100
}

#[derive(Deserialize, JsonSchema)]
pub struct ListInput {
    /// Airtable API credentials
    #[serde(default)]
    #[schemars(extend(
        "credentials_provider" = ["airtable"],
        "credentials_types" = ["api_key", "oauth2"]
    ))]
    pub credentials: CredentialsMeta,
    /// The Airtable base ID
    pub base_id: String,
    /// Table ID or name
    pub table_id_or_name: String,
    /// Airtable formula to filter records
    #[serde(default)]
    pub filter_formula: String,
    /// View ID or name to use
    #[serde(default)]
    pub view: String,
    /// Sort configuration (array of {field, direction})
    #[serde(default)]
    pub sort: Vec<Map<String, Value>>,
    /// Maximum number of records to return
    #[serde(default = "hundred")]
    pub max_records: u32,
    /// Number of records per page (max 100)
    #[serde(default = "hundred")]
    pub page_size: u32,
    /// Pagination offset from previous request
    #[serde(default)]
    pub offset: String,
    /// Specific fields to return (comma-separated)
    #[serde(default)]
    pub return_fields: Vec<String>,
    /// Normalize output to include all fields with proper empty values (disable to skip schema
    /// fetch and get raw Airtable response)
    #[serde(default = "yes")]
    pub normalize_output: bool,
    /// Include field type and configuration metadata (requires normalize_output=true)
    #[serde(default)]
    pub include_field_metadata: bool,
}

#[derive(Serialize, JsonSchema)]
#[serde(tag = "pin", content = "value", rename_all = "snake_case")]
pub enum ListOutput {
    /// Array of record objects
    Records(Vec<Value>),
    /// Offset for next page (null if no more records)
    Offset(Option<String>),
    /// Field type and configuration metadata (only when include_field_metadata=true)
    FieldMetadata(Map<String, Value>),
}

impl Block for AirtableListRecords {
    const META: BlockMeta = BlockMeta::standard(
        "588a9fde-5733-4da7-b03c-35f5671e960f",
        "AirtableListRecordsBlock",
        "List records from an Airtable table",
        &[Category::Data],
    );
    type Input = ListInput;
    type Output = ListOutput;

    async fn run(&self, input: ListInput, cx: &mut Cx<'_, ListOutput>) -> Result<(), BlockError> {
        let path = super::records_path(&input.base_id, &input.table_id_or_name)?;
        let query = list_query(&input)?;
        let client = connect(cx, super::API, &input.credentials).await?;
        let borrowed: Vec<(&str, String)> =
            query.iter().map(|(k, v)| (k.as_str(), v.clone())).collect();
        let page = client.get_json(cx, &path, &borrowed).await?;
        let mut records = super::listed(&page, "records");
        let offset = page["offset"].as_str().map(str::to_string);
        if !input.normalize_output {
            cx.emit(ListOutput::Records(records));
            cx.emit(ListOutput::Offset(offset));
            return Ok(());
        }
        let table =
            super::table_schema(&client, cx, &input.base_id, &input.table_id_or_name).await?;
        records = super::normalize_records(&records, &table);
        cx.emit(ListOutput::Records(records));
        cx.emit(ListOutput::Offset(offset));
        if input.include_field_metadata {
            cx.emit(ListOutput::FieldMetadata(super::field_metadata(&table)));
        }
        Ok(())
    }
}

/// Airtable's list parameters, each only when given (as AutoGPT: zero and empty mean "not
/// set"): `sort[i][field]`, `sort[i][direction]` and `fields[]` in Airtable's bracket form.
fn list_query(input: &ListInput) -> Result<Vec<(String, String)>, BlockError> {
    let mut query = Vec::new();
    if input.page_size > 0 {
        let size = input.page_size.min(MAX_PAGE_SIZE);
        query.push(("pageSize".to_string(), size.to_string()));
    }
    if input.max_records > 0 {
        query.push(("maxRecords".into(), input.max_records.to_string()));
    }
    if !input.offset.is_empty() {
        query.push(("offset".into(), input.offset.clone()));
    }
    if !input.view.is_empty() {
        query.push(("view".into(), input.view.clone()));
    }
    for (i, rule) in input.sort.iter().enumerate() {
        let Some(field) = rule.get("field").and_then(Value::as_str) else {
            return Err(BlockError::Input(format!(
                "sort[{i}] needs a \"field\" naming the field to sort by"
            )));
        };
        query.push((format!("sort[{i}][field]"), field.to_string()));
        match rule.get("direction") {
            None | Some(Value::Null) => {}
            Some(Value::String(d)) if d == "asc" || d == "desc" => {
                query.push((format!("sort[{i}][direction]"), d.clone()));
            }
            Some(other) => {
                return Err(BlockError::Input(format!(
                    "sort[{i}] direction must be \"asc\" or \"desc\", not {other}"
                )));
            }
        }
    }
    if !input.filter_formula.is_empty() {
        query.push(("filterByFormula".into(), input.filter_formula.clone()));
    }
    for field in &input.return_fields {
        query.push(("fields[]".into(), field.clone()));
    }
    Ok(query)
}

#[derive(Deserialize, JsonSchema)]
pub struct GetInput {
    /// Airtable API credentials
    #[serde(default)]
    #[schemars(extend(
        "credentials_provider" = ["airtable"],
        "credentials_types" = ["api_key", "oauth2"]
    ))]
    pub credentials: CredentialsMeta,
    /// The Airtable base ID
    pub base_id: String,
    /// Table ID or name
    pub table_id_or_name: String,
    /// The record ID to retrieve
    pub record_id: String,
    /// Normalize output to include all fields with proper empty values (disable to skip schema
    /// fetch and get raw Airtable response)
    #[serde(default = "yes")]
    pub normalize_output: bool,
    /// Include field type and configuration metadata (requires normalize_output=true)
    #[serde(default)]
    pub include_field_metadata: bool,
}

#[derive(Serialize, JsonSchema)]
#[serde(tag = "pin", content = "value", rename_all = "snake_case")]
pub enum GetOutput {
    /// The record ID
    Id(Option<String>),
    /// The record fields
    Fields(Value),
    /// The record created time
    CreatedTime(Option<String>),
    /// Field type and configuration metadata (only when include_field_metadata=true)
    FieldMetadata(Map<String, Value>),
}

impl Block for AirtableGetRecord {
    const META: BlockMeta = BlockMeta::standard(
        "c29c5cbf-0aff-40f9-bbb5-f26061792d2b",
        "AirtableGetRecordBlock",
        "Get a single record from Airtable",
        &[Category::Data],
    );
    type Input = GetInput;
    type Output = GetOutput;

    async fn run(&self, input: GetInput, cx: &mut Cx<'_, GetOutput>) -> Result<(), BlockError> {
        let table_path = super::records_path(&input.base_id, &input.table_id_or_name)?;
        let record_id = super::required("record_id", &input.record_id)?;
        let path = format!("{table_path}/{}", segment(record_id));
        let client = connect(cx, super::API, &input.credentials).await?;
        let mut record = client.get_json(cx, &path, &[]).await?;
        let mut metadata = None;
        if input.normalize_output {
            let table =
                super::table_schema(&client, cx, &input.base_id, &input.table_id_or_name).await?;
            let normalized = super::normalize_records(std::slice::from_ref(&record), &table);
            record = normalized.into_iter().next().unwrap_or_default();
            metadata = input
                .include_field_metadata
                .then(|| super::field_metadata(&table));
        }
        let text = |key: &str| record[key].as_str().map(str::to_string);
        cx.emit(GetOutput::Id(text("id")));
        cx.emit(GetOutput::Fields(record["fields"].clone()));
        cx.emit(GetOutput::CreatedTime(text("createdTime")));
        if let Some(metadata) = metadata {
            cx.emit(GetOutput::FieldMetadata(metadata));
        }
        Ok(())
    }
}
