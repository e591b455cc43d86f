//! Reddit's writing blocks and messages against a wiremock Reddit OAuth API answering
//! `api_type=json` shapes: the form each sends, what each yields, and Reddit's `errors` array
//! read as the block's error.

use std::collections::HashMap;

use agentry_core::Block;
use agentry_core::testing::run_block_with;
use serde_json::{Value, json};
use wiremock::matchers::{header, method, path};
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

/// Runs `block` on `input` (with the test credentials, granted `submit`) once `server` is
/// set to answer `POST {at}` with `status` and `answer`: the outputs and the form it sent.
async fn submit<B: Block>(
    server: &MockServer,
    at: &str,
    (status, answer): (u16, Value),
    block: B,
    mut input: Value,
) -> (Vec<(String, Value)>, HashMap<String, String>) {
    server.reset().await;
    Mock::given(method("POST"))
        .and(path(at))
        .and(header("authorization", BEARER))
        .respond_with(ResponseTemplate::new(status).set_body_json(answer))
        .mount(server)
        .await;
    input["credentials"] = creds();
    let out = run_block_with(block, input, rec(server, "submit")).await;
    (out, form(server).await)
}

fn comment_answer(id: &str) -> Value {
    json!({"json": {"errors": [], "data": {"things": [{"kind": "t1", "data": {
        "id": id, "name": format!("t1_{id}"), "body": "text", "link_id": "t3_abc",
        "permalink": format!("/r/rust/comments/abc/hi/{id}/")}}]}}})
}

#[tokio::test]
async fn comments_on_a_post_and_replies_to_a_comment() {
    let server = MockServer::start().await;
    let (out, sent) = submit(
        &server,
        "/api/comment",
        (200, comment_answer("c9")),
        PostRedditComment,
        json!({"post_id": "t3_abc", "comment": "Nice post"}),
    )
    .await;
    assert_eq!(
        out,
        vec![
            ("comment_id".to_string(), json!("c9")),
            ("post_id".to_string(), json!("t3_abc"))
        ]
    );
    assert_eq!(sent["thing_id"], "t3_abc");
    assert_eq!(sent["text"], "Nice post");
    assert_eq!(sent["api_type"], "json");

    let (out, sent) = submit(
        &server,
        "/api/comment",
        (200, comment_answer("r1")),
        ReplyToRedditComment,
        json!({"comment_id": "parent_comment", "reply_text": "This is a reply"}),
    )
    .await;
    assert_eq!(
        out,
        vec![
            ("comment_id".to_string(), json!("r1")),
            ("parent_comment_id".to_string(), json!("parent_comment"))
        ]
    );
    assert_eq!(sent["thing_id"], "t1_parent_comment");
}

#[tokio::test]
async fn reddits_errors_array_is_the_blocks_error() {
    let server = MockServer::start().await;
    let answer = json!({"json": {"errors": [
        ["SUBREDDIT_NOEXIST", "that subreddit doesn't exist", "sr"],
        ["RATELIMIT", "you are doing that too much. try again in 5 minutes.", "ratelimit"]]}});
    let (out, _) = submit(
        &server,
        "/api/submit",
        (200, answer),
        CreateRedditPost,
        json!({"subreddit": "nope", "title": "T"}),
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
    let answer = json!({"json": {"errors": [],
        "data": {"url": "https://www.reddit.com/r/test/comments/abc123/test_post/",
            "drafts_count": 0, "id": "abc123", "name": "t3_abc123"}}});
    let (out, sent) = submit(
        &server,
        "/api/submit",
        (200, answer),
        CreateRedditPost,
        json!({"subreddit": "test", "title": "Test Post",
            "content": "This is a test post body.", "flair_id": "f1"}),
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
    assert_eq!(sent["sr"], "test");
    assert_eq!(sent["kind"], "self");
    assert_eq!(sent["text"], "This is a test post body.");
    assert_eq!(sent["flair_id"], "f1");
    assert!(!sent.contains_key("flair_text"));

    let answer = json!({"json": {"errors": [],
        "data": {"url": "https://www.reddit.com/r/test/comments/def/link/", "id": "def",
            "name": "t3_def"}}});
    let (out, sent) = submit(
        &server,
        "/api/submit",
        (200, answer),
        CreateRedditPost,
        json!({"subreddit": "test", "title": "Link", "content": "ignored",
            "url": "https://example.com/a?b=c"}),
    )
    .await;
    assert_eq!(out[0], ("post_id".to_string(), json!("def")));
    assert_eq!(sent["kind"], "link");
    assert_eq!(sent["url"], "https://example.com/a?b=c");
    assert!(!sent.contains_key("text"));
}

#[tokio::test]
async fn edits_a_post_and_explains_a_refusal() {
    let server = MockServer::start().await;
    let answer = json!({"json": {"errors": [],
        "data": {"things": [{"kind": "t3", "data": {"id": "abc123", "name": "t3_abc123",
            "selftext": "Updated post content",
            "permalink": "/r/test/comments/abc123/test_post/"}}]}}});
    let (out, sent) = submit(
        &server,
        "/api/editusertext",
        (200, answer),
        EditRedditPost,
        json!({"post_id": "abc123", "new_content": "Updated post content"}),
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
    assert_eq!(sent["thing_id"], "t3_abc123");
    assert_eq!(sent["text"], "Updated post content");

    let (out, _) = submit(
        &server,
        "/api/editusertext",
        (403, json!({"message": "Forbidden", "error": 403})),
        EditRedditPost,
        json!({"post_id": "theirs", "new_content": "x"}),
    )
    .await;
    assert!(
        error_of(&out).starts_with("Permission denied (403): You can only edit your own posts.")
    );
}

#[tokio::test]
async fn deletes_posts_and_comments_by_fullname() {
    let server = MockServer::start().await;
    let (out, sent) = submit(
        &server,
        "/api/del",
        (200, json!({})),
        DeleteRedditPost,
        json!({"post_id": "abc123"}),
    )
    .await;
    assert_eq!(
        out,
        vec![
            ("success".to_string(), json!(true)),
            ("post_id".to_string(), json!("abc123"))
        ]
    );
    assert_eq!(sent["id"], "t3_abc123");
    let (out, sent) = submit(
        &server,
        "/api/del",
        (200, json!({})),
        DeleteRedditComment,
        json!({"comment_id": "t1_xyz789"}),
    )
    .await;
    assert_eq!(out[1], ("comment_id".to_string(), json!("t1_xyz789")));
    assert_eq!(sent["id"], "t1_xyz789");
}

#[tokio::test]
async fn sends_a_private_message() {
    let server = MockServer::start().await;
    let (out, sent) = submit(
        &server,
        "/api/compose",
        (200, json!({"json": {"errors": []}})),
        SendRedditMessage,
        json!({"username": "u/testuser", "subject": "Hello",
            "message": "This is a test message"}),
    )
    .await;
    assert_eq!(
        out,
        vec![
            ("success".to_string(), json!(true)),
            ("username".to_string(), json!("u/testuser"))
        ]
    );
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
