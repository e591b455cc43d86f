//! GetRedditPostCommentsBlock and GetRedditCommentRepliesBlock over `GET /comments/{post}`,
//! which answers `[post listing, comment listing]`, each comment's `replies` a listing of its
//! own (or `""`). "Load more" stubs (`kind: more`) are skipped, as PRAW's
//! `replace_more(limit=0)` drops them.

use agentry_core::{Block, BlockError, BlockMeta, Category, CredentialsMeta, Cx};
use schemars::JsonSchema;
use serde::{Deserialize, Serialize};
use serde_json::Value;

use super::people::RedditComment;
use super::search::wire;
use super::{client, strip_prefix};
use crate::api::segment;

pub struct GetRedditPostComments;
pub struct GetRedditCommentReplies;

/// AutoGPT's `CommentSort`.
#[derive(Debug, Clone, Copy, Default, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "lowercase")]
pub enum CommentSort {
    #[default]
    Best,
    Top,
    New,
    Controversial,
    Old,
    Qa,
}

/// The comments (`t1` things) of a listing, in order.
fn comments_of(listing: &Value) -> Vec<&Value> {
    listing["data"]["children"]
        .as_array()
        .into_iter()
        .flatten()
        .filter(|c| c["kind"] == "t1")
        .map(|c| &c["data"])
        .collect()
}

/// The comment with `id` anywhere in the tree under `listing`.
fn find<'v>(listing: &'v Value, id: &str) -> Option<&'v Value> {
    comments_of(listing).into_iter().find_map(|c| {
        if c["id"] == id {
            Some(c)
        } else {
            find(&c["replies"], id)
        }
    })
}

fn twenty_five() -> i64 {
    25
}
fn ten() -> i64 {
    10
}

#[derive(Deserialize, JsonSchema)]
pub struct CommentsInput {
    /// Connect your Reddit account to access Reddit features.
    #[serde(default)]
    #[schemars(extend("credentials_provider" = ["reddit"], "credentials_types" = ["oauth2"]))]
    pub credentials: CredentialsMeta,
    /// The ID of the post to get comments from
    pub post_id: String,
    /// Maximum number of top-level comments to fetch (max 100)
    #[serde(default = "twenty_five")]
    pub limit: i64,
    /// Sort order for comments
    #[serde(default)]
    pub sort: CommentSort,
}

#[derive(Serialize, JsonSchema)]
#[serde(tag = "pin", content = "value", rename_all = "snake_case")]
pub enum CommentsOutput {
    /// A comment on the post
    Comment(RedditComment),
    /// All fetched comments
    Comments(Vec<RedditComment>),
    /// The post ID (pass-through for chaining)
    PostId(String),
}

impl Block for GetRedditPostComments {
    const META: BlockMeta = BlockMeta::standard(
        "98422b2c-c3b0-4d70-871f-56bd966f46da",
        "GetRedditPostCommentsBlock",
        "Get top-level comments on a Reddit post.",
        &[Category::Social],
    );
    type Input = CommentsInput;
    type Output = CommentsOutput;

    async fn run(
        &self,
        input: CommentsInput,
        cx: &mut Cx<'_, CommentsOutput>,
    ) -> Result<(), BlockError> {
        let client = client(cx, &input.credentials).await?;
        let path = format!("/comments/{}", segment(strip_prefix(&input.post_id)));
        let query = [("sort", wire(input.sort)), ("raw_json", "1".to_string())];
        let answer = client.get_json(cx, &path, &query).await?;
        let max = input.limit.clamp(0, 100) as usize;
        let all: Vec<RedditComment> = comments_of(&answer[1])
            .into_iter()
            .take(max)
            .map(RedditComment::from_thing)
            .collect();
        for comment in &all {
            cx.emit(CommentsOutput::Comment(comment.clone()));
        }
        cx.emit(CommentsOutput::Comments(all));
        cx.emit(CommentsOutput::PostId(input.post_id));
        Ok(())
    }
}

#[derive(Deserialize, JsonSchema)]
pub struct RepliesInput {
    /// Connect your Reddit account to access Reddit features.
    #[serde(default)]
    #[schemars(extend("credentials_provider" = ["reddit"], "credentials_types" = ["oauth2"]))]
    pub credentials: CredentialsMeta,
    /// The ID of the comment to get replies from
    pub comment_id: String,
    /// The ID of the post containing the comment
    pub post_id: String,
    /// Maximum number of replies to fetch (max 50)
    #[serde(default = "ten")]
    pub limit: i64,
}

#[derive(Serialize, JsonSchema)]
#[serde(tag = "pin", content = "value", rename_all = "snake_case")]
pub enum RepliesOutput {
    /// A reply to the comment
    Reply(RedditComment),
    /// All replies
    Replies(Vec<RedditComment>),
    /// The parent comment ID (pass-through for chaining)
    CommentId(String),
    /// The post ID (pass-through for chaining)
    PostId(String),
}

impl Block for GetRedditCommentReplies {
    const META: BlockMeta = BlockMeta::standard(
        "7fa83965-7289-432f-98a9-1575f5bcc8f1",
        "GetRedditCommentRepliesBlock",
        "Get replies to a specific Reddit comment.",
        &[Category::Social],
    );
    type Input = RepliesInput;
    type Output = RepliesOutput;

    async fn run(
        &self,
        input: RepliesInput,
        cx: &mut Cx<'_, RepliesOutput>,
    ) -> Result<(), BlockError> {
        let client = client(cx, &input.credentials).await?;
        let path = format!("/comments/{}", segment(strip_prefix(&input.post_id)));
        let answer = client
            .get_json(cx, &path, &[("raw_json", "1".to_string())])
            .await?;
        // A comment not in the thread has no replies, as in AutoGPT.
        let max = input.limit.clamp(0, 50) as usize;
        let replies: Vec<RedditComment> = find(&answer[1], strip_prefix(&input.comment_id))
            .map(|c| comments_of(&c["replies"]))
            .unwrap_or_default()
            .into_iter()
            .take(max)
            .map(RedditComment::from_thing)
            .collect();
        for reply in &replies {
            cx.emit(RepliesOutput::Reply(reply.clone()));
        }
        cx.emit(RepliesOutput::Replies(replies));
        cx.emit(RepliesOutput::CommentId(input.comment_id));
        cx.emit(RepliesOutput::PostId(input.post_id));
        Ok(())
    }
}
