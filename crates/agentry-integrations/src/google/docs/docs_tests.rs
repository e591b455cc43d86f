//! Docs blocks against a wiremock Docs API v1 and Drive API v3.

use agentry_core::testing::run_block_with;
use serde_json::{Value, json};
use wiremock::matchers::{body_json, method, path, query_param};
use wiremock::{Mock, MockServer, ResponseTemplate};

use super::edit::*;
use super::files::*;
use super::*;
use crate::testing::{CRED_ID, error_of, meta, oauth2, recorder};

const ID: &str = "doc-1";
pub(super) const BASE: &str = "/v1/documents/doc-1";

pub(super) fn picked() -> Value {
    json!({"id": ID, "name": "Notes", "mimeType": DOCUMENT_MIME, "_credentials_id": CRED_ID})
}

pub(super) fn chained() -> Value {
    serde_json::to_value(document_file(
        ID,
        Some("Notes".into()),
        Some(CRED_ID.into()),
    ))
    .unwrap()
}

pub(super) fn rec(server: &MockServer) -> agentry_core::testing::Recorder {
    recorder(server, oauth2("google", "ya29.docs", &[]))
}

async fn document_mock(server: &MockServer) {
    Mock::given(method("GET"))
        .and(path(BASE))
        .respond_with(ResponseTemplate::new(200).set_body_json(json!({
            "documentId": ID, "title": "Notes", "revisionId": "rev-7",
            "body": {"content": [
                {"endIndex": 1, "sectionBreak": {}},
                {"startIndex": 1, "endIndex": 13, "paragraph": {"elements": [
                    {"startIndex": 1, "endIndex": 13, "textRun": {"content": "Hello world\n"}}]}},
                {"startIndex": 13, "endIndex": 30, "table": {"rows": 1, "columns": 1, "tableRows": [
                    {"tableCells": [{"content": [{"paragraph": {"elements": [{"textRun": {"content": "cell\n"}}]}}]}]}]}}
            ]}})))
        .mount(server)
        .await;
}

pub(super) async fn batch_mock(server: &MockServer, requests: Value, answer: Value) {
    Mock::given(method("POST"))
        .and(path(format!("{BASE}:batchUpdate")))
        .and(body_json(json!({ "requests": requests })))
        .respond_with(ResponseTemplate::new(200).set_body_json(answer))
        .expect(1)
        .mount(server)
        .await;
}

#[tokio::test]
async fn reads_text_title_and_metadata() {
    let server = MockServer::start().await;
    document_mock(&server).await;
    let out = run_block_with(GoogleDocsRead, json!({"document": picked()}), rec(&server)).await;
    assert_eq!(
        out,
        vec![
            ("text".into(), json!("Hello world\ncell\n")),
            ("title".into(), json!("Notes")),
            ("document".into(), chained()),
        ]
    );
    let out = run_block_with(
        GoogleDocsGetMetadata,
        json!({"document": picked()}),
        rec(&server),
    )
    .await;
    assert_eq!(
        out[..4],
        [
            ("title".into(), json!("Notes")),
            ("document_id".into(), json!(ID)),
            ("revision_id".into(), json!("rev-7")),
            (
                "document_url".into(),
                json!("https://docs.google.com/document/d/doc-1/edit")
            )
        ]
    );
    let sheet = json!({"id": "s", "mimeType": "application/vnd.google-apps.spreadsheet"});
    let out = run_block_with(GoogleDocsRead, json!({"document": sheet}), rec(&server)).await;
    assert_eq!(
        error_of(&out),
        "File is not a Google Doc (type: application/vnd.google-apps.spreadsheet)"
    );
}

#[tokio::test]
async fn edits_text_with_batch_updates() {
    let server = MockServer::start().await;
    document_mock(&server).await;
    let ok = json!({"documentId": ID, "replies": [{}]});
    batch_mock(
        &server,
        json!([{"insertText": {"location": {"index": 29}, "text": "\nMore"}}]),
        ok.clone(),
    )
    .await;
    batch_mock(
        &server,
        json!([{"insertText": {"location": {"index": 1}, "text": "Héllo"}}]),
        ok.clone(),
    )
    .await;
    batch_mock(&server, json!([{"replaceAllText": {"containsText": {"text": "world", "matchCase": true}, "replaceText": "there"}}]),
        json!({"documentId": ID, "replies": [{"replaceAllText": {"occurrencesChanged": 2}}]})).await;
    batch_mock(
        &server,
        json!([{"insertPageBreak": {"location": {"index": 29}}}]),
        ok.clone(),
    )
    .await;
    batch_mock(
        &server,
        json!([{"deleteContentRange": {"range": {"startIndex": 2, "endIndex": 5}}}]),
        ok,
    )
    .await;
    let out = run_block_with(
        GoogleDocsAppendPlainText,
        json!({"document": picked(), "text": "More"}),
        rec(&server),
    )
    .await;
    assert_eq!(
        out,
        vec![
            (
                "result".into(),
                json!({"success": true, "characters_added": 5})
            ),
            ("document".into(), chained())
        ]
    );
    let out = run_block_with(
        GoogleDocsInsertPlainText,
        json!({"document": picked(), "text": "Héllo", "index": 0}),
        rec(&server),
    )
    .await;
    assert_eq!(out[0].1, json!({"success": true, "characters_inserted": 5}));
    let out = run_block_with(
        GoogleDocsFindReplacePlainText,
        json!({"document": picked(), "find_text": "world", "replace_text": "there", "match_case": true}),
        rec(&server),
    )
    .await;
    assert_eq!(out[0].1, json!({"success": true, "replacements_made": 2}));
    let out = run_block_with(
        GoogleDocsInsertPageBreak,
        json!({"document": picked()}),
        rec(&server),
    )
    .await;
    assert_eq!(out[0].1, json!({"success": true}));
    let out = run_block_with(
        GoogleDocsDeleteContent,
        json!({"document": picked(), "start_index": 2, "end_index": 5}),
        rec(&server),
    )
    .await;
    assert_eq!(out[0].1, json!({"success": true, "characters_deleted": 3}));
    let out = run_block_with(
        GoogleDocsDeleteContent,
        json!({"document": picked(), "start_index": 5, "end_index": 5}),
        rec(&server),
    )
    .await;
    assert_eq!(error_of(&out), "Start index must be less than end index");
}

#[tokio::test]
async fn creates_exports_and_shares() {
    let server = MockServer::start().await;
    Mock::given(method("POST"))
        .and(path("/drive/v3/files"))
        .and(body_json(
            json!({"name": "Plan", "mimeType": DOCUMENT_MIME}),
        ))
        .respond_with(ResponseTemplate::new(200).set_body_json(
            json!({"kind": "drive#file", "id": ID, "name": "Plan", "mimeType": DOCUMENT_MIME}),
        ))
        .mount(&server)
        .await;
    batch_mock(
        &server,
        json!([{"insertText": {"location": {"index": 1}, "text": "Start"}}]),
        json!({"replies": [{}]}),
    )
    .await;
    Mock::given(method("GET"))
        .and(path(format!("/drive/v3/files/{ID}/export")))
        .and(query_param("mimeType", "application/pdf"))
        .respond_with(
            ResponseTemplate::new(200).set_body_raw(b"%PDF-1.4".to_vec(), "application/pdf"),
        )
        .mount(&server)
        .await;
    Mock::given(method("POST"))
        .and(path(format!("/drive/v3/files/{ID}/permissions")))
        .and(query_param("emailMessage", "Have a look"))
        .and(body_json(
            json!({"type": "user", "role": "commenter", "emailAddress": "bo@example.com"}),
        ))
        .respond_with(ResponseTemplate::new(200).set_body_json(json!({"id": "p1"})))
        .expect(1)
        .mount(&server)
        .await;
    Mock::given(method("POST"))
        .and(path(format!("/drive/v3/files/{ID}/permissions")))
        .and(body_json(json!({"type": "anyone", "role": "commenter"})))
        .respond_with(ResponseTemplate::new(200).set_body_json(json!({"id": "anyoneWithLink"})))
        .expect(1)
        .mount(&server)
        .await;
    let out = run_block_with(
        GoogleDocsCreate,
        json!({"credentials": meta("google", "oauth2"), "title": "Plan", "initial_content": "Start"}),
        rec(&server),
    )
    .await;
    assert_eq!(out[1], ("document_id".into(), json!(ID)));
    assert_eq!(out[0].1["_credentials_id"], CRED_ID);
    let out = run_block_with(
        GoogleDocsExport,
        json!({"document": picked()}),
        rec(&server),
    )
    .await;
    assert_eq!(
        out[..2],
        [
            ("content".into(), json!("JVBERi0xLjQ=")),
            ("mime_type".into(), json!("application/pdf"))
        ]
    );
    let out = run_block_with(
        GoogleDocsShare,
        json!({"document": picked(), "email": "bo@example.com", "role": "commenter", "message": "Have a look"}),
        rec(&server),
    )
    .await;
    assert_eq!(
        out[1],
        (
            "share_link".into(),
            json!("https://docs.google.com/document/d/doc-1/edit")
        )
    );
    let out = run_block_with(
        GoogleDocsSetPublicAccess,
        json!({"document": picked(), "role": "commenter"}),
        rec(&server),
    )
    .await;
    assert_eq!(
        out[..2],
        [
            ("result".into(), json!({"success": true, "is_public": true})),
            (
                "share_link".into(),
                json!("https://docs.google.com/document/d/doc-1/edit?usp=sharing")
            )
        ]
    );
}

#[tokio::test]
async fn provider_errors_carry_autogpts_wording() {
    let server = MockServer::start().await;
    Mock::given(method("GET"))
        .and(path(BASE))
        .respond_with(
            ResponseTemplate::new(404).set_body_json(json!({"error": {"code": 404,
            "message": "Requested entity was not found.", "status": "NOT_FOUND"}})),
        )
        .mount(&server)
        .await;
    Mock::given(method("POST"))
        .respond_with(ResponseTemplate::new(401).set_body_json(json!({"error": {"code": 401,
            "message": "Request had invalid authentication credentials.", "status": "UNAUTHENTICATED"}})))
        .mount(&server)
        .await;
    let out = run_block_with(GoogleDocsRead, json!({"document": picked()}), rec(&server)).await;
    assert_eq!(
        error_of(&out),
        "Failed to read document: google rejected the request (404): Requested entity was not found."
    );
    let out = run_block_with(
        GoogleDocsInsertPlainText,
        json!({"document": picked(), "text": "x"}),
        rec(&server),
    )
    .await;
    assert_eq!(
        error_of(&out),
        "Failed to insert text: google refused the credentials (401): Request had invalid authentication credentials."
    );
}
