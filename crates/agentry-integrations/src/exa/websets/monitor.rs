//! Webset monitors (AutoGPT's `websets_monitor.py`) over `/websets/v0/monitors`: create (a
//! search or refresh behavior on a cron cadence), get and update; delete and list are in
//! `monitor_list.rs`. Monitors come back in AutoGPT's `MonitorModel` shape.

use agentry_core::{Block, BlockError, BlockMeta, Category, CredentialsMeta, Cx};
use reqwest::Method;
use schemars::JsonSchema;
use serde::{Deserialize, Serialize};
use serde_json::{Map, Value, json};

use super::{iso, object, text};
use crate::api::segment;

pub struct ExaCreateMonitor;
pub struct ExaGetMonitor;
pub struct ExaUpdateMonitor;

pub(super) const MONITORS: &str = "/websets/v0/monitors";

pub(super) fn monitor_path(id: &str) -> String {
    format!("{MONITORS}/{}", segment(id))
}

/// AutoGPT's `MonitorModel`.
#[derive(Debug, Clone, Serialize, JsonSchema)]
pub struct Monitor {
    pub id: String,
    pub status: String,
    pub webset_id: String,
    pub behavior_type: String,
    pub behavior_config: Map<String, Value>,
    pub cron_expression: String,
    pub timezone: String,
    pub next_run_at: String,
    pub last_run: Map<String, Value>,
    pub metadata: Map<String, Value>,
    pub created_at: String,
    pub updated_at: String,
}

impl Monitor {
    /// From the API's monitor.
    pub fn from_api(raw: &Value) -> Monitor {
        let behavior = &raw["behavior"];
        let cadence = &raw["cadence"];
        Monitor {
            id: text(&raw["id"]),
            status: text(&raw["status"]),
            webset_id: text(&raw["websetId"]),
            behavior_type: behavior["type"].as_str().unwrap_or("unknown").to_string(),
            behavior_config: object(&behavior["config"]),
            cron_expression: text(&cadence["cron"]),
            timezone: cadence["timezone"]
                .as_str()
                .unwrap_or("Etc/UTC")
                .to_string(),
            next_run_at: iso(&raw["nextRunAt"]),
            last_run: object(&raw["lastRun"]),
            metadata: object(&raw["metadata"]),
            created_at: iso(&raw["createdAt"]),
            updated_at: iso(&raw["updatedAt"]),
        }
    }
}

/// AutoGPT's `MonitorBehaviorType`.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Deserialize, JsonSchema)]
#[serde(rename_all = "lowercase")]
pub enum BehaviorType {
    #[default]
    Search,
    Refresh,
}

/// AutoGPT's `SearchBehavior`.
#[derive(Debug, Clone, Copy, Default, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "lowercase")]
pub enum SearchBehavior {
    #[default]
    Append,
    Override,
}

/// AutoGPT's `MonitorStatus`.
#[derive(Debug, Clone, Copy, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "lowercase")]
pub enum MonitorStatus {
    Enabled,
    Disabled,
    Paused,
}

fn utc() -> String {
    "Etc/UTC".into()
}
fn ten() -> i64 {
    10
}
fn yes() -> bool {
    true
}

#[derive(Deserialize, JsonSchema)]
pub struct CreateInput {
    /// The Exa integration requires an API Key.
    #[serde(default)]
    #[schemars(extend("credentials_provider" = ["exa"], "credentials_types" = ["api_key"]))]
    pub credentials: CredentialsMeta,
    /// The ID or external ID of the Webset to monitor
    pub webset_id: String,
    /// Cron expression for scheduling (5 fields, max once per day)
    pub cron_expression: String,
    /// IANA timezone for the schedule
    #[serde(default = "utc")]
    #[schemars(extend("advanced" = true))]
    pub timezone: String,
    /// Type of monitor behavior (search for new items or refresh existing)
    #[serde(default)]
    pub behavior_type: BehaviorType,
    /// Search query for finding new items (required for search behavior)
    #[serde(default)]
    pub search_query: Option<String>,
    /// Number of items to find in each search
    #[serde(default = "ten")]
    #[schemars(range(min = 1, max = 100))]
    pub search_count: i64,
    /// Criteria that items must meet
    #[serde(default)]
    #[schemars(extend("advanced" = true))]
    pub search_criteria: Vec<String>,
    /// How new results interact with existing items
    #[serde(default)]
    #[schemars(extend("advanced" = true))]
    pub search_behavior: SearchBehavior,
    /// Type of entity to search for (company, person, etc.)
    #[serde(default)]
    #[schemars(extend("advanced" = true))]
    pub entity_type: Option<String>,
    /// Refresh content from source URLs (for refresh behavior)
    #[serde(default = "yes")]
    #[schemars(extend("advanced" = true))]
    pub refresh_content: bool,
    /// Re-run enrichments on items (for refresh behavior)
    #[serde(default = "yes")]
    #[schemars(extend("advanced" = true))]
    pub refresh_enrichments: bool,
    /// Metadata to attach to the monitor
    #[serde(default)]
    #[schemars(extend("advanced" = true))]
    pub metadata: Option<Map<String, Value>>,
}

#[derive(Serialize, JsonSchema)]
#[serde(tag = "pin", content = "value", rename_all = "snake_case")]
pub enum CreateOutput {
    /// The unique identifier for the created monitor
    MonitorId(String),
    /// The webset this monitor belongs to
    WebsetId(String),
    /// Status of the monitor
    Status(String),
    /// Type of monitor behavior
    BehaviorType(String),
    /// When the monitor will next run
    NextRunAt(Option<String>),
    /// The schedule cron expression
    CronExpression(String),
    /// The timezone for scheduling
    Timezone(String),
    /// When the monitor was created
    CreatedAt(String),
}

impl CreateInput {
    /// What is wrong with the input, before anything is sent.
    fn check(&self) -> Result<(), BlockError> {
        if !(1..=100).contains(&self.search_count) {
            return Err(BlockError::Input(format!(
                "search_count must be between 1 and 100, not {}",
                self.search_count
            )));
        }
        let fields = self.cron_expression.split_whitespace().count();
        if fields != 5 {
            return Err(BlockError::Input(format!(
                "cron_expression must have 5 fields, not {fields} ('{}')",
                self.cron_expression
            )));
        }
        if self.behavior_type == BehaviorType::Search
            && self
                .search_query
                .as_deref()
                .is_none_or(|q| q.trim().is_empty())
        {
            return Err(BlockError::Input(
                "search_query is required for search behavior".into(),
            ));
        }
        Ok(())
    }

    /// AutoGPT's payload: the cadence, the behavior and its config, the metadata when given.
    fn payload(&self) -> Value {
        let behavior = match self.behavior_type {
            BehaviorType::Search => {
                let mut config = json!({
                    "query": self.search_query.clone().unwrap_or_default(),
                    "count": self.search_count,
                    "behavior": self.search_behavior,
                });
                if !self.search_criteria.is_empty() {
                    config["criteria"] = self
                        .search_criteria
                        .iter()
                        .map(|c| json!({"description": c}))
                        .collect();
                }
                if let Some(entity) = self.entity_type.as_deref().filter(|e| !e.is_empty()) {
                    config["entity"] = json!({"type": entity});
                }
                json!({"type": "search", "config": config})
            }
            BehaviorType::Refresh => json!({"type": "refresh", "config": {
                "content": self.refresh_content, "enrichments": self.refresh_enrichments}}),
        };
        let mut payload = json!({
            "websetId": self.webset_id,
            "cadence": {"cron": self.cron_expression, "timezone": self.timezone},
            "behavior": behavior,
        });
        if let Some(m) = self.metadata.as_ref().filter(|m| !m.is_empty()) {
            payload["metadata"] = Value::Object(m.clone());
        }
        payload
    }
}

impl Block for ExaCreateMonitor {
    const META: BlockMeta = BlockMeta::standard(
        "f8a9b0c1-d2e3-4567-890a-bcdef1234567",
        "ExaCreateMonitorBlock",
        "Create automated monitors to keep websets updated with fresh data on a schedule",
        &[Category::Search],
    );
    type Input = CreateInput;
    type Output = CreateOutput;

    async fn run(
        &self,
        input: CreateInput,
        cx: &mut Cx<'_, CreateOutput>,
    ) -> Result<(), BlockError> {
        input.check()?;
        let client = super::super::client(cx, &input.credentials).await?;
        let body = input.payload();
        let m = Monitor::from_api(&client.send_json(cx, Method::POST, MONITORS, &body).await?);
        cx.emit(CreateOutput::MonitorId(m.id));
        cx.emit(CreateOutput::WebsetId(m.webset_id));
        cx.emit(CreateOutput::Status(m.status));
        cx.emit(CreateOutput::BehaviorType(m.behavior_type));
        cx.emit(CreateOutput::NextRunAt(Some(m.next_run_at)));
        cx.emit(CreateOutput::CronExpression(m.cron_expression));
        cx.emit(CreateOutput::Timezone(m.timezone));
        cx.emit(CreateOutput::CreatedAt(m.created_at));
        Ok(())
    }
}

#[derive(Deserialize, JsonSchema)]
pub struct GetInput {
    /// The Exa integration requires an API Key.
    #[serde(default)]
    #[schemars(extend("credentials_provider" = ["exa"], "credentials_types" = ["api_key"]))]
    pub credentials: CredentialsMeta,
    /// The ID of the monitor to retrieve
    pub monitor_id: String,
}

#[derive(Serialize, JsonSchema)]
#[serde(tag = "pin", content = "value", rename_all = "snake_case")]
pub enum GetOutput {
    /// The unique identifier for the monitor
    MonitorId(String),
    /// The webset this monitor belongs to
    WebsetId(String),
    /// Current status of the monitor
    Status(String),
    /// Type of monitor behavior
    BehaviorType(String),
    /// Configuration for the monitor behavior
    BehaviorConfig(Map<String, Value>),
    /// The schedule cron expression
    CronExpression(String),
    /// The timezone for scheduling
    Timezone(String),
    /// When the monitor will next run
    NextRunAt(Option<String>),
    /// Information about the last run
    LastRun(Option<Map<String, Value>>),
    /// When the monitor was created
    CreatedAt(String),
    /// When the monitor was last updated
    UpdatedAt(String),
    /// Metadata attached to the monitor
    Metadata(Map<String, Value>),
}

impl Block for ExaGetMonitor {
    const META: BlockMeta = BlockMeta::standard(
        "5c852a2d-d505-4a56-b711-7def8dd14e72",
        "ExaGetMonitorBlock",
        "Get the details and status of a webset monitor",
        &[Category::Search],
    );
    type Input = GetInput;
    type Output = GetOutput;

    async fn run(&self, input: GetInput, cx: &mut Cx<'_, GetOutput>) -> Result<(), BlockError> {
        let client = super::super::client(cx, &input.credentials).await?;
        let path = monitor_path(&input.monitor_id);
        let m = Monitor::from_api(&client.get_json(cx, &path, &[]).await?);
        cx.emit(GetOutput::MonitorId(m.id));
        cx.emit(GetOutput::WebsetId(m.webset_id));
        cx.emit(GetOutput::Status(m.status));
        cx.emit(GetOutput::BehaviorType(m.behavior_type));
        cx.emit(GetOutput::BehaviorConfig(m.behavior_config));
        cx.emit(GetOutput::CronExpression(m.cron_expression));
        cx.emit(GetOutput::Timezone(m.timezone));
        cx.emit(GetOutput::NextRunAt(Some(m.next_run_at)));
        cx.emit(GetOutput::LastRun(Some(m.last_run)));
        cx.emit(GetOutput::CreatedAt(m.created_at));
        cx.emit(GetOutput::UpdatedAt(m.updated_at));
        cx.emit(GetOutput::Metadata(m.metadata));
        Ok(())
    }
}

#[derive(Deserialize, JsonSchema)]
pub struct UpdateInput {
    /// The Exa integration requires an API Key.
    #[serde(default)]
    #[schemars(extend("credentials_provider" = ["exa"], "credentials_types" = ["api_key"]))]
    pub credentials: CredentialsMeta,
    /// The ID of the monitor to update
    pub monitor_id: String,
    /// New status for the monitor
    #[serde(default)]
    pub status: Option<MonitorStatus>,
    /// New cron expression for scheduling
    #[serde(default)]
    pub cron_expression: Option<String>,
    /// New timezone for the schedule
    #[serde(default)]
    #[schemars(extend("advanced" = true))]
    pub timezone: Option<String>,
    /// New metadata for the monitor
    #[serde(default)]
    #[schemars(extend("advanced" = true))]
    pub metadata: Option<Map<String, Value>>,
}

#[derive(Serialize, JsonSchema)]
#[serde(tag = "pin", content = "value", rename_all = "snake_case")]
pub enum UpdateOutput {
    /// The unique identifier for the monitor
    MonitorId(String),
    /// Updated status of the monitor
    Status(String),
    /// When the monitor will next run
    NextRunAt(Option<String>),
    /// When the monitor was updated
    UpdatedAt(String),
    /// Whether the update was successful
    Success(String),
}

impl UpdateInput {
    /// AutoGPT's update payload: only what is given (a cadence when either part is).
    fn payload(&self) -> Value {
        let mut payload = Map::new();
        if let Some(status) = self.status {
            payload.insert("status".into(), json!(status));
        }
        if self.cron_expression.is_some() || self.timezone.is_some() {
            let mut cadence = Map::new();
            if let Some(cron) = self.cron_expression.as_deref().filter(|c| !c.is_empty()) {
                cadence.insert("cron".into(), json!(cron));
            }
            if let Some(tz) = self.timezone.as_deref().filter(|t| !t.is_empty()) {
                cadence.insert("timezone".into(), json!(tz));
            }
            payload.insert("cadence".into(), Value::Object(cadence));
        }
        if let Some(m) = &self.metadata {
            payload.insert("metadata".into(), Value::Object(m.clone()));
        }
        Value::Object(payload)
    }
}

impl Block for ExaUpdateMonitor {
    const META: BlockMeta = BlockMeta::standard(
        "245102c3-6af3-4515-a308-c2210b7939d2",
        "ExaUpdateMonitorBlock",
        "Update a monitor's status, schedule, or metadata",
        &[Category::Search],
    );
    type Input = UpdateInput;
    type Output = UpdateOutput;

    async fn run(
        &self,
        input: UpdateInput,
        cx: &mut Cx<'_, UpdateOutput>,
    ) -> Result<(), BlockError> {
        if let Some(cron) = input.cron_expression.as_deref().filter(|c| !c.is_empty()) {
            let fields = cron.split_whitespace().count();
            if fields != 5 {
                return Err(BlockError::Input(format!(
                    "cron_expression must have 5 fields, not {fields} ('{cron}')"
                )));
            }
        }
        let client = super::super::client(cx, &input.credentials).await?;
        let path = monitor_path(&input.monitor_id);
        let body = input.payload();
        let m = Monitor::from_api(&client.send_json(cx, Method::PATCH, &path, &body).await?);
        cx.emit(UpdateOutput::MonitorId(m.id));
        cx.emit(UpdateOutput::Status(m.status));
        cx.emit(UpdateOutput::NextRunAt(Some(m.next_run_at)));
        cx.emit(UpdateOutput::UpdatedAt(m.updated_at));
        cx.emit(UpdateOutput::Success("true".into()));
        Ok(())
    }
}
