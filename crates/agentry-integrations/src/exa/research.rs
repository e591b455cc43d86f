//! Exa's research tasks (AutoGPT's `exa/research.py`): ExaCreateResearchBlock
//! (`POST /research/v1`, then polling `GET /research/v1/{id}` every 10 seconds when asked to
//! wait); the blocks reading tasks are in `research_tasks`.

use std::time::{Duration, Instant};

use agentry_core::{Block, BlockError, BlockMeta, Category, CredentialsMeta, Cx};
use reqwest::Method;
use schemars::JsonSchema;
use serde::{Deserialize, Serialize};
use serde_json::{Map, Value, json};

use crate::api::{Client, segment};

pub struct ExaCreateResearch;

/// AutoGPT's `ResearchModel`.
#[derive(Debug, Clone, Copy, Default, Serialize, Deserialize, JsonSchema)]
pub enum ResearchModel {
    #[serde(rename = "exa-research-fast")]
    Fast,
    #[default]
    #[serde(rename = "exa-research")]
    Standard,
    #[serde(rename = "exa-research-pro")]
    Pro,
}

/// AutoGPT's `ResearchTaskModel`, from Exa's camelCase research object.
#[derive(Debug, Clone, Serialize, JsonSchema)]
pub struct ResearchTask {
    pub research_id: String,
    pub created_at: i64,
    pub model: String,
    pub instructions: String,
    pub status: String,
    pub output_schema: Option<Map<String, Value>>,
    pub output: Option<ResearchOutput>,
    pub cost_dollars: Option<ResearchCost>,
    pub finished_at: Option<i64>,
    pub error: Option<String>,
}

#[derive(Debug, Clone, Serialize, JsonSchema)]
pub struct ResearchOutput {
    pub content: String,
    pub parsed: Option<Map<String, Value>>,
}

/// AutoGPT's `ResearchCostModel`: fractional counts rounded.
#[derive(Debug, Clone, Serialize, JsonSchema)]
pub struct ResearchCost {
    pub total: f64,
    pub num_searches: i64,
    pub num_pages: i64,
    pub reasoning_tokens: i64,
}

impl ResearchTask {
    pub fn from_api(d: &Value) -> Self {
        let text = |k: &str, or: &str| d[k].as_str().unwrap_or(or).to_string();
        let round = |v: &Value| v.as_f64().unwrap_or(0.0).round() as i64;
        let output = d["output"]
            .as_object()
            .filter(|o| !o.is_empty())
            .map(|o| ResearchOutput {
                content: o
                    .get("content")
                    .and_then(Value::as_str)
                    .unwrap_or_default()
                    .to_string(),
                parsed: o.get("parsed").and_then(Value::as_object).cloned(),
            });
        let cost = d["costDollars"]
            .as_object()
            .filter(|c| !c.is_empty())
            .map(|c| ResearchCost {
                total: c.get("total").and_then(Value::as_f64).unwrap_or(0.0),
                num_searches: round(c.get("numSearches").unwrap_or(&Value::Null)),
                num_pages: round(c.get("numPages").unwrap_or(&Value::Null)),
                reasoning_tokens: round(c.get("reasoningTokens").unwrap_or(&Value::Null)),
            });
        ResearchTask {
            research_id: text("researchId", ""),
            created_at: d["createdAt"].as_i64().unwrap_or(0),
            model: text("model", "exa-research"),
            instructions: text("instructions", ""),
            status: text("status", "pending"),
            output_schema: d["outputSchema"].as_object().cloned(),
            output,
            cost_dollars: cost,
            finished_at: d["finishedAt"].as_i64(),
            error: d["error"].as_str().map(str::to_string),
        }
    }

    pub fn finished(status: &str) -> bool {
        matches!(status, "completed" | "failed" | "canceled")
    }
}

pub(super) fn task_path(id: &str) -> String {
    format!("/research/v1/{}", segment(id.trim()))
}

/// Polls the task every `every` until it finishes or `timeout` passes: the finished task and
/// the seconds waited, or `None` at the timeout.
pub(super) async fn poll<O: Serialize>(
    cx: &mut Cx<'_, O>,
    client: &Client,
    id: &str,
    timeout: Duration,
    every: Duration,
) -> Result<Option<(Value, f64)>, BlockError> {
    let started = Instant::now();
    let path = task_path(id);
    while started.elapsed() < timeout {
        let task = client.get_json(cx, &path, &[]).await?;
        if ResearchTask::finished(task["status"].as_str().unwrap_or_default()) {
            return Ok(Some((task, started.elapsed().as_secs_f64())));
        }
        tokio::time::sleep(every).await;
    }
    Ok(None)
}

fn six_hundred() -> i64 {
    600
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
    /// Research instructions - clearly define what information to find, how to conduct research, and desired output format.
    pub instructions: String,
    /// Research model: 'fast' for quick results, 'standard' for balanced quality, 'pro' for thorough analysis
    #[serde(default)]
    pub model: ResearchModel,
    /// JSON Schema to enforce structured output. When provided, results are validated and returned as parsed JSON.
    #[serde(default)]
    pub output_schema: Option<Map<String, Value>>,
    /// Wait for research to complete before returning. Ensures you get results immediately.
    #[serde(default = "yes")]
    pub wait_for_completion: bool,
    /// Maximum time to wait for completion in seconds (only if wait_for_completion is True)
    #[serde(default = "six_hundred")]
    #[schemars(range(min = 1, max = 3600))]
    pub polling_timeout: i64,
}

#[derive(Serialize, JsonSchema)]
#[serde(tag = "pin", content = "value", rename_all = "snake_case")]
pub enum CreateOutput {
    /// Unique identifier for tracking this research request
    ResearchId(String),
    /// Final status of the research
    Status(String),
    /// The research model used
    Model(String),
    /// The research instructions provided
    Instructions(String),
    /// When the research was created (Unix timestamp in ms)
    CreatedAt(i64),
    /// Research output as text (only if wait_for_completion was True and completed)
    OutputContent(Option<String>),
    /// Structured JSON output (only if wait_for_completion and outputSchema were provided)
    OutputParsed(Option<Map<String, Value>>),
    /// Total cost in USD (only if wait_for_completion was True and completed)
    CostTotal(Option<f64>),
    /// Time taken to complete in seconds (only if wait_for_completion was True)
    ElapsedTime(Option<f64>),
}

impl Block for ExaCreateResearch {
    const META: BlockMeta = BlockMeta::standard(
        "a1f2e3d4-c5b6-4a78-9012-3456789abcde",
        "ExaCreateResearchBlock",
        "Create research task with optional waiting - explores web and synthesizes findings with citations",
        &[Category::Search, Category::Ai],
    );
    type Input = CreateInput;
    type Output = CreateOutput;

    async fn run(
        &self,
        input: CreateInput,
        cx: &mut Cx<'_, CreateOutput>,
    ) -> Result<(), BlockError> {
        let timeout = input.polling_timeout;
        if !(1..=3600).contains(&timeout) {
            return Err(BlockError::Input(format!(
                "polling_timeout must be between 1 and 3600 seconds, not {timeout}"
            )));
        }
        let client = super::client(cx, &input.credentials).await?;
        let model = serde_json::to_value(input.model).unwrap_or(json!("exa-research"));
        let mut body = json!({"model": model, "instructions": input.instructions});
        if let Some(schema) = input.output_schema.filter(|s| !s.is_empty()) {
            body["outputSchema"] = Value::Object(schema);
        }
        let created = client
            .send_json(cx, Method::POST, "/research/v1", &body)
            .await?;
        let id = created["researchId"]
            .as_str()
            .unwrap_or_default()
            .to_string();
        if !input.wait_for_completion {
            let or = |k: &str, d: &str| created[k].as_str().unwrap_or(d).to_string();
            cx.emit(CreateOutput::ResearchId(id));
            cx.emit(CreateOutput::Status(or("status", "pending")));
            cx.emit(CreateOutput::Model(or(
                "model",
                model.as_str().unwrap_or(""),
            )));
            cx.emit(CreateOutput::Instructions(or(
                "instructions",
                &input.instructions,
            )));
            cx.emit(CreateOutput::CreatedAt(
                created["createdAt"].as_i64().unwrap_or(0),
            ));
            return Ok(());
        }
        let limit = Duration::from_secs(timeout as u64);
        let Some((done, elapsed)) = poll(cx, &client, &id, limit, Duration::from_secs(10)).await?
        else {
            return Err(BlockError::Input(format!(
                "Research did not complete within {timeout} seconds"
            )));
        };
        let task = ResearchTask::from_api(&done);
        cx.emit(CreateOutput::ResearchId(task.research_id));
        cx.emit(CreateOutput::Status(task.status));
        cx.emit(CreateOutput::Model(task.model));
        cx.emit(CreateOutput::Instructions(task.instructions));
        cx.emit(CreateOutput::CreatedAt(task.created_at));
        cx.emit(CreateOutput::ElapsedTime(Some(elapsed)));
        if let Some(output) = task.output {
            cx.emit(CreateOutput::OutputContent(Some(output.content)));
            cx.emit(CreateOutput::OutputParsed(output.parsed));
        }
        if let Some(cost) = task.cost_dollars {
            cx.emit(CreateOutput::CostTotal(Some(cost.total)));
        }
        Ok(())
    }
}

#[cfg(test)]
#[path = "research_tests.rs"]
mod tests;
