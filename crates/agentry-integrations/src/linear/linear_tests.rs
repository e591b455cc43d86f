//! Linear blocks against a wiremock Linear GraphQL API (answers shaped as Linear's schema), the
//! API key sent bare and an OAuth2 token as a bearer, and each block meeting Linear's error
//! answers.

use serde_json::{Value, json};
use wiremock::matchers::{body_partial_json, header, method, path};
use wiremock::{Mock, MockServer, ResponseTemplate};

use super::*;
use crate::error_answers::assert_error_answers;
use crate::testing::{api_key, oauth2, run_as, with_credential};

const KEY: &str = "lin_api_test";

fn with_creds(input: Value) -> Value {
    with_credential(input, &api_key("linear", KEY))
}

async fn graphql_answer(server: &MockServer, variables: Value, data: Value) {
    Mock::given(method("POST"))
        .and(path("/graphql"))
        .and(header("authorization", KEY))
        .and(body_partial_json(json!({"variables": variables})))
        .respond_with(ResponseTemplate::new(200).set_body_json(json!({"data": data})))
        .mount(server)
        .await;
}

async fn run<B: agentry_core::Block>(
    server: &MockServer,
    block: B,
    input: Value,
) -> Vec<(String, Value)> {
    run_as(server, block, input, api_key("linear", KEY)).await
}

#[tokio::test]
async fn creates_an_issue_in_a_team_and_project() {
    let server = MockServer::start().await;
    graphql_answer(
        &server,
        json!({"searchTerm": "ENG"}),
        json!({"teams": {"nodes": [{"id": "team-1", "name": "Engineering", "key": "ENG"}]}}),
    )
    .await;
    graphql_answer(
        &server,
        json!({"term": "Launch"}),
        json!({"searchProjects": {"nodes": [
        {"id": "proj-1", "name": "Launch", "description": null, "priority": 1, "progress": 0.5,
         "content": null}]}}),
    )
    .await;
    graphql_answer(&server, json!({"input": {"teamId": "team-1", "title": "Bug", "projectId": "proj-1",
        "description": "It breaks", "priority": 2}}), json!({"issueCreate": {"issue": {
        "title": "Bug", "description": "It breaks", "id": "uuid-1", "identifier": "ENG-7", "priority": 2}}})).await;
    let out = run(
        &server,
        issues::LinearCreateIssue,
        json!({"title": "Bug", "description": "It breaks",
        "team_name": "ENG", "priority": 2, "project_name": "Launch"}),
    )
    .await;
    assert_eq!(
        out,
        vec![
            ("issue_id".into(), json!("ENG-7")),
            ("issue_title".into(), json!("Bug"))
        ]
    );
    let out = run(
        &server,
        issues::LinearCreateIssue,
        json!({"title": "Bug", "description": null,
        "team_name": "ENG", "project_name": "Nothing"}),
    )
    .await;
    assert_eq!(out.last().unwrap().0, "error");
}

#[tokio::test]
async fn searches_issues_and_projects_and_reads_a_projects_issues() {
    let server = MockServer::start().await;
    graphql_answer(&server, json!({"term": "crash", "includeComments": true}), json!({"searchIssues": {"nodes": [
        {"id": "uuid-1", "identifier": "ENG-7", "title": "Crash", "description": null, "priority": 1}]}})).await;
    graphql_answer(&server, json!({"term": "Launch"}), json!({"searchProjects": {"nodes": [
        {"id": "proj-1", "name": "Launch", "description": "Q3", "priority": 2, "progress": 0.25, "content": ""}]}})).await;
    graphql_answer(&server, json!({"projectName": "Launch", "statusName": "Done", "isAssigned": false,
        "includeComments": true}), json!({"issues": {"nodes": [{"id": "uuid-2", "title": "Ship",
        "identifier": "ENG-8", "description": "d", "createdAt": "2024-01-01T00:00:00.000Z", "priority": 0,
        "assignee": {"id": "u1", "name": "Ada"}, "project": {"id": "proj-1", "name": "Launch"},
        "state": {"id": "s1", "name": "Done"}, "comments": {"nodes": [{"id": "c1", "body": "done!",
        "createdAt": "2024-01-02T00:00:00.000Z", "user": {"id": "u1", "name": "Ada"}}]}}]}})).await;
    let out = run(
        &server,
        issues::LinearSearchIssues,
        json!({"term": "crash"}),
    )
    .await;
    assert_eq!(
        out,
        vec![(
            "issues".into(),
            json!([{"id": "uuid-1", "identifier": "ENG-7",
        "title": "Crash", "description": null, "priority": 1, "project": null, "createdAt": null,
        "comments": null, "assignee": null}])
        )]
    );
    let out = run(
        &server,
        projects::LinearSearchProjects,
        json!({"term": "Launch"}),
    )
    .await;
    assert_eq!(out[0].1[0]["progress"], 0.25);
    let out = run(
        &server,
        issues::LinearGetProjectIssues,
        json!({"project": "Launch", "status": "Done",
        "is_assigned": true, "include_comments": true}),
    )
    .await;
    let issue = &out[0].1[0];
    assert_eq!(issue["assignee"]["name"], "Ada");
    assert_eq!(issue["project"]["name"], "Launch");
    assert_eq!(issue["comments"][0]["body"], "done!");
}

#[tokio::test]
async fn comments_with_an_oauth2_token_as_bearer() {
    let server = MockServer::start().await;
    Mock::given(method("POST"))
        .and(path("/graphql"))
        .and(header("authorization", "Bearer lin_oauth_token"))
        .and(body_partial_json(
            json!({"variables": {"input": {"body": "Hi", "issueId": "uuid-1"}}}),
        ))
        .respond_with(
            ResponseTemplate::new(200).set_body_json(json!({"data": {"commentCreate": {
            "success": true, "comment": {"id": "c9", "body": "Hi"}}}})),
        )
        .expect(1)
        .mount(&server)
        .await;
    let out = run_as(
        &server,
        comment::LinearCreateComment,
        json!({"issue_id": "uuid-1", "comment": "Hi"}),
        oauth2("linear", "lin_oauth_token", &["comments:create"]),
    )
    .await;
    assert_eq!(
        out,
        vec![
            ("comment_id".into(), json!("c9")),
            ("comment_body".into(), json!("Hi"))
        ]
    );
}

#[tokio::test]
async fn graphql_errors_in_a_200_body_are_reported() {
    let server = MockServer::start().await;
    Mock::given(method("POST"))
        .and(path("/graphql"))
        .respond_with(ResponseTemplate::new(200).set_body_json(json!({"errors": [
            {"message": "Entity not found", "extensions": {"code": "INVALID_INPUT"}}], "data": null})))
        .mount(&server)
        .await;
    let out = run(
        &server,
        comment::LinearCreateComment,
        json!({"issue_id": "x", "comment": "Hi"}),
    )
    .await;
    assert_eq!(
        out,
        vec![(
            "error".into(),
            json!("Linear API returned errors: Entity not found")
        )]
    );
}

#[tokio::test]
async fn every_block_meets_linears_error_answers() {
    // Linear answers HTTP errors with a GraphQL error list, which the message carries whole.
    let body = json!({"errors": [{"message": "Authentication required, not authenticated"}]});
    let message = body.to_string();
    macro_rules! check {
        ($block:expr, $input:expr) => {
            assert_error_answers(
                || $block,
                with_creds($input),
                api_key("linear", KEY),
                "linear",
                body.clone(),
                &message,
            )
            .await
        };
    }
    check!(
        comment::LinearCreateComment,
        json!({"issue_id": "x", "comment": "c"})
    );
    check!(
        issues::LinearCreateIssue,
        json!({"title": "t", "description": null, "team_name": "ENG"})
    );
    check!(issues::LinearSearchIssues, json!({"term": "t"}));
    check!(
        issues::LinearGetProjectIssues,
        json!({"project": "p", "status": "s"})
    );
    check!(projects::LinearSearchProjects, json!({"term": "t"}));
}
