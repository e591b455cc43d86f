//! AirtableWebhookTriggerBlock (AutoGPT's `airtable/triggers.py`): a `Webhook` block the
//! platform subscribes to a base's changes for (`webhook.rs` creates the webhook, checks
//! `X-Airtable-Content-MAC` and fetches the payloads Airtable's notification stands for); the
//! fetched page arrives on its hidden `payload` and the block yields its payloads one at a time.

use agentry_core::{Block, BlockError, BlockMeta, BlockType, Category, CredentialsMeta, Cx};
use schemars::JsonSchema;
use serde::{Deserialize, Serialize};
use serde_json::{Map, Value};

pub struct AirtableWebhookTrigger;

pub const BLOCK_ID: &str = "d0180ce6-ccb9-48c7-8256-b39e93e62801";

fn yes() -> bool {
    true
}

/// AutoGPT's `AirtableEventSelector`: which of Airtable's data types the webhook watches
/// (its `specification.options.filters.dataTypes`).
#[derive(Debug, Clone, Deserialize, Serialize, JsonSchema)]
pub struct AirtableEventSelector {
    #[serde(default = "yes", rename = "tableData")]
    pub table_data: bool,
    #[serde(default = "yes", rename = "tableFields")]
    pub table_fields: bool,
    #[serde(default = "yes", rename = "tableMetadata")]
    pub table_metadata: bool,
}

impl Default for AirtableEventSelector {
    fn default() -> Self {
        Self {
            table_data: true,
            table_fields: true,
            table_metadata: true,
        }
    }
}

impl AirtableEventSelector {
    /// The data types switched on, in AutoGPT's order (`AirtableWebhookEvent`).
    pub fn data_types(&self) -> Vec<String> {
        [
            ("tableData", self.table_data),
            ("tableFields", self.table_fields),
            ("tableMetadata", self.table_metadata),
        ]
        .iter()
        .filter(|(_, on)| *on)
        .map(|(name, _)| name.to_string())
        .collect()
    }
}

/// AutoGPT's `WebhookPayload`: one of Airtable's webhook payloads (its `v0` format).
#[derive(Debug, Clone, PartialEq, Deserialize, Serialize, JsonSchema)]
pub struct WebhookPayload {
    #[serde(rename = "actionMetadata")]
    pub action_metadata: Map<String, Value>,
    #[serde(rename = "baseTransactionNumber")]
    pub base_transaction_number: i64,
    #[serde(rename = "payloadFormat")]
    pub payload_format: String,
    pub timestamp: String,
    #[serde(default, rename = "changedTablesById")]
    pub changed_tables_by_id: Option<Map<String, Value>>,
    #[serde(default, rename = "createdTablesById")]
    pub created_tables_by_id: Option<Map<String, Value>>,
    #[serde(default, rename = "destroyedTableIds")]
    pub destroyed_table_ids: Option<Vec<String>>,
    #[serde(default)]
    pub error: Option<bool>,
    #[serde(default)]
    pub code: Option<String>,
}

#[derive(Deserialize, JsonSchema)]
pub struct Input {
    /// Airtable API credentials
    #[serde(default)]
    #[schemars(extend(
        "credentials_provider" = ["airtable"],
        "credentials_types" = ["api_key", "oauth2"]
    ))]
    pub credentials: CredentialsMeta,
    /// Airtable base ID
    pub base_id: String,
    /// Airtable table ID or name
    pub table_id_or_name: String,
    #[serde(default)]
    #[schemars(extend("hidden" = true))]
    pub payload: Map<String, Value>,
    /// Airtable webhook event filter
    #[serde(default)]
    pub events: AirtableEventSelector,
}

#[derive(Serialize, JsonSchema)]
#[serde(tag = "pin", content = "value", rename_all = "snake_case")]
pub enum Output {
    /// Airtable webhook payload
    Payload(WebhookPayload),
}

impl Block for AirtableWebhookTrigger {
    const META: BlockMeta = BlockMeta {
        block_type: BlockType::Webhook,
        ..BlockMeta::standard(
            BLOCK_ID,
            "AirtableWebhookTriggerBlock",
            "Starts a flow whenever Airtable emits a webhook event",
            &[Category::Input, Category::Data],
        )
    };
    type Input = Input;
    type Output = Output;

    async fn run(&self, input: Input, cx: &mut Cx<'_, Output>) -> Result<(), BlockError> {
        let items = match input.payload.get("payloads") {
            Some(Value::Array(items)) if !items.is_empty() => items,
            _ => {
                return Err(BlockError::Input(
                    "No valid payloads found in webhook payload".into(),
                ));
            }
        };
        // One at a time as AutoGPT yields them: a malformed payload stops the run after the
        // good ones before it.
        for (at, item) in items.iter().enumerate() {
            let payload: WebhookPayload = serde_json::from_value(item.clone()).map_err(|e| {
                BlockError::Input(format!("Airtable webhook payload {at} is malformed: {e}"))
            })?;
            cx.emit(Output::Payload(payload));
        }
        Ok(())
    }
}
