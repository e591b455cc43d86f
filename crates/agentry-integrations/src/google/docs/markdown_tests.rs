//! The Markdown blocks against a wiremock Docs API v1: each batchUpdate's exact requests.

use agentry_core::testing::run_block_with;
use serde_json::{Value, json};
use wiremock::matchers::{method, path};
use wiremock::{Mock, MockServer, ResponseTemplate};

use super::markdown::*;
use super::md::to_requests;
use super::tests::{BASE, batch_mock, chained, picked, rec};
use crate::error_answers::assert_error_answers_prefixed;
use crate::testing::{error_of, oauth2};

/// A document "Hi {{X}} and {{x}}\n" (indexes 1..19) ending at 19, with a table cell "{{X}}".
async fn document(server: &MockServer) {
    Mock::given(method("GET"))
        .and(path(BASE))
        .respond_with(ResponseTemplate::new(200).set_body_json(json!({
            "documentId": "doc-1", "title": "Notes",
            "body": {"content": [
                {"endIndex": 1, "sectionBreak": {}},
                {"startIndex": 1, "endIndex": 19, "paragraph": {"elements": [
                    {"startIndex": 1, "endIndex": 19, "textRun": {"content": "Hi {{X}} and {{x}}\n"}}]}},
                {"startIndex": 19, "endIndex": 30, "table": {"tableRows": [{"tableCells": [{"content": [
                    {"paragraph": {"elements": [{"startIndex": 22, "endIndex": 28,
                        "textRun": {"content": "{{X}}\n"}}]}}]}]}]}}
            ]}})))
        .mount(server)
        .await;
}

fn ok() -> Value {
    json!({"documentId": "doc-1", "replies": []})
}

const MD: &str = "# Hello\n\nThis is **bold**.\n\n- a\n- b";

#[tokio::test]
async fn append_sends_the_newline_then_the_markdown_at_the_end() {
    let server = MockServer::start().await;
    document(&server).await;
    batch_mock(
        &server,
        json!([{"insertText": {"location": {"index": 29}, "text": "\n"}}]),
        ok(),
    )
    .await;
    let requests = to_requests(MD, 30);
    assert_eq!(requests.len(), 4);
    batch_mock(&server, Value::Array(requests), ok()).await;
    let input = json!({"document": picked(), "markdown": MD});
    let out = run_block_with(GoogleDocsAppendMarkdown, input, rec(&server)).await;
    assert_eq!(
        out,
        vec![
            (
                "result".into(),
                json!({"success": true, "requests_count": 4})
            ),
            ("document".into(), chained()),
        ]
    );
}

#[tokio::test]
async fn replace_all_deletes_the_body_then_writes_from_one() {
    let server = MockServer::start().await;
    document(&server).await;
    let delete = json!([{"deleteContentRange": {"range": {"startIndex": 1, "endIndex": 29}}}]);
    batch_mock(&server, delete, ok()).await;
    batch_mock(
        &server,
        Value::Array(to_requests("## New\n\nText", 1)),
        ok(),
    )
    .await;
    let input = json!({"document": picked(), "markdown": "## New\n\nText"});
    let out = run_block_with(GoogleDocsReplaceAllWithMarkdown, input, rec(&server)).await;
    assert_eq!(
        out[0],
        (
            "result".into(),
            json!({"success": true, "requests_count": 2})
        )
    );
}

#[tokio::test]
async fn insert_at_and_replace_range() {
    let server = MockServer::start().await;
    let bold = json!([
        {"insertText": {"location": {"index": 5}, "text": "Replaced\n"}},
        {"updateTextStyle": {"range": {"startIndex": 5, "endIndex": 13}, "textStyle": {"bold": true}, "fields": "bold"}}
    ]);
    batch_mock(&server, bold, ok()).await;
    let input = json!({"document": picked(), "markdown": "**Replaced**", "index": 5});
    let out = run_block_with(GoogleDocsInsertMarkdownAt, input, rec(&server)).await;
    assert_eq!(
        out[0],
        (
            "result".into(),
            json!({"success": true, "requests_count": 2})
        )
    );

    let server = MockServer::start().await;
    let delete = json!([{"deleteContentRange": {"range": {"startIndex": 10, "endIndex": 50}}}]);
    batch_mock(&server, delete, ok()).await;
    batch_mock(&server, Value::Array(to_requests("*new*", 10)), ok()).await;
    let input =
        json!({"document": picked(), "markdown": "*new*", "start_index": 10, "end_index": 50});
    let out = run_block_with(GoogleDocsReplaceRangeWithMarkdown, input, rec(&server)).await;
    assert_eq!(
        out[0],
        (
            "result".into(),
            json!({"success": true, "requests_count": 2, "characters_deleted": 40})
        )
    );
}

#[tokio::test]
async fn replace_content_replaces_each_match_from_the_last_back() {
    let server = MockServer::start().await;
    document(&server).await;
    // Case-insensitive: "{{X}}" at 4..9, "{{x}}" at 14..19 and the cell's at 22..27.
    for at in [22, 14, 4] {
        let mut requests =
            vec![json!({"deleteContentRange": {"range": {"startIndex": at, "endIndex": at + 5}}})];
        requests.extend(to_requests("**v**", at));
        batch_mock(&server, Value::Array(requests), ok()).await;
    }
    let input = json!({"document": picked(), "find_text": "{{X}}", "markdown": "**v**"});
    let out = run_block_with(GoogleDocsReplaceContentWithMarkdown, input, rec(&server)).await;
    assert_eq!(
        out[0],
        (
            "result".into(),
            json!({"success": true, "replacements_made": 3, "requests_count": 9})
        )
    );
    let server = MockServer::start().await;
    document(&server).await;
    let input = json!({"document": picked(), "find_text": "nowhere", "markdown": "x"});
    let out = run_block_with(GoogleDocsReplaceContentWithMarkdown, input, rec(&server)).await;
    assert_eq!(
        out[0],
        (
            "result".into(),
            json!({"success": true, "replacements_made": 0, "requests_count": 0})
        )
    );
}

#[tokio::test]
async fn bad_input_is_refused_before_any_call() {
    let server = MockServer::start().await;
    let input = json!({"document": picked(), "markdown": ""});
    let out = run_block_with(GoogleDocsAppendMarkdown, input, rec(&server)).await;
    assert_eq!(error_of(&out), "No markdown content provided");
    let input = json!({"markdown": "x"});
    let out = run_block_with(GoogleDocsInsertMarkdownAt, input, rec(&server)).await;
    assert_eq!(error_of(&out), "No document selected");
    let input = json!({"document": picked(), "markdown": "x", "start_index": 9, "end_index": 9});
    let out = run_block_with(GoogleDocsReplaceRangeWithMarkdown, input, rec(&server)).await;
    assert_eq!(error_of(&out), "Start index must be less than end index");
    let input = json!({"document": picked(), "markdown": "x", "find_text": ""});
    let out = run_block_with(GoogleDocsReplaceContentWithMarkdown, input, rec(&server)).await;
    assert_eq!(error_of(&out), "No find text provided");
    assert!(server.received_requests().await.unwrap().is_empty());
}

#[tokio::test]
async fn the_markdown_blocks_meet_googles_error_answers() {
    let body = json!({"error": {"code": 401, "message": "Request had invalid authentication credentials.",
                                "status": "UNAUTHENTICATED"}});
    macro_rules! check {
        ($block:expr, $input:expr, $prefix:expr) => {{
            let mut input = $input;
            input["document"] = picked();
            assert_error_answers_prefixed(
                || $block,
                input,
                oauth2("google", "ya29.docs", &[]),
                "google",
                body.clone(),
                "Request had invalid authentication credentials.",
                $prefix,
            )
            .await
        }};
    }
    check!(
        GoogleDocsAppendMarkdown,
        json!({"markdown": "x"}),
        "Failed to append markdown: "
    );
    check!(
        GoogleDocsReplaceAllWithMarkdown,
        json!({"markdown": "x"}),
        "Failed to replace document with markdown: "
    );
    check!(
        GoogleDocsInsertMarkdownAt,
        json!({"markdown": "x"}),
        "Failed to insert markdown: "
    );
    check!(
        GoogleDocsReplaceRangeWithMarkdown,
        json!({"markdown": "x", "start_index": 1, "end_index": 3}),
        "Failed to replace range with markdown: "
    );
    check!(
        GoogleDocsReplaceContentWithMarkdown,
        json!({"markdown": "x", "find_text": "a"}),
        "Failed to replace content with markdown: "
    );
}
