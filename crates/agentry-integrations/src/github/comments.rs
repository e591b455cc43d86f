//! GithubUpdateCommentBlock and GithubListCommentsBlock: edit one conversation comment
//! (`PATCH /repos/{o}/{r}/issues/comments/{id}`, or a review comment under `pulls/comments`)
//! and list an issue's or pull request's comments (`GET /repos/{o}/{r}/issues/{n}/comments`).

use agentry_core::{Block, BlockError, BlockMeta, Category, Cx, Registry};
use reqwest::Method;
use schemars::JsonSchema;
use serde::{Deserialize, Serialize};
use serde_json::json;
use url::Url;

use super::{api_path, each, text};

pub fn register(r: &mut Registry) {
    r.register(GithubUpdateComment);
    r.register(GithubListComments);
}

pub struct GithubUpdateComment;

github_input!(
    "repo",
    pub struct UpdateInput {
        /// URL of the GitHub comment
        #[serde(default)]
        pub comment_url: String,
        /// URL of the GitHub issue or pull request
        #[serde(default)]
        pub issue_url: String,
        /// ID of the GitHub comment
        #[serde(default)]
        pub comment_id: String,
        /// Comment to update
        pub comment: String,
    }
);

#[derive(Serialize, JsonSchema)]
#[serde(tag = "pin", content = "value", rename_all = "snake_case")]
pub enum UpdateOutput {
    /// ID of the updated comment
    Id(i64),
    /// URL to the comment on GitHub
    Url(String),
}

/// AutoGPT's `convert_comment_url_to_api_endpoint`, as a path: `#issuecomment-{id}` is an issue
/// comment, `#discussion_r{id}` a pull request review comment.
pub fn comment_path(comment_url: &str) -> Result<String, BlockError> {
    let url = comment_url.replace("/pull/", "/issues/");
    for (marker, kind) in [("#issuecomment-", "issues"), ("#discussion_r", "pulls")] {
        if let Some((base, id)) = url.split_once(marker) {
            let repo = api_path(base)?;
            let owner_repo: Vec<&str> = repo.split('/').take(4).collect();
            return Ok(format!(
                "{}/{kind}/comments/{}",
                owner_repo.join("/"),
                crate::api::segment(id)
            ));
        }
    }
    api_path(comment_url)
}

impl Block for GithubUpdateComment {
    const META: BlockMeta = BlockMeta::standard(
        "b3f4d747-10e3-4e69-8c51-f2be1d99c9a7",
        "GithubUpdateCommentBlock",
        "A block that updates an existing comment on a GitHub issue or pull request.",
        &[Category::DeveloperTools],
    );
    type Input = UpdateInput;
    type Output = UpdateOutput;

    async fn run(
        &self,
        input: UpdateInput,
        cx: &mut Cx<'_, UpdateOutput>,
    ) -> Result<(), BlockError> {
        let path = if !input.comment_url.is_empty() {
            comment_path(&input.comment_url)?
        } else if !input.comment_id.is_empty() && !input.issue_url.is_empty() {
            let issue = Url::parse(&input.issue_url)
                .map_err(|_| BlockError::Input("Invalid GitHub URL format.".into()))?;
            let parts: Vec<&str> = issue.path().trim_matches('/').split('/').collect();
            if parts.len() < 2 {
                return Err(BlockError::Input("Invalid GitHub URL format.".into()));
            }
            format!(
                "/repos/{}/{}/issues/comments/{}",
                parts[0],
                parts[1],
                crate::api::segment(&input.comment_id)
            )
        } else {
            return Err(BlockError::Input(
                "Must provide either comment_url or comment_id and issue_url".into(),
            ));
        };
        let client = super::client(cx, &input.credentials).await?;
        let comment = client
            .send_json(cx, Method::PATCH, &path, &json!({"body": input.comment}))
            .await?;
        cx.emit(UpdateOutput::Id(comment["id"].as_i64().unwrap_or_default()));
        cx.emit(UpdateOutput::Url(text(&comment, "html_url")));
        Ok(())
    }
}

pub struct GithubListComments;

github_input!(
    "repo",
    pub struct ListInput {
        /// URL of the GitHub issue or pull request
        pub issue_url: String,
    }
);

/// AutoGPT's `CommentItem`.
#[derive(Debug, Clone, Serialize, Deserialize, JsonSchema)]
pub struct CommentItem {
    pub id: i64,
    pub body: String,
    pub user: String,
    pub url: String,
}

#[derive(Serialize, JsonSchema)]
#[serde(tag = "pin", content = "value", rename_all = "snake_case")]
pub enum ListOutput {
    /// Comments with their ID, body, user, and URL
    #[schemars(title = "Comment")]
    Comment(CommentItem),
    /// List of comments with their ID, body, user, and URL
    Comments(Vec<CommentItem>),
}

impl Block for GithubListComments {
    const META: BlockMeta = BlockMeta::standard(
        "c4b5fb63-0005-4a11-b35a-0c2467bd6b59",
        "GithubListCommentsBlock",
        "A block that retrieves all comments from a GitHub issue or pull request, including \
         comment metadata and content.",
        &[Category::DeveloperTools],
    );
    type Input = ListInput;
    type Output = ListOutput;

    async fn run(&self, input: ListInput, cx: &mut Cx<'_, ListOutput>) -> Result<(), BlockError> {
        // Issues and pull requests keep their conversation comments under `issues/{n}`.
        let path = api_path(&input.issue_url)?;
        let parts: Vec<&str> = path.split('/').collect();
        let [_, _, owner, repo, _, number, ..] = parts.as_slice() else {
            return Err(BlockError::Input("Invalid GitHub URL format.".into()));
        };
        let path = format!("/repos/{owner}/{repo}/issues/{number}/comments");
        let client = super::client(cx, &input.credentials).await?;
        let answer = client.get_json(cx, &path, &[]).await?;
        let comments: Vec<CommentItem> = each(&answer)
            .map(|c| CommentItem {
                id: c["id"].as_i64().unwrap_or_default(),
                body: text(c, "body"),
                user: text(&c["user"], "login"),
                url: text(c, "html_url"),
            })
            .collect();
        // AutoGPT yields each comment first, then the list.
        for comment in comments.clone() {
            cx.emit(ListOutput::Comment(comment));
        }
        cx.emit(ListOutput::Comments(comments));
        Ok(())
    }
}
