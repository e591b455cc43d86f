//! GoogleDocsInsertTableBlock, GoogleDocsFormatTextBlock and GoogleDocsGetStructureBlock
//! against a wiremock Docs API v1.

use agentry_core::testing::run_block_with;
use serde_json::{Value, json};
use wiremock::matchers::{method, path};
use wiremock::{Mock, MockServer, ResponseTemplate};

use super::layout::*;
use super::structure::*;
use super::tests::{BASE, batch_mock, chained, picked, rec};
use crate::error_answers::assert_error_answers_prefixed;
use crate::testing::{error_of, oauth2};

/// A document of a heading, a paragraph, an empty line and a 2×2 table whose cells start at
/// 23, 25, 28 and 30.
fn document() -> Value {
    let cell = |start: i64, text: &str| {
        json!({"startIndex": start - 1, "endIndex": start + 1, "content": [{"startIndex": start, "endIndex": start + 1,
            "paragraph": {"elements": [{"startIndex": start, "endIndex": start + 1, "textRun": {"content": format!("{text}\n")}}],
                          "paragraphStyle": {"namedStyleType": "NORMAL_TEXT"}}}]})
    };
    json!({"documentId": "doc-1", "title": "Notes", "body": {"content": [
        {"endIndex": 1, "sectionBreak": {"sectionStyle": {}}},
        {"startIndex": 1, "endIndex": 7, "paragraph": {
            "elements": [{"startIndex": 1, "endIndex": 7, "textRun": {"content": "Title\n"}}],
            "paragraphStyle": {"namedStyleType": "HEADING_1"}}},
        {"startIndex": 7, "endIndex": 20, "paragraph": {
            "elements": [{"startIndex": 7, "endIndex": 20, "textRun": {"content": "Hello world\n"}}],
            "paragraphStyle": {"namedStyleType": "NORMAL_TEXT"}}},
        {"startIndex": 20, "endIndex": 21, "paragraph": {
            "elements": [{"startIndex": 20, "endIndex": 21, "textRun": {"content": "\n"}}],
            "paragraphStyle": {"namedStyleType": "NORMAL_TEXT"}}},
        {"startIndex": 21, "endIndex": 33, "table": {"rows": 2, "columns": 2, "tableRows": [
            {"tableCells": [cell(23, ""), cell(25, "")]},
            {"tableCells": [cell(28, ""), cell(30, "")]}
        ]}},
        {"startIndex": 33, "endIndex": 34, "paragraph": {
            "elements": [{"startIndex": 33, "endIndex": 34, "textRun": {"content": "\n"}}]}}
    ]}})
}

async fn document_mock(server: &MockServer) {
    Mock::given(method("GET"))
        .and(path(BASE))
        .respond_with(ResponseTemplate::new(200).set_body_json(document()))
        .mount(server)
        .await;
}

#[tokio::test]
async fn inserts_a_table_at_the_end_and_fills_its_cells_backwards() {
    let server = MockServer::start().await;
    document_mock(&server).await;
    batch_mock(
        &server,
        json!([{"insertTable": {"rows": 2, "columns": 2, "location": {"index": 33}}}]),
        json!({"documentId": "doc-1", "replies": [{}]}),
    )
    .await;
    let text = |index: i64, text: &str| json!({"insertText": {"location": {"index": index}, "text": text}});
    batch_mock(
        &server,
        json!([text(30, "2"), text(25, "B"), text(23, "A")]),
        json!({"documentId": "doc-1", "replies": [{}, {}, {}]}),
    )
    .await;
    let out = run_block_with(
        GoogleDocsInsertTable,
        json!({"document": picked(), "content": [["A", "B"], ["", "2"]]}),
        rec(&server),
    )
    .await;
    assert_eq!(
        out,
        vec![
            (
                "result".into(),
                json!({"success": true, "rows": 2, "columns": 2, "cells_populated": 3, "cells_found": 4})
            ),
            ("document".into(), chained())
        ]
    );
}

#[tokio::test]
async fn inserts_an_empty_table_where_asked() {
    let server = MockServer::start().await;
    batch_mock(
        &server,
        json!([{"insertTable": {"rows": 3, "columns": 4, "location": {"index": 5}}}]),
        json!({"documentId": "doc-1", "replies": [{}]}),
    )
    .await;
    let out = run_block_with(
        GoogleDocsInsertTable,
        json!({"document": picked(), "columns": 4, "index": 5, "content": [[""]]}),
        rec(&server),
    )
    .await;
    assert_eq!(
        out[0],
        (
            "result".into(),
            json!({"success": true, "rows": 3, "columns": 4})
        )
    );
}

#[tokio::test]
async fn fills_cells_with_markdown_a_batch_per_cell_latest_first() {
    let server = MockServer::start().await;
    document_mock(&server).await;
    batch_mock(
        &server,
        json!([{"insertTable": {"rows": 2, "columns": 2, "location": {"index": 33}}}]),
        json!({"documentId": "doc-1", "replies": [{}]}),
    )
    .await;
    let ok = json!({"documentId": "doc-1", "replies": []});
    let bold = |at: i64, text: &str, width: i64| {
        json!([
            {"insertText": {"location": {"index": at}, "text": format!("{text}\n")}},
            {"updateTextStyle": {"range": {"startIndex": at, "endIndex": at + width},
                                 "textStyle": {"bold": true}, "fields": "bold"}}
        ])
    };
    batch_mock(&server, bold(30, "2", 1), ok.clone()).await;
    batch_mock(&server, bold(23, "Ab", 2), ok.clone()).await;
    let out = run_block_with(
        GoogleDocsInsertTable,
        json!({"document": picked(), "content": [["**Ab**", ""], ["", "**2**"]], "format_as_markdown": true}),
        rec(&server),
    )
    .await;
    assert_eq!(
        out[0],
        (
            "result".into(),
            json!({"success": true, "rows": 2, "columns": 2, "cells_populated": 2, "cells_found": 4})
        )
    );
}

#[test]
fn hex_colours_read_as_autogpt_reads_them() {
    assert_eq!(hex_rgb("#FF0000"), Some((1.0, 0.0, 0.0)));
    assert_eq!(hex_rgb(" 0f0 "), Some((0.0, 1.0, 0.0)));
    assert_eq!(hex_rgb("#12345"), None);
    assert_eq!(hex_rgb("red"), None);
}

#[tokio::test]
async fn formats_text_and_reports_a_bad_colour() {
    let server = MockServer::start().await;
    batch_mock(
        &server,
        json!([{"updateTextStyle": {
            "range": {"startIndex": 1, "endIndex": 6},
            "textStyle": {"bold": true, "fontSize": {"magnitude": 14, "unit": "PT"}},
            "fields": "bold,fontSize"
        }}]),
        json!({"documentId": "doc-1", "replies": [{}]}),
    )
    .await;
    let out = run_block_with(
        GoogleDocsFormatText,
        json!({"document": picked(), "start_index": 1, "end_index": 6, "bold": true,
               "font_size": 14, "foreground_color": "nope"}),
        rec(&server),
    )
    .await;
    assert_eq!(
        out[0],
        (
            "result".into(),
            json!({"success": true, "warning": "Ignored invalid foreground_color: 'nope'. Expected hex like #RGB or #RRGGBB."})
        )
    );
    let out = run_block_with(
        GoogleDocsFormatText,
        json!({"document": picked(), "start_index": 1, "end_index": 6, "foreground_color": "nope"}),
        rec(&server),
    )
    .await;
    assert_eq!(out[0].1["success"], json!(false));
    let out = run_block_with(
        GoogleDocsFormatText,
        json!({"document": picked(), "start_index": 6, "end_index": 6, "bold": true}),
        rec(&server),
    )
    .await;
    assert_eq!(error_of(&out), "Start index must be less than end index");
}

#[tokio::test]
async fn lists_segments_and_the_detailed_structure() {
    let server = MockServer::start().await;
    document_mock(&server).await;
    let out = run_block_with(
        GoogleDocsGetStructure,
        json!({"document": picked()}),
        rec(&server),
    )
    .await;
    assert_eq!(
        out,
        vec![
            (
                "segments".into(),
                json!([
                    {"type": "heading", "level": 1, "text": "Title", "start_index": 1, "end_index": 7},
                    {"type": "paragraph", "text": "Hello world", "start_index": 7, "end_index": 20},
                    {"type": "table", "rows": 2, "columns": 2, "start_index": 21, "end_index": 33}
                ])
            ),
            ("structure".into(), json!({})),
            ("document".into(), chained())
        ]
    );
    let out = run_block_with(
        GoogleDocsGetStructure,
        json!({"document": picked(), "detailed": true}),
        rec(&server),
    )
    .await;
    let body = &out[1].1["body"];
    assert_eq!(
        body[0],
        json!({"type": "section_break", "start_index": null, "end_index": 1})
    );
    assert_eq!(body[1]["style"], json!({"namedStyleType": "HEADING_1"}));
    assert_eq!(body[3]["text"], json!(""));
    assert_eq!(body[4]["row_count"], json!(2));
    assert_eq!(
        body[4]["rows"][0]["cells"][1],
        json!({"text": "", "start_index": 25, "end_index": 26})
    );
}

#[tokio::test]
async fn the_layout_blocks_meet_googles_error_answers() {
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
    check!(GoogleDocsInsertTable, json!({}), "Failed to insert table: ");
    check!(
        GoogleDocsFormatText,
        json!({"start_index": 1, "end_index": 3, "italic": true}),
        "Failed to format text: "
    );
    check!(
        GoogleDocsGetStructure,
        json!({}),
        "Failed to get document structure: "
    );
}
