//! GithubListIssuesBlock: a repository's issues with title and URL
//! (`GET /repos/{owner}/{repo}/issues`, the first page as AutoGPT reads it).

use agentry_core::{Block, BlockError, BlockMeta, Category, CredentialsMeta, Cx};
use schemars::JsonSchema;
use serde::{Deserialize, Serialize};

pub struct GithubListIssues;

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
}

/// AutoGPT's `IssueItem`.
#[derive(Debug, Clone, Serialize, JsonSchema)]
pub struct IssueItem {
    pub title: String,
    pub url: String,
}

#[derive(Serialize, JsonSchema)]
#[serde(tag = "pin", content = "value", rename_all = "snake_case")]
pub enum Output {
    /// Issues with their title and URL
    #[schemars(title = "Issue")]
    Issue(IssueItem),
    /// List of issues with their title and URL
    Issues(Vec<IssueItem>),
}

impl Block for GithubListIssues {
    const META: BlockMeta = BlockMeta::standard(
        "c215bfd7-0e57-4573-8f8c-f7d4963dcd74",
        "GithubListIssuesBlock",
        "A block that retrieves a list of issues from a GitHub repository with their titles and \
         URLs.",
        &[Category::DeveloperTools],
    );
    type Input = Input;
    type Output = Output;

    async fn run(&self, input: Input, cx: &mut Cx<'_, Output>) -> Result<(), BlockError> {
        let client = super::client(cx, &input.credentials).await?;
        let path = format!("{}/issues", super::api_path(&input.repo_url)?);
        let list = client.get_json(cx, &path, &[]).await?;
        let issues: Vec<IssueItem> = list
            .as_array()
            .into_iter()
            .flatten()
            .map(|i| IssueItem {
                title: i["title"].as_str().unwrap_or_default().into(),
                url: i["html_url"].as_str().unwrap_or_default().into(),
            })
            .collect();
        cx.emit(Output::Issues(issues.clone()));
        for issue in issues {
            cx.emit(Output::Issue(issue));
        }
        Ok(())
    }
}
