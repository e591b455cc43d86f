//! GitHub's pull request, comment, reviewer and review blocks against a wiremock GitHub (REST
//! and GraphQL answers shaped as GitHub's documentation shows them), each meeting GitHub's
//! error answers.

use serde_json::{Value, json};
use wiremock::matchers::{body_json, body_partial_json, method, path};
use wiremock::{Mock, MockServer, ResponseTemplate};

use super::fixtures::{answer, refuses, run};
use super::*;

#[test]
fn pull_request_and_comment_urls_become_api_paths() {
    assert_eq!(
        pr_path("https://github.com/o/r/pull/3", "files").unwrap(),
        "/repos/o/r/pulls/3/files"
    );
    assert!(pr_path("https://github.com/o/r/issues/3", "files").is_err());
    assert_eq!(
        comments::comment_path("https://github.com/o/r/pull/1#issuecomment-99").unwrap(),
        "/repos/o/r/issues/comments/99"
    );
    assert_eq!(
        comments::comment_path("https://github.com/o/r/pull/1#discussion_r7").unwrap(),
        "/repos/o/r/pulls/comments/7"
    );
    assert_eq!(repo_api("o/r").unwrap(), "/repos/o/r");
    assert!(repo_api("just-a-name").is_err());
}

#[tokio::test]
async fn comments_are_updated_and_listed() {
    let server = MockServer::start().await;
    Mock::given(method("PATCH"))
        .and(path("/repos/o/r/issues/comments/5"))
        .and(body_json(json!({"body": "edited"})))
        .respond_with(ResponseTemplate::new(200).set_body_json(json!({
            "id": 5, "html_url": "https://github.com/o/r/issues/1#issuecomment-5", "body": "edited"
        })))
        .expect(2)
        .mount(&server)
        .await;
    let out = run(&server, comments::GithubUpdateComment,
        json!({"comment_url": "https://github.com/o/r/issues/1#issuecomment-5", "comment": "edited"})).await;
    assert_eq!(
        out,
        vec![
            ("id".into(), json!(5)),
            (
                "url".into(),
                json!("https://github.com/o/r/issues/1#issuecomment-5")
            )
        ]
    );
    let out = run(&server, comments::GithubUpdateComment,
        json!({"issue_url": "https://github.com/o/r/issues/1", "comment_id": "5", "comment": "edited"})).await;
    assert_eq!(out[0], ("id".into(), json!(5)));
    let out = run(
        &server,
        comments::GithubUpdateComment,
        json!({"issue_url": "https://github.com/o/r/issues/1", "comment": "edited"}),
    )
    .await;
    assert_eq!(out[0].0, "error");

    answer(
        &server,
        "GET",
        "/repos/o/r/issues/4/comments",
        200,
        json!([
            {"id": 1, "body": "hi", "user": {"login": "octocat"},
             "html_url": "https://github.com/o/r/pull/4#issuecomment-1"}
        ]),
    )
    .await;
    let out = run(
        &server,
        comments::GithubListComments,
        json!({"issue_url": "https://github.com/o/r/pull/4"}),
    )
    .await;
    let item = json!({"id": 1, "body": "hi", "user": "octocat",
                      "url": "https://github.com/o/r/pull/4#issuecomment-1"});
    assert_eq!(
        out,
        vec![
            ("comment".into(), item.clone()),
            ("comments".into(), json!([item]))
        ]
    );
}

#[tokio::test]
async fn pull_requests_are_listed_made_and_read_with_their_changes() {
    let server = MockServer::start().await;
    answer(
        &server,
        "GET",
        "/repos/o/r/pulls",
        200,
        json!([{"number": 3, "title": "Fix", "html_url": "https://github.com/o/r/pull/3"}]),
    )
    .await;
    Mock::given(method("POST"))
        .and(path("/repos/o/r/pulls"))
        .and(body_json(
            json!({"title": "Fix", "body": "b", "head": "fix", "base": "main"}),
        ))
        .respond_with(ResponseTemplate::new(201).set_body_json(json!({
            "number": 3, "html_url": "https://github.com/o/r/pull/3"})))
        .mount(&server)
        .await;
    answer(
        &server,
        "GET",
        "/repos/o/r/issues/3",
        200,
        json!({"title": "Fix", "body": null, "user": {"login": "octocat"}}),
    )
    .await;
    answer(
        &server,
        "GET",
        "/repos/o/r/pulls/3/files",
        200,
        json!([
            {"filename": "a.txt", "status": "modified", "patch": "@@ -1 +1 @@\n-a\n+b"},
            {"filename": "new.txt", "status": "added", "patch": "@@ -0,0 +1 @@\n+n"},
            {"filename": "old.txt", "status": "removed", "patch": "@@ -1 +0,0 @@\n-o"}
        ]),
    )
    .await;
    let out = run(
        &server,
        pull_requests::GithubListPullRequests,
        json!({"repo_url": "https://github.com/o/r"}),
    )
    .await;
    let pr = json!({"title": "Fix", "url": "https://github.com/o/r/pull/3"});
    assert_eq!(
        out,
        vec![
            ("pull_requests".into(), json!([pr])),
            ("pull_request".into(), pr)
        ]
    );
    let out = run(
        &server,
        pull_requests::GithubMakePullRequest,
        json!({"repo_url": "https://github.com/o/r", "title": "Fix", "body": "b",
               "head": "fix", "base": "main"}),
    )
    .await;
    assert_eq!(
        out,
        vec![
            ("number".into(), json!(3)),
            ("url".into(), json!("https://github.com/o/r/pull/3"))
        ]
    );
    let out = run(
        &server,
        pull_requests::GithubReadPullRequest,
        json!({"pr_url": "https://github.com/o/r/pull/3", "include_pr_changes": true}),
    )
    .await;
    assert_eq!(
        out,
        vec![
            ("title".into(), json!("Fix")),
            ("body".into(), json!("No body content found")),
            ("author".into(), json!("octocat")),
            (
                "changes".into(),
                json!(
                    "--- a.txt\n+++ a.txt\n@@ -1 +1 @@\n-a\n+b\n\n+++ new.txt\n@@ -0,0 +1 @@\n+n\n\n--- old.txt\n@@ -1 +0,0 @@\n-o"
                )
            ),
        ]
    );
}

#[tokio::test]
async fn reviewers_are_requested_withdrawn_and_listed() {
    let server = MockServer::start().await;
    for verb in ["POST", "DELETE"] {
        Mock::given(method(verb))
            .and(path("/repos/o/r/pulls/3/requested_reviewers"))
            .and(body_json(json!({"reviewers": ["hubot"]})))
            .respond_with(
                ResponseTemplate::new(if verb == "POST" { 201 } else { 200 })
                    .set_body_json(json!({"number": 3})),
            )
            .expect(1)
            .mount(&server)
            .await;
    }
    answer(
        &server,
        "GET",
        "/repos/o/r/pulls/3/requested_reviewers",
        200,
        json!({
            "users": [{"login": "hubot", "html_url": "https://github.com/hubot"}], "teams": []
        }),
    )
    .await;
    let input = json!({"pr_url": "https://github.com/o/r/pull/3", "reviewer": "hubot"});
    let out = run(&server, pr_reviewers::GithubAssignPRReviewer, input.clone()).await;
    assert_eq!(
        out,
        vec![("status".into(), json!("Reviewer assigned successfully"))]
    );
    let out = run(&server, pr_reviewers::GithubUnassignPRReviewer, input).await;
    assert_eq!(
        out,
        vec![("status".into(), json!("Reviewer unassigned successfully"))]
    );
    let out = run(
        &server,
        pr_reviewers::GithubListPRReviewers,
        json!({"pr_url": "https://github.com/o/r/pull/3"}),
    )
    .await;
    let user = json!({"username": "hubot", "url": "https://github.com/hubot"});
    assert_eq!(
        out,
        vec![
            ("reviewers".into(), json!([user])),
            ("reviewer".into(), user)
        ]
    );
}

#[tokio::test]
async fn reviews_are_created_listed_submitted_and_resolved() {
    let server = MockServer::start().await;
    answer(
        &server,
        "GET",
        "/repos/o/r/pulls/3",
        200,
        json!({"number": 3, "head": {"sha": "h1"}}),
    )
    .await;
    Mock::given(method("POST"))
        .and(path("/repos/o/r/pulls/3/reviews"))
        .and(body_json(json!({"body": "Nice", "commit_id": "h1", "event": "APPROVE",
            "comments": [{"path": "a.rs", "body": "typo", "position": 4}]})))
        .respond_with(ResponseTemplate::new(200).set_body_json(json!({
            "id": 80, "state": "APPROVED", "html_url": "https://github.com/o/r/pull/3#pullrequestreview-80"})))
        .expect(1)
        .mount(&server)
        .await;
    answer(&server, "GET", "/repos/o/r/pulls/3/reviews", 200, json!([{"id": 80, "user": {"login": "octocat"},
        "state": "APPROVED", "body": "Nice", "html_url": "https://github.com/o/r/pull/3#pullrequestreview-80"}])).await;
    Mock::given(method("POST"))
        .and(path("/repos/o/r/pulls/3/reviews/80/events"))
        .and(body_json(json!({"event": "REQUEST_CHANGES"})))
        .respond_with(ResponseTemplate::new(200).set_body_json(json!({
            "id": 80, "state": "CHANGES_REQUESTED", "html_url": "https://github.com/o/r/pull/3#pullrequestreview-80"})))
        .mount(&server)
        .await;
    answer(
        &server,
        "GET",
        "/repos/o/r/pulls/3/reviews/80/comments",
        200,
        json!([{"id": 10,
        "user": {"login": "octocat"}, "body": "typo", "path": "a.rs", "line": 4, "side": "RIGHT",
        "created_at": "2024-01-01T00:00:00Z", "updated_at": "2024-01-01T00:00:00Z",
        "html_url": "https://github.com/o/r/pull/3#discussion_r10"}]),
    )
    .await;
    Mock::given(method("POST"))
        .and(path("/graphql"))
        .and(body_partial_json(json!({"variables": {"number": 3}})))
        .respond_with(
            ResponseTemplate::new(200).set_body_json(json!({"data": {"repository": {
            "pullRequest": {"reviewThreads": {"nodes": [{"id": "T_1", "isResolved": false,
                "comments": {"nodes": [{"databaseId": 10, "id": "C_10"}]}}]}}}}})),
        )
        .mount(&server)
        .await;
    Mock::given(method("POST"))
        .and(path("/graphql"))
        .and(body_partial_json(json!({"variables": {"threadId": "T_1"}})))
        .respond_with(ResponseTemplate::new(200).set_body_json(json!({"data": {
            "resolveReviewThread": {"thread": {"isResolved": true}}}})))
        .expect(1)
        .mount(&server)
        .await;
    let out = run(&server, reviews::GithubCreatePRReview, json!({"repo": "o/r", "pr_number": 3,
        "body": "Nice", "event": "APPROVE", "comments": [{"path": "a.rs", "body": "typo", "line": 4}]})).await;
    assert_eq!(
        out,
        vec![
            ("review_id".into(), json!(80)),
            ("state".into(), json!("APPROVED")),
            (
                "html_url".into(),
                json!("https://github.com/o/r/pull/3#pullrequestreview-80")
            )
        ]
    );
    let out = run(
        &server,
        reviews::GithubListPRReviews,
        json!({"repo": "o/r", "pr_number": 3}),
    )
    .await;
    assert_eq!(out[1].1["user"], "octocat");
    let out = run(
        &server,
        reviews::GithubSubmitPendingReview,
        json!({"repo": "o/r", "pr_number": 3,
        "review_id": 80, "event": "REQUEST_CHANGES"}),
    )
    .await;
    assert_eq!(out[0], ("state".into(), json!("CHANGES_REQUESTED")));
    let out = run(
        &server,
        reviews::GithubGetPRReviewComments,
        json!({"repo": "o/r", "pr_number": 3, "review_id": 80}),
    )
    .await;
    assert_eq!(out[1].1["in_reply_to_id"], Value::Null);
    assert_eq!(out[1].1["line"], 4);
    let out = run(
        &server,
        reviews::GithubResolveReviewDiscussion,
        json!({"repo": "o/r", "pr_number": 3, "comment_id": 10}),
    )
    .await;
    assert_eq!(out, vec![("success".into(), json!(true))]);
    let out = run(
        &server,
        reviews::GithubResolveReviewDiscussion,
        json!({"repo": "o/r", "pr_number": 3, "comment_id": 11}),
    )
    .await;
    assert_eq!(
        out,
        vec![
            ("success".into(), json!(false)),
            (
                "error".into(),
                json!("Comment 11 not found in pull request")
            )
        ]
    );
}

#[tokio::test]
async fn pull_request_blocks_meet_githubs_error_answers() {
    let pr = json!({"pr_url": "https://github.com/o/r/pull/3", "reviewer": "x"});
    let numbered =
        json!({"repo": "o/r", "pr_number": 3, "body": "b", "review_id": 1, "comment_id": 1});
    refuses(
        || comments::GithubUpdateComment,
        json!({"comment_url": "https://github.com/o/r/issues/1#issuecomment-5", "comment": "c"}),
    )
    .await;
    refuses(
        || comments::GithubListComments,
        json!({"issue_url": "https://github.com/o/r/issues/1"}),
    )
    .await;
    refuses(
        || pull_requests::GithubListPullRequests,
        json!({"repo_url": "https://github.com/o/r"}),
    )
    .await;
    refuses(
        || pull_requests::GithubMakePullRequest,
        json!({"repo_url": "https://github.com/o/r",
        "title": "t", "body": "b", "head": "h", "base": "m"}),
    )
    .await;
    refuses(|| pull_requests::GithubReadPullRequest, pr.clone()).await;
    refuses(|| pr_reviewers::GithubAssignPRReviewer, pr.clone()).await;
    refuses(|| pr_reviewers::GithubUnassignPRReviewer, pr.clone()).await;
    refuses(|| pr_reviewers::GithubListPRReviewers, pr).await;
    refuses(|| reviews::GithubCreatePRReview, numbered.clone()).await;
    refuses(|| reviews::GithubListPRReviews, numbered.clone()).await;
    refuses(|| reviews::GithubSubmitPendingReview, numbered.clone()).await;
    refuses(|| reviews::GithubResolveReviewDiscussion, numbered.clone()).await;
    refuses(|| reviews::GithubGetPRReviewComments, numbered).await;
}
