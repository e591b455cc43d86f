//! GithubAddLabelBlock: adds a label to an issue or pull request (`POST /repos/{owner}/{repo}/issues/{n}/labels`).

use agentry_core::{Block, BlockError, BlockMeta, Category, CredentialsMeta, Cx};
use reqwest::Method;
use schemars::JsonSchema;
use serde::{Deserialize, Serialize};
use serde_json::json;

pub struct GithubAddLabel;

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
    /// URL of the GitHub issue or pull request
    pub issue_url: String,
    /// Label to add to the issue or pull request
    pub label: String,
}

#[derive(Serialize, JsonSchema)]
#[serde(tag = "pin", content = "value", rename_all = "snake_case")]
pub enum Output {
    /// Status of the label addition operation
    Status(String),
}

impl Block for GithubAddLabel {
    const META: BlockMeta = BlockMeta::standard(
        "98bd6b77-9506-43d5-b669-6b9733c4b1f1",
        "GithubAddLabelBlock",
        "A block that adds a label to a GitHub issue or pull request for categorization and organization.",
        &[Category::DeveloperTools],
    );
    type Input = Input;
    type Output = Output;

    async fn run(&self, input: Input, cx: &mut Cx<'_, Output>) -> Result<(), BlockError> {
        let client = super::client(cx, &input.credentials).await?;
        let path = format!("{}/labels", super::api_path(&input.issue_url)?);
        client
            .send_json(cx, Method::POST, &path, &json!({"labels": [input.label]}))
            .await?;
        cx.emit(Output::Status("Label added successfully".into()));
        Ok(())
    }
}
