//! GithubUnassignIssueBlock: removes a user's assignment from an issue (`DELETE /repos/{owner}/{repo}/issues/{n}/assignees`).

use agentry_core::{Block, BlockError, BlockMeta, Category, CredentialsMeta, Cx};
use reqwest::Method;
use schemars::JsonSchema;
use serde::{Deserialize, Serialize};
use serde_json::json;

pub struct GithubUnassignIssue;

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
    /// Username to unassign from the issue
    pub assignee: String,
}

#[derive(Serialize, JsonSchema)]
#[serde(tag = "pin", content = "value", rename_all = "snake_case")]
pub enum Output {
    /// Status of the issue unassignment operation
    Status(String),
}

impl Block for GithubUnassignIssue {
    const META: BlockMeta = BlockMeta::standard(
        "d154002a-38f4-46c2-962d-2488f2b05ece",
        "GithubUnassignIssueBlock",
        "A block that removes a user's assignment from a GitHub issue.",
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
                Method::DELETE,
                &path,
                &json!({"assignees": [input.assignee]}),
            )
            .await?;
        cx.emit(Output::Status("Issue unassigned successfully".into()));
        Ok(())
    }
}
