//! ExaWebsetWebhookBlock (AutoGPT's `exa/webhook_blocks.py`): a `Webhook` block the platform
//! subscribes to Exa's webset events for (`webhook_provider.rs` registers the hook, checks
//! `Exa-Signature` and starts a run only for the events the node's filter chooses), which
//! picks the event's parts out of the delivery on its hidden `payload`.

use agentry_core::{Block, BlockError, BlockMeta, BlockType, Category, CredentialsMeta, Cx};
use schemars::JsonSchema;
use serde::{Deserialize, Serialize};
use serde_json::{Map, Value};

pub struct ExaWebsetWebhook;

pub const BLOCK_ID: &str = "d0204ed8-8b81-408d-8b8d-ed087a546228";

fn yes() -> bool {
    true
}

/// AutoGPT's `WebsetEventFilter`, its defaults included.
#[derive(Debug, Clone, Deserialize, JsonSchema)]
pub struct WebsetEventFilter {
    /// Receive notifications when websets are created
    #[serde(default = "yes")]
    pub webset_created: bool,
    /// Receive notifications when websets are deleted
    #[serde(default)]
    pub webset_deleted: bool,
    /// Receive notifications when websets are paused
    #[serde(default)]
    pub webset_paused: bool,
    /// Receive notifications when websets become idle
    #[serde(default)]
    pub webset_idle: bool,
    /// Receive notifications when webset searches are created
    #[serde(default = "yes")]
    pub search_created: bool,
    /// Receive notifications when webset searches complete
    #[serde(default = "yes")]
    pub search_completed: bool,
    /// Receive notifications when webset searches are canceled
    #[serde(default)]
    pub search_canceled: bool,
    /// Receive notifications when webset searches are updated
    #[serde(default)]
    pub search_updated: bool,
    /// Receive notifications when webset items are created
    #[serde(default = "yes")]
    pub item_created: bool,
    /// Receive notifications when webset items are enriched
    #[serde(default = "yes")]
    pub item_enriched: bool,
    /// Receive notifications when webset exports are created
    #[serde(default)]
    pub export_created: bool,
    /// Receive notifications when webset exports complete
    #[serde(default = "yes")]
    pub export_completed: bool,
    /// Receive notifications when imports are created
    #[serde(default)]
    pub import_created: bool,
    /// Receive notifications when imports complete
    #[serde(default = "yes")]
    pub import_completed: bool,
    /// Receive notifications when imports are processing
    #[serde(default)]
    pub import_processing: bool,
}

impl Default for WebsetEventFilter {
    fn default() -> Self {
        serde_json::from_value(Value::Object(Map::new())).expect("every field has a default")
    }
}

impl WebsetEventFilter {
    /// AutoGPT's `ExaEventType` values with the flag that chooses each.
    pub fn flags(&self) -> [(&'static str, bool); 15] {
        [
            ("webset.created", self.webset_created),
            ("webset.deleted", self.webset_deleted),
            ("webset.paused", self.webset_paused),
            ("webset.idle", self.webset_idle),
            ("webset.search.created", self.search_created),
            ("webset.search.completed", self.search_completed),
            ("webset.search.canceled", self.search_canceled),
            ("webset.search.updated", self.search_updated),
            ("webset.item.created", self.item_created),
            ("webset.item.enriched", self.item_enriched),
            ("webset.export.created", self.export_created),
            ("webset.export.completed", self.export_completed),
            ("import.created", self.import_created),
            ("import.completed", self.import_completed),
            ("import.processing", self.import_processing),
        ]
    }

    /// AutoGPT's `_should_process_event`: a known event by its flag, any other taken.
    pub fn takes(&self, event_type: &str) -> bool {
        self.flags()
            .iter()
            .find(|(name, _)| *name == event_type)
            .is_none_or(|(_, on)| *on)
    }
}

#[derive(Deserialize, JsonSchema)]
pub struct WebhookInput {
    /// Exa API credentials for webhook management
    #[serde(default)]
    #[schemars(extend("credentials_provider" = ["exa"], "credentials_types" = ["api_key"]))]
    pub credentials: CredentialsMeta,
    /// URL to receive webhooks (auto-generated)
    #[serde(default)]
    #[schemars(extend("hidden" = true))]
    pub webhook_url: String,
    /// The webset ID to monitor (optional, monitors all if empty)
    #[serde(default)]
    pub webset_id: String,
    /// Configure which events to receive
    #[serde(default)]
    pub event_filter: WebsetEventFilter,
    /// Webhook payload data
    #[serde(default)]
    #[schemars(extend("hidden" = true))]
    pub payload: Map<String, Value>,
}

#[derive(Serialize, JsonSchema)]
#[serde(tag = "pin", content = "value", rename_all = "snake_case")]
pub enum WebhookOutput {
    /// Type of event that occurred
    EventType(String),
    /// Unique identifier for this event
    EventId(String),
    /// ID of the affected webset
    WebsetId(String),
    /// Event-specific data
    Data(Map<String, Value>),
    /// When the event occurred
    Timestamp(String),
    /// Additional event metadata
    Metadata(Map<String, Value>),
}

/// The first of `keys` in `object` that is a string.
fn first_text<'v>(object: &'v Map<String, Value>, keys: &[&str]) -> Option<&'v str> {
    keys.iter()
        .find_map(|k| object.get(*k).and_then(Value::as_str))
}

fn map(v: Option<&Value>) -> Map<String, Value> {
    match v {
        Some(Value::Object(m)) => m.clone(),
        _ => Map::new(),
    }
}

/// The webset an event is about: the payload's `websetId` (AutoGPT's key), else the event
/// object's (`data.websetId` of items, searches and exports; `data.id` of a webset).
pub fn webset_of(payload: &Map<String, Value>) -> Option<String> {
    if let Some(id) = first_text(payload, &["websetId"]) {
        return Some(id.to_string());
    }
    let data = map(payload.get("data"));
    if let Some(id) = first_text(&data, &["websetId"]) {
        return Some(id.to_string());
    }
    (data.get("object").and_then(Value::as_str) == Some("webset"))
        .then(|| first_text(&data, &["id"]).map(str::to_string))
        .flatten()
}

impl Block for ExaWebsetWebhook {
    const META: BlockMeta = BlockMeta {
        block_type: BlockType::Webhook,
        ..BlockMeta::standard(
            BLOCK_ID,
            "ExaWebsetWebhookBlock",
            "Receive webhook notifications for Exa webset events",
            &[Category::Input],
        )
    };
    type Input = WebhookInput;
    type Output = WebhookOutput;

    async fn run(
        &self,
        input: WebhookInput,
        cx: &mut Cx<'_, WebhookOutput>,
    ) -> Result<(), BlockError> {
        let payload = &input.payload;
        // Exa names the event `type` and its id `id`; AutoGPT reads `eventType` and `eventId`.
        let event_type = first_text(payload, &["type", "eventType"]).unwrap_or("unknown");
        if !input.event_filter.takes(event_type) {
            return Ok(());
        }
        let webset_id = webset_of(payload).unwrap_or_else(|| input.webset_id.clone());
        // A node watching one webset yields nothing for another's events (Exa's hooks cover
        // the whole account).
        if !input.webset_id.is_empty() && webset_id != input.webset_id {
            return Ok(());
        }
        let event_id = first_text(payload, &["id", "eventId"]).unwrap_or_default();
        let timestamp = first_text(payload, &["occurredAt", "createdAt"]).unwrap_or_default();
        cx.emit(WebhookOutput::EventType(event_type.to_string()));
        cx.emit(WebhookOutput::EventId(event_id.to_string()));
        cx.emit(WebhookOutput::WebsetId(webset_id));
        cx.emit(WebhookOutput::Data(map(payload.get("data"))));
        cx.emit(WebhookOutput::Timestamp(timestamp.to_string()));
        cx.emit(WebhookOutput::Metadata(map(payload.get("metadata"))));
        Ok(())
    }
}
