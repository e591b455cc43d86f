//! GithubMakeIssueBlock: opens an issue (`POST /repos/{owner}/{repo}/issues`).

use agentry_core::{Block, BlockError, BlockMeta, Category, CredentialsMeta, Cx};
use reqwest::Method;
use schemars::JsonSchema;
use serde::{Deserialize, Serialize};
use serde_json::json;

pub struct GithubMakeIssue;

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
    /// URL of the GitHub repository
    pub repo_url: String,
    /// Title of the issue
    pub title: String,
    /// Body of the issue
    pub body: String,
}

#[derive(Serialize, JsonSchema)]
#[serde(tag = "pin", content = "value", rename_all = "snake_case")]
pub enum Output {
    /// Number of the created issue
    Number(i64),
    /// URL of the created issue
    Url(String),
}

impl Block for GithubMakeIssue {
    const META: BlockMeta = BlockMeta::standard(
        "691dad47-f494-44c3-a1e8-05b7990f2dab",
        "GithubMakeIssueBlock",
        "A block that creates new issues on GitHub repositories with a title and body content.",
        &[Category::DeveloperTools],
    );
    type Input = Input;
    type Output = Output;

    async fn run(&self, input: Input, cx: &mut Cx<'_, Output>) -> Result<(), BlockError> {
        let client = super::client(cx, &input.credentials).await?;
        let path = format!("{}/issues", super::api_path(&input.repo_url)?);
        let issue = client
            .send_json(
                cx,
                Method::POST,
                &path,
                &json!({"title": input.title, "body": input.body}),
            )
            .await?;
        cx.emit(Output::Number(issue["number"].as_i64().unwrap_or_default()));
        cx.emit(Output::Url(
            issue["html_url"].as_str().unwrap_or_default().into(),
        ));
        Ok(())
    }
}
