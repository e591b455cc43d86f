//! GithubListPullRequestsBlock, GithubMakePullRequestBlock and GithubReadPullRequestBlock:
//! a repository's pull requests (`GET /repos/{o}/{r}/pulls`), opening one (`POST …/pulls`),
//! and one's title, body, author and, on request, its changes as a patch
//! (`GET …/issues/{n}`, `GET …/pulls/{n}/files`).

use agentry_core::{Block, BlockError, BlockMeta, Category, Cx, Registry};
use reqwest::Method;
use schemars::JsonSchema;
use serde::Serialize;
use serde_json::{Value, json};

use super::{TitledLink, api_path, each, emit_list, pr_path, repo_path, text};

pub fn register(r: &mut Registry) {
    r.register(GithubListPullRequests);
    r.register(GithubMakePullRequest);
    r.register(GithubReadPullRequest);
}

pub struct GithubListPullRequests;

github_input!(
    "repo",
    pub struct ListInput {
        /// URL of the GitHub repository
        pub repo_url: String,
    }
);

#[derive(Serialize, JsonSchema)]
#[serde(tag = "pin", content = "value", rename_all = "snake_case")]
pub enum ListOutput {
    /// PRs with their title and URL
    #[schemars(title = "Pull Request")]
    PullRequest(TitledLink),
    /// List of pull requests with their title and URL
    PullRequests(Vec<TitledLink>),
}

impl Block for GithubListPullRequests {
    const META: BlockMeta = BlockMeta::standard(
        "ffef3c4c-6cd0-48dd-817d-459f975219f4",
        "GithubListPullRequestsBlock",
        "This block lists all pull requests for a specified GitHub repository.",
        &[Category::DeveloperTools],
    );
    type Input = ListInput;
    type Output = ListOutput;

    async fn run(&self, input: ListInput, cx: &mut Cx<'_, ListOutput>) -> Result<(), BlockError> {
        let path = repo_path(&input.repo_url, "pulls")?;
        let client = super::client(cx, &input.credentials).await?;
        let answer = client.get_json(cx, &path, &[]).await?;
        let prs = each(&answer)
            .map(|pr| TitledLink {
                title: text(pr, "title"),
                url: text(pr, "html_url"),
            })
            .collect();
        emit_list(cx, prs, ListOutput::PullRequests, ListOutput::PullRequest);
        Ok(())
    }
}

pub struct GithubMakePullRequest;

github_input!(
    "repo",
    pub struct MakeInput {
        /// URL of the GitHub repository
        pub repo_url: String,
        /// Title of the pull request
        pub title: String,
        /// Body of the pull request
        pub body: String,
        /// The name of the branch where your changes are implemented. For cross-repository pull
        /// requests in the same network, namespace head with a user like this: username:branch.
        pub head: String,
        /// The name of the branch you want the changes pulled into.
        pub base: String,
    }
);

#[derive(Serialize, JsonSchema)]
#[serde(tag = "pin", content = "value", rename_all = "snake_case")]
pub enum MakeOutput {
    /// Number of the created pull request
    Number(i64),
    /// URL of the created pull request
    Url(String),
}

impl Block for GithubMakePullRequest {
    const META: BlockMeta = BlockMeta::standard(
        "dfb987f8-f197-4b2e-bf19-111812afd692",
        "GithubMakePullRequestBlock",
        "This block creates a new pull request on a specified GitHub repository.",
        &[Category::DeveloperTools],
    );
    type Input = MakeInput;
    type Output = MakeOutput;

    async fn run(&self, input: MakeInput, cx: &mut Cx<'_, MakeOutput>) -> Result<(), BlockError> {
        let path = repo_path(&input.repo_url, "pulls")?;
        let client = super::client(cx, &input.credentials).await?;
        let body = json!({"title": input.title, "body": input.body, "head": input.head,
                          "base": input.base});
        let pr = client.send_json(cx, Method::POST, &path, &body).await?;
        cx.emit(MakeOutput::Number(
            pr["number"].as_i64().unwrap_or_default(),
        ));
        cx.emit(MakeOutput::Url(text(&pr, "html_url")));
        Ok(())
    }
}

pub struct GithubReadPullRequest;

github_input!(
    "repo",
    pub struct ReadInput {
        /// URL of the GitHub pull request
        pub pr_url: String,
        /// Whether to include the changes made in the pull request
        #[serde(default)]
        pub include_pr_changes: bool,
    }
);

#[derive(Serialize, JsonSchema)]
#[serde(tag = "pin", content = "value", rename_all = "snake_case")]
pub enum ReadOutput {
    /// Title of the pull request
    Title(String),
    /// Body of the pull request
    Body(String),
    /// User who created the pull request
    Author(String),
    /// Changes made in the pull request
    Changes(String),
}

/// AutoGPT's `read_pr_changes`: each changed file's patch under `--- was` / `+++ is` headers.
pub fn patch_of(files: &Value) -> String {
    let changes: Vec<String> = each(files)
        .map(|file| {
            let status = text(file, "status");
            let filename = text(file, "filename");
            let (is, was) = match status.as_str() {
                "removed" => (String::new(), filename),
                "added" => (filename, String::new()),
                _ => {
                    let was = file["previous_filename"]
                        .as_str()
                        .map(str::to_string)
                        .unwrap_or_else(|| filename.clone());
                    (filename, was)
                }
            };
            let mut header = String::new();
            if !was.is_empty() {
                header.push_str(&format!("--- {was}\n"));
            }
            if !is.is_empty() {
                header.push_str(&format!("+++ {is}\n"));
            }
            header + &text(file, "patch")
        })
        .collect();
    changes.join("\n\n")
}

impl Block for GithubReadPullRequest {
    const META: BlockMeta = BlockMeta::standard(
        "bf94b2a4-1a30-4600-a783-a8a44ee31301",
        "GithubReadPullRequestBlock",
        "This block reads the body, title, user, and changes of a specified GitHub pull request.",
        &[Category::DeveloperTools],
    );
    type Input = ReadInput;
    type Output = ReadOutput;

    async fn run(&self, input: ReadInput, cx: &mut Cx<'_, ReadOutput>) -> Result<(), BlockError> {
        // The issue of the same number carries the title, body and author.
        let issue = api_path(&input.pr_url.replace("/pull/", "/issues/"))?;
        let files = pr_path(&input.pr_url, "files")?;
        let client = super::client(cx, &input.credentials).await?;
        let pr = client.get_json(cx, &issue, &[]).await?;
        let or = |v: &Value, missing: &str| v.as_str().unwrap_or(missing).to_string();
        cx.emit(ReadOutput::Title(or(&pr["title"], "No title found")));
        cx.emit(ReadOutput::Body(or(&pr["body"], "No body content found")));
        cx.emit(ReadOutput::Author(or(
            &pr["user"]["login"],
            "Unknown author",
        )));
        if input.include_pr_changes {
            let answer = client.get_json(cx, &files, &[]).await?;
            cx.emit(ReadOutput::Changes(patch_of(&answer)));
        }
        Ok(())
    }
}
