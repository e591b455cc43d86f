//! Reading Exa research tasks: ExaGetResearchBlock (`GET /research/v1/{id}`, `events=true`
//! for the event log), ExaWaitForResearchBlock (polling it) and ExaListResearchBlock.

use std::time::Duration;

use agentry_core::{Block, BlockError, BlockMeta, Category, CredentialsMeta, Cx};
use schemars::JsonSchema;
use serde::{Deserialize, Serialize};
use serde_json::{Map, Value};

use super::research::{ResearchTask, poll, task_path};

pub struct ExaGetResearch;
pub struct ExaWaitForResearch;
pub struct ExaListResearch;

#[derive(Deserialize, JsonSchema)]
pub struct GetInput {
    /// The Exa integration requires an API Key.
    #[serde(default)]
    #[schemars(extend("credentials_provider" = ["exa"], "credentials_types" = ["api_key"]))]
    pub credentials: CredentialsMeta,
    /// The ID of the research task to retrieve
    pub research_id: String,
    /// Include detailed event log of research operations
    #[serde(default)]
    pub include_events: bool,
}

#[derive(Serialize, JsonSchema)]
#[serde(tag = "pin", content = "value", rename_all = "snake_case")]
pub enum GetOutput {
    /// The research task identifier
    ResearchId(String),
    /// Current status: pending, running, completed, canceled, or failed
    Status(String),
    /// The original research instructions
    Instructions(String),
    /// The research model used
    Model(String),
    /// When research was created (Unix timestamp in ms)
    CreatedAt(i64),
    /// When research finished (Unix timestamp in ms, if completed/canceled/failed)
    FinishedAt(Option<i64>),
    /// Research output as text (if completed)
    OutputContent(Option<String>),
    /// Structured JSON output matching outputSchema (if provided and completed)
    OutputParsed(Option<Map<String, Value>>),
    /// Total cost in USD (if completed)
    CostTotal(Option<f64>),
    /// Number of searches performed (if completed)
    CostSearches(Option<i64>),
    /// Number of pages crawled (if completed)
    CostPages(Option<i64>),
    /// AI tokens used for reasoning (if completed)
    CostReasoningTokens(Option<i64>),
    /// Error message if research failed
    ErrorMessage(Option<String>),
    /// Detailed event log (if include_events was True)
    Events(Option<Vec<Value>>),
}

impl Block for ExaGetResearch {
    const META: BlockMeta = BlockMeta::standard(
        "b2e3f4a5-6789-4bcd-9012-3456789abcde",
        "ExaGetResearchBlock",
        "Get status and results of a research task",
        &[Category::Search],
    );
    type Input = GetInput;
    type Output = GetOutput;

    async fn run(&self, input: GetInput, cx: &mut Cx<'_, GetOutput>) -> Result<(), BlockError> {
        let client = super::client(cx, &input.credentials).await?;
        let query: Vec<(&str, String)> = match input.include_events {
            true => vec![("events", "true".to_string())],
            false => vec![],
        };
        let data = client
            .get_json(cx, &task_path(&input.research_id), &query)
            .await?;
        let task = ResearchTask::from_api(&data);
        cx.emit(GetOutput::ResearchId(task.research_id));
        cx.emit(GetOutput::Status(task.status));
        cx.emit(GetOutput::Instructions(task.instructions));
        cx.emit(GetOutput::Model(task.model));
        cx.emit(GetOutput::CreatedAt(task.created_at));
        cx.emit(GetOutput::FinishedAt(task.finished_at));
        if let Some(output) = task.output {
            cx.emit(GetOutput::OutputContent(Some(output.content)));
            cx.emit(GetOutput::OutputParsed(output.parsed));
        }
        if let Some(cost) = task.cost_dollars {
            cx.emit(GetOutput::CostTotal(Some(cost.total)));
            cx.emit(GetOutput::CostSearches(Some(cost.num_searches)));
            cx.emit(GetOutput::CostPages(Some(cost.num_pages)));
            cx.emit(GetOutput::CostReasoningTokens(Some(cost.reasoning_tokens)));
        }
        cx.emit(GetOutput::ErrorMessage(task.error));
        if input.include_events {
            let events = data["events"].as_array().cloned().unwrap_or_default();
            cx.emit(GetOutput::Events(Some(events)));
        }
        Ok(())
    }
}

fn six_hundred() -> i64 {
    600
}
fn ten() -> i64 {
    10
}

#[derive(Deserialize, JsonSchema)]
pub struct WaitInput {
    /// The Exa integration requires an API Key.
    #[serde(default)]
    #[schemars(extend("credentials_provider" = ["exa"], "credentials_types" = ["api_key"]))]
    pub credentials: CredentialsMeta,
    /// The ID of the research task to wait for
    pub research_id: String,
    /// Maximum time to wait in seconds
    #[serde(default = "six_hundred")]
    #[schemars(range(min = 1, max = 3600))]
    pub timeout: i64,
    /// Seconds between status checks
    #[serde(default = "ten")]
    #[schemars(range(min = 1, max = 60))]
    pub check_interval: i64,
}

#[derive(Serialize, JsonSchema)]
#[serde(tag = "pin", content = "value", rename_all = "snake_case")]
pub enum WaitOutput {
    /// The research task identifier
    ResearchId(String),
    /// Final status when polling stopped
    FinalStatus(String),
    /// Research output as text (if completed)
    OutputContent(Option<String>),
    /// Structured JSON output (if outputSchema was provided and completed)
    OutputParsed(Option<Map<String, Value>>),
    /// Total cost in USD
    CostTotal(Option<f64>),
    /// Total time waited in seconds
    ElapsedTime(f64),
    /// Whether polling timed out before completion
    TimedOut(bool),
}

impl Block for ExaWaitForResearch {
    const META: BlockMeta = BlockMeta::standard(
        "c3d4e5f6-7890-4abc-9012-3456789abcde",
        "ExaWaitForResearchBlock",
        "Wait for a research task to complete with configurable timeout",
        &[Category::Search],
    );
    type Input = WaitInput;
    type Output = WaitOutput;

    async fn run(&self, input: WaitInput, cx: &mut Cx<'_, WaitOutput>) -> Result<(), BlockError> {
        if !(1..=3600).contains(&input.timeout) || !(1..=60).contains(&input.check_interval) {
            return Err(BlockError::Input(format!(
                "timeout must be 1 to 3600 seconds and check_interval 1 to 60 seconds, not {} and {}",
                input.timeout, input.check_interval
            )));
        }
        let client = super::client(cx, &input.credentials).await?;
        let started = std::time::Instant::now();
        let timeout = Duration::from_secs(input.timeout as u64);
        let every = Duration::from_secs(input.check_interval as u64);
        let Some((done, elapsed)) = poll(cx, &client, &input.research_id, timeout, every).await?
        else {
            // One last look, as AutoGPT reports the status it stopped at.
            let last = client
                .get_json(cx, &task_path(&input.research_id), &[])
                .await?;
            let status = last["status"].as_str().unwrap_or("unknown").to_string();
            cx.emit(WaitOutput::ResearchId(input.research_id));
            cx.emit(WaitOutput::FinalStatus(status));
            cx.emit(WaitOutput::ElapsedTime(started.elapsed().as_secs_f64()));
            cx.emit(WaitOutput::TimedOut(true));
            return Ok(());
        };
        let task = ResearchTask::from_api(&done);
        cx.emit(WaitOutput::ResearchId(task.research_id));
        cx.emit(WaitOutput::FinalStatus(task.status));
        cx.emit(WaitOutput::ElapsedTime(elapsed));
        cx.emit(WaitOutput::TimedOut(false));
        if let Some(output) = task.output {
            cx.emit(WaitOutput::OutputContent(Some(output.content)));
            cx.emit(WaitOutput::OutputParsed(output.parsed));
        }
        if let Some(cost) = task.cost_dollars {
            cx.emit(WaitOutput::CostTotal(Some(cost.total)));
        }
        Ok(())
    }
}

#[derive(Deserialize, JsonSchema)]
pub struct ListInput {
    /// The Exa integration requires an API Key.
    #[serde(default)]
    #[schemars(extend("credentials_provider" = ["exa"], "credentials_types" = ["api_key"]))]
    pub credentials: CredentialsMeta,
    /// Cursor for pagination through results
    #[serde(default)]
    pub cursor: Option<String>,
    /// Number of research tasks to return (1-50)
    #[serde(default = "ten")]
    #[schemars(range(min = 1, max = 50))]
    pub limit: i64,
}

#[derive(Serialize, JsonSchema)]
#[serde(tag = "pin", content = "value", rename_all = "snake_case")]
pub enum ListOutput {
    /// List of research tasks ordered by creation time (newest first)
    ResearchTasks(Vec<ResearchTask>),
    /// Individual research task (yielded for each task)
    ResearchTask(Box<ResearchTask>),
    /// Whether there are more tasks to paginate through
    HasMore(bool),
    /// Cursor for the next page of results
    NextCursor(Option<String>),
}

impl Block for ExaListResearch {
    const META: BlockMeta = BlockMeta::standard(
        "d4e5f6a7-8901-4bcd-9012-3456789abcde",
        "ExaListResearchBlock",
        "List all research tasks with pagination support",
        &[Category::Search],
    );
    type Input = ListInput;
    type Output = ListOutput;

    async fn run(&self, input: ListInput, cx: &mut Cx<'_, ListOutput>) -> Result<(), BlockError> {
        if !(1..=50).contains(&input.limit) {
            return Err(BlockError::Input(format!(
                "limit must be between 1 and 50, not {}",
                input.limit
            )));
        }
        let client = super::client(cx, &input.credentials).await?;
        let mut query = vec![("limit", input.limit.to_string())];
        if let Some(cursor) = input.cursor.filter(|c| !c.is_empty()) {
            query.push(("cursor", cursor));
        }
        let data = client.get_json(cx, "/research/v1", &query).await?;
        let tasks: Vec<ResearchTask> = data["data"]
            .as_array()
            .into_iter()
            .flatten()
            .map(ResearchTask::from_api)
            .collect();
        cx.emit(ListOutput::ResearchTasks(tasks.clone()));
        for task in tasks {
            cx.emit(ListOutput::ResearchTask(Box::new(task)));
        }
        cx.emit(ListOutput::HasMore(
            data["hasMore"].as_bool().unwrap_or(false),
        ));
        cx.emit(ListOutput::NextCursor(
            data["nextCursor"].as_str().map(str::to_string),
        ));
        Ok(())
    }
}
