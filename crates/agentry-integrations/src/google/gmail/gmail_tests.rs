//! Gmail blocks against a wiremock Gmail API answering its documented shapes.

use std::sync::Arc;

use agentry_core::testing::run_block_with;
use base64::Engine;
use serde_json::{Value, json};
use wiremock::matchers::{body_partial_json, header, method, path, query_param};
use wiremock::{Mock, MockServer, ResponseTemplate};

use super::add_label::GmailAddLabel;
use super::forward::GmailForward;
use super::read::GmailRead;
use super::reply::GmailReply;
use super::send::GmailSend;
use super::{SCOPE_METADATA, SCOPE_READONLY, addresses};
use crate::testing::{Refreshing, b64, error_of, json_body, meta, oauth2, recorder};

const ME: &str = "/gmail/v1/users/me";

fn creds() -> Value {
    meta("google", "oauth2")
}

/// A full-format message: a multipart with a plain body and a PDF.
fn full_message() -> Value {
    json!({
        "id": "m1",
        "threadId": "t1",
        "labelIds": ["INBOX", "UNREAD"],
        "snippet": "Hello there",
        "sizeEstimate": 2048,
        "payload": {
            "mimeType": "multipart/mixed",
            "headers": [
                {"name": "From", "value": "Ada Lovelace <ada@example.com>"},
                {"name": "To", "value": "me@example.com, \"Doe, Jo\" <jo@example.com>"},
                {"name": "Subject", "value": "Plans"},
                {"name": "Date", "value": "Mon, 1 Dec 2026 10:00:00 +0000"},
                {"name": "Message-ID", "value": "<m1@mail.example.com>"}
            ],
            "body": {"size": 0},
            "parts": [
                {"partId": "0", "mimeType": "multipart/alternative", "filename": "",
                 "body": {"size": 0}, "parts": [
                    {"partId": "0.0", "mimeType": "text/plain", "filename": "",
                     "body": {"size": 11, "data": b64("Hello there\n")}},
                    {"partId": "0.1", "mimeType": "text/html", "filename": "",
                     "body": {"size": 18, "data": b64("<p>Hello there</p>")}}
                ]},
                {"partId": "1", "mimeType": "application/pdf", "filename": "plan.pdf",
                 "body": {"size": 4, "attachmentId": "att-1"}}
            ]
        }
    })
}

async fn gmail_server() -> MockServer {
    MockServer::start().await
}

#[test]
fn addresses_read_as_python_getaddresses() {
    assert_eq!(
        addresses("A <a@x.com>, b@y.com, \"Doe, J\" <j@z.com>"),
        vec!["a@x.com", "b@y.com", "j@z.com"]
    );
    assert!(addresses("").is_empty());
}

#[tokio::test]
async fn read_lists_then_gets_each_message() {
    let server = gmail_server().await;
    Mock::given(method("GET"))
        .and(path(format!("{ME}/messages")))
        .and(query_param("q", "is:unread"))
        .and(query_param("maxResults", "5"))
        .and(header("authorization", "Bearer ya29.token"))
        .respond_with(ResponseTemplate::new(200).set_body_json(json!({
            "messages": [{"id": "m1", "threadId": "t1"}], "resultSizeEstimate": 1
        })))
        .expect(1)
        .mount(&server)
        .await;
    Mock::given(method("GET"))
        .and(path(format!("{ME}/messages/m1")))
        .and(query_param("format", "full"))
        .respond_with(ResponseTemplate::new(200).set_body_json(full_message()))
        .expect(1)
        .mount(&server)
        .await;
    let out = run_block_with(
        GmailRead,
        json!({"credentials": creds(), "query": "is:unread", "max_results": 5}),
        recorder(&server, oauth2("google", "ya29.token", &[SCOPE_READONLY])),
    )
    .await;
    let email = json!({
        "threadId": "t1", "labelIds": ["INBOX", "UNREAD"], "id": "m1", "subject": "Plans",
        "snippet": "Hello there", "from_": "ada@example.com",
        "to": ["me@example.com", "jo@example.com"], "cc": [], "bcc": [],
        "date": "Mon, 1 Dec 2026 10:00:00 +0000", "body": "Hello there\n", "sizeEstimate": 2048,
        "attachments": [{"filename": "plan.pdf", "content_type": "application/pdf", "size": 4,
                         "attachment_id": "att-1"}]
    });
    assert_eq!(
        out,
        vec![
            ("email".into(), email.clone()),
            ("emails".into(), json!([email]))
        ]
    );
}

#[tokio::test]
async fn read_with_only_the_metadata_scope_asks_for_metadata_without_a_query() {
    let server = gmail_server().await;
    Mock::given(method("GET"))
        .and(path(format!("{ME}/messages")))
        .respond_with(ResponseTemplate::new(200).set_body_json(json!({"resultSizeEstimate": 0})))
        .mount(&server)
        .await;
    let out = run_block_with(
        GmailRead,
        json!({"credentials": creds()}),
        recorder(
            &server,
            oauth2("google", "ya29.test-token", &[SCOPE_METADATA]),
        ),
    )
    .await;
    assert_eq!(out, vec![("emails".into(), json!([]))]);
    let requests = server.received_requests().await.unwrap();
    let query = requests[0].url.query().unwrap_or_default().to_string();
    assert_eq!(query, "maxResults=10", "no q with the metadata scope");
}

fn raw_of(request: &wiremock::Request) -> String {
    let raw = json_body(request)["raw"].as_str().unwrap().to_string();
    let bytes = base64::engine::general_purpose::URL_SAFE
        .decode(raw)
        .unwrap();
    String::from_utf8(bytes).unwrap()
}

#[tokio::test]
async fn send_posts_a_raw_mime_message() {
    let server = gmail_server().await;
    Mock::given(method("POST"))
        .and(path(format!("{ME}/messages/send")))
        .respond_with(ResponseTemplate::new(200).set_body_json(json!({
            "id": "s1", "threadId": "s1", "labelIds": ["SENT"]
        })))
        .expect(1)
        .mount(&server)
        .await;
    let out = run_block_with(
        GmailSend,
        json!({"credentials": creds(), "to": ["bob@example.com"], "cc": ["cy@example.com"],
               "subject": "Report", "body": "<h1>Weekly</h1>"}),
        recorder(
            &server,
            oauth2("google", "ya29.test-token", &[super::SCOPE_SEND]),
        ),
    )
    .await;
    assert_eq!(
        out,
        vec![("result".into(), json!({"id": "s1", "status": "sent"}))]
    );
    let requests = server.received_requests().await.unwrap();
    let mime = raw_of(&requests[0]);
    assert!(mime.contains("To: bob@example.com\r\n"), "{mime}");
    assert!(mime.contains("Cc: cy@example.com\r\n"), "{mime}");
    assert!(mime.contains("Subject: Report\r\n"), "{mime}");
    assert!(mime.contains("Content-Type: text/html"), "{mime}");
}

#[tokio::test]
async fn send_needs_a_recipient_subject_and_body() {
    let server = gmail_server().await;
    let out = run_block_with(
        GmailSend,
        json!({"credentials": creds(), "to": [], "subject": "s", "body": "b"}),
        recorder(&server, oauth2("google", "ya29.test-token", &[])),
    )
    .await;
    assert!(error_of(&out).starts_with("At least one recipient"));
    assert!(server.received_requests().await.unwrap().is_empty());
}

#[tokio::test]
async fn reply_answers_the_sender_in_the_thread() {
    let server = gmail_server().await;
    Mock::given(method("GET"))
        .and(path(format!("{ME}/messages/m1")))
        .and(query_param("format", "metadata"))
        .respond_with(ResponseTemplate::new(200).set_body_json(full_message()))
        .expect(1)
        .mount(&server)
        .await;
    Mock::given(method("POST"))
        .and(path(format!("{ME}/messages/send")))
        .and(body_partial_json(json!({"threadId": "t1"})))
        .respond_with(ResponseTemplate::new(200).set_body_json(json!({
            "id": "m2", "threadId": "t1", "labelIds": ["SENT"]
        })))
        .expect(1)
        .mount(&server)
        .await;
    let out = run_block_with(
        GmailReply,
        json!({"credentials": creds(), "threadId": "t1", "parentMessageId": "m1",
               "body": "Thanks"}),
        recorder(&server, oauth2("google", "ya29.test-token", &[])),
    )
    .await;
    let pins: Vec<&str> = out.iter().map(|(p, _)| p.as_str()).collect();
    assert_eq!(
        pins,
        ["messageId", "threadId", "message", "email"],
        "{out:?}"
    );
    assert_eq!(out[0].1, "m2");
    assert_eq!(
        out[2].1,
        json!({"id": "m2", "threadId": "t1", "labelIds": ["SENT"]})
    );
    assert_eq!(out[3].1["body"], "Thanks");
    assert_eq!(out[3].1["to"], json!(["ada@example.com"]));
    let requests = server.received_requests().await.unwrap();
    let metadata: Vec<String> = requests[0]
        .url
        .query_pairs()
        .filter(|(k, _)| k == "metadataHeaders")
        .map(|(_, v)| v.into_owned())
        .collect();
    assert_eq!(metadata.len(), 7);
    let mime = raw_of(&requests[1]);
    assert!(mime.contains("To: ada@example.com\r\n"), "{mime}");
    assert!(mime.contains("Subject: Re: Plans\r\n"), "{mime}");
    assert!(
        mime.contains("In-Reply-To: <m1@mail.example.com>\r\n"),
        "{mime}"
    );
    assert!(
        mime.contains("References: <m1@mail.example.com>\r\n"),
        "{mime}"
    );
}

#[tokio::test]
async fn forward_includes_the_original_and_its_attachments() {
    let server = gmail_server().await;
    Mock::given(method("GET"))
        .and(path(format!("{ME}/messages/m1")))
        .and(query_param("format", "full"))
        .respond_with(ResponseTemplate::new(200).set_body_json(full_message()))
        .mount(&server)
        .await;
    Mock::given(method("GET"))
        .and(path(format!("{ME}/messages/m1/attachments/att-1")))
        .respond_with(
            ResponseTemplate::new(200).set_body_json(json!({"size": 4, "data": b64("%PDF")})),
        )
        .expect(1)
        .mount(&server)
        .await;
    Mock::given(method("POST"))
        .and(path(format!("{ME}/messages/send")))
        .respond_with(
            ResponseTemplate::new(200).set_body_json(json!({"id": "f1", "threadId": "t9"})),
        )
        .mount(&server)
        .await;
    let out = run_block_with(
        GmailForward,
        json!({"credentials": creds(), "messageId": "m1", "to": ["zoe@example.com"],
               "forwardMessage": "FYI"}),
        recorder(&server, oauth2("google", "ya29.test-token", &[])),
    )
    .await;
    assert_eq!(
        out,
        vec![
            ("messageId".into(), json!("f1")),
            ("threadId".into(), json!("t9")),
            ("status".into(), json!("forwarded")),
        ]
    );
    let requests = server.received_requests().await.unwrap();
    let mime = raw_of(requests.last().unwrap());
    assert!(mime.contains("Subject: Fwd: Plans\r\n"), "{mime}");
    assert!(mime.contains("filename=\"plan.pdf\""), "{mime}");
    assert!(
        mime.contains("---------- Forwarded message ---------"),
        "{mime}"
    );
}

#[tokio::test]
async fn add_label_creates_a_missing_label_then_applies_it() {
    let server = gmail_server().await;
    Mock::given(method("GET"))
        .and(path(format!("{ME}/labels")))
        .respond_with(ResponseTemplate::new(200).set_body_json(json!({
            "labels": [{"id": "INBOX", "name": "INBOX", "type": "system"}]
        })))
        .mount(&server)
        .await;
    Mock::given(method("POST"))
        .and(path(format!("{ME}/labels")))
        .and(body_partial_json(json!({"name": "Support"})))
        .respond_with(ResponseTemplate::new(200).set_body_json(json!({
            "id": "Label_7", "name": "Support", "type": "user"
        })))
        .expect(1)
        .mount(&server)
        .await;
    Mock::given(method("POST"))
        .and(path(format!("{ME}/messages/m1/modify")))
        .and(body_partial_json(json!({"addLabelIds": ["Label_7"]})))
        .respond_with(ResponseTemplate::new(200).set_body_json(json!({
            "id": "m1", "threadId": "t1", "labelIds": ["INBOX", "Label_7"]
        })))
        .expect(1)
        .mount(&server)
        .await;
    let out = run_block_with(
        GmailAddLabel,
        json!({"credentials": creds(), "message_id": "m1", "label_name": "Support"}),
        recorder(
            &server,
            oauth2("google", "ya29.test-token", &[super::SCOPE_MODIFY]),
        ),
    )
    .await;
    assert_eq!(
        out,
        vec![(
            "result".into(),
            json!({"label_id": "Label_7", "status": "Label added successfully"})
        )]
    );
}

#[tokio::test]
async fn an_expired_token_is_refreshed_once_and_the_call_repeated() {
    let server = gmail_server().await;
    Mock::given(method("GET"))
        .and(header("authorization", "Bearer stale"))
        .respond_with(ResponseTemplate::new(401).set_body_json(json!({
            "error": {"code": 401, "message": "Request had invalid authentication credentials.",
                      "status": "UNAUTHENTICATED"}
        })))
        .expect(1)
        .mount(&server)
        .await;
    Mock::given(method("GET"))
        .and(header("authorization", "Bearer fresh"))
        .respond_with(ResponseTemplate::new(200).set_body_json(json!({"labels": []})))
        .mount(&server)
        .await;
    Mock::given(method("POST"))
        .respond_with(ResponseTemplate::new(200).set_body_json(json!({"id": "L1", "labelIds": []})))
        .mount(&server)
        .await;
    let mut rec = recorder(&server, oauth2("google", "stale", &[]));
    rec.credentials = Some(Arc::new(Refreshing {
        stale: oauth2("google", "stale", &[]),
        fresh: oauth2("google", "fresh", &[]),
    }));
    let out = run_block_with(
        GmailAddLabel,
        json!({"credentials": creds(), "message_id": "m1", "label_name": "X"}),
        rec,
    )
    .await;
    assert_eq!(
        out,
        vec![(
            "result".into(),
            json!({"label_id": "L1", "status": "Label already applied or not found"})
        )]
    );
}

#[tokio::test]
async fn refused_rate_limited_and_failing_answers_are_mapped() {
    // 403: a missing scope, named with the provider, never the token.
    let server = gmail_server().await;
    Mock::given(method("GET"))
        .respond_with(ResponseTemplate::new(403).set_body_json(json!({
            "error": {"code": 403, "message": "Request had insufficient authentication scopes.",
                      "status": "PERMISSION_DENIED"}
        })))
        .mount(&server)
        .await;
    let out = run_block_with(
        GmailRead,
        json!({"credentials": creds()}),
        recorder(&server, oauth2("google", "secret-token", &[])),
    )
    .await;
    let error = error_of(&out);
    assert_eq!(
        error,
        "google refused the credentials (403): Request had insufficient authentication scopes."
    );

    // 429 with Retry-After, then an answer.
    let server = gmail_server().await;
    Mock::given(method("GET"))
        .respond_with(ResponseTemplate::new(429).insert_header("retry-after", "0"))
        .up_to_n_times(1)
        .mount(&server)
        .await;
    Mock::given(method("GET"))
        .respond_with(ResponseTemplate::new(200).set_body_json(json!({"resultSizeEstimate": 0})))
        .mount(&server)
        .await;
    let out = run_block_with(
        GmailRead,
        json!({"credentials": creds()}),
        recorder(&server, oauth2("google", "ya29.test-token", &[])),
    )
    .await;
    assert_eq!(out, vec![("emails".into(), json!([]))]);

    // 503 on every attempt.
    let server = gmail_server().await;
    Mock::given(method("GET"))
        .respond_with(ResponseTemplate::new(503).set_body_json(json!({
            "error": {"code": 503, "message": "The service is currently unavailable."}
        })))
        .expect(3)
        .mount(&server)
        .await;
    let out = run_block_with(
        GmailRead,
        json!({"credentials": creds()}),
        recorder(&server, oauth2("google", "ya29.test-token", &[])),
    )
    .await;
    assert_eq!(
        error_of(&out),
        "google failed (503): The service is currently unavailable."
    );
}
