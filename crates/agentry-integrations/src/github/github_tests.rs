//! GitHub blocks against a wiremock GitHub REST API (issues, comments, labels, assignees).

use agentry_core::testing::run_block_with;
use serde_json::json;
use wiremock::matchers::{body_json, header, method, path};
use wiremock::{Mock, MockServer, ResponseTemplate};

use super::*;
use crate::testing::{api_key, error_of, meta, recorder};

fn creds() -> serde_json::Value {
    meta("github", "api_key")
}

#[test]
fn github_urls_become_api_paths() {
    assert_eq!(
        api_path("https://github.com/owner/repo/issues/1").unwrap(),
        "/repos/owner/repo/issues/1"
    );
    assert_eq!(
        api_path("https://github.com/owner/repo").unwrap(),
        "/repos/owner/repo"
    );
    assert_eq!(
        api_path("https://api.github.com/repos/o/r/issues/2").unwrap(),
        "/repos/o/r/issues/2"
    );
    assert!(api_path("https://github.com/owner").is_err());
}

#[tokio::test]
async fn comments_on_a_pull_request_through_its_issue() {
    let server = MockServer::start().await;
    Mock::given(method("POST"))
        .and(path("/repos/owner/repo/issues/7/comments"))
        .and(header("authorization", "Bearer ghp_test_token"))
        .and(body_json(json!({"body": "Looks good"})))
        .respond_with(ResponseTemplate::new(201).set_body_json(json!({
            "id": 1337, "html_url": "https://github.com/owner/repo/issues/7#issuecomment-1337",
            "body": "Looks good", "user": {"login": "octocat"}
        })))
        .expect(1)
        .mount(&server)
        .await;
    let out = run_block_with(
        comment::GithubComment,
        json!({"credentials": creds(), "issue_url": "https://github.com/owner/repo/pull/7",
               "comment": "Looks good"}),
        recorder(&server, api_key("github", "ghp_test_token")),
    )
    .await;
    assert_eq!(
        out,
        vec![
            ("id".into(), json!(1337)),
            (
                "url".into(),
                json!("https://github.com/owner/repo/issues/7#issuecomment-1337")
            ),
        ]
    );
}

#[tokio::test]
async fn makes_reads_and_lists_issues() {
    let server = MockServer::start().await;
    Mock::given(method("POST"))
        .and(path("/repos/owner/repo/issues"))
        .and(body_json(json!({"title": "Bug", "body": "It breaks"})))
        .respond_with(ResponseTemplate::new(201).set_body_json(json!({
            "number": 42, "html_url": "https://github.com/owner/repo/issues/42", "state": "open"
        })))
        .mount(&server)
        .await;
    Mock::given(method("GET"))
        .and(path("/repos/owner/repo/issues/42"))
        .respond_with(ResponseTemplate::new(200).set_body_json(json!({
            "number": 42, "title": "Bug", "body": null, "user": {"login": "octocat"}
        })))
        .mount(&server)
        .await;
    Mock::given(method("GET"))
        .and(path("/repos/owner/repo/issues"))
        .respond_with(ResponseTemplate::new(200).set_body_json(json!([
            {"number": 42, "title": "Bug", "html_url": "https://github.com/owner/repo/issues/42"}
        ])))
        .mount(&server)
        .await;
    let rec = || recorder(&server, api_key("github", "ghp_test_token"));
    let out = run_block_with(
        make_issue::GithubMakeIssue,
        json!({"credentials": creds(), "repo_url": "https://github.com/owner/repo",
               "title": "Bug", "body": "It breaks"}),
        rec(),
    )
    .await;
    assert_eq!(
        out,
        vec![
            ("number".into(), json!(42)),
            (
                "url".into(),
                json!("https://github.com/owner/repo/issues/42")
            ),
        ]
    );
    let out = run_block_with(
        read_issue::GithubReadIssue,
        json!({"credentials": creds(), "issue_url": "https://github.com/owner/repo/issues/42"}),
        rec(),
    )
    .await;
    assert_eq!(
        out,
        vec![
            ("title".into(), json!("Bug")),
            ("user".into(), json!("octocat"))
        ]
    );
    let out = run_block_with(
        list_issues::GithubListIssues,
        json!({"credentials": creds(), "repo_url": "https://github.com/owner/repo"}),
        rec(),
    )
    .await;
    let item = json!({"title": "Bug", "url": "https://github.com/owner/repo/issues/42"});
    assert_eq!(
        out,
        vec![
            ("issues".into(), json!([item.clone()])),
            ("issue".into(), item)
        ]
    );
}

#[tokio::test]
async fn labels_and_assignees() {
    let server = MockServer::start().await;
    Mock::given(method("POST"))
        .and(path("/repos/o/r/issues/1/labels"))
        .and(body_json(json!({"labels": ["bug"]})))
        .respond_with(ResponseTemplate::new(200).set_body_json(json!([{"name": "bug"}])))
        .expect(1)
        .mount(&server)
        .await;
    Mock::given(method("DELETE"))
        .and(path("/repos/o/r/issues/1/labels/needs%20triage"))
        .respond_with(ResponseTemplate::new(200).set_body_json(json!([])))
        .expect(1)
        .mount(&server)
        .await;
    Mock::given(method("POST"))
        .and(path("/repos/o/r/issues/1/assignees"))
        .and(body_json(json!({"assignees": ["octocat"]})))
        .respond_with(ResponseTemplate::new(201).set_body_json(json!({"number": 1})))
        .expect(1)
        .mount(&server)
        .await;
    Mock::given(method("DELETE"))
        .and(path("/repos/o/r/issues/1/assignees"))
        .and(body_json(json!({"assignees": ["octocat"]})))
        .respond_with(ResponseTemplate::new(200).set_body_json(json!({"number": 1})))
        .expect(1)
        .mount(&server)
        .await;
    let rec = || recorder(&server, api_key("github", "ghp_test_token"));
    let url = "https://github.com/o/r/issues/1";
    let status = |out: Vec<(String, serde_json::Value)>| out[0].1.as_str().unwrap().to_string();
    assert_eq!(
        status(
            run_block_with(
                add_label::GithubAddLabel,
                json!({"credentials": creds(), "issue_url": url, "label": "bug"}),
                rec()
            )
            .await
        ),
        "Label added successfully"
    );
    assert_eq!(
        status(
            run_block_with(
                remove_label::GithubRemoveLabel,
                json!({"credentials": creds(), "issue_url": url, "label": "needs triage"}),
                rec()
            )
            .await
        ),
        "Label removed successfully"
    );
    assert_eq!(
        status(
            run_block_with(
                assign_issue::GithubAssignIssue,
                json!({"credentials": creds(), "issue_url": url, "assignee": "octocat"}),
                rec()
            )
            .await
        ),
        "Issue assigned successfully"
    );
    assert_eq!(
        status(
            run_block_with(
                unassign_issue::GithubUnassignIssue,
                json!({"credentials": creds(), "issue_url": url, "assignee": "octocat"}),
                rec()
            )
            .await
        ),
        "Issue unassigned successfully"
    );
}

#[tokio::test]
async fn github_errors_are_mapped() {
    let server = MockServer::start().await;
    Mock::given(method("POST"))
        .and(path("/repos/o/r/issues"))
        .respond_with(ResponseTemplate::new(401).set_body_json(json!({
            "message": "Bad credentials", "documentation_url": "https://docs.github.com/rest"
        })))
        .mount(&server)
        .await;
    Mock::given(method("GET"))
        .and(path("/repos/o/r/issues/404"))
        .respond_with(ResponseTemplate::new(404).set_body_json(json!({"message": "Not Found"})))
        .mount(&server)
        .await;
    Mock::given(method("GET"))
        .and(path("/repos/o/r/issues"))
        .respond_with(ResponseTemplate::new(429).insert_header("retry-after", "0"))
        .up_to_n_times(1)
        .mount(&server)
        .await;
    Mock::given(method("GET"))
        .and(path("/repos/o/r/issues"))
        .respond_with(ResponseTemplate::new(502))
        .mount(&server)
        .await;
    let rec = || recorder(&server, api_key("github", "ghp_secret_token"));
    let out = run_block_with(
        make_issue::GithubMakeIssue,
        json!({"credentials": creds(), "repo_url": "https://github.com/o/r", "title": "t",
               "body": "b"}),
        rec(),
    )
    .await;
    assert_eq!(
        error_of(&out),
        "github refused the credentials (401): Bad credentials"
    );
    let out = run_block_with(
        read_issue::GithubReadIssue,
        json!({"credentials": creds(), "issue_url": "https://github.com/o/r/issues/404"}),
        rec(),
    )
    .await;
    assert_eq!(
        error_of(&out),
        "github rejected the request (404): Not Found"
    );
    let out = run_block_with(
        list_issues::GithubListIssues,
        json!({"credentials": creds(), "repo_url": "https://github.com/o/r"}),
        rec(),
    )
    .await;
    assert!(error_of(&out).starts_with("github failed (502)"), "{out:?}");
}
