//! GithubRemoveLabelBlock: removes a label from an issue or pull request (`DELETE /repos/{owner}/{repo}/issues/{n}/labels/{label}`).

use agentry_core::{Block, BlockError, BlockMeta, Category, CredentialsMeta, Cx};
use reqwest::Method;
use schemars::JsonSchema;
use serde::{Deserialize, Serialize};

pub struct GithubRemoveLabel;

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
    /// Label to remove from the issue or pull request
    pub label: String,
}

#[derive(Serialize, JsonSchema)]
#[serde(tag = "pin", content = "value", rename_all = "snake_case")]
pub enum Output {
    /// Status of the label removal operation
    Status(String),
}

impl Block for GithubRemoveLabel {
    const META: BlockMeta = BlockMeta::standard(
        "78f050c5-3e3a-48c0-9e5b-ef1ceca5589c",
        "GithubRemoveLabelBlock",
        "A block that removes a label from a GitHub issue or pull request.",
        &[Category::DeveloperTools],
    );
    type Input = Input;
    type Output = Output;

    async fn run(&self, input: Input, cx: &mut Cx<'_, Output>) -> Result<(), BlockError> {
        let client = super::client(cx, &input.credentials).await?;
        let path = format!(
            "{}/labels/{}",
            super::api_path(&input.issue_url)?,
            crate::api::segment(&input.label)
        );
        client.send(cx, Method::DELETE, &path, &[], None).await?;
        cx.emit(Output::Status("Label removed successfully".into()));
        Ok(())
    }
}
