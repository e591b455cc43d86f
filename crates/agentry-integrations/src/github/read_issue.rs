//! GithubReadIssueBlock: an issue's title, body and author (`GET /repos/{owner}/{repo}/issues/{n}`).

use agentry_core::{Block, BlockError, BlockMeta, Category, CredentialsMeta, Cx};
use schemars::JsonSchema;
use serde::{Deserialize, Serialize};
use serde_json::Value;

pub struct GithubReadIssue;

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
}

#[derive(Serialize, JsonSchema)]
#[serde(tag = "pin", content = "value", rename_all = "snake_case")]
pub enum Output {
    /// Title of the issue
    Title(String),
    /// Body of the issue
    Body(String),
    /// User who created the issue
    User(String),
}

impl Block for GithubReadIssue {
    const META: BlockMeta = BlockMeta::standard(
        "6443c75d-032a-4772-9c08-230c707c8acc",
        "GithubReadIssueBlock",
        "A block that retrieves information about a specific GitHub issue, including its title, \
         body content, and creator.",
        &[Category::DeveloperTools],
    );
    type Input = Input;
    type Output = Output;

    async fn run(&self, input: Input, cx: &mut Cx<'_, Output>) -> Result<(), BlockError> {
        let client = super::client(cx, &input.credentials).await?;
        let path = super::api_path(&input.issue_url)?;
        let issue = client.get_json(cx, &path, &[]).await?;
        // As AutoGPT: a missing key reads as its placeholder, a null or empty one yields nothing.
        let text = |v: Option<&Value>, missing: &str| match v {
            None => missing.to_string(),
            Some(v) => v.as_str().unwrap_or_default().to_string(),
        };
        let title = text(issue.get("title"), "No title found");
        let body = text(issue.get("body"), "No body content found");
        let user = match issue.get("user") {
            None => "No user found".to_string(),
            Some(u) => text(u.get("login"), "No user found"),
        };
        if !title.is_empty() {
            cx.emit(Output::Title(title));
        }
        if !body.is_empty() {
            cx.emit(Output::Body(body));
        }
        if !user.is_empty() {
            cx.emit(Output::User(user));
        }
        Ok(())
    }
}
