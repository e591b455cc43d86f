//! GetUserPostsBlock and RedditGetMyPostsBlock (`GET /user/{name}/submitted`, the
//! signed-in name from `GET /api/v1/me`) and SearchRedditBlock (`GET /r/{sub|all}/search`).

use agentry_core::{Block, BlockError, BlockMeta, Category, CredentialsMeta, Cx};
use schemars::JsonSchema;
use serde::{Deserialize, Serialize};
use serde_json::Value;

use super::posts::RedditPost;
use super::{author, client, listing, subreddit_path, text};
use crate::api::{Client, segment};

pub struct GetUserPosts;
pub struct RedditGetMyPosts;
pub struct SearchReddit;

/// AutoGPT's `UserPostSort`.
#[derive(Debug, Clone, Copy, Default, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "lowercase")]
pub enum UserPostSort {
    #[default]
    New,
    Hot,
    Top,
    Controversial,
}

/// AutoGPT's `SearchSort`.
#[derive(Debug, Clone, Copy, Default, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "lowercase")]
pub enum SearchSort {
    #[default]
    Relevance,
    Hot,
    Top,
    New,
    Comments,
}

/// AutoGPT's `TimeFilter`.
#[derive(Debug, Clone, Copy, Default, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "lowercase")]
pub enum TimeFilter {
    #[default]
    All,
    Day,
    Hour,
    Month,
    Week,
    Year,
}

/// A unit enum's wire name.
pub fn wire<T: Serialize>(value: T) -> String {
    serde_json::to_value(value)
        .ok()
        .and_then(|v| v.as_str().map(str::to_string))
        .unwrap_or_default()
}

fn ten() -> i64 {
    10
}

/// A user's submissions in `sort` order (PRAW asks `top` and `controversial` of all time).
async fn submitted<O: Serialize>(
    cx: &mut Cx<'_, O>,
    client: &Client,
    username: &str,
    sort: UserPostSort,
    limit: i64,
) -> Result<Vec<RedditPost>, BlockError> {
    let path = format!("/user/{}/submitted", segment(username));
    let mut query = vec![("sort", wire(sort))];
    if matches!(sort, UserPostSort::Top | UserPostSort::Controversial) {
        query.push(("t", "all".to_string()));
    }
    let posts = listing(cx, client, &path, &query, limit).await?;
    Ok(posts
        .iter()
        .map(|p| RedditPost {
            post_id: text(p, "id"),
            subreddit: text(p, "subreddit"),
            title: text(p, "title"),
            body: text(p, "selftext"),
        })
        .collect())
}

#[derive(Serialize, JsonSchema)]
#[serde(tag = "pin", content = "value", rename_all = "snake_case")]
pub enum UserPostsOutput {
    /// A post by the user
    Post(RedditPost),
    /// All posts by the user
    Posts(Vec<RedditPost>),
}

#[derive(Deserialize, JsonSchema)]
pub struct UserPostsInput {
    /// Connect your Reddit account to access Reddit features.
    #[serde(default)]
    #[schemars(extend("credentials_provider" = ["reddit"], "credentials_types" = ["oauth2"]))]
    pub credentials: CredentialsMeta,
    /// Reddit username to fetch posts from (without /u/ prefix)
    pub username: String,
    /// Maximum number of posts to fetch
    #[serde(default = "ten")]
    pub post_limit: i64,
    /// Sort order for user posts
    #[serde(default)]
    pub sort: UserPostSort,
}

impl Block for GetUserPosts {
    const META: BlockMeta = BlockMeta::standard(
        "6fbe6329-d13e-4d2e-bd4d-b4d921b56161",
        "GetUserPostsBlock",
        "Fetch posts by a specific Reddit user.",
        &[Category::Social],
    );
    type Input = UserPostsInput;
    type Output = UserPostsOutput;

    async fn run(
        &self,
        input: UserPostsInput,
        cx: &mut Cx<'_, UserPostsOutput>,
    ) -> Result<(), BlockError> {
        let client = client(cx, &input.credentials).await?;
        let posts = submitted(cx, &client, &input.username, input.sort, input.post_limit).await?;
        for post in &posts {
            cx.emit(UserPostsOutput::Post(post.clone()));
        }
        cx.emit(UserPostsOutput::Posts(posts));
        Ok(())
    }
}

#[derive(Deserialize, JsonSchema)]
pub struct MyPostsInput {
    /// Connect your Reddit account to access Reddit features.
    #[serde(default)]
    #[schemars(extend("credentials_provider" = ["reddit"], "credentials_types" = ["oauth2"]))]
    pub credentials: CredentialsMeta,
    /// Maximum number of posts to fetch
    #[serde(default = "ten")]
    pub post_limit: i64,
    /// Sort order for posts
    #[serde(default)]
    pub sort: UserPostSort,
}

#[derive(Serialize, JsonSchema)]
#[serde(tag = "pin", content = "value", rename_all = "snake_case")]
pub enum MyPostsOutput {
    /// A post by you
    Post(RedditPost),
    /// All your posts
    Posts(Vec<RedditPost>),
}

impl Block for RedditGetMyPosts {
    const META: BlockMeta = BlockMeta::standard(
        "4ab3381b-0c07-4201-89b3-fa2ec264f154",
        "RedditGetMyPostsBlock",
        "Fetch posts created by the authenticated Reddit user (you).",
        &[Category::Social],
    );
    type Input = MyPostsInput;
    type Output = MyPostsOutput;

    async fn run(
        &self,
        input: MyPostsInput,
        cx: &mut Cx<'_, MyPostsOutput>,
    ) -> Result<(), BlockError> {
        let client = client(cx, &input.credentials).await?;
        let me = client.get_json(cx, "/api/v1/me", &[]).await?;
        let name = text(&me, "name");
        if name.is_empty() {
            return Err(BlockError::Input(
                "Could not get authenticated user.".to_string(),
            ));
        }
        let posts = submitted(cx, &client, &name, input.sort, input.post_limit).await?;
        for post in &posts {
            cx.emit(MyPostsOutput::Post(post.clone()));
        }
        cx.emit(MyPostsOutput::Posts(posts));
        Ok(())
    }
}

#[derive(Deserialize, JsonSchema)]
pub struct SearchInput {
    /// Connect your Reddit account to access Reddit features.
    #[serde(default)]
    #[schemars(extend("credentials_provider" = ["reddit"], "credentials_types" = ["oauth2"]))]
    pub credentials: CredentialsMeta,
    /// Search query string
    pub query: String,
    /// Limit search to a specific subreddit (without /r/ prefix)
    #[serde(default)]
    pub subreddit: Option<String>,
    /// Sort order for search results
    #[serde(default)]
    pub sort: SearchSort,
    /// Time filter for search results
    #[serde(default)]
    pub time_filter: TimeFilter,
    /// Maximum number of results to return
    #[serde(default = "ten")]
    pub limit: i64,
}

/// AutoGPT's `RedditSearchResult`.
#[derive(Debug, Clone, Serialize, JsonSchema)]
pub struct RedditSearchResult {
    pub id: String,
    pub subreddit: String,
    pub title: String,
    pub body: String,
    pub author: String,
    pub score: i64,
    pub num_comments: i64,
    pub created_utc: f64,
    pub permalink: String,
}

#[derive(Serialize, JsonSchema)]
#[serde(tag = "pin", content = "value", rename_all = "snake_case")]
pub enum SearchOutput {
    /// A search result
    Result(RedditSearchResult),
    /// All search results
    Results(Vec<RedditSearchResult>),
}

fn search_result(p: &Value) -> RedditSearchResult {
    RedditSearchResult {
        id: text(p, "id"),
        subreddit: text(p, "subreddit"),
        title: text(p, "title"),
        body: text(p, "selftext"),
        author: author(p),
        score: p["score"].as_i64().unwrap_or(0),
        num_comments: p["num_comments"].as_i64().unwrap_or(0),
        created_utc: p["created_utc"].as_f64().unwrap_or(0.0),
        permalink: text(p, "permalink"),
    }
}

impl Block for SearchReddit {
    const META: BlockMeta = BlockMeta::standard(
        "4a0c975e-807b-4d5e-83c9-1619864a4b1a",
        "SearchRedditBlock",
        "Search Reddit for posts matching a query. Can search all of Reddit or a specific subreddit.",
        &[Category::Social],
    );
    type Input = SearchInput;
    type Output = SearchOutput;

    async fn run(
        &self,
        input: SearchInput,
        cx: &mut Cx<'_, SearchOutput>,
    ) -> Result<(), BlockError> {
        let client = client(cx, &input.credentials).await?;
        let sub = input.subreddit.as_deref().filter(|s| !s.is_empty());
        let path = subreddit_path(sub.unwrap_or("all"), "/search");
        // As PRAW: restricted to the subreddit unless it is r/all.
        let restrict = sub.is_some_and(|s| !s.eq_ignore_ascii_case("all"));
        let query = [
            ("q", input.query.clone()),
            ("sort", wire(input.sort)),
            ("t", wire(input.time_filter)),
            ("syntax", "lucene".to_string()),
            ("restrict_sr", restrict.to_string()),
        ];
        let found = listing(cx, &client, &path, &query, input.limit).await?;
        let results: Vec<RedditSearchResult> = found.iter().map(search_result).collect();
        for result in &results {
            cx.emit(SearchOutput::Result(result.clone()));
        }
        cx.emit(SearchOutput::Results(results));
        Ok(())
    }
}

#[cfg(test)]
#[path = "search_tests.rs"]
mod tests;
