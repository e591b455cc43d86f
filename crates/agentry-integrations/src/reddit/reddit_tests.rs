//! Reddit's reading blocks against a wiremock Reddit OAuth API answering listing shapes.

use agentry_core::testing::run_block_with;
use serde_json::json;
use wiremock::matchers::{header, method, path, query_param};
use wiremock::{Mock, MockServer, ResponseTemplate};

use super::posts::{GetRedditPost, GetRedditPosts};
use super::strip_prefix;
use super::subreddit::{GetSubredditInfo, GetSubredditRules};
use super::test_support::{BEARER, creds, pins, posts, rec};
use crate::testing::error_of;

#[test]
fn type_prefixes_are_stripped() {
    assert_eq!(strip_prefix("t3_abc"), "abc");
    assert_eq!(strip_prefix("abc"), "abc");
    assert_eq!(strip_prefix("t3_"), "t3_");
}

#[tokio::test]
async fn fetches_new_posts_until_the_marker() {
    let server = MockServer::start().await;
    Mock::given(method("GET"))
        .and(path("/r/rust/new"))
        .and(query_param("limit", "3"))
        .and(header("authorization", BEARER))
        .and(header(
            "user-agent",
            "Agentry (AutoGPT-compatible agent platform)",
        ))
        .respond_with(ResponseTemplate::new(200).set_body_json(posts(json!([
            {"id": "p3", "title": "Newest", "selftext": "body 3", "created_utc": 1.0},
            {"id": "p2", "title": "Older", "selftext": "", "created_utc": 1.0},
            {"id": "p1", "title": "Oldest", "selftext": "", "created_utc": 1.0}]))))
        .mount(&server)
        .await;
    let out = run_block_with(
        GetRedditPosts,
        json!({"credentials": creds(), "subreddit": "rust", "post_limit": 3, "last_post": "p1"}),
        rec(&server, "read"),
    )
    .await;
    assert_eq!(pins(&out), ["post", "post", "posts"]);
    assert_eq!(
        out[0].1,
        json!({"post_id": "p3", "subreddit": "rust", "title": "Newest", "body": "body 3"})
    );
}

#[tokio::test]
async fn reads_a_post_a_subreddit_and_its_rules() {
    let server = MockServer::start().await;
    Mock::given(method("GET"))
        .and(path("/by_id/t3_abc"))
        .respond_with(ResponseTemplate::new(200).set_body_json(posts(json!([{
            "id": "abc", "subreddit": "rust", "title": "Hi", "selftext": "Body", "author": "ferris",
            "score": 42, "upvote_ratio": 0.97, "num_comments": 3, "created_utc": 1700000000.0,
            "url": "https://www.reddit.com/r/rust/comments/abc/hi/", "permalink": "/r/rust/comments/abc/hi/",
            "is_self": true, "over_18": false}]))))
        .mount(&server)
        .await;
    Mock::given(method("GET"))
        .and(path("/r/rust/about"))
        .respond_with(
            ResponseTemplate::new(200).set_body_json(json!({"kind": "t5", "data": {
            "name": "t5_2s7lj", "display_name": "rust", "title": "The Rust Programming Language",
            "description": "desc", "public_description": "pub", "subscribers": 300000,
            "created_utc": 1290000000.0, "over18": false, "url": "/r/rust/"}})),
        )
        .mount(&server)
        .await;
    Mock::given(method("GET"))
        .and(path("/r/rust/about/rules"))
        .respond_with(ResponseTemplate::new(200).set_body_json(json!({"rules": [
            {"kind": "all", "short_name": "Be civil", "description": "No insults", "violation_reason": "Incivility", "priority": 0},
            {"kind": "link", "short_name": "On topic", "description": "", "violation_reason": "", "priority": 1}],
            "site_rules": ["Spam"]})))
        .mount(&server)
        .await;
    let out = run_block_with(
        GetRedditPost,
        json!({"credentials": creds(), "post_id": "t3_abc"}),
        rec(&server, "read"),
    )
    .await;
    assert_eq!(out[0].1["author"], "ferris");
    assert_eq!(out[0].1["upvote_ratio"], 0.97);
    let out = run_block_with(
        GetSubredditInfo,
        json!({"credentials": creds(), "subreddit": "rust"}),
        rec(&server, "read"),
    )
    .await;
    assert_eq!(out[0].1["subscribers"], 300000);
    assert_eq!(out[1], ("subreddit".into(), json!("rust")));
    let out = run_block_with(
        GetSubredditRules,
        json!({"credentials": creds(), "subreddit": "rust"}),
        rec(&server, "read"),
    )
    .await;
    assert_eq!(pins(&out), ["rule", "rule", "rules", "subreddit"]);
    assert_eq!(out[1].1["violation_reason"], "On topic");
}

#[tokio::test]
async fn forbidden_and_rate_limited_answers_are_reported() {
    let server = MockServer::start().await;
    Mock::given(method("GET"))
        .and(path("/r/private/about"))
        .respond_with(
            ResponseTemplate::new(403)
                .set_body_json(json!({"reason": "private", "message": "Forbidden", "error": 403})),
        )
        .mount(&server)
        .await;
    Mock::given(method("GET"))
        .and(path("/r/busy/new"))
        .respond_with(
            ResponseTemplate::new(429)
                .insert_header("retry-after", "0")
                .set_body_json(json!({"message": "Too Many Requests", "error": 429})),
        )
        .mount(&server)
        .await;
    let out = run_block_with(
        GetSubredditInfo,
        json!({"credentials": creds(), "subreddit": "private"}),
        rec(&server, "read"),
    )
    .await;
    assert_eq!(
        error_of(&out),
        "reddit refused the credentials (403): Forbidden"
    );
    let out = run_block_with(
        GetRedditPosts,
        json!({"credentials": creds(), "subreddit": "busy"}),
        rec(&server, "read"),
    )
    .await;
    assert_eq!(
        error_of(&out),
        "reddit is rate limiting these requests; try again later"
    );
}
