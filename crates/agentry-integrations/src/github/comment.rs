//! GithubCommentBlock: posts a comment on an issue or pull request
//! (`POST /repos/{owner}/{repo}/issues/{n}/comments`).

use agentry_core::{Block, BlockError, BlockMeta, Category, CredentialsMeta, Cx};
use reqwest::Method;
use schemars::JsonSchema;
use serde::{Deserialize, Serialize};
use serde_json::json;

pub struct GithubComment;

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
    /// Comment to post on the issue or pull request
    pub comment: String,
}

#[derive(Serialize, JsonSchema)]
#[serde(tag = "pin", content = "value", rename_all = "snake_case")]
pub enum Output {
    /// ID of the created comment
    Id(i64),
    /// URL to the comment on GitHub
    Url(String),
}

impl Block for GithubComment {
    const META: BlockMeta = BlockMeta::standard(
        "a8db4d8d-db1c-4a25-a1b0-416a8c33602b",
        "GithubCommentBlock",
        "A block that posts comments on GitHub issues or pull requests using the GitHub API.",
        &[Category::DeveloperTools],
    );
    type Input = Input;
    type Output = Output;

    async fn run(&self, input: Input, cx: &mut Cx<'_, Output>) -> Result<(), BlockError> {
        let client = super::client(cx, &input.credentials).await?;
        // Pull requests take their conversation comments on the issue of the same number.
        let url = input.issue_url.replace("pull", "issues");
        let path = format!("{}/comments", super::api_path(&url)?);
        let comment = client
            .send_json(cx, Method::POST, &path, &json!({"body": input.comment}))
            .await?;
        cx.emit(Output::Id(comment["id"].as_i64().unwrap_or_default()));
        cx.emit(Output::Url(
            comment["html_url"].as_str().unwrap_or_default().into(),
        ));
        Ok(())
    }
}
