//! GithubAssignIssueBlock: assigns a user to an issue (`POST /repos/{owner}/{repo}/issues/{n}/assignees`).

use agentry_core::{Block, BlockError, BlockMeta, Category, CredentialsMeta, Cx};
use reqwest::Method;
use schemars::JsonSchema;
use serde::{Deserialize, Serialize};
use serde_json::json;

pub struct GithubAssignIssue;

#[derive(Deserialize, JsonSchema)]
pub struct Input {
    /// The GitHub integration can be used with OAuth, or any API key with sufficient
    /// permissions for the blocks it is used on.
    #[serde(default)]
    #[schemars(extend(
        "credentials_provider" = ["github"],
        "credentials_types" = ["api_key", "oauth2"],
        "credentials_scopes" = ["repo"]
    ))]
    pub credentials: CredentialsMeta,
    /// URL of the GitHub issue
    pub issue_url: String,
    /// Username to assign to the issue
    pub assignee: String,
}

#[derive(Serialize, JsonSchema)]
#[serde(tag = "pin", content = "value", rename_all = "snake_case")]
pub enum Output {
    /// Status of the issue assignment operation
    Status(String),
}

impl Block for GithubAssignIssue {
    const META: BlockMeta = BlockMeta::standard(
        "90507c72-b0ff-413a-886a-23bbbd66f542",
        "GithubAssignIssueBlock",
        "A block that assigns a GitHub user to an issue for task ownership and tracking.",
        &[Category::DeveloperTools],
    );
    type Input = Input;
    type Output = Output;

    async fn run(&self, input: Input, cx: &mut Cx<'_, Output>) -> Result<(), BlockError> {
        let client = super::client(cx, &input.credentials).await?;
        let path = format!("{}/assignees", super::api_path(&input.issue_url)?);
        client
            .send_json(
                cx,
                Method::POST,
                &path,
                &json!({"assignees": [input.assignee]}),
            )
            .await?;
        cx.emit(Output::Status("Issue assigned successfully".into()));
        Ok(())
    }
}
