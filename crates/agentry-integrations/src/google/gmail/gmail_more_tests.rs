//! Gmail's drafts, labels, thread and profile blocks against a wiremock Gmail API.

use agentry_core::testing::run_block_with;
use base64::Engine;
use serde_json::{Value, json};
use wiremock::matchers::{body_json, body_partial_json, method, path, query_param};
use wiremock::{Mock, MockServer, ResponseTemplate};

use super::drafts::{GmailCreateDraft, GmailDraftReply};
use super::labels::{GmailListLabels, GmailRemoveLabel};
use super::thread::{GmailGetProfile, GmailGetThread};
use crate::testing::{b64, error_of, json_body, meta, oauth2, recorder};

const ME: &str = "/gmail/v1/users/me";

fn creds() -> Value {
    meta("google", "oauth2")
}

fn rec(server: &MockServer) -> agentry_core::testing::Recorder {
    recorder(server, oauth2("google", "ya29.gmail", &[]))
}

fn mime_of(request: &wiremock::Request) -> String {
    let raw = json_body(request)["message"]["raw"]
        .as_str()
        .unwrap()
        .to_string();
    let bytes = base64::engine::general_purpose::URL_SAFE
        .decode(raw)
        .unwrap();
    String::from_utf8(bytes).unwrap()
}

async fn labels_mock(server: &MockServer) {
    Mock::given(method("GET"))
        .and(path(format!("{ME}/labels")))
        .respond_with(ResponseTemplate::new(200).set_body_json(json!({"labels": [
            {"id": "INBOX", "name": "INBOX", "type": "system"},
            {"id": "Label_1", "name": "Receipts", "type": "user", "messageListVisibility": "show"}]})))
        .mount(server)
        .await;
}

#[tokio::test]
async fn lists_and_removes_labels() {
    let server = MockServer::start().await;
    labels_mock(&server).await;
    Mock::given(method("POST"))
        .and(path(format!("{ME}/messages/m1/modify")))
        .and(body_json(json!({"removeLabelIds": ["Label_1"]})))
        .respond_with(
            ResponseTemplate::new(200)
                .set_body_json(json!({"id": "m1", "threadId": "t1", "labelIds": ["INBOX"]})),
        )
        .expect(1)
        .mount(&server)
        .await;
    let out = run_block_with(
        GmailListLabels,
        json!({"credentials": creds()}),
        rec(&server),
    )
    .await;
    assert_eq!(
        out,
        vec![(
            "result".into(),
            json!([{"id": "INBOX", "name": "INBOX"}, {"id": "Label_1", "name": "Receipts"}])
        )]
    );
    let out = run_block_with(
        GmailRemoveLabel,
        json!({"credentials": creds(), "message_id": "m1", "label_name": "Receipts"}),
        rec(&server),
    )
    .await;
    assert_eq!(
        out,
        vec![(
            "result".into(),
            json!({"status": "Label removed successfully", "label_id": "Label_1"})
        )]
    );
    let out = run_block_with(
        GmailRemoveLabel,
        json!({"credentials": creds(), "message_id": "m1", "label_name": "Nope"}),
        rec(&server),
    )
    .await;
    assert_eq!(
        out,
        vec![(
            "result".into(),
            json!({"status": "Label not found", "label_name": "Nope"})
        )]
    );
}

#[tokio::test]
async fn gets_a_thread_with_decoded_bodies_and_the_profile() {
    let server = MockServer::start().await;
    let message = |id: &str, body: &str| {
        json!({"id": id, "threadId": "t1", "labelIds": ["INBOX"], "snippet": body,
        "sizeEstimate": 100, "payload": {"mimeType": "text/plain", "headers": [
            {"name": "From", "value": "Ada <ada@example.com>"}, {"name": "To", "value": "me@example.com"},
            {"name": "Subject", "value": "Plans"}], "body": {"size": 5, "data": b64(body)}}})
    };
    Mock::given(method("GET"))
        .and(path(format!("{ME}/threads/t1")))
        .and(query_param("format", "full"))
        .respond_with(
            ResponseTemplate::new(200).set_body_json(json!({"id": "t1", "historyId": "99",
            "messages": [message("m1", "Hello"), message("m2", "Again")]})),
        )
        .mount(&server)
        .await;
    Mock::given(method("GET"))
        .and(path(format!("{ME}/profile")))
        .respond_with(
            ResponseTemplate::new(200).set_body_json(json!({"emailAddress": "me@example.com",
            "messagesTotal": 120, "threadsTotal": 80, "historyId": "99"})),
        )
        .mount(&server)
        .await;
    let out = run_block_with(
        GmailGetThread,
        json!({"credentials": creds(), "threadId": "t1"}),
        rec(&server),
    )
    .await;
    assert_eq!(out[0].0, "thread");
    let thread = &out[0].1;
    assert_eq!(thread["historyId"], "99");
    assert_eq!(thread["messages"][1]["body"], "Again");
    assert_eq!(thread["messages"][0]["from_"], "ada@example.com");
    let out = run_block_with(
        GmailGetProfile,
        json!({"credentials": creds()}),
        rec(&server),
    )
    .await;
    assert_eq!(
        out,
        vec![(
            "profile".into(),
            json!({"emailAddress": "me@example.com",
        "messagesTotal": 120, "threadsTotal": 80, "historyId": "99"})
        )]
    );
}

#[tokio::test]
async fn saves_drafts_and_draft_replies() {
    let server = MockServer::start().await;
    Mock::given(method("GET"))
        .and(path(format!("{ME}/messages/m1")))
        .and(query_param("format", "metadata"))
        .respond_with(ResponseTemplate::new(200).set_body_json(json!({"id": "m1", "threadId": "t1",
            "payload": {"headers": [{"name": "From", "value": "Ada <ada@example.com>"},
                {"name": "Subject", "value": "Plans"}, {"name": "Message-ID", "value": "<m1@x>"}]}})))
        .mount(&server)
        .await;
    Mock::given(method("POST"))
        .and(path(format!("{ME}/drafts")))
        .and(body_partial_json(json!({"message": {"threadId": "t1"}})))
        .respond_with(
            ResponseTemplate::new(200)
                .set_body_json(json!({"id": "r-2", "message": {"id": "m3", "threadId": "t1"}})),
        )
        .mount(&server)
        .await;
    Mock::given(method("POST"))
        .and(path(format!("{ME}/drafts")))
        .respond_with(
            ResponseTemplate::new(200)
                .set_body_json(json!({"id": "r-1", "message": {"id": "m9", "threadId": "t9"}})),
        )
        .mount(&server)
        .await;
    let out = run_block_with(
        GmailCreateDraft,
        json!({"credentials": creds(), "to": ["bo@example.com"], "subject": "Hi", "body": "Hello Bo"}),
        rec(&server),
    )
    .await;
    assert_eq!(
        out,
        vec![(
            "result".into(),
            json!({"id": "r-1", "message_id": "m9", "status": "draft_created"})
        )]
    );
    let out = run_block_with(
        GmailDraftReply,
        json!({"credentials": creds(), "threadId": "t1", "parentMessageId": "m1", "body": "Sure"}),
        rec(&server),
    )
    .await;
    assert_eq!(
        out,
        vec![
            ("draftId".into(), json!("r-2")),
            ("messageId".into(), json!("m3")),
            ("threadId".into(), json!("t1")),
            ("status".into(), json!("draft_created"))
        ]
    );
    let requests = server.received_requests().await.unwrap();
    let reply = mime_of(requests.last().unwrap());
    assert!(reply.contains("To: ada@example.com\r\n"), "{reply}");
    assert!(reply.contains("Subject: Re: Plans\r\n"), "{reply}");
    assert!(reply.contains("In-Reply-To: <m1@x>\r\n"), "{reply}");
    let out = run_block_with(
        GmailCreateDraft,
        json!({"credentials": creds(), "to": [], "subject": "", "body": "x"}),
        rec(&server),
    )
    .await;
    assert_eq!(
        error_of(&out),
        "At least one recipient and subject are required for creating a draft"
    );
}

#[tokio::test]
async fn refused_and_failing_answers_reach_the_error_pin() {
    let server = MockServer::start().await;
    Mock::given(method("GET"))
        .and(path(format!("{ME}/labels")))
        .respond_with(ResponseTemplate::new(403).set_body_json(json!({"error": {"code": 403,
            "message": "Request had insufficient authentication scopes.", "status": "PERMISSION_DENIED"}})))
        .mount(&server)
        .await;
    Mock::given(method("GET"))
        .and(path(format!("{ME}/profile")))
        .respond_with(
            ResponseTemplate::new(500)
                .set_body_json(json!({"error": {"code": 500, "message": "Backend Error"}})),
        )
        .mount(&server)
        .await;
    let out = run_block_with(
        GmailListLabels,
        json!({"credentials": creds()}),
        rec(&server),
    )
    .await;
    assert_eq!(
        error_of(&out),
        "google refused the credentials (403): Request had insufficient authentication scopes."
    );
    let out = run_block_with(
        GmailGetProfile,
        json!({"credentials": creds()}),
        rec(&server),
    )
    .await;
    assert_eq!(error_of(&out), "google failed (500): Backend Error");
}
