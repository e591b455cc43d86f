//! GitHub's pull request, comment, review and repository blocks against a wiremock GitHub (REST
//! and GraphQL answers shaped as GitHub's documentation shows them), and each block meeting
//! GitHub's error answers.

use agentry_core::testing::run_block_with;
use serde_json::{Value, json};
use wiremock::matchers::{body_json, body_partial_json, method, path, query_param};
use wiremock::{Mock, MockServer, ResponseTemplate};

use super::*;
use crate::error_answers::assert_error_answers;
use crate::testing::{api_key, meta, recorder};

const TOKEN: &str = "ghp_test_token";

fn with_creds(input: Value) -> Value {
    let mut input = input;
    input["credentials"] = meta("github", "api_key");
    input
}

async fn answer(server: &MockServer, verb: &str, at: &str, status: u16, body: Value) {
    Mock::given(method(verb))
        .and(path(at))
        .respond_with(ResponseTemplate::new(status).set_body_json(body))
        .mount(server)
        .await;
}

async fn run<B: agentry_core::Block>(
    server: &MockServer,
    block: B,
    input: Value,
) -> Vec<(String, Value)> {
    run_block_with(
        block,
        with_creds(input),
        recorder(server, api_key("github", TOKEN)),
    )
    .await
}

fn pins(out: &[(String, Value)]) -> Vec<&str> {
    out.iter().map(|(p, _)| p.as_str()).collect()
}

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
async fn repository_lists() {
    let server = MockServer::start().await;
    answer(
        &server,
        "GET",
        "/repos/o/r/tags",
        200,
        json!([{"name": "v1", "commit": {"sha": "c"}}]),
    )
    .await;
    answer(
        &server,
        "GET",
        "/repos/o/r/branches",
        200,
        json!([{"name": "main", "protected": true}]),
    )
    .await;
    answer(&server, "GET", "/repos/o/r/releases", 200,
        json!([{"name": "One", "tag_name": "v1", "html_url": "https://github.com/o/r/releases/tag/v1"}])).await;
    answer(
        &server,
        "GET",
        "/repos/o/r/stargazers",
        200,
        json!([{"login": "octocat", "html_url": "https://github.com/octocat"}]),
    )
    .await;
    Mock::given(method("POST"))
        .and(path("/graphql"))
        .and(body_partial_json(json!({"variables": {"owner": "o", "repo": "r", "num": 5}})))
        .respond_with(ResponseTemplate::new(200).set_body_json(json!({"data": {"repository": {
            "discussions": {"nodes": [{"title": "Ideas", "url": "https://github.com/o/r/discussions/1"}]}
        }}})))
        .mount(&server)
        .await;
    let repo = json!({"repo_url": "https://github.com/o/r"});
    let out = run(&server, repo_lists::GithubListTags, repo.clone()).await;
    let tag = json!({"name": "v1", "url": "https://github.com/o/r/tree/v1"});
    assert_eq!(
        out,
        vec![("tags".into(), json!([tag])), ("tag".into(), tag)]
    );
    let out = run(&server, repo_lists::GithubListBranches, repo.clone()).await;
    assert_eq!(
        out[1],
        (
            "branch".into(),
            json!({"name": "main", "url": "https://github.com/o/r/tree/main"})
        )
    );
    let out = run(&server, repo_lists::GithubListReleases, repo.clone()).await;
    assert_eq!(
        out[1],
        (
            "release".into(),
            json!({"name": "One", "url": "https://github.com/o/r/releases/tag/v1"})
        )
    );
    let out = run(&server, repo_lists::GithubListStargazers, repo.clone()).await;
    assert_eq!(
        out[1],
        (
            "stargazer".into(),
            json!({"username": "octocat", "url": "https://github.com/octocat"})
        )
    );
    let out = run(&server, repo_lists::GithubListDiscussions, repo).await;
    assert_eq!(
        out[1],
        (
            "discussion".into(),
            json!({"title": "Ideas", "url": "https://github.com/o/r/discussions/1"})
        )
    );
}

#[tokio::test]
async fn files_and_folders_are_read_created_and_updated() {
    let server = MockServer::start().await;
    Mock::given(method("GET"))
        .and(path("/repos/o/r/contents/docs/a.md"))
        .and(query_param("ref", "dev"))
        .respond_with(ResponseTemplate::new(200).set_body_json(json!({
            "type": "file", "name": "a.md", "path": "docs/a.md", "size": 6,
            "sha": "blob1", "content": "aGVsbG8K\n", "encoding": "base64"
        })))
        .mount(&server)
        .await;
    Mock::given(method("GET"))
        .and(path("/repos/o/r/contents/docs"))
        .and(query_param("ref", "master"))
        .respond_with(ResponseTemplate::new(200).set_body_json(json!([
            {"type": "file", "name": "a.md", "path": "docs/a.md", "size": 6},
            {"type": "dir", "name": "img", "path": "docs/img", "size": 0}
        ])))
        .mount(&server)
        .await;
    let written = json!({"content": {"html_url": "https://github.com/o/r/blob/dev/docs/a.md"},
                         "commit": {"sha": "c0ffee"}});
    Mock::given(method("PUT"))
        .and(path("/repos/o/r/contents/docs/a.md"))
        .and(body_json(
            json!({"message": "Update file", "content": "Ynll", "branch": "dev", "sha": "blob1"}),
        ))
        .respond_with(ResponseTemplate::new(200).set_body_json(&written))
        .expect(1)
        .mount(&server)
        .await;
    Mock::given(method("PUT"))
        .and(path("/repos/o/r/contents/new.md"))
        .and(body_json(
            json!({"message": "Create new file", "content": "aGk=", "branch": "main"}),
        ))
        .respond_with(ResponseTemplate::new(201).set_body_json(&written))
        .expect(1)
        .mount(&server)
        .await;
    let out = run(
        &server,
        repo_files::GithubReadFile,
        json!({"repo_url": "https://github.com/o/r", "file_path": "docs/a.md", "branch": "dev"}),
    )
    .await;
    assert_eq!(
        out,
        vec![
            ("raw_content".into(), json!("aGVsbG8K\n")),
            ("text_content".into(), json!("hello\n")),
            ("size".into(), json!(6))
        ]
    );
    let out = run(
        &server,
        repo_files::GithubReadFolder,
        json!({"repo_url": "https://github.com/o/r", "folder_path": "/docs"}),
    )
    .await;
    assert_eq!(
        out,
        vec![
            (
                "file".into(),
                json!({"name": "a.md", "path": "docs/a.md", "size": 6})
            ),
            ("dir".into(), json!({"name": "img", "path": "docs/img"})),
        ]
    );
    let out = run(
        &server,
        repo_files::GithubCreateFile,
        json!({"repo_url": "https://github.com/o/r", "file_path": "new.md", "content": "hi"}),
    )
    .await;
    assert_eq!(pins(&out), ["url", "sha"]);
    let out = run(
        &server,
        repo_files::GithubUpdateFile,
        json!({"repo_url": "https://github.com/o/r", "file_path": "docs/a.md", "content": "bye",
               "branch": "dev"}),
    )
    .await;
    assert_eq!(
        out,
        vec![
            (
                "url".into(),
                json!("https://github.com/o/r/blob/dev/docs/a.md")
            ),
            ("sha".into(), json!("c0ffee"))
        ]
    );
    // A submodule is not a file.
    answer(
        &server,
        "GET",
        "/repos/o/r/contents/vendor",
        200,
        json!({"type": "submodule", "size": 0}),
    )
    .await;
    let out = run(
        &server,
        repo_files::GithubReadFile,
        json!({"repo_url": "https://github.com/o/r", "file_path": "vendor"}),
    )
    .await;
    assert_eq!(out, vec![("error".into(), json!("Not a file"))]);
}

#[tokio::test]
async fn branches_and_repositories_are_made_and_deleted() {
    let server = MockServer::start().await;
    answer(
        &server,
        "GET",
        "/repos/o/r/git/refs/heads/main",
        200,
        json!({"ref": "refs/heads/main", "object": {"sha": "abc", "type": "commit"}}),
    )
    .await;
    Mock::given(method("POST"))
        .and(path("/repos/o/r/git/refs"))
        .and(body_json(
            json!({"ref": "refs/heads/feature", "sha": "abc"}),
        ))
        .respond_with(
            ResponseTemplate::new(201).set_body_json(json!({"ref": "refs/heads/feature"})),
        )
        .expect(1)
        .mount(&server)
        .await;
    Mock::given(method("DELETE"))
        .and(path("/repos/o/r/git/refs/heads/feature"))
        .respond_with(ResponseTemplate::new(204))
        .expect(1)
        .mount(&server)
        .await;
    Mock::given(method("POST"))
        .and(path("/user/repos"))
        .and(body_json(json!({"name": "new", "description": "", "private": false,
                              "auto_init": true, "gitignore_template": ""})))
        .respond_with(ResponseTemplate::new(201).set_body_json(json!({
            "html_url": "https://github.com/me/new", "clone_url": "https://github.com/me/new.git"})))
        .mount(&server)
        .await;
    let out = run(&server, repo_refs::GithubMakeBranch,
        json!({"repo_url": "https://github.com/o/r", "new_branch": "feature", "source_branch": "main"})).await;
    assert_eq!(
        out,
        vec![("status".into(), json!("Branch created successfully"))]
    );
    let out = run(
        &server,
        repo_refs::GithubDeleteBranch,
        json!({"repo_url": "https://github.com/o/r", "branch": "feature"}),
    )
    .await;
    assert_eq!(
        out,
        vec![("status".into(), json!("Branch deleted successfully"))]
    );
    let out = run(
        &server,
        repo_refs::GithubCreateRepository,
        json!({"name": "new"}),
    )
    .await;
    assert_eq!(
        out,
        vec![
            ("url".into(), json!("https://github.com/me/new")),
            ("clone_url".into(), json!("https://github.com/me/new.git"))
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

/// Every block of this file meets GitHub's 401, 404, 429 and 503 answers.
#[tokio::test]
async fn every_block_meets_githubs_error_answers() {
    let body =
        json!({"message": "Bad credentials", "documentation_url": "https://docs.github.com/rest"});
    macro_rules! check {
        ($block:expr, $input:expr) => {
            assert_error_answers(
                || $block,
                with_creds($input),
                api_key("github", TOKEN),
                "github",
                body.clone(),
                "Bad credentials",
            )
            .await
        };
    }
    let repo = json!({"repo_url": "https://github.com/o/r"});
    let pr = json!({"pr_url": "https://github.com/o/r/pull/3", "reviewer": "x"});
    let numbered =
        json!({"repo": "o/r", "pr_number": 3, "body": "b", "review_id": 1, "comment_id": 1});
    check!(
        comments::GithubUpdateComment,
        json!({"comment_url": "https://github.com/o/r/issues/1#issuecomment-5", "comment": "c"})
    );
    check!(
        comments::GithubListComments,
        json!({"issue_url": "https://github.com/o/r/issues/1"})
    );
    check!(pull_requests::GithubListPullRequests, repo.clone());
    check!(
        pull_requests::GithubMakePullRequest,
        json!({"repo_url": "https://github.com/o/r", "title": "t", "body": "b", "head": "h", "base": "m"})
    );
    check!(pull_requests::GithubReadPullRequest, pr.clone());
    check!(pr_reviewers::GithubAssignPRReviewer, pr.clone());
    check!(pr_reviewers::GithubUnassignPRReviewer, pr.clone());
    check!(pr_reviewers::GithubListPRReviewers, pr.clone());
    check!(repo_lists::GithubListTags, repo.clone());
    check!(repo_lists::GithubListBranches, repo.clone());
    check!(repo_lists::GithubListDiscussions, repo.clone());
    check!(repo_lists::GithubListReleases, repo.clone());
    check!(repo_lists::GithubListStargazers, repo.clone());
    let file = json!({"repo_url": "https://github.com/o/r", "file_path": "a", "folder_path": "d", "content": "c"});
    check!(repo_files::GithubReadFile, file.clone());
    check!(repo_files::GithubReadFolder, file.clone());
    check!(repo_files::GithubCreateFile, file.clone());
    check!(repo_files::GithubUpdateFile, file);
    check!(
        repo_refs::GithubMakeBranch,
        json!({"repo_url": "https://github.com/o/r", "new_branch": "n", "source_branch": "s"})
    );
    check!(
        repo_refs::GithubDeleteBranch,
        json!({"repo_url": "https://github.com/o/r", "branch": "b"})
    );
    check!(repo_refs::GithubCreateRepository, json!({"name": "n"}));
    check!(reviews::GithubCreatePRReview, numbered.clone());
    check!(reviews::GithubListPRReviews, numbered.clone());
    check!(reviews::GithubSubmitPendingReview, numbered.clone());
    check!(reviews::GithubResolveReviewDiscussion, numbered.clone());
    check!(reviews::GithubGetPRReviewComments, numbered);
}
