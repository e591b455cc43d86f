//! GitHub's trigger blocks on deliveries shaped as GitHub sends them, and the hook
//! registration, removal and delivery checks against a wiremock GitHub.

use hmac::{Hmac, Mac};
use serde_json::{Value, json};
use sha2::Sha256;
use wiremock::matchers::{body_json, method, path};
use wiremock::{Mock, MockServer, ResponseTemplate};

use super::fixtures::{pins, run, with_creds};
use super::webhooks::{DeliveryError, deregister, register, subscribed_events, verify_delivery};
use super::*;
use crate::testing::{api_key, recorder};

fn sender() -> Value {
    json!({"login": "octocat", "id": 1, "type": "User"})
}

#[tokio::test]
async fn pull_request_and_issue_deliveries_become_pins() {
    let server = MockServer::start().await;
    let payload = json!({"action": "synchronize", "number": 8, "sender": sender(),
        "pull_request": {"number": 8, "html_url": "https://github.com/o/r/pull/8", "title": "Fix"},
        "repository": {"full_name": "o/r"}});
    let out = run(
        &server,
        triggers::GithubPullRequestTrigger,
        json!({"repo": "o/r", "events": {"synchronize": true}, "payload": payload}),
    )
    .await;
    assert_eq!(
        pins(&out),
        [
            "payload",
            "triggered_by_user",
            "event",
            "number",
            "pull_request",
            "pull_request_url"
        ]
    );
    assert_eq!(out[1].1, sender());
    assert_eq!(out[2].1, "synchronize");
    assert_eq!(out[5].1, "https://github.com/o/r/pull/8");
    let payload = json!({"action": "opened", "sender": sender(), "issue": {"number": 3,
        "html_url": "https://github.com/o/r/issues/3", "title": "Bug", "body": null,
        "labels": [{"name": "bug"}], "assignees": [], "state": "open"}});
    let out = run(
        &server,
        triggers::GithubIssuesTrigger,
        json!({"repo": "o/r", "payload": payload}),
    )
    .await;
    assert_eq!(
        out[2..],
        [
            ("event".into(), json!("opened")),
            ("number".into(), json!(3)),
            ("issue".into(), out[4].1.clone()),
            ("issue_url".into(), json!("https://github.com/o/r/issues/3")),
            ("issue_title".into(), json!("Bug")),
            ("issue_body".into(), json!("")),
            ("labels".into(), json!([{"name": "bug"}])),
            ("assignees".into(), json!([])),
            ("state".into(), json!("open"))
        ]
    );
    // A delivery without its parts is an input error, not a panic.
    let out = run(
        &server,
        triggers::GithubIssuesTrigger,
        json!({"repo": "o/r", "payload": {"sender": {}}}),
    )
    .await;
    assert_eq!(
        out.last().unwrap(),
        &("error".into(), json!("The GitHub payload has no `issue`"))
    );
}

#[tokio::test]
async fn star_release_and_discussion_deliveries_become_pins() {
    let server = MockServer::start().await;
    let repo =
        json!({"full_name": "o/r", "html_url": "https://github.com/o/r", "stargazers_count": 1000});
    let out = run(&server, triggers::GithubStarTrigger, json!({"repo": "o/r", "payload": {
        "action": "created", "starred_at": "2024-01-01T00:00:00Z", "sender": sender(), "repository": repo}})).await;
    assert_eq!(
        out[2..],
        [
            ("event".into(), json!("created")),
            ("starred_at".into(), json!("2024-01-01T00:00:00Z")),
            ("stargazers_count".into(), json!(1000)),
            ("repository_name".into(), json!("o/r")),
            ("repository_url".into(), json!("https://github.com/o/r"))
        ]
    );
    let out = run(&server, triggers::GithubReleaseTrigger, json!({"repo": "o/r", "payload": {
        "action": "published", "sender": sender(), "release": {"html_url": "https://github.com/o/r/releases/tag/v1",
        "tag_name": "v1", "name": "One", "body": "Notes", "prerelease": false, "draft": false, "assets": []}}})).await;
    assert_eq!(
        pins(&out),
        [
            "payload",
            "triggered_by_user",
            "event",
            "release",
            "release_url",
            "tag_name",
            "release_name",
            "body",
            "prerelease",
            "draft",
            "assets"
        ]
    );
    assert_eq!(out[5].1, "v1");
    let out = run(
        &server,
        triggers::GithubDiscussionTrigger,
        json!({"repo": "o/r", "payload": {
        "action": "created", "sender": sender(), "discussion": {"number": 5, "html_url":
        "https://github.com/o/r/discussions/5", "title": "Q", "body": "How?", "state": "open",
        "category": {"name": "Q&A", "slug": "q-a"}}}}),
    )
    .await;
    assert_eq!(out[9], ("category_name".into(), json!("Q&A")));
    assert_eq!(out[10], ("state".into(), json!("open")));
}

#[test]
fn a_nodes_events_filter_names_its_subscriptions() {
    assert_eq!(
        subscribed_events(
            "6c60ec01-8128-419e-988f-96a063ee2fea",
            &json!({"opened": true, "closed": true, "edited": false})
        )
        .unwrap(),
        ["pull_request.opened", "pull_request.closed"]
    );
    assert_eq!(
        subscribed_events("551e0a35-100b-49b7-89b8-3031322239b6", &json!({})).unwrap(),
        Vec::<String>::new()
    );
    assert!(subscribed_events("not-a-trigger", &json!({})).is_none());
}

#[test]
fn deliveries_are_checked_by_their_signature() {
    let body = br#"{"action":"opened","issue":{"number":1}}"#;
    let mut mac = Hmac::<Sha256>::new_from_slice(b"s3cret").unwrap();
    mac.update(body);
    let good = format!("sha256={}", hex::encode(mac.finalize().into_bytes()));
    let (payload, event) = verify_delivery("s3cret", Some("issues"), Some(&good), body).unwrap();
    assert_eq!(event, "issues.opened");
    assert_eq!(payload["issue"]["number"], 1);
    assert_eq!(
        verify_delivery("other", Some("issues"), Some(&good), body),
        Err(DeliveryError::BadSignature)
    );
    assert_eq!(
        verify_delivery("s3cret", None, Some(&good), body),
        Err(DeliveryError::MissingEvent)
    );
    assert_eq!(
        verify_delivery("s3cret", Some("issues"), None, body),
        Err(DeliveryError::MissingSignature)
    );
}

#[tokio::test]
async fn hooks_are_registered_and_removed() {
    let server = MockServer::start().await;
    Mock::given(method("POST"))
        .and(path("/repos/o/r/hooks"))
        .and(body_json(json!({"name": "web", "active": true, "events": ["issues", "pull_request"],
            "config": {"url": "https://agentry.example/api/integrations/github/webhooks/w1/ingress",
                       "content_type": "json", "insecure_ssl": "0", "secret": "s3cret"}})))
        .respond_with(ResponseTemplate::new(201).set_body_json(json!({"type": "Repository", "id": 12345678,
            "name": "web", "active": true, "events": ["issues", "pull_request"],
            "config": {"content_type": "json", "insecure_ssl": "0",
                       "url": "https://agentry.example/api/integrations/github/webhooks/w1/ingress"}})))
        .expect(1)
        .mount(&server)
        .await;
    Mock::given(method("DELETE"))
        .and(path("/repos/o/r/hooks/12345678"))
        .respond_with(ResponseTemplate::new(204))
        .mount(&server)
        .await;
    Mock::given(method("DELETE"))
        .and(path("/repos/o/r/hooks/1"))
        .respond_with(ResponseTemplate::new(404).set_body_json(json!({"message": "Not Found"})))
        .mount(&server)
        .await;
    let mut rec = recorder(&server, api_key("github", "ghp_test_token"));
    let mut cx = agentry_core::Cx::<Value>::new(&mut rec);
    let creds: agentry_core::CredentialsMeta =
        serde_json::from_value(with_creds(json!({}))["credentials"].clone()).unwrap();
    let events = [
        "pull_request.opened".to_string(),
        "issues.opened".into(),
        "pull_request.closed".into(),
    ];
    let hook = register(
        &mut cx,
        &creds,
        "o/r",
        &events,
        "https://agentry.example/api/integrations/github/webhooks/w1/ingress",
        "s3cret",
    )
    .await
    .unwrap();
    assert_eq!(hook.id, "12345678");
    assert_eq!(hook.config["content_type"], "json");
    deregister(&mut cx, &creds, "o/r", "12345678")
        .await
        .unwrap();
    deregister(&mut cx, &creds, "o/r", "1").await.unwrap();
    let refused = register(&mut cx, &creds, "o/r/x", &events, "https://a.example/", "s").await;
    assert!(refused.is_err());
}

#[tokio::test]
async fn registering_without_access_says_what_is_missing() {
    let server = MockServer::start().await;
    Mock::given(method("POST"))
        .and(path("/repos/o/r/hooks"))
        .respond_with(ResponseTemplate::new(404).set_body_json(json!({"message": "Not Found"})))
        .mount(&server)
        .await;
    let mut rec = recorder(&server, api_key("github", "ghp_test_token"));
    let mut cx = agentry_core::Cx::<Value>::new(&mut rec);
    let creds: agentry_core::CredentialsMeta =
        serde_json::from_value(with_creds(json!({}))["credentials"].clone()).unwrap();
    let error = register(
        &mut cx,
        &creds,
        "o/r",
        &["star.created".into()],
        "https://a.example/",
        "s",
    )
    .await
    .unwrap_err();
    assert_eq!(
        error.to_string(),
        "Failed to create GitHub webhook: github rejected the request (404): \
        Not Found (Make sure the GitHub account or API key has 'repo' or webhook create permissions to 'o/r')"
    );
}

/// Trigger blocks make no request; a missing payload is their only error.
#[tokio::test]
async fn triggers_without_a_payload_fail_on_input() {
    let server = MockServer::start().await;
    let out = run(&server, triggers::GithubStarTrigger, json!({"repo": "o/r"})).await;
    assert_eq!(
        out,
        vec![("error".into(), json!("The GitHub payload has no `sender`"))]
    );
}
