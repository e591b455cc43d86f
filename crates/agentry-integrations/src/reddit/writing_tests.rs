//! Reddit's writing blocks and messages against a wiremock Reddit OAuth API answering
//! `api_type=json` shapes: the form each sends, what each yields, and Reddit's `errors` array
//! read as the block's error.

use std::collections::HashMap;

use agentry_core::testing::run_block_with;
use serde_json::{Value, json};
use wiremock::matchers::{body_string_contains, header, method, path};
use wiremock::{Mock, MockServer, ResponseTemplate};

use super::super::inbox::SendRedditMessage;
use super::*;
use crate::reddit::test_support::{BEARER, assert_reddit_error_answers, creds, rec};
use crate::testing::error_of;

/// The form fields of the one request `server` received.
async fn form(server: &MockServer) -> HashMap<String, String> {
    let requests = server.received_requests().await.unwrap();
    assert_eq!(requests.len(), 1, "one request");
    let request = &requests[0];
    assert_eq!(
        request.headers["content-type"],
        "application/x-www-form-urlencoded"
    );
    url::form_urlencoded::parse(&request.body)
        .into_owned()
        .collect()
}

fn comment_answer(id: &str) -> Value {
    json!({"json": {"errors": [], "data": {"things": [{"kind": "t1", "data": {
        "id": id, "name": format!("t1_{id}"), "body": "text", "link_id": "t3_abc",
        "permalink": format!("/r/rust/comments/abc/hi/{id}/")}}]}}})
}

#[tokio::test]
async fn comments_on_a_post_and_replies_to_a_comment() {
    let server = MockServer::start().await;
    Mock::given(method("POST"))
        .and(path("/api/comment"))
        .and(header("authorization", BEARER))
        .respond_with(ResponseTemplate::new(200).set_body_json(comment_answer("c9")))
        .mount(&server)
        .await;
    let out = run_block_with(
        PostRedditComment,
        json!({"credentials": creds(), "post_id": "t3_abc", "comment": "Nice post"}),
        rec(&server, "submit"),
    )
    .await;
    assert_eq!(
        out,
        vec![
            ("comment_id".to_string(), json!("c9")),
            ("post_id".to_string(), json!("t3_abc"))
        ]
    );
    let sent = form(&server).await;
    assert_eq!(sent["thing_id"], "t3_abc");
    assert_eq!(sent["text"], "Nice post");
    assert_eq!(sent["api_type"], "json");

    server.reset().await;
    Mock::given(method("POST"))
        .and(path("/api/comment"))
        .respond_with(ResponseTemplate::new(200).set_body_json(comment_answer("r1")))
        .mount(&server)
        .await;
    let out = run_block_with(
        ReplyToRedditComment,
        json!({"credentials": creds(), "comment_id": "parent_comment", "reply_text": "This is a reply"}),
        rec(&server, "submit"),
    )
    .await;
    assert_eq!(
        out,
        vec![
            ("comment_id".to_string(), json!("r1")),
            ("parent_comment_id".to_string(), json!("parent_comment"))
        ]
    );
    assert_eq!(form(&server).await["thing_id"], "t1_parent_comment");
}

#[tokio::test]
async fn reddits_errors_array_is_the_blocks_error() {
    let server = MockServer::start().await;
    Mock::given(method("POST"))
        .and(path("/api/submit"))
        .respond_with(
            ResponseTemplate::new(200).set_body_json(json!({"json": {"errors": [
            ["SUBREDDIT_NOEXIST", "that subreddit doesn't exist", "sr"],
            ["RATELIMIT", "you are doing that too much. try again in 5 minutes.", "ratelimit"]]}})),
        )
        .mount(&server)
        .await;
    let out = run_block_with(
        CreateRedditPost,
        json!({"credentials": creds(), "subreddit": "nope", "title": "T"}),
        rec(&server, "submit"),
    )
    .await;
    assert_eq!(
        error_of(&out),
        "Reddit refused the request: SUBREDDIT_NOEXIST: that subreddit doesn't exist \
         (field 'sr'); RATELIMIT: you are doing that too much. try again in 5 minutes. \
         (field 'ratelimit')"
    );
    assert!(out.iter().all(|(pin, _)| pin == "error"), "{out:?}");
}

#[tokio::test]
async fn creates_text_and_link_posts() {
    let server = MockServer::start().await;
    Mock::given(method("POST"))
        .and(path("/api/submit"))
        .respond_with(
            ResponseTemplate::new(200).set_body_json(json!({"json": {"errors": [],
            "data": {"url": "https://www.reddit.com/r/test/comments/abc123/test_post/",
                "drafts_count": 0, "id": "abc123", "name": "t3_abc123"}}})),
        )
        .mount(&server)
        .await;
    let out = run_block_with(
        CreateRedditPost,
        json!({"credentials": creds(), "subreddit": "test", "title": "Test Post",
            "content": "This is a test post body.", "flair_id": "f1"}),
        rec(&server, "submit"),
    )
    .await;
    // AutoGPT's own test_output for this block.
    assert_eq!(
        out,
        vec![
            ("post_id".to_string(), json!("abc123")),
            (
                "post_url".to_string(),
                json!("https://reddit.com/r/test/comments/abc123/test_post/")
            ),
            ("subreddit".to_string(), json!("test"))
        ]
    );
    let sent = form(&server).await;
    assert_eq!(sent["sr"], "test");
    assert_eq!(sent["kind"], "self");
    assert_eq!(sent["text"], "This is a test post body.");
    assert_eq!(sent["flair_id"], "f1");
    assert!(!sent.contains_key("flair_text"));

    server.reset().await;
    Mock::given(method("POST"))
        .and(path("/api/submit"))
        .and(body_string_contains("kind=link"))
        .respond_with(
            ResponseTemplate::new(200).set_body_json(json!({"json": {"errors": [],
            "data": {"url": "https://www.reddit.com/r/test/comments/def/link/", "id": "def",
                "name": "t3_def"}}})),
        )
        .mount(&server)
        .await;
    let out = run_block_with(
        CreateRedditPost,
        json!({"credentials": creds(), "subreddit": "test", "title": "Link",
            "content": "ignored", "url": "https://example.com/a?b=c"}),
        rec(&server, "submit"),
    )
    .await;
    assert_eq!(out[0], ("post_id".to_string(), json!("def")));
    let sent = form(&server).await;
    assert_eq!(sent["url"], "https://example.com/a?b=c");
    assert!(!sent.contains_key("text"));
}

#[tokio::test]
async fn edits_a_post_and_explains_a_refusal() {
    let server = MockServer::start().await;
    Mock::given(method("POST"))
        .and(path("/api/editusertext"))
        .respond_with(
            ResponseTemplate::new(200).set_body_json(json!({"json": {"errors": [],
            "data": {"things": [{"kind": "t3", "data": {"id": "abc123", "name": "t3_abc123",
                "selftext": "Updated post content",
                "permalink": "/r/test/comments/abc123/test_post/"}}]}}})),
        )
        .mount(&server)
        .await;
    let out = run_block_with(
        EditRedditPost,
        json!({"credentials": creds(), "post_id": "abc123", "new_content": "Updated post content"}),
        rec(&server, "submit"),
    )
    .await;
    assert_eq!(
        out,
        vec![
            ("success".to_string(), json!(true)),
            ("post_id".to_string(), json!("abc123")),
            (
                "post_url".to_string(),
                json!("https://reddit.com/r/test/comments/abc123/test_post/")
            )
        ]
    );
    let sent = form(&server).await;
    assert_eq!(sent["thing_id"], "t3_abc123");
    assert_eq!(sent["text"], "Updated post content");

    server.reset().await;
    Mock::given(method("POST"))
        .and(path("/api/editusertext"))
        .respond_with(
            ResponseTemplate::new(403).set_body_json(json!({"message": "Forbidden", "error": 403})),
        )
        .mount(&server)
        .await;
    let out = run_block_with(
        EditRedditPost,
        json!({"credentials": creds(), "post_id": "theirs", "new_content": "x"}),
        rec(&server, "submit"),
    )
    .await;
    assert!(
        error_of(&out).starts_with("Permission denied (403): You can only edit your own posts.")
    );
}

#[tokio::test]
async fn deletes_posts_and_comments_by_fullname() {
    let server = MockServer::start().await;
    Mock::given(method("POST"))
        .and(path("/api/del"))
        .respond_with(ResponseTemplate::new(200).set_body_json(json!({})))
        .mount(&server)
        .await;
    let out = run_block_with(
        DeleteRedditPost,
        json!({"credentials": creds(), "post_id": "abc123"}),
        rec(&server, "submit"),
    )
    .await;
    assert_eq!(
        out,
        vec![
            ("success".to_string(), json!(true)),
            ("post_id".to_string(), json!("abc123"))
        ]
    );
    assert_eq!(form(&server).await["id"], "t3_abc123");
    server.reset().await;
    Mock::given(method("POST"))
        .and(path("/api/del"))
        .respond_with(ResponseTemplate::new(200).set_body_json(json!({})))
        .mount(&server)
        .await;
    let out = run_block_with(
        DeleteRedditComment,
        json!({"credentials": creds(), "comment_id": "t1_xyz789"}),
        rec(&server, "submit"),
    )
    .await;
    assert_eq!(out[1], ("comment_id".to_string(), json!("t1_xyz789")));
    assert_eq!(form(&server).await["id"], "t1_xyz789");
}

#[tokio::test]
async fn sends_a_private_message() {
    let server = MockServer::start().await;
    Mock::given(method("POST"))
        .and(path("/api/compose"))
        .respond_with(ResponseTemplate::new(200).set_body_json(json!({"json": {"errors": []}})))
        .mount(&server)
        .await;
    let out = run_block_with(
        SendRedditMessage,
        json!({"credentials": creds(), "username": "u/testuser", "subject": "Hello",
            "message": "This is a test message"}),
        rec(&server, "submit"),
    )
    .await;
    assert_eq!(
        out,
        vec![
            ("success".to_string(), json!(true)),
            ("username".to_string(), json!("u/testuser"))
        ]
    );
    let sent = form(&server).await;
    assert_eq!(sent["to"], "testuser");
    assert_eq!(sent["subject"], "Hello");
    assert_eq!(sent["text"], "This is a test message");
}

#[tokio::test]
async fn each_reports_reddits_error_answers() {
    let c = creds();
    macro_rules! check {
        ($block:expr, $input:expr) => {
            assert_reddit_error_answers(|| $block, $input, "submit").await
        };
    }
    check!(
        PostRedditComment,
        json!({"credentials": c, "post_id": "p", "comment": "x"})
    );
    check!(
        ReplyToRedditComment,
        json!({"credentials": c, "comment_id": "c", "reply_text": "x"})
    );
    check!(
        CreateRedditPost,
        json!({"credentials": c, "subreddit": "s", "title": "t"})
    );
    check!(
        EditRedditPost,
        json!({"credentials": c, "post_id": "p", "new_content": "x"})
    );
    check!(DeleteRedditPost, json!({"credentials": c, "post_id": "p"}));
    check!(
        DeleteRedditComment,
        json!({"credentials": c, "comment_id": "c"})
    );
    check!(
        SendRedditMessage,
        json!({"credentials": c, "username": "u", "subject": "s", "message": "m"})
    );
}
