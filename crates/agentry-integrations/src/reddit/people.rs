//! GetRedditCommentBlock (`GET /api/info?id=t1_…`) and GetRedditUserInfoBlock
//! (`GET /user/{name}/about` and `GET /user/{name}/moderated_subreddits`): reading one comment
//! and one account, as AutoGPT's PRAW calls do under the hood.

use agentry_core::{Block, BlockError, BlockMeta, Category, CredentialsMeta, Cx};
use schemars::JsonSchema;
use serde::{Deserialize, Serialize};
use serde_json::Value;

use super::{children, client, strip_prefix, text};
use crate::api::segment;

pub struct GetRedditComment;
pub struct GetRedditUserInfo;

#[derive(Deserialize, JsonSchema)]
pub struct CommentInput {
    /// Connect your Reddit account to access Reddit features.
    #[serde(default)]
    #[schemars(extend("credentials_provider" = ["reddit"], "credentials_types" = ["oauth2"]))]
    pub credentials: CredentialsMeta,
    /// The ID of the comment to fetch
    pub comment_id: String,
}

/// AutoGPT's `RedditComment`.
#[derive(Debug, Clone, Serialize, JsonSchema)]
pub struct RedditComment {
    pub comment_id: String,
    pub post_id: String,
    pub parent_comment_id: Option<String>,
    pub author: String,
    pub body: String,
    pub score: i64,
    pub created_utc: f64,
    pub edited: bool,
    pub is_submitter: bool,
    pub permalink: String,
    pub depth: i64,
}

#[derive(Serialize, JsonSchema)]
#[serde(tag = "pin", content = "value", rename_all = "snake_case")]
pub enum CommentOutput {
    /// The comment details
    Comment(RedditComment),
}

impl RedditComment {
    /// A comment as Reddit's `t1` thing carries it. Its parent is a comment only when the
    /// parent id is a `t1_` one (a top-level comment's parent is the post).
    pub fn from_thing(c: &Value) -> Self {
        let parent = c["parent_id"].as_str().unwrap_or_default();
        RedditComment {
            comment_id: text(c, "id"),
            post_id: strip_prefix(c["link_id"].as_str().unwrap_or_default()).to_string(),
            parent_comment_id: parent
                .starts_with("t1_")
                .then(|| strip_prefix(parent).to_string()),
            author: super::author(c),
            body: text(c, "body"),
            score: c["score"].as_i64().unwrap_or(0),
            created_utc: c["created_utc"].as_f64().unwrap_or(0.0),
            // Reddit sends `false` or the time of the edit.
            edited: !matches!(c["edited"], Value::Bool(false) | Value::Null),
            is_submitter: c["is_submitter"].as_bool().unwrap_or(false),
            permalink: text(c, "permalink"),
            depth: c["depth"].as_i64().unwrap_or(0),
        }
    }
}

impl Block for GetRedditComment {
    const META: BlockMeta = BlockMeta::standard(
        "72cb311a-5998-4e0a-9bc4-f1b67a97284e",
        "GetRedditCommentBlock",
        "Get details about a specific Reddit comment by its ID.",
        &[Category::Social],
    );
    type Input = CommentInput;
    type Output = CommentOutput;

    async fn run(
        &self,
        input: CommentInput,
        cx: &mut Cx<'_, CommentOutput>,
    ) -> Result<(), BlockError> {
        let client = client(cx, &input.credentials).await?;
        let id = format!("t1_{}", strip_prefix(&input.comment_id));
        let answer = client
            .get_json(
                cx,
                "/api/info",
                &[("id", id), ("raw_json", "1".to_string())],
            )
            .await?;
        let found = children(&answer);
        let Some(comment) = found.first() else {
            return Err(BlockError::input(format!(
                "Reddit has no comment with the id {}",
                input.comment_id
            )));
        };
        cx.emit(CommentOutput::Comment(RedditComment::from_thing(comment)));
        Ok(())
    }
}

#[derive(Deserialize, JsonSchema)]
pub struct UserInput {
    /// Connect your Reddit account to access Reddit features.
    #[serde(default)]
    #[schemars(extend("credentials_provider" = ["reddit"], "credentials_types" = ["oauth2"]))]
    pub credentials: CredentialsMeta,
    /// The Reddit username to look up (without /u/ prefix)
    pub username: String,
}

/// AutoGPT's `RedditUserProfileSubreddit`.
#[derive(Debug, Serialize, JsonSchema)]
pub struct RedditUserProfileSubreddit {
    pub name: String,
    pub title: String,
    pub public_description: String,
    pub subscribers: i64,
    pub over_18: bool,
}

/// AutoGPT's `RedditUserInfo`.
#[derive(Debug, Serialize, JsonSchema)]
pub struct RedditUserInfo {
    pub username: String,
    pub user_id: String,
    pub comment_karma: i64,
    pub link_karma: i64,
    pub total_karma: i64,
    pub created_utc: f64,
    pub is_gold: bool,
    pub is_mod: bool,
    pub has_verified_email: bool,
    pub moderated_subreddits: Vec<String>,
    pub profile_subreddit: Option<RedditUserProfileSubreddit>,
}

#[derive(Serialize, JsonSchema)]
#[serde(tag = "pin", content = "value", rename_all = "snake_case")]
pub enum UserOutput {
    /// User information
    User(RedditUserInfo),
    /// The username (pass-through for chaining)
    Username(String),
}

impl Block for GetRedditUserInfo {
    const META: BlockMeta = BlockMeta::standard(
        "1b4c6bd1-4f28-4bad-9ae9-e7034a0f61ff",
        "GetRedditUserInfoBlock",
        "Get information about a Reddit user including karma, account age, and verification status.",
        &[Category::Social],
    );
    type Input = UserInput;
    type Output = UserOutput;

    async fn run(&self, input: UserInput, cx: &mut Cx<'_, UserOutput>) -> Result<(), BlockError> {
        let client = client(cx, &input.credentials).await?;
        let name = input.username.strip_prefix("u/").unwrap_or(&input.username);
        let base = format!("/user/{}", segment(name));
        let raw = [("raw_json", "1".to_string())];
        let about = client.get_json(cx, &format!("{base}/about"), &raw).await?;
        let moderated = client
            .get_json(cx, &format!("{base}/moderated_subreddits"), &raw)
            .await?;
        let user = &about["data"];
        let sub = &user["subreddit"];
        let profile = sub.is_object().then(|| RedditUserProfileSubreddit {
            name: text(sub, "display_name"),
            title: text(sub, "title"),
            public_description: text(sub, "public_description"),
            subscribers: sub["subscribers"].as_i64().unwrap_or(0),
            over_18: sub["over_18"].as_bool().unwrap_or(false),
        });
        let moderated_subreddits = moderated["data"]
            .as_array()
            .into_iter()
            .flatten()
            .filter_map(|s| s["sr"].as_str().map(str::to_string))
            .collect();
        cx.emit(UserOutput::User(RedditUserInfo {
            username: text(user, "name"),
            user_id: text(user, "id"),
            comment_karma: user["comment_karma"].as_i64().unwrap_or(0),
            link_karma: user["link_karma"].as_i64().unwrap_or(0),
            total_karma: user["total_karma"].as_i64().unwrap_or(0),
            created_utc: user["created_utc"].as_f64().unwrap_or(0.0),
            is_gold: user["is_gold"].as_bool().unwrap_or(false),
            is_mod: user["is_mod"].as_bool().unwrap_or(false),
            has_verified_email: user["has_verified_email"].as_bool().unwrap_or(false),
            moderated_subreddits,
            profile_subreddit: profile,
        }));
        cx.emit(UserOutput::Username(input.username));
        Ok(())
    }
}

#[cfg(test)]
#[path = "people_tests.rs"]
mod tests;
