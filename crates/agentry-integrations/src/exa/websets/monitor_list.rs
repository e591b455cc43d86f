//! Webset monitors, continued: ExaDeleteMonitorBlock and ExaListMonitorsBlock (one page of
//! monitors, optionally of one webset).

use agentry_core::{Block, BlockError, BlockMeta, Category, CredentialsMeta, Cx};
use reqwest::Method;
use schemars::JsonSchema;
use serde::{Deserialize, Serialize};

use super::monitor::{MONITORS, Monitor, monitor_path};
use super::{Page, page_query};
use crate::api::Payload;

pub struct ExaDeleteMonitor;
pub struct ExaListMonitors;

fn twenty_five() -> i64 {
    25
}

#[derive(Deserialize, JsonSchema)]
pub struct DeleteInput {
    /// The Exa integration requires an API Key.
    #[serde(default)]
    #[schemars(extend("credentials_provider" = ["exa"], "credentials_types" = ["api_key"]))]
    pub credentials: CredentialsMeta,
    /// The ID of the monitor to delete
    pub monitor_id: String,
}

#[derive(Serialize, JsonSchema)]
#[serde(tag = "pin", content = "value", rename_all = "snake_case")]
pub enum DeleteOutput {
    /// The ID of the deleted monitor
    MonitorId(String),
    /// Whether the deletion was successful
    Success(String),
}

impl Block for ExaDeleteMonitor {
    const META: BlockMeta = BlockMeta::standard(
        "f16f9b10-0c4d-4db8-997d-7b96b6026094",
        "ExaDeleteMonitorBlock",
        "Delete a monitor from a webset",
        &[Category::Search],
    );
    type Input = DeleteInput;
    type Output = DeleteOutput;

    async fn run(
        &self,
        input: DeleteInput,
        cx: &mut Cx<'_, DeleteOutput>,
    ) -> Result<(), BlockError> {
        let client = super::super::client(cx, &input.credentials).await?;
        let path = monitor_path(&input.monitor_id);
        let deleted = client
            .send_payload(cx, Method::DELETE, &path, &[], Payload::Empty)
            .await?;
        let id = deleted["id"].as_str().unwrap_or(&input.monitor_id);
        cx.emit(DeleteOutput::MonitorId(id.to_string()));
        cx.emit(DeleteOutput::Success("true".into()));
        Ok(())
    }
}

#[derive(Deserialize, JsonSchema)]
pub struct ListInput {
    /// The Exa integration requires an API Key.
    #[serde(default)]
    #[schemars(extend("credentials_provider" = ["exa"], "credentials_types" = ["api_key"]))]
    pub credentials: CredentialsMeta,
    /// Filter monitors by webset ID
    #[serde(default)]
    pub webset_id: Option<String>,
    /// Number of monitors to return
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
    /// List of monitors
    Monitors(Vec<Monitor>),
    /// Individual monitor (yielded for each monitor)
    Monitor(Box<Monitor>),
    /// Whether there are more monitors to paginate through
    HasMore(bool),
    /// Cursor for the next page of results
    NextCursor(Option<String>),
}

impl Block for ExaListMonitors {
    const META: BlockMeta = BlockMeta::standard(
        "f06e2b38-5397-4e8f-aa85-491149dd98df",
        "ExaListMonitorsBlock",
        "List all monitors with optional webset filtering",
        &[Category::Search],
    );
    type Input = ListInput;
    type Output = ListOutput;

    async fn run(&self, input: ListInput, cx: &mut Cx<'_, ListOutput>) -> Result<(), BlockError> {
        let mut query = page_query(input.limit, input.cursor)?;
        let client = super::super::client(cx, &input.credentials).await?;
        if let Some(webset) = input.webset_id.filter(|w| !w.is_empty()) {
            query.push(("websetId", webset));
        }
        let page = client.get_json(cx, MONITORS, &query).await?;
        Page::from_api(&page, Monitor::from_api).emit(
            cx,
            ListOutput::Monitors,
            |m| ListOutput::Monitor(Box::new(m)),
            ListOutput::HasMore,
            ListOutput::NextCursor,
        );
        Ok(())
    }
}
