//! GitHub's check run, commit status and CI results blocks against a wiremock GitHub, and each
//! meeting GitHub's error answers.

use serde_json::{Value, json};
use wiremock::matchers::{body_json, method, path, query_param};
use wiremock::{Mock, MockServer, ResponseTemplate};

use super::fixtures::{refuses, run};
use super::*;

#[test]
fn check_name_wildcards_read_as_fnmatch() {
    let w = |p: &str| ci::wildcard(p).unwrap();
    assert!(w("build*").is_match("build (ubuntu)"));
    assert!(!w("build*").is_match("lint"));
    assert!(w("t?st").is_match("test"));
    assert!(w("[!a]b").is_match("xb"));
    assert!(!w("[!a]b").is_match("ab"));
    assert!(w("a.b").is_match("a.b") && !w("a.b").is_match("axb"));
}

#[tokio::test]
async fn check_runs_are_created_and_updated_and_statuses_set() {
    let server = MockServer::start().await;
    Mock::given(method("POST"))
        .and(path("/repos/o/r/check-runs"))
        .and(body_json(
            json!({"name": "lint", "head_sha": "abc", "status": "completed",
            "conclusion": "success", "output": {"title": "ok", "summary": "", "text": ""}}),
        ))
        .respond_with(ResponseTemplate::new(201).set_body_json(json!({
            "id": 4, "html_url": "https://github.com/o/r/runs/4", "status": "completed"})))
        .expect(1)
        .mount(&server)
        .await;
    Mock::given(method("PATCH"))
        .and(path("/repos/o/r/check-runs/4"))
        .and(body_json(
            json!({"status": "completed", "conclusion": "timed_out"}),
        ))
        .respond_with(ResponseTemplate::new(200).set_body_json(json!({
            "id": 4, "html_url": "https://github.com/o/r/runs/4", "status": "completed",
            "conclusion": "timed_out"})))
        .expect(1)
        .mount(&server)
        .await;
    Mock::given(method("POST"))
        .and(path("/repos/o/r/statuses/abc"))
        .and(body_json(
            json!({"state": "success", "context": "AutoGPT Platform Checks",
                              "description": "fine"}),
        ))
        .respond_with(ResponseTemplate::new(201).set_body_json(json!({
            "id": 9, "url": "https://api.github.com/repos/o/r/statuses/abc", "state": "success",
            "context": "AutoGPT Platform Checks", "description": "fine", "target_url": null,
            "created_at": "2024-01-01T00:00:00Z", "updated_at": "2024-01-01T00:00:00Z"})))
        .expect(1)
        .mount(&server)
        .await;
    let out = run(
        &server,
        checks::GithubCreateCheckRun,
        json!({"repo_url": "https://github.com/o/r",
        "name": "lint", "head_sha": "abc", "status": "completed", "conclusion": "success",
        "output_title": "ok"}),
    )
    .await;
    assert_eq!(
        out,
        vec![(
            "check_run".into(),
            json!({"id": 4,
        "html_url": "https://github.com/o/r/runs/4", "status": "completed"})
        )]
    );
    let out = run(
        &server,
        checks::GithubUpdateCheckRun,
        json!({"repo_url": "https://github.com/o/r",
        "check_run_id": 4, "status": "completed", "conclusion": "timed_out"}),
    )
    .await;
    assert_eq!(out[0].1["conclusion"], "timed_out");
    let out = run(
        &server,
        checks::GithubCreateStatus,
        json!({"repo_url": "https://github.com/o/r",
        "sha": "abc", "state": "success", "description": "fine"}),
    )
    .await;
    assert_eq!(out[0].1["id"], 9);
    assert_eq!(out[0].1["target_url"], Value::Null);
}

#[tokio::test]
async fn ci_results_of_a_pull_request_with_matching_log_lines() {
    let server = MockServer::start().await;
    Mock::given(method("GET"))
        .and(path("/repos/o/r/pulls/12"))
        .respond_with(ResponseTemplate::new(200).set_body_json(json!({"head": {"sha": "beef01"}})))
        .mount(&server)
        .await;
    Mock::given(method("GET"))
        .and(path("/repos/o/r/commits/beef01/check-runs"))
        .and(query_param("page", "1"))
        .and(query_param("per_page", "100"))
        .respond_with(ResponseTemplate::new(200).set_body_json(
            json!({"total_count": 2, "check_runs": [
                {"id": 1, "name": "build", "status": "completed", "conclusion": "failure",
                 "started_at": "2024-01-01T00:00:00Z", "completed_at": "2024-01-01T00:01:00Z",
                 "html_url": "https://github.com/o/r/runs/1", "details_url": null,
                 "output": {"title": "Build", "summary": "1 error", "annotations_count": 1,
                            "text": "compiling\nerror: oops\ndone"}},
                {"id": 2, "name": "lint", "status": "completed", "conclusion": "success",
                 "html_url": "https://github.com/o/r/runs/2",
                 "output": {"title": null, "summary": null, "text": null, "annotations_count": 0}}
            ]}),
        ))
        .mount(&server)
        .await;
    Mock::given(method("GET"))
        .and(path("/repos/o/r/check-runs/1/annotations"))
        .respond_with(ResponseTemplate::new(200).set_body_json(json!([
            {"path": "src/a.rs", "start_line": 2, "annotation_level": "failure", "message": "oops"}])))
        .mount(&server)
        .await;
    let out = run(
        &server,
        ci::GithubGetCIResults,
        json!({"repo": "o/r", "target": "12", "search_pattern": "ERROR"}),
    )
    .await;
    let pins: Vec<&str> = out.iter().map(|(p, _)| p.as_str()).collect();
    assert_eq!(
        pins,
        [
            "overall_status",
            "overall_conclusion",
            "total_checks",
            "passed_checks",
            "failed_checks",
            "check_runs",
            "matched_lines"
        ]
    );
    assert_eq!(out[0].1, "completed");
    assert_eq!(out[1].1, "failure");
    assert_eq!(
        (out[2].1.clone(), out[3].1.clone(), out[4].1.clone()),
        (json!(2), json!(1), json!(1))
    );
    assert_eq!(out[5].1[0]["annotations"][0]["message"], "oops");
    assert_eq!(
        out[6].1,
        json!([{"check_name": "build", "line_number": 2, "line": "error: oops",
        "context": ["compiling", "error: oops", "done"]}])
    );
    let out = run(
        &server,
        ci::GithubGetCIResults,
        json!({"repo": "o/r", "target": 12, "check_name_filter": "LI*"}),
    )
    .await;
    assert_eq!(out[2], ("total_checks".into(), json!(1)));
    assert_eq!(out[1], ("overall_conclusion".into(), json!("success")));
    let out = run(
        &server,
        ci::GithubGetCIResults,
        json!({"repo": "o/r", "target": "not-a-sha"}),
    )
    .await;
    assert_eq!(
        out,
        vec![(
            "error".into(),
            json!("Target must be a commit SHA or PR URL")
        )]
    );
}

#[tokio::test]
async fn checks_and_ci_meet_githubs_error_answers() {
    refuses(
        || checks::GithubCreateCheckRun,
        json!({"repo_url": "https://github.com/o/r", "name": "n", "head_sha": "abc"}),
    )
    .await;
    refuses(
        || checks::GithubUpdateCheckRun,
        json!({"repo_url": "https://github.com/o/r",
        "check_run_id": 1, "status": "completed", "conclusion": "success"}),
    )
    .await;
    refuses(
        || checks::GithubCreateStatus,
        json!({"repo_url": "https://github.com/o/r", "sha": "abc", "state": "pending"}),
    )
    .await;
    refuses(
        || ci::GithubGetCIResults,
        json!({"repo": "o/r", "target": "abcdef1"}),
    )
    .await;
}
