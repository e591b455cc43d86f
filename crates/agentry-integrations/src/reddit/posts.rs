//! GetRedditPostsBlock (a subreddit's newest posts, `GET /r/{sub}/new`) and
//! GetRedditPostBlock (one post, `GET /by_id/t3_{id}`).

use agentry_core::{Block, BlockError, BlockMeta, Category, CredentialsMeta, Cx};
use schemars::JsonSchema;
use serde::{Deserialize, Serialize};

use super::{children, client, strip_prefix, subreddit_path, text};
use crate::api::segment as segment_id;

pub struct GetRedditPosts;
pub struct GetRedditPost;

fn writingprompts() -> String {
    "writingprompts".into()
}
fn ten() -> Option<i64> {
    Some(10)
}

#[derive(Deserialize, JsonSchema)]
pub struct PostsInput {
    /// Subreddit name, excluding the /r/ prefix
    #[serde(default = "writingprompts")]
    pub subreddit: String,
    /// Connect your Reddit account to access Reddit features.
    #[serde(default)]
    #[schemars(extend("credentials_provider" = ["reddit"], "credentials_types" = ["oauth2"]))]
    pub credentials: CredentialsMeta,
    /// Post time to stop minutes ago while fetching posts
    #[serde(default)]
    pub last_minutes: Option<i64>,
    /// Post ID to stop when reached while fetching posts
    #[serde(default)]
    pub last_post: Option<String>,
    /// Number of posts to fetch
    #[serde(default = "ten")]
    pub post_limit: Option<i64>,
}

/// AutoGPT's `RedditPost`.
#[derive(Debug, Clone, Serialize, JsonSchema)]
pub struct RedditPost {
    pub post_id: String,
    pub subreddit: String,
    pub title: String,
    pub body: String,
}

#[derive(Serialize, JsonSchema)]
#[serde(tag = "pin", content = "value", rename_all = "snake_case")]
pub enum PostsOutput {
    /// Reddit post
    Post(RedditPost),
    /// List of all Reddit posts
    Posts(Vec<RedditPost>),
}

impl Block for GetRedditPosts {
    const META: BlockMeta = BlockMeta::standard(
        "c6731acb-4285-4ee1-bc9b-03d0766c370f",
        "GetRedditPostsBlock",
        "This block fetches Reddit posts from a defined subreddit name.",
        &[Category::Social],
    );
    type Input = PostsInput;
    type Output = PostsOutput;

    async fn run(&self, input: PostsInput, cx: &mut Cx<'_, PostsOutput>) -> Result<(), BlockError> {
        let client = client(cx, &input.credentials).await?;
        let limit = input.post_limit.filter(|n| *n != 0).unwrap_or(10);
        let path = subreddit_path(&input.subreddit, "/new");
        let query = [("limit", limit.to_string()), ("raw_json", "1".to_string())];
        let listing = client.get_json(cx, &path, &query).await?;
        let now = cx.now().timestamp() as f64;
        let mut all = Vec::new();
        for post in children(&listing) {
            // Newest first: the first post past the window or the marker ends the run.
            if let Some(minutes) = input.last_minutes.filter(|m| *m != 0) {
                let created = post["created_utc"].as_f64().unwrap_or(now);
                if (now - created) / 60.0 > minutes as f64 {
                    break;
                }
            }
            let id = text(&post, "id");
            if input
                .last_post
                .as_deref()
                .is_some_and(|last| !last.is_empty() && last == id)
            {
                break;
            }
            let one = RedditPost {
                post_id: id,
                subreddit: input.subreddit.clone(),
                title: text(&post, "title"),
                body: text(&post, "selftext"),
            };
            all.push(one.clone());
            cx.emit(PostsOutput::Post(one));
        }
        cx.emit(PostsOutput::Posts(all));
        Ok(())
    }
}

#[derive(Deserialize, JsonSchema)]
pub struct PostInput {
    /// Connect your Reddit account to access Reddit features.
    #[serde(default)]
    #[schemars(extend("credentials_provider" = ["reddit"], "credentials_types" = ["oauth2"]))]
    pub credentials: CredentialsMeta,
    /// The ID of the post to fetch (e.g., 'abc123' or full ID 't3_abc123')
    pub post_id: String,
}

/// AutoGPT's `RedditPostDetails`.
#[derive(Serialize, JsonSchema)]
pub struct RedditPostDetails {
    pub id: String,
    pub subreddit: String,
    pub title: String,
    pub body: String,
    pub author: String,
    pub score: i64,
    pub upvote_ratio: f64,
    pub num_comments: i64,
    pub created_utc: f64,
    pub url: String,
    pub permalink: String,
    pub is_self: bool,
    pub over_18: bool,
}

#[derive(Serialize, JsonSchema)]
#[serde(tag = "pin", content = "value", rename_all = "snake_case")]
pub enum PostOutput {
    /// Detailed post information
    Post(RedditPostDetails),
}

impl Block for GetRedditPost {
    const META: BlockMeta = BlockMeta::standard(
        "36e6a259-168c-4032-83ec-b2935d0e4584",
        "GetRedditPostBlock",
        "Get detailed information about a specific Reddit post by its ID.",
        &[Category::Social],
    );
    type Input = PostInput;
    type Output = PostOutput;

    async fn run(&self, input: PostInput, cx: &mut Cx<'_, PostOutput>) -> Result<(), BlockError> {
        let client = client(cx, &input.credentials).await?;
        let path = format!("/by_id/t3_{}", segment_id(strip_prefix(&input.post_id)));
        let listing = client
            .get_json(cx, &path, &[("raw_json", "1".to_string())])
            .await?;
        let Some(post) = children(&listing).into_iter().next() else {
            return Err(BlockError::Input(format!(
                "Reddit post {} not found",
                input.post_id
            )));
        };
        let author = post["author"]
            .as_str()
            .filter(|a| !a.is_empty())
            .unwrap_or("[deleted]");
        cx.emit(PostOutput::Post(RedditPostDetails {
            id: text(&post, "id"),
            subreddit: text(&post, "subreddit"),
            title: text(&post, "title"),
            body: text(&post, "selftext"),
            author: author.to_string(),
            score: post["score"].as_i64().unwrap_or(0),
            upvote_ratio: post["upvote_ratio"].as_f64().unwrap_or(0.0),
            num_comments: post["num_comments"].as_i64().unwrap_or(0),
            created_utc: post["created_utc"].as_f64().unwrap_or(0.0),
            url: text(&post, "url"),
            permalink: text(&post, "permalink"),
            is_self: post["is_self"].as_bool().unwrap_or(false),
            over_18: post["over_18"].as_bool().unwrap_or(false),
        }));
        Ok(())
    }
}
