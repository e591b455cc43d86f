//! GithubAssignPRReviewerBlock, GithubUnassignPRReviewerBlock and GithubListPRReviewersBlock: a
//! pull request's requested reviewers (`POST`, `DELETE`, `GET
//! /repos/{o}/{r}/pulls/{n}/requested_reviewers`).

use agentry_core::{Block, BlockError, BlockMeta, Category, Cx, Registry};
use reqwest::Method;
use schemars::JsonSchema;
use serde::Serialize;
use serde_json::json;

use super::{UserLink, each, emit_list, pr_path};

pub fn register(r: &mut Registry) {
    r.register(GithubAssignPRReviewer);
    r.register(GithubUnassignPRReviewer);
    r.register(GithubListPRReviewers);
}

github_input!(
    "repo",
    pub struct ChangeInput {
        /// URL of the GitHub pull request
        pub pr_url: String,
        /// Username of the reviewer to assign or unassign
        pub reviewer: String,
    }
);

#[derive(Serialize, JsonSchema)]
#[serde(tag = "pin", content = "value", rename_all = "snake_case")]
pub enum ChangeOutput {
    /// Status of the reviewer assignment or unassignment operation
    Status(String),
}

/// Requests (`POST`) or withdraws (`DELETE`) one reviewer, answering AutoGPT's status text.
async fn change(
    input: ChangeInput,
    cx: &mut Cx<'_, ChangeOutput>,
    method: Method,
    done: &str,
) -> Result<(), BlockError> {
    let path = pr_path(&input.pr_url, "requested_reviewers")?;
    let client = super::client(cx, &input.credentials).await?;
    let body = json!({"reviewers": [input.reviewer]});
    client.send_json(cx, method, &path, &body).await?;
    cx.emit(ChangeOutput::Status(done.into()));
    Ok(())
}

pub struct GithubAssignPRReviewer;

impl Block for GithubAssignPRReviewer {
    const META: BlockMeta = BlockMeta::standard(
        "c0d22c5e-e688-43e3-ba43-d5faba7927fd",
        "GithubAssignPRReviewerBlock",
        "This block assigns a reviewer to a specified GitHub pull request.",
        &[Category::DeveloperTools],
    );
    type Input = ChangeInput;
    type Output = ChangeOutput;

    async fn run(
        &self,
        input: ChangeInput,
        cx: &mut Cx<'_, ChangeOutput>,
    ) -> Result<(), BlockError> {
        change(input, cx, Method::POST, "Reviewer assigned successfully").await
    }
}

pub struct GithubUnassignPRReviewer;

impl Block for GithubUnassignPRReviewer {
    const META: BlockMeta = BlockMeta::standard(
        "9637945d-c602-4875-899a-9c22f8fd30de",
        "GithubUnassignPRReviewerBlock",
        "This block unassigns a reviewer from a specified GitHub pull request.",
        &[Category::DeveloperTools],
    );
    type Input = ChangeInput;
    type Output = ChangeOutput;

    async fn run(
        &self,
        input: ChangeInput,
        cx: &mut Cx<'_, ChangeOutput>,
    ) -> Result<(), BlockError> {
        change(
            input,
            cx,
            Method::DELETE,
            "Reviewer unassigned successfully",
        )
        .await
    }
}

pub struct GithubListPRReviewers;

github_input!(
    "repo",
    pub struct ListInput {
        /// URL of the GitHub pull request
        pub pr_url: String,
    }
);

#[derive(Serialize, JsonSchema)]
#[serde(tag = "pin", content = "value", rename_all = "snake_case")]
pub enum ListOutput {
    /// Reviewers with their username and profile URL
    #[schemars(title = "Reviewer")]
    Reviewer(UserLink),
    /// List of reviewers with their username and profile URL
    Reviewers(Vec<UserLink>),
}

impl Block for GithubListPRReviewers {
    const META: BlockMeta = BlockMeta::standard(
        "2646956e-96d5-4754-a3df-034017e7ed96",
        "GithubListPRReviewersBlock",
        "This block lists all reviewers for a specified GitHub pull request.",
        &[Category::DeveloperTools],
    );
    type Input = ListInput;
    type Output = ListOutput;

    async fn run(&self, input: ListInput, cx: &mut Cx<'_, ListOutput>) -> Result<(), BlockError> {
        let path = pr_path(&input.pr_url, "requested_reviewers")?;
        let client = super::client(cx, &input.credentials).await?;
        let answer = client.get_json(cx, &path, &[]).await?;
        let reviewers = each(&answer["users"]).map(UserLink::of).collect();
        emit_list(cx, reviewers, ListOutput::Reviewers, ListOutput::Reviewer);
        Ok(())
    }
}
