//! Pull request reviews by `owner/repo` and number: GithubCreatePRReviewBlock (`POST
//! /repos/{o}/{r}/pulls/{n}/reviews`, inline comments pinned to the head commit),
//! GithubListPRReviewsBlock, GithubSubmitPendingReviewBlock (`POST …/reviews/{id}/events`),
//! GithubResolveReviewDiscussionBlock (GraphQL: threads are not in the REST API) and
//! GithubGetPRReviewCommentsBlock.

use agentry_core::{Block, BlockError, BlockMeta, Category, Cx, Registry};
use reqwest::Method;
use schemars::JsonSchema;
use serde::{Deserialize, Serialize};
use serde_json::{Map, Value, json};

use super::{each, emit_list, repo_api, text};

pub fn register(r: &mut Registry) {
    r.register(GithubCreatePRReview);
    r.register(GithubListPRReviews);
    r.register(GithubSubmitPendingReview);
    r.register(GithubResolveReviewDiscussion);
    r.register(GithubGetPRReviewComments);
}

/// AutoGPT's `ReviewEvent`.
#[derive(Debug, Clone, Copy, Default, Deserialize, Serialize, JsonSchema)]
#[serde(rename_all = "SCREAMING_SNAKE_CASE")]
pub enum ReviewEvent {
    #[default]
    Comment,
    Approve,
    RequestChanges,
}

/// `/repos/{owner}/{repo}/pulls/{number}/{rest}`.
fn pulls(repo: &str, number: i64, rest: &str) -> Result<String, BlockError> {
    Ok(format!("{}/pulls/{number}{rest}", repo_api(repo)?))
}

/// AutoGPT's `ReviewComment`: a file, a position in its diff, and the text.
#[derive(Debug, Clone, Default, Deserialize, JsonSchema)]
pub struct ReviewComment {
    #[serde(default)]
    pub path: Option<String>,
    #[serde(default)]
    pub position: Option<i64>,
    #[serde(default)]
    pub body: Option<String>,
    /// Used as the position when no position is given.
    #[serde(default)]
    pub line: Option<i64>,
}

pub struct GithubCreatePRReview;

github_input!(
    "repo",
    pub struct CreateReviewInput {
        /// GitHub repository
        pub repo: String,
        /// Pull request number
        pub pr_number: i64,
        /// Body of the review comment
        pub body: String,
        /// The review action to perform
        #[serde(default)]
        pub event: ReviewEvent,
        /// Create the review as a draft (pending) or post it immediately
        #[serde(default)]
        pub create_as_draft: bool,
        /// Optional inline comments to add to specific files/lines. Note: Only path, body, and
        /// position are supported. Position is line number in diff from first @@ hunk.
        #[serde(default)]
        pub comments: Option<Vec<ReviewComment>>,
    }
);

#[derive(Serialize, JsonSchema)]
#[serde(tag = "pin", content = "value", rename_all = "snake_case")]
pub enum CreateReviewOutput {
    /// ID of the created review
    ReviewId(i64),
    /// State of the review (e.g., PENDING, COMMENTED, APPROVED, CHANGES_REQUESTED)
    State(String),
    /// URL of the created review
    HtmlUrl(String),
}

impl Block for GithubCreatePRReview {
    const META: BlockMeta = BlockMeta::standard(
        "84754b30-97d2-4c37-a3b8-eb39f268275b",
        "GithubCreatePRReviewBlock",
        "This block creates a review on a GitHub pull request with optional inline comments. You \
         can create it as a draft or post immediately. Note: For inline comments, 'position' \
         should be the line number in the diff (starting from the first @@ hunk header).",
        &[Category::DeveloperTools],
    );
    type Input = CreateReviewInput;
    type Output = CreateReviewOutput;

    async fn run(
        &self,
        input: CreateReviewInput,
        cx: &mut Cx<'_, CreateReviewOutput>,
    ) -> Result<(), BlockError> {
        let reviews = pulls(&input.repo, input.pr_number, "/reviews")?;
        let pr = pulls(&input.repo, input.pr_number, "")?;
        let client = super::client(cx, &input.credentials).await?;
        let mut body = Map::new();
        body.insert("body".into(), json!(input.body));
        let comments = input.comments.unwrap_or_default();
        if !comments.is_empty() {
            // Inline comments belong to a commit: the pull request's head.
            let details = client.get_json(cx, &pr, &[]).await?;
            let sha = text(&details["head"], "sha");
            if !sha.is_empty() {
                body.insert("commit_id".into(), json!(sha));
            }
            let inline: Vec<Value> = comments
                .into_iter()
                .map(|c| {
                    let mut one = json!({"path": c.path.unwrap_or_default(),
                                         "body": c.body.unwrap_or_default()});
                    if let Some(position) = c.position.or(c.line) {
                        one["position"] = json!(position);
                    }
                    one
                })
                .collect();
            body.insert("comments".into(), json!(inline));
        }
        // Without an event GitHub keeps the review pending (a draft).
        if !input.create_as_draft {
            body.insert("event".into(), json!(input.event));
        }
        let review = client
            .send_json(cx, Method::POST, &reviews, &Value::Object(body))
            .await?;
        cx.emit(CreateReviewOutput::ReviewId(
            review["id"].as_i64().unwrap_or_default(),
        ));
        cx.emit(CreateReviewOutput::State(text(&review, "state")));
        cx.emit(CreateReviewOutput::HtmlUrl(text(&review, "html_url")));
        Ok(())
    }
}

github_input!(
    "repo",
    pub struct PullInput {
        /// GitHub repository
        pub repo: String,
        /// Pull request number
        pub pr_number: i64,
    }
);

/// AutoGPT's `ReviewItem`.
#[derive(Debug, Clone, Serialize, JsonSchema)]
pub struct ReviewItem {
    pub id: i64,
    pub user: String,
    pub state: String,
    pub body: String,
    pub html_url: String,
}

#[derive(Serialize, JsonSchema)]
#[serde(tag = "pin", content = "value", rename_all = "snake_case")]
pub enum ListReviewsOutput {
    /// Individual review with details
    #[schemars(title = "Review")]
    Review(ReviewItem),
    /// List of all reviews on the pull request
    Reviews(Vec<ReviewItem>),
}

pub struct GithubListPRReviews;

impl Block for GithubListPRReviews {
    const META: BlockMeta = BlockMeta::standard(
        "f79bc6eb-33c0-4099-9c0f-d664ae1ba4d0",
        "GithubListPRReviewsBlock",
        "This block lists all reviews for a specified GitHub pull request.",
        &[Category::DeveloperTools],
    );
    type Input = PullInput;
    type Output = ListReviewsOutput;

    async fn run(
        &self,
        input: PullInput,
        cx: &mut Cx<'_, ListReviewsOutput>,
    ) -> Result<(), BlockError> {
        let path = pulls(&input.repo, input.pr_number, "/reviews")?;
        let client = super::client(cx, &input.credentials).await?;
        let answer = client.get_json(cx, &path, &[]).await?;
        let reviews = each(&answer)
            .map(|r| ReviewItem {
                id: r["id"].as_i64().unwrap_or_default(),
                user: text(&r["user"], "login"),
                state: text(r, "state"),
                body: text(r, "body"),
                html_url: text(r, "html_url"),
            })
            .collect();
        emit_list(
            cx,
            reviews,
            ListReviewsOutput::Reviews,
            ListReviewsOutput::Review,
        );
        Ok(())
    }
}

pub struct GithubSubmitPendingReview;

github_input!(
    "repo",
    pub struct SubmitInput {
        /// GitHub repository
        pub repo: String,
        /// Pull request number
        pub pr_number: i64,
        /// ID of the pending review to submit
        pub review_id: i64,
        /// The review action to perform when submitting
        #[serde(default)]
        pub event: ReviewEvent,
    }
);

#[derive(Serialize, JsonSchema)]
#[serde(tag = "pin", content = "value", rename_all = "snake_case")]
pub enum SubmitOutput {
    /// State of the submitted review
    State(String),
    /// URL of the submitted review
    HtmlUrl(String),
}

impl Block for GithubSubmitPendingReview {
    const META: BlockMeta = BlockMeta::standard(
        "2e468217-7ca0-4201-9553-36e93eb9357a",
        "GithubSubmitPendingReviewBlock",
        "This block submits a pending (draft) review on a GitHub pull request.",
        &[Category::DeveloperTools],
    );
    type Input = SubmitInput;
    type Output = SubmitOutput;

    async fn run(
        &self,
        input: SubmitInput,
        cx: &mut Cx<'_, SubmitOutput>,
    ) -> Result<(), BlockError> {
        let rest = format!("/reviews/{}/events", input.review_id);
        let path = pulls(&input.repo, input.pr_number, &rest)?;
        let client = super::client(cx, &input.credentials).await?;
        let review = client
            .send_json(cx, Method::POST, &path, &json!({"event": input.event}))
            .await?;
        cx.emit(SubmitOutput::State(text(&review, "state")));
        cx.emit(SubmitOutput::HtmlUrl(text(&review, "html_url")));
        Ok(())
    }
}

pub struct GithubResolveReviewDiscussion;

fn yes() -> bool {
    true
}

github_input!(
    "repo",
    pub struct ResolveInput {
        /// GitHub repository
        pub repo: String,
        /// Pull request number
        pub pr_number: i64,
        /// ID of the review comment to resolve/unresolve
        pub comment_id: i64,
        /// Whether to resolve (true) or unresolve (false) the discussion
        #[serde(default = "yes")]
        pub resolve: bool,
    }
);

#[derive(Serialize, JsonSchema)]
#[serde(tag = "pin", content = "value", rename_all = "snake_case")]
pub enum ResolveOutput {
    /// Whether the operation was successful
    Success(bool),
}

const THREADS: &str = "query($owner: String!, $repo: String!, $number: Int!) {
  repository(owner: $owner, name: $repo) { pullRequest(number: $number) {
    reviewThreads(first: 100) { nodes { id isResolved comments(first: 100) { nodes { databaseId id } } } }
  } }
}";

const RESOLVE: &str = "mutation($threadId: ID!) {
  resolveReviewThread(input: {threadId: $threadId}) { thread { isResolved } }
}";

const UNRESOLVE: &str = "mutation($threadId: ID!) {
  unresolveReviewThread(input: {threadId: $threadId}) { thread { isResolved } }
}";

/// Finds the thread holding the comment and resolves or reopens it.
async fn resolve(input: &ResolveInput, cx: &mut Cx<'_, ResolveOutput>) -> Result<(), BlockError> {
    repo_api(&input.repo)?;
    let (owner, repo) = input.repo.trim().split_once('/').unwrap_or_default();
    let client = super::client(cx, &input.credentials).await?;
    let variables = json!({"owner": owner, "repo": repo, "number": input.pr_number});
    let data = super::graphql(cx, &client, THREADS, variables).await?;
    let threads = &data["repository"]["pullRequest"]["reviewThreads"]["nodes"];
    let thread = each(threads)
        .find(|t| each(&t["comments"]["nodes"]).any(|c| c["databaseId"] == input.comment_id))
        .map(|t| t["id"].clone())
        .ok_or_else(|| {
            BlockError::Input(format!(
                "Comment {} not found in pull request",
                input.comment_id
            ))
        })?;
    let mutation = if input.resolve { RESOLVE } else { UNRESOLVE };
    super::graphql(cx, &client, mutation, json!({"threadId": thread})).await?;
    Ok(())
}

impl Block for GithubResolveReviewDiscussion {
    const META: BlockMeta = BlockMeta::standard(
        "b4b8a38c-95ae-4c91-9ef8-c2cffaf2b5d1",
        "GithubResolveReviewDiscussionBlock",
        "This block resolves or unresolves a review discussion thread on a GitHub pull request.",
        &[Category::DeveloperTools],
    );
    type Input = ResolveInput;
    type Output = ResolveOutput;

    async fn run(
        &self,
        input: ResolveInput,
        cx: &mut Cx<'_, ResolveOutput>,
    ) -> Result<(), BlockError> {
        // As AutoGPT: a failure yields `success` false before the error.
        let result = resolve(&input, cx).await;
        cx.emit(ResolveOutput::Success(result.is_ok()));
        result
    }
}

pub struct GithubGetPRReviewComments;

github_input!(
    "repo",
    pub struct ReviewCommentsInput {
        /// GitHub repository
        pub repo: String,
        /// Pull request number
        pub pr_number: i64,
        /// ID of a specific review to get comments from (optional)
        #[serde(default)]
        pub review_id: Option<i64>,
    }
);

/// AutoGPT's review `CommentItem`.
#[derive(Debug, Clone, Serialize, JsonSchema)]
pub struct ReviewCommentItem {
    pub id: i64,
    pub user: String,
    pub body: String,
    pub path: String,
    pub line: i64,
    pub side: String,
    pub created_at: String,
    pub updated_at: String,
    pub in_reply_to_id: Option<i64>,
    pub html_url: String,
}

#[derive(Serialize, JsonSchema)]
#[serde(tag = "pin", content = "value", rename_all = "snake_case")]
pub enum ReviewCommentsOutput {
    /// Individual review comment with details
    #[schemars(title = "Comment")]
    Comment(ReviewCommentItem),
    /// List of all review comments on the pull request
    Comments(Vec<ReviewCommentItem>),
}

impl Block for GithubGetPRReviewComments {
    const META: BlockMeta = BlockMeta::standard(
        "1d34db7f-10c1-45c1-9d43-749f743c8bd4",
        "GithubGetPRReviewCommentsBlock",
        "This block gets all review comments from a GitHub pull request or from a specific review.",
        &[Category::DeveloperTools],
    );
    type Input = ReviewCommentsInput;
    type Output = ReviewCommentsOutput;

    async fn run(
        &self,
        input: ReviewCommentsInput,
        cx: &mut Cx<'_, ReviewCommentsOutput>,
    ) -> Result<(), BlockError> {
        // As AutoGPT, a review id of 0 means none.
        let rest = match input.review_id.filter(|id| *id != 0) {
            Some(id) => format!("/reviews/{id}/comments"),
            None => "/comments".into(),
        };
        let path = pulls(&input.repo, input.pr_number, &rest)?;
        let client = super::client(cx, &input.credentials).await?;
        let answer = client.get_json(cx, &path, &[]).await?;
        let comments = each(&answer)
            .map(|c| ReviewCommentItem {
                id: c["id"].as_i64().unwrap_or_default(),
                user: text(&c["user"], "login"),
                body: text(c, "body"),
                path: text(c, "path"),
                line: c["line"].as_i64().unwrap_or_default(),
                side: text(c, "side"),
                created_at: text(c, "created_at"),
                updated_at: text(c, "updated_at"),
                in_reply_to_id: c["in_reply_to_id"].as_i64(),
                html_url: text(c, "html_url"),
            })
            .collect();
        emit_list(
            cx,
            comments,
            ReviewCommentsOutput::Comments,
            ReviewCommentsOutput::Comment,
        );
        Ok(())
    }
}
