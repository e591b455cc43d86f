//! AirtableCreateRecordsBlock: up to ten records in a table (`POST /v0/{base}/{table}`), each
//! given as its fields, answered normalized to the table's schema unless asked not to.

use agentry_core::{Block, BlockError, BlockMeta, Category, CredentialsMeta, Cx};
use reqwest::Method;
use schemars::JsonSchema;
use serde::{Deserialize, Serialize};
use serde_json::{Map, Value, json};

use crate::api::{connect, segment};

pub struct AirtableCreateRecords;

#[derive(Deserialize, JsonSchema)]
pub struct Input {
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
    /// Array of records to create (each with 'fields' object)
    pub records: Vec<Map<String, Value>>,
    /// Skip output normalization to get raw Airtable response (faster but may have missing
    /// fields)
    #[serde(default)]
    pub skip_normalization: bool,
    /// Automatically convert string values to appropriate types
    #[serde(default)]
    pub typecast: bool,
    /// Return fields by field ID
    #[serde(default)]
    pub return_fields_by_field_id: Option<bool>,
}

#[derive(Serialize, JsonSchema)]
#[serde(tag = "pin", content = "value", rename_all = "snake_case")]
pub enum Output {
    /// Array of created record objects
    Records(Vec<Value>),
    /// Details of the created records
    Details(Map<String, Value>),
}

impl Block for AirtableCreateRecords {
    const META: BlockMeta = BlockMeta::standard(
        "42527e98-47b6-44ce-ac0e-86b4883721d3",
        "AirtableCreateRecordsBlock",
        "Create records in an Airtable table",
        &[Category::Data],
    );
    type Input = Input;
    type Output = Output;

    async fn run(&self, input: Input, cx: &mut Cx<'_, Output>) -> Result<(), BlockError> {
        if input.records.is_empty() {
            return Err(BlockError::Input(
                "At least one of fields or records must be provided".into(),
            ));
        }
        if input.records.len() > 10 {
            return Err(BlockError::Input(
                "Only up to 10 records can be provided when using records".into(),
            ));
        }
        let client = connect(cx, super::API, &input.credentials).await?;
        let records: Vec<Value> = input
            .records
            .iter()
            .map(|fields| json!({"fields": fields}))
            .collect();
        let mut body = json!({"records": records});
        if input.return_fields_by_field_id == Some(true) {
            body["returnFieldsByFieldId"] = json!(true);
        }
        if input.typecast {
            body["typecast"] = json!(true);
        }
        let path = format!(
            "/v0/{}/{}",
            segment(&input.base_id),
            segment(&input.table_id_or_name)
        );
        let created = super::send_converted(&client, cx, Method::POST, &path, body).await?;
        let mut records = super::listed(&created, "records");
        if !input.skip_normalization && !records.is_empty() {
            let table =
                super::table_schema(&client, cx, &input.base_id, &input.table_id_or_name).await?;
            records = super::normalize_records(&records, &table);
        }
        cx.emit(Output::Records(records));
        if let Some(details) = created["details"].as_object().filter(|d| !d.is_empty()) {
            cx.emit(Output::Details(details.clone()));
        }
        Ok(())
    }
}
