//! Commit checks: GithubCreateCheckRunBlock and GithubUpdateCheckRunBlock (`POST
//! /repos/{o}/{r}/check-runs`, `PATCH …/check-runs/{id}`: GitHub lets only a GitHub App token
//! write check runs, which is why AutoGPT ships them disabled) and GithubCreateStatusBlock
//! (`POST …/statuses/{sha}`, a fine-grained API key).

use agentry_core::{Block, BlockError, BlockMeta, Category, Cx, Registry};
use reqwest::Method;
use schemars::JsonSchema;
use serde::{Deserialize, Serialize};
use serde_json::{Map, Value, json};

use super::{repo_path, text};

pub fn register(r: &mut Registry) {
    r.register(GithubCreateCheckRun);
    r.register(GithubUpdateCheckRun);
    r.register(GithubCreateStatus);
}

/// AutoGPT's `ChecksStatus`.
#[derive(Debug, Clone, Copy, Default, Deserialize, Serialize, JsonSchema)]
#[serde(rename_all = "snake_case")]
pub enum ChecksStatus {
    #[default]
    Queued,
    InProgress,
    Completed,
    Waiting,
    Requested,
    Pending,
}

/// AutoGPT's `ChecksConclusion`.
#[derive(Debug, Clone, Copy, Deserialize, Serialize, JsonSchema)]
#[serde(rename_all = "snake_case")]
pub enum ChecksConclusion {
    Success,
    Failure,
    Neutral,
    Cancelled,
    TimedOut,
    ActionRequired,
    Skipped,
}

/// The check run's `output` object, sent when any of its parts is non-empty.
fn check_output(title: &str, summary: &str, text: &str) -> Option<Value> {
    (!title.is_empty() || !summary.is_empty() || !text.is_empty())
        .then(|| json!({"title": title, "summary": summary, "text": text}))
}

pub struct GithubCreateCheckRun;

github_input!(
    "repo:status",
    pub struct CreateCheckInput {
        /// URL of the GitHub repository
        pub repo_url: String,
        /// The name of the check run (e.g., 'code-coverage')
        pub name: String,
        /// The SHA of the commit to check
        pub head_sha: String,
        /// Current status of the check run
        #[serde(default)]
        pub status: ChecksStatus,
        /// The final conclusion of the check (required if status is completed)
        #[serde(default)]
        pub conclusion: Option<ChecksConclusion>,
        /// The URL for the full details of the check
        #[serde(default)]
        pub details_url: String,
        /// Title of the check run output
        #[serde(default)]
        pub output_title: String,
        /// Summary of the check run output
        #[serde(default)]
        pub output_summary: String,
        /// Detailed text of the check run output
        #[serde(default)]
        pub output_text: String,
    }
);

/// AutoGPT's created `CheckRunResult`.
#[derive(Debug, Clone, Serialize, JsonSchema)]
pub struct CheckRunResult {
    pub id: i64,
    pub html_url: String,
    pub status: String,
}

#[derive(Serialize, JsonSchema)]
#[serde(tag = "pin", content = "value", rename_all = "snake_case")]
pub enum CreateCheckOutput {
    /// Details of the created check run
    CheckRun(CheckRunResult),
}

impl Block for GithubCreateCheckRun {
    const META: BlockMeta = BlockMeta::standard(
        "2f45e89a-3b7d-4f22-b89e-6c4f5c7e1234",
        "GithubCreateCheckRunBlock",
        "Creates a new check run for a specific commit in a GitHub repository",
        &[Category::DeveloperTools],
    );
    type Input = CreateCheckInput;
    type Output = CreateCheckOutput;

    async fn run(
        &self,
        input: CreateCheckInput,
        cx: &mut Cx<'_, CreateCheckOutput>,
    ) -> Result<(), BlockError> {
        let path = repo_path(&input.repo_url, "check-runs")?;
        let mut body = Map::new();
        body.insert("name".into(), json!(input.name));
        body.insert("head_sha".into(), json!(input.head_sha));
        body.insert("status".into(), json!(input.status));
        if let Some(conclusion) = input.conclusion {
            body.insert("conclusion".into(), json!(conclusion));
        }
        if !input.details_url.is_empty() {
            body.insert("details_url".into(), json!(input.details_url));
        }
        if let Some(output) = check_output(
            &input.output_title,
            &input.output_summary,
            &input.output_text,
        ) {
            body.insert("output".into(), output);
        }
        let client = super::client(cx, &input.credentials).await?;
        let run = client
            .send_json(cx, Method::POST, &path, &Value::Object(body))
            .await?;
        cx.emit(CreateCheckOutput::CheckRun(CheckRunResult {
            id: run["id"].as_i64().unwrap_or_default(),
            html_url: text(&run, "html_url"),
            status: text(&run, "status"),
        }));
        Ok(())
    }
}

pub struct GithubUpdateCheckRun;

github_input!(
    "repo:status",
    pub struct UpdateCheckInput {
        /// URL of the GitHub repository
        pub repo_url: String,
        /// The ID of the check run to update
        pub check_run_id: i64,
        /// New status of the check run
        pub status: ChecksStatus,
        /// The final conclusion of the check (required if status is completed)
        pub conclusion: ChecksConclusion,
        /// New title of the check run output
        #[serde(default)]
        pub output_title: Option<String>,
        /// New summary of the check run output
        #[serde(default)]
        pub output_summary: Option<String>,
        /// New detailed text of the check run output
        #[serde(default)]
        pub output_text: Option<String>,
    }
);

/// AutoGPT's updated `CheckRunResult`.
#[derive(Debug, Clone, Serialize, JsonSchema)]
pub struct UpdatedCheckRun {
    pub id: i64,
    pub html_url: String,
    pub status: String,
    pub conclusion: Option<String>,
}

#[derive(Serialize, JsonSchema)]
#[serde(tag = "pin", content = "value", rename_all = "snake_case")]
pub enum UpdateCheckOutput {
    /// Details of the updated check run
    CheckRun(UpdatedCheckRun),
}

impl Block for GithubUpdateCheckRun {
    const META: BlockMeta = BlockMeta::standard(
        "8a23c567-9d01-4e56-b789-0c12d3e45678",
        "GithubUpdateCheckRunBlock",
        "Updates an existing check run in a GitHub repository",
        &[Category::DeveloperTools],
    );
    type Input = UpdateCheckInput;
    type Output = UpdateCheckOutput;

    async fn run(
        &self,
        input: UpdateCheckInput,
        cx: &mut Cx<'_, UpdateCheckOutput>,
    ) -> Result<(), BlockError> {
        let path = repo_path(
            &input.repo_url,
            &format!("check-runs/{}", input.check_run_id),
        )?;
        let mut body = json!({"status": input.status, "conclusion": input.conclusion});
        let part = |p: &Option<String>| p.clone().unwrap_or_default();
        if let Some(output) = check_output(
            &part(&input.output_title),
            &part(&input.output_summary),
            &part(&input.output_text),
        ) {
            body["output"] = output;
        }
        let client = super::client(cx, &input.credentials).await?;
        let run = client.send_json(cx, Method::PATCH, &path, &body).await?;
        cx.emit(UpdateCheckOutput::CheckRun(UpdatedCheckRun {
            id: run["id"].as_i64().unwrap_or_default(),
            html_url: text(&run, "html_url"),
            status: text(&run, "status"),
            conclusion: run["conclusion"].as_str().map(str::to_string),
        }));
        Ok(())
    }
}

/// AutoGPT's `StatusState`.
#[derive(Debug, Clone, Copy, Deserialize, Serialize, JsonSchema)]
#[serde(rename_all = "snake_case")]
pub enum StatusState {
    Error,
    Failure,
    Pending,
    Success,
}

fn default_context() -> Option<String> {
    Some("AutoGPT Platform Checks".into())
}

pub struct GithubCreateStatus;

github_input!(
    "repo:status",
    ["api_key"],
    pub struct CreateStatusInput {
        /// URL of the GitHub repository
        pub repo_url: String,
        /// The SHA of the commit to set status for
        pub sha: String,
        /// The state of the status (error, failure, pending, success)
        pub state: StatusState,
        /// URL with additional details about this status
        #[serde(default)]
        pub target_url: Option<String>,
        /// Short description of the status
        #[serde(default)]
        pub description: Option<String>,
        /// Label to differentiate this status from others
        #[serde(default = "default_context")]
        pub check_name: Option<String>,
    }
);

/// AutoGPT's `StatusResult`.
#[derive(Debug, Clone, Serialize, JsonSchema)]
pub struct StatusResult {
    pub id: i64,
    pub url: String,
    pub state: String,
    pub context: String,
    pub description: Option<String>,
    pub target_url: Option<String>,
    pub created_at: String,
    pub updated_at: String,
}

#[derive(Serialize, JsonSchema)]
#[serde(tag = "pin", content = "value", rename_all = "snake_case")]
pub enum CreateStatusOutput {
    /// Details of the created status
    Status(StatusResult),
}

impl Block for GithubCreateStatus {
    const META: BlockMeta = BlockMeta::standard(
        "3d67f123-a4b5-4c89-9d01-2e34f5c67890",
        "GithubCreateStatusBlock",
        "Creates a new commit status in a GitHub repository",
        &[Category::DeveloperTools],
    );
    type Input = CreateStatusInput;
    type Output = CreateStatusOutput;

    async fn run(
        &self,
        input: CreateStatusInput,
        cx: &mut Cx<'_, CreateStatusOutput>,
    ) -> Result<(), BlockError> {
        let path = repo_path(&input.repo_url, &format!("statuses/{}", input.sha))?;
        let context = input
            .check_name
            .filter(|c| !c.is_empty())
            .unwrap_or_else(|| "AutoGPT Platform Checks".into());
        let mut body = json!({"state": input.state, "context": context});
        for (key, value) in [
            ("target_url", input.target_url),
            ("description", input.description),
        ] {
            if let Some(value) = value.filter(|v| !v.is_empty()) {
                body[key] = json!(value);
            }
        }
        let client = super::client(cx, &input.credentials).await?;
        let status = client.send_json(cx, Method::POST, &path, &body).await?;
        let optional = |key: &str| status[key].as_str().map(str::to_string);
        cx.emit(CreateStatusOutput::Status(StatusResult {
            id: status["id"].as_i64().unwrap_or_default(),
            url: text(&status, "url"),
            state: text(&status, "state"),
            context: text(&status, "context"),
            description: optional("description"),
            target_url: optional("target_url"),
            created_at: text(&status, "created_at"),
            updated_at: text(&status, "updated_at"),
        }));
        Ok(())
    }
}
