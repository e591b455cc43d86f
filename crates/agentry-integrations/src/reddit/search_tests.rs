//! Reddit's listing blocks (user posts, search, comment trees, inbox, flairs) against a
//! wiremock Reddit OAuth API answering listing shapes.

use agentry_core::testing::run_block_with;
use serde_json::{Value, json};
use wiremock::matchers::{method, path, query_param, query_param_is_missing};
use wiremock::{Mock, MockServer, ResponseTemplate};

use super::super::comments::{GetRedditCommentReplies, GetRedditPostComments};
use super::super::inbox::GetRedditInbox;
use super::super::subreddit::GetSubredditFlairs;
use super::*;
use crate::reddit::test_support::{assert_reddit_error_answers, creds, listing, pins, rec};

#[tokio::test]
async fn a_users_posts_follow_the_listing_pages() {
    let server = MockServer::start().await;
    Mock::given(method("GET"))
        .and(path("/user/testuser/submitted"))
        .and(query_param("sort", "top"))
        .and(query_param("t", "all"))
        .and(query_param_is_missing("after"))
        .respond_with(ResponseTemplate::new(200).set_body_json(listing(
            "t3",
            json!([{"id": "id1", "subreddit": "sub1", "title": "title1", "selftext": "body1"}]),
            Some("t3_id1"),
        )))
        .mount(&server)
        .await;
    Mock::given(method("GET"))
        .and(path("/user/testuser/submitted"))
        .and(query_param("after", "t3_id1"))
        .and(query_param("limit", "1"))
        .respond_with(ResponseTemplate::new(200).set_body_json(listing(
            "t3",
            json!([{"id": "id2", "subreddit": "sub2", "title": "title2", "selftext": "body2"}]),
            None,
        )))
        .mount(&server)
        .await;
    let out = run_block_with(
        GetUserPosts,
        json!({"credentials": creds(), "username": "testuser", "post_limit": 2, "sort": "top"}),
        rec(&server, "read"),
    )
    .await;
    assert_eq!(pins(&out), ["post", "post", "posts"]);
    assert_eq!(
        out[2].1,
        json!([{"post_id": "id1", "subreddit": "sub1", "title": "title1", "body": "body1"},
            {"post_id": "id2", "subreddit": "sub2", "title": "title2", "body": "body2"}])
    );
}

#[tokio::test]
async fn my_posts_are_the_signed_in_users() {
    let server = MockServer::start().await;
    Mock::given(method("GET"))
        .and(path("/api/v1/me"))
        .respond_with(
            ResponseTemplate::new(200).set_body_json(json!({"name": "me_myself", "id": "u1"})),
        )
        .mount(&server)
        .await;
    Mock::given(method("GET"))
        .and(path("/user/me_myself/submitted"))
        .and(query_param("sort", "new"))
        .respond_with(ResponseTemplate::new(200).set_body_json(listing(
            "t3",
            json!([{"id": "m1", "subreddit": "rust", "title": "Mine", "selftext": ""}]),
            None,
        )))
        .mount(&server)
        .await;
    let out = run_block_with(
        RedditGetMyPosts,
        json!({"credentials": creds()}),
        rec(&server, "read"),
    )
    .await;
    assert_eq!(pins(&out), ["post", "posts"]);
    assert_eq!(out[0].1["post_id"], "m1");
}

#[tokio::test]
async fn searches_a_subreddit_or_all_of_reddit() {
    let server = MockServer::start().await;
    Mock::given(method("GET"))
        .and(path("/r/rust/search"))
        .and(query_param("q", "async traits"))
        .and(query_param("sort", "new"))
        .and(query_param("t", "week"))
        .and(query_param("restrict_sr", "true"))
        .respond_with(ResponseTemplate::new(200).set_body_json(listing(
            "t3",
            json!([{"id": "s1", "subreddit": "rust", "title": "Async traits", "selftext": "b",
                "author": "", "score": 5, "num_comments": 2, "created_utc": 1700000000.0,
                "permalink": "/r/rust/comments/s1/async_traits/"}]),
            None,
        )))
        .mount(&server)
        .await;
    Mock::given(method("GET"))
        .and(path("/r/all/search"))
        .and(query_param("restrict_sr", "false"))
        .and(query_param("sort", "relevance"))
        .and(query_param("t", "all"))
        .respond_with(ResponseTemplate::new(200).set_body_json(listing("t3", json!([]), None)))
        .mount(&server)
        .await;
    let out = run_block_with(
        SearchReddit,
        json!({"credentials": creds(), "query": "async traits", "subreddit": "rust",
            "sort": "new", "time_filter": "week", "limit": 5}),
        rec(&server, "read"),
    )
    .await;
    assert_eq!(
        out[0].1,
        json!({"id": "s1", "subreddit": "rust", "title": "Async traits", "body": "b",
            "author": "[deleted]", "score": 5, "num_comments": 2, "created_utc": 1700000000.0,
            "permalink": "/r/rust/comments/s1/async_traits/"})
    );
    let out = run_block_with(
        SearchReddit,
        json!({"credentials": creds(), "query": "anything"}),
        rec(&server, "read"),
    )
    .await;
    assert_eq!(out, vec![("results".to_string(), json!([]))]);
}

/// A thread: two top-level comments (the first with a reply and a "more" stub), and a "more".
fn thread() -> Value {
    let reply = json!({"id": "reply1", "link_id": "t3_abc123", "parent_id": "t1_comment1",
        "author": "bob", "body": "Reply", "score": 1, "created_utc": 2.0, "edited": false,
        "is_submitter": false, "permalink": "/r/t/comments/abc123/x/reply1/", "depth": 1,
        "replies": ""});
    let first = json!({"id": "comment1", "link_id": "t3_abc123", "parent_id": "t3_abc123",
        "author": "alice", "body": "First", "score": 10, "created_utc": 1.0, "edited": false,
        "is_submitter": true, "permalink": "/r/t/comments/abc123/x/comment1/", "depth": 0,
        "replies": {"kind": "Listing", "data": {"after": null, "children": [
            {"kind": "t1", "data": reply}, {"kind": "more", "data": {"count": 3, "children": ["a"]}}]}}});
    let second = json!({"id": "comment2", "link_id": "t3_abc123", "parent_id": "t3_abc123",
        "author": "carol", "body": "Second", "score": 3, "created_utc": 3.0, "edited": 5.0,
        "is_submitter": false, "permalink": "/r/t/comments/abc123/x/comment2/", "depth": 0,
        "replies": ""});
    json!([
        listing("t3", json!([{"id": "abc123", "title": "x"}]), None),
        {"kind": "Listing", "data": {"after": null, "children": [
            {"kind": "t1", "data": first}, {"kind": "t1", "data": second},
            {"kind": "more", "data": {"count": 40, "children": ["z"]}}]}}
    ])
}

#[tokio::test]
async fn reads_top_level_comments_and_a_comments_replies() {
    let server = MockServer::start().await;
    Mock::given(method("GET"))
        .and(path("/comments/abc123"))
        .respond_with(ResponseTemplate::new(200).set_body_json(thread()))
        .mount(&server)
        .await;
    let out = run_block_with(
        GetRedditPostComments,
        json!({"credentials": creds(), "post_id": "t3_abc123", "sort": "top"}),
        rec(&server, "read"),
    )
    .await;
    assert_eq!(pins(&out), ["comment", "comment", "comments", "post_id"]);
    assert_eq!(out[0].1["comment_id"], "comment1");
    assert_eq!(out[0].1["parent_comment_id"], Value::Null);
    assert_eq!(out[1].1["edited"], true);
    assert_eq!(out[3].1, "t3_abc123");
    let requests = server.received_requests().await.unwrap();
    assert_eq!(requests[0].url.query(), Some("sort=top&raw_json=1"));

    let out = run_block_with(
        GetRedditCommentReplies,
        json!({"credentials": creds(), "post_id": "abc123", "comment_id": "t1_comment1"}),
        rec(&server, "read"),
    )
    .await;
    assert_eq!(pins(&out), ["reply", "replies", "comment_id", "post_id"]);
    assert_eq!(out[0].1["comment_id"], "reply1");
    assert_eq!(out[0].1["parent_comment_id"], "comment1");
    assert_eq!(out[0].1["depth"], 1);
    let out = run_block_with(
        GetRedditCommentReplies,
        json!({"credentials": creds(), "post_id": "abc123", "comment_id": "elsewhere"}),
        rec(&server, "read"),
    )
    .await;
    assert_eq!(out[0], ("replies".to_string(), json!([])));
}

#[tokio::test]
async fn reads_the_inbox_and_marks_it_read() {
    let server = MockServer::start().await;
    Mock::given(method("GET"))
        .and(path("/message/mentions"))
        .and(query_param("limit", "10"))
        .respond_with(
            ResponseTemplate::new(200).set_body_json(json!({"kind": "Listing",
            "data": {"after": null, "children": [
                {"kind": "t1", "data": {"id": "c1", "name": "t1_c1", "was_comment": true,
                    "subject": "username mention", "body": "hey u/me", "author": "bob",
                    "created_utc": 1.0, "new": true, "context": "/r/t/comments/p/x/c1/?context=3"}},
                {"kind": "t4", "data": {"id": "msg123", "name": "t4_msg123", "was_comment": false,
                    "subject": "Hello", "body": "Test message", "author": "sender_user",
                    "created_utc": 1234567890.0, "new": false, "context": ""}}]}})),
        )
        .mount(&server)
        .await;
    Mock::given(method("POST"))
        .and(path("/api/read_message"))
        .respond_with(ResponseTemplate::new(200).set_body_json(json!({})))
        .expect(1)
        .mount(&server)
        .await;
    let out = run_block_with(
        GetRedditInbox,
        json!({"credentials": creds(), "inbox_type": "mentions", "limit": 10, "mark_read": true}),
        rec(&server, "read"),
    )
    .await;
    assert_eq!(pins(&out), ["item", "item", "items"]);
    assert_eq!(out[0].1["item_type"], "mention");
    assert_eq!(out[0].1["is_read"], false);
    assert_eq!(
        out[1].1,
        json!({"item_id": "msg123", "item_type": "message", "subject": "Hello",
            "body": "Test message", "author": "sender_user", "created_utc": 1234567890.0,
            "is_read": true, "context": ""})
    );
    let requests = server.received_requests().await.unwrap();
    let body = String::from_utf8(requests[1].body.clone()).unwrap();
    assert_eq!(body, "api_type=json&id=t1_c1%2Ct4_msg123");
}

#[tokio::test]
async fn lists_a_subreddits_link_flairs() {
    let server = MockServer::start().await;
    Mock::given(method("POST"))
        .and(path("/r/test/api/flairselector"))
        .respond_with(
            ResponseTemplate::new(200).set_body_json(json!({"current": {},
            "choices": [{"flair_template_id": "abc123", "flair_text": "Discussion",
                "flair_text_editable": false, "flair_css_class": "discussion",
                "flair_position": "left"}]})),
        )
        .mount(&server)
        .await;
    let out = run_block_with(
        GetSubredditFlairs,
        json!({"credentials": creds(), "subreddit": "test"}),
        rec(&server, "read"),
    )
    .await;
    // AutoGPT's own test_output for this block.
    let flair = json!({"flair_id": "abc123", "text": "Discussion", "text_editable": false,
        "css_class": "discussion"});
    assert_eq!(
        out,
        vec![
            ("flair".to_string(), flair.clone()),
            ("flairs".to_string(), json!([flair])),
            ("subreddit".to_string(), json!("test"))
        ]
    );
    let requests = server.received_requests().await.unwrap();
    assert_eq!(requests[0].body, b"is_newlink=true");
}

#[tokio::test]
async fn each_reports_reddits_error_answers() {
    let c = creds();
    macro_rules! check {
        ($block:expr, $input:expr) => {
            assert_reddit_error_answers(|| $block, $input, "read").await
        };
    }
    check!(GetUserPosts, json!({"credentials": c, "username": "u"}));
    check!(RedditGetMyPosts, json!({"credentials": c}));
    check!(SearchReddit, json!({"credentials": c, "query": "q"}));
    check!(
        GetRedditPostComments,
        json!({"credentials": c, "post_id": "p"})
    );
    check!(
        GetRedditCommentReplies,
        json!({"credentials": c, "post_id": "p", "comment_id": "c"})
    );
    check!(GetRedditInbox, json!({"credentials": c}));
    check!(
        GetSubredditFlairs,
        json!({"credentials": c, "subreddit": "s"})
    );
}
