//! GetRedditComment and GetRedditUserInfo against a wiremock Reddit OAuth API answering
//! `/api/info` and `/user/{name}/…` shapes.

use agentry_core::testing::run_block_with;
use serde_json::json;
use wiremock::matchers::{header, method, path, query_param};
use wiremock::{Mock, MockServer, ResponseTemplate};

use super::{GetRedditComment, GetRedditUserInfo};
use crate::reddit::test_support::{BEARER, assert_reddit_error_answers, creds, rec};
use crate::testing::error_of;

#[tokio::test]
async fn a_reply_comment_names_its_post_and_parent() {
    let server = MockServer::start().await;
    Mock::given(method("GET"))
        .and(path("/api/info"))
        .and(query_param("id", "t1_c2"))
        .and(header("authorization", BEARER))
        .respond_with(ResponseTemplate::new(200).set_body_json(json!({
            "kind": "Listing", "data": {"after": null, "children": [{"kind": "t1", "data": {
                "id": "c2", "link_id": "t3_abc", "parent_id": "t1_c1", "author": "ferris",
                "body": "Agreed", "score": 7, "created_utc": 1700000000.0, "edited": 1700000100.0,
                "is_submitter": true, "permalink": "/r/rust/comments/abc/hi/c2/"}}]}})))
        .mount(&server)
        .await;
    let out = run_block_with(
        GetRedditComment,
        json!({"credentials": creds(), "comment_id": "t1_c2"}),
        rec(&server, "read"),
    )
    .await;
    assert_eq!(
        out,
        vec![(
            "comment".to_string(),
            json!({"comment_id": "c2", "post_id": "abc", "parent_comment_id": "c1",
                "author": "ferris", "body": "Agreed", "score": 7, "created_utc": 1700000000.0,
                "edited": true, "is_submitter": true,
                "permalink": "/r/rust/comments/abc/hi/c2/", "depth": 0})
        )]
    );
}

#[tokio::test]
async fn a_missing_comment_is_an_error_naming_it() {
    let server = MockServer::start().await;
    Mock::given(method("GET"))
        .and(path("/api/info"))
        .respond_with(
            ResponseTemplate::new(200)
                .set_body_json(json!({"kind": "Listing", "data": {"after": null, "children": []}})),
        )
        .mount(&server)
        .await;
    let out = run_block_with(
        GetRedditComment,
        json!({"credentials": creds(), "comment_id": "gone"}),
        rec(&server, "read"),
    )
    .await;
    assert_eq!(error_of(&out), "Reddit has no comment with the id gone");
}

#[tokio::test]
async fn a_user_comes_with_karma_profile_and_moderated_subreddits() {
    let server = MockServer::start().await;
    Mock::given(method("GET"))
        .and(path("/user/testuser/about"))
        .respond_with(
            ResponseTemplate::new(200).set_body_json(json!({"kind": "t2", "data": {
            "name": "testuser", "id": "abc123", "comment_karma": 1000, "link_karma": 500,
            "total_karma": 1500, "created_utc": 1234567890.0, "is_gold": false, "is_mod": true,
            "has_verified_email": true, "subreddit": {"display_name": "u_testuser",
            "title": "testuser's profile", "public_description": "A test user",
            "subscribers": 100, "over_18": false}}})),
        )
        .mount(&server)
        .await;
    Mock::given(method("GET"))
        .and(path("/user/testuser/moderated_subreddits"))
        .respond_with(ResponseTemplate::new(200).set_body_json(json!({"kind": "ModeratedList",
            "data": [{"sr": "python", "title": "Python"}, {"sr": "learnpython", "title": "Learn"}]})))
        .mount(&server)
        .await;
    let out = run_block_with(
        GetRedditUserInfo,
        json!({"credentials": creds(), "username": "u/testuser"}),
        rec(&server, "read"),
    )
    .await;
    // AutoGPT's own test_output for this block.
    assert_eq!(
        out[0].1,
        json!({"username": "testuser", "user_id": "abc123", "comment_karma": 1000,
            "link_karma": 500, "total_karma": 1500, "created_utc": 1234567890.0,
            "is_gold": false, "is_mod": true, "has_verified_email": true,
            "moderated_subreddits": ["python", "learnpython"],
            "profile_subreddit": {"name": "u_testuser", "title": "testuser's profile",
                "public_description": "A test user", "subscribers": 100, "over_18": false}})
    );
    assert_eq!(out[1], ("username".into(), json!("u/testuser")));
}

#[tokio::test]
async fn both_report_reddits_error_answers() {
    assert_reddit_error_answers(
        || GetRedditComment,
        json!({"credentials": creds(), "comment_id": "c1"}),
        "read",
    )
    .await;
    assert_reddit_error_answers(
        || GetRedditUserInfo,
        json!({"credentials": creds(), "username": "ferris"}),
        "read",
    )
    .await;
}
