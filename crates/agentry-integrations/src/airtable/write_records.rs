//! AirtableUpdateRecordsBlock and AirtableDeleteRecordsBlock: up to ten records of a table
//! changed (`PATCH /v0/{base}/{table}`) or deleted (`DELETE …?records[]=…`) in one request.

use agentry_core::{Block, BlockError, BlockMeta, Category, CredentialsMeta, Cx};
use reqwest::Method;
use schemars::JsonSchema;
use serde::{Deserialize, Serialize};
use serde_json::{Map, Value, json};

use crate::api::{Payload, connect};

pub struct AirtableUpdateRecords;
pub struct AirtableDeleteRecords;

/// Airtable changes or deletes at most ten records a request.
const MAX_RECORDS: usize = 10;

#[derive(Deserialize, JsonSchema)]
pub struct UpdateInput {
    /// Airtable API credentials
    #[serde(default)]
    #[schemars(extend(
        "credentials_provider" = ["airtable"],
        "credentials_types" = ["api_key", "oauth2"]
    ))]
    pub credentials: CredentialsMeta,
    /// The Airtable base ID
    pub base_id: String,
    /// Table ID or name - It's better to use the table ID instead of the name
    pub table_id_or_name: String,
    /// Array of records to update (each with 'id' and 'fields')
    pub records: Vec<Map<String, Value>>,
    /// Automatically convert string values to appropriate types
    #[serde(default)]
    pub typecast: Option<bool>,
}

#[derive(Serialize, JsonSchema)]
#[serde(tag = "pin", content = "value", rename_all = "snake_case")]
pub enum UpdateOutput {
    /// Array of updated record objects
    Records(Vec<Value>),
}

impl Block for AirtableUpdateRecords {
    const META: BlockMeta = BlockMeta::standard(
        "6e7d2590-ac2b-4b5d-b08c-fc039cd77e1f",
        "AirtableUpdateRecordsBlock",
        "Update records in an Airtable table",
        &[Category::Data],
    );
    type Input = UpdateInput;
    type Output = UpdateOutput;

    async fn run(
        &self,
        input: UpdateInput,
        cx: &mut Cx<'_, UpdateOutput>,
    ) -> Result<(), BlockError> {
        let path = super::records_path(&input.base_id, &input.table_id_or_name)?;
        check_count("records", input.records.len())?;
        for (i, record) in input.records.iter().enumerate() {
            if !record.get("id").is_some_and(Value::is_string) {
                return Err(BlockError::Input(format!(
                    "records[{i}] needs an \"id\": the record to update"
                )));
            }
            if !record.get("fields").is_some_and(Value::is_object) {
                return Err(BlockError::Input(format!(
                    "records[{i}] needs \"fields\": an object of the field values to set"
                )));
            }
        }
        let client = connect(cx, super::API, &input.credentials).await?;
        let mut body = json!({"records": input.records});
        if input.typecast == Some(true) {
            body["typecast"] = json!(true);
        }
        let updated = super::send_converted(&client, cx, Method::PATCH, &path, body).await?;
        cx.emit(UpdateOutput::Records(super::listed(&updated, "records")));
        Ok(())
    }
}

/// An input error unless `count` is between one and ten.
fn check_count(pin: &str, count: usize) -> Result<(), BlockError> {
    if count == 0 {
        return Err(BlockError::Input(format!(
            "{pin} must list at least one record"
        )));
    }
    if count > MAX_RECORDS {
        return Err(BlockError::Input(format!(
            "{pin} lists {count} records; Airtable takes up to {MAX_RECORDS} at a time"
        )));
    }
    Ok(())
}

#[derive(Deserialize, JsonSchema)]
pub struct DeleteInput {
    /// Airtable API credentials
    #[serde(default)]
    #[schemars(extend(
        "credentials_provider" = ["airtable"],
        "credentials_types" = ["api_key", "oauth2"]
    ))]
    pub credentials: CredentialsMeta,
    /// The Airtable base ID
    pub base_id: String,
    /// Table ID or name - It's better to use the table ID instead of the name
    pub table_id_or_name: String,
    /// Array of upto 10 record IDs to delete
    pub record_ids: Vec<String>,
}

#[derive(Serialize, JsonSchema)]
#[serde(tag = "pin", content = "value", rename_all = "snake_case")]
pub enum DeleteOutput {
    /// Array of deletion results
    Records(Vec<Value>),
}

impl Block for AirtableDeleteRecords {
    const META: BlockMeta = BlockMeta::standard(
        "93e22b8b-3642-4477-aefb-1c0929a4a3a6",
        "AirtableDeleteRecordsBlock",
        "Delete records from an Airtable table",
        &[Category::Data],
    );
    type Input = DeleteInput;
    type Output = DeleteOutput;

    async fn run(
        &self,
        input: DeleteInput,
        cx: &mut Cx<'_, DeleteOutput>,
    ) -> Result<(), BlockError> {
        let path = super::records_path(&input.base_id, &input.table_id_or_name)?;
        check_count("record_ids", input.record_ids.len())?;
        for (i, id) in input.record_ids.iter().enumerate() {
            super::required(&format!("record_ids[{i}]"), id)?;
        }
        let client = connect(cx, super::API, &input.credentials).await?;
        let query: Vec<(&str, String)> = input
            .record_ids
            .iter()
            .map(|id| ("records[]", id.clone()))
            .collect();
        let deleted = client
            .send_payload(cx, Method::DELETE, &path, &query, Payload::Empty)
            .await?;
        cx.emit(DeleteOutput::Records(super::listed(&deleted, "records")));
        Ok(())
    }
}
