//! The cell-shaping, notes and CSV blocks against a wiremock Sheets API v4, and every newer
//! Sheets block through Google's error answers.

use agentry_core::testing::run_block_with;
use serde_json::json;
use wiremock::matchers::{body_json, method, path, query_param};
use wiremock::{Mock, MockServer, ResponseTemplate};

use super::format::*;
use super::notes::*;
use super::rows_tests::{base, batch_mock, put_mock};
use super::tests::{ID, chained, metadata_mock, picked, rec, values_mock};
use super::transfer::*;
use crate::api::segment;
use crate::error_answers::assert_error_answers_prefixed;
use crate::testing::{error_of, oauth2};

#[tokio::test]
async fn formats_a_range_of_a_named_sheet() {
    let server = MockServer::start().await;
    metadata_mock(&server).await;
    let request = json!({"repeatCell": {
        "range": {"sheetId": 7, "startRowIndex": 0, "endRowIndex": 2, "startColumnIndex": 0, "endColumnIndex": 2},
        "cell": {"userEnteredFormat": {
            "backgroundColor": {"red": 1.0},
            "textFormat": {"bold": true, "fontSize": 12}
        }},
        "fields": "userEnteredFormat(backgroundColor,textFormat)"
    }});
    batch_mock(&server, json!([request]), json!([{}])).await;
    let out = run_block_with(
        GoogleSheetsFormat,
        json!({"spreadsheet": picked(), "range": "Q1 data!A1:B2",
               "background_color": {"red": 1.0}, "bold": true, "font_size": 12}),
        rec(&server),
    )
    .await;
    assert_eq!(
        out,
        vec![
            ("result".into(), json!({"success": true})),
            ("spreadsheet".into(), chained())
        ]
    );
    let out = run_block_with(
        GoogleSheetsFormat,
        json!({"spreadsheet": picked(), "range": "A1"}),
        rec(&server),
    )
    .await;
    assert_eq!(error_of(&out), "Invalid range format: A1");
}

#[tokio::test]
async fn adds_a_dropdown() {
    let server = MockServer::start().await;
    metadata_mock(&server).await;
    let request = json!({"setDataValidation": {
        "range": {"sheetId": 0, "startRowIndex": 1, "endRowIndex": 10, "startColumnIndex": 1, "endColumnIndex": 2},
        "rule": {
            "condition": {"type": "ONE_OF_LIST", "values": [{"userEnteredValue": "Yes"}, {"userEnteredValue": "No"}]},
            "strict": false,
            "showCustomUi": true
        }
    }});
    batch_mock(&server, json!([request]), json!([{}])).await;
    let out = run_block_with(
        GoogleSheetsAddDropdown,
        json!({"spreadsheet": picked(), "range": "b2:b10", "options": ["Yes", "No"], "strict": false}),
        rec(&server),
    )
    .await;
    assert_eq!(out[0], ("result".into(), json!({"success": true})));
    let out = run_block_with(
        GoogleSheetsAddDropdown,
        json!({"spreadsheet": picked(), "range": "B2:B10", "options": []}),
        rec(&server),
    )
    .await;
    assert_eq!(error_of(&out), "Options list cannot be empty");
}

#[tokio::test]
async fn protects_a_whole_sheet_and_names_a_range() {
    let server = MockServer::start().await;
    metadata_mock(&server).await;
    let protect = json!({"addProtectedRange": {"protectedRange": {
        "range": {"sheetId": 0}, "description": "Protected by automation", "warningOnly": true
    }}});
    batch_mock(
        &server,
        json!([protect]),
        json!([{"addProtectedRange": {"protectedRange": {"protectedRangeId": 42, "range": {"sheetId": 0}}}}]),
    )
    .await;
    let out = run_block_with(
        GoogleSheetsProtectRange,
        json!({"spreadsheet": picked(), "warning_only": true}),
        rec(&server),
    )
    .await;
    assert_eq!(out[1], ("protection_id".into(), json!(42)));
    let named = json!({"addNamedRange": {"namedRange": {"name": "Sales",
        "range": {"sheetId": 7, "startRowIndex": 0, "endRowIndex": 10, "startColumnIndex": 0, "endColumnIndex": 4}}}});
    batch_mock(
        &server,
        json!([named]),
        json!([{"addNamedRange": {"namedRange": {"namedRangeId": "nr-9", "name": "Sales"}}}]),
    )
    .await;
    let out = run_block_with(
        GoogleSheetsCreateNamedRange,
        json!({"spreadsheet": picked(), "sheet_name": "Q1 data", "name": "Sales", "range": "X!A1:D10"}),
        rec(&server),
    )
    .await;
    assert_eq!(
        out[..2],
        [
            ("result".into(), json!({"success": true})),
            ("named_range_id".into(), json!("nr-9"))
        ]
    );
    let out = run_block_with(
        GoogleSheetsCreateNamedRange,
        json!({"spreadsheet": picked(), "name": "Sales", "range": "A1"}),
        rec(&server),
    )
    .await;
    assert_eq!(
        error_of(&out),
        "Failed to create named range: Invalid range format: A1"
    );
}

#[tokio::test]
async fn adds_and_reads_notes() {
    let server = MockServer::start().await;
    Mock::given(method("GET"))
        .and(path(base()))
        .and(query_param("includeGridData", "true"))
        .and(query_param("ranges", "'Sheet1'!A1:C3"))
        .respond_with(ResponseTemplate::new(200).set_body_json(json!({
            "spreadsheetId": ID,
            "sheets": [{"properties": {"sheetId": 0, "title": "Sheet1"}, "data": [{
                "startRow": 1, "startColumn": 1,
                "rowData": [
                    {"values": [{"formattedValue": "x", "note": "check me"}, {}]},
                    {"values": [{}, {"note": "second"}]}
                ]
            }]}]
        })))
        .expect(1)
        .mount(&server)
        .await;
    metadata_mock(&server).await;
    let note = json!({"updateCells": {
        "rows": [{"values": [{"note": "Hello"}]}],
        "fields": "note",
        "start": {"sheetId": 0, "rowIndex": 4, "columnIndex": 2}
    }});
    batch_mock(&server, json!([note]), json!([{}])).await;
    let out = run_block_with(
        GoogleSheetsAddNote,
        json!({"spreadsheet": picked(), "cell": "c5", "note": "Hello"}),
        rec(&server),
    )
    .await;
    assert_eq!(out[0], ("result".into(), json!({"success": true})));
    let out = run_block_with(
        GoogleSheetsAddNote,
        json!({"spreadsheet": picked(), "cell": "5C", "note": "Hello"}),
        rec(&server),
    )
    .await;
    assert_eq!(
        error_of(&out),
        "Failed to add note: Invalid cell reference: 5C"
    );
    let out = run_block_with(
        GoogleSheetsGetNotes,
        json!({"spreadsheet": picked(), "range": "A1:C3"}),
        rec(&server),
    )
    .await;
    assert_eq!(
        out[..2],
        [
            (
                "notes".into(),
                json!([{"cell": "B2", "note": "check me"}, {"cell": "C3", "note": "second"}])
            ),
            ("count".into(), json!(2))
        ]
    );
}

#[tokio::test]
async fn exports_csv_as_python_writes_it() {
    let server = MockServer::start().await;
    metadata_mock(&server).await;
    values_mock(
        &server,
        "'Sheet1'",
        json!([["Name", "Note"], ["Alice", "hi, \"there\""], ["Bob"]]),
    )
    .await;
    let out = run_block_with(
        GoogleSheetsExportCsv,
        json!({"spreadsheet": picked()}),
        rec(&server),
    )
    .await;
    assert_eq!(
        out,
        vec![
            (
                "csv_data".into(),
                json!("Name,Note\r\nAlice,\"hi, \"\"there\"\"\"\r\nBob\r\n")
            ),
            ("row_count".into(), json!(3)),
            ("spreadsheet".into(), chained())
        ]
    );
    let out = run_block_with(
        GoogleSheetsExportCsv,
        json!({"spreadsheet": picked(), "include_headers": false}),
        rec(&server),
    )
    .await;
    assert_eq!(out[1], ("row_count".into(), json!(2)));
}

#[tokio::test]
async fn imports_csv_after_clearing() {
    let server = MockServer::start().await;
    metadata_mock(&server).await;
    Mock::given(method("POST"))
        .and(path(format!(
            "{}/values/{}:clear",
            base(),
            segment("'Sheet1'")
        )))
        .respond_with(
            ResponseTemplate::new(200)
                .set_body_json(json!({"spreadsheetId": ID, "clearedRange": "Sheet1!A1:Z1000"})),
        )
        .expect(1)
        .mount(&server)
        .await;
    put_mock(
        &server,
        "'Sheet1'!B2",
        "RAW",
        json!([["a", "b, c"], ["1", "2"]]),
    )
    .await;
    let out = run_block_with(
        GoogleSheetsImportCsv,
        json!({"spreadsheet": picked(), "csv_data": "a,\"b, c\"\n1,2\n",
               "start_cell": "B2", "clear_existing": true}),
        rec(&server),
    )
    .await;
    assert_eq!(
        out,
        vec![
            ("result".into(), json!({"success": true})),
            ("rows_imported".into(), json!(2)),
            ("spreadsheet".into(), chained())
        ]
    );
}

#[tokio::test]
async fn copies_a_sheet_to_another_spreadsheet() {
    let server = MockServer::start().await;
    metadata_mock(&server).await;
    Mock::given(method("POST"))
        .and(path(format!("{}/sheets/7:copyTo", base())))
        .and(body_json(json!({"destinationSpreadsheetId": "dest-9"})))
        .respond_with(ResponseTemplate::new(200).set_body_json(json!({
            "sheetId": 1234, "title": "Copy of Q1 data", "index": 2, "sheetType": "GRID"
        })))
        .expect(1)
        .mount(&server)
        .await;
    let out = run_block_with(
        GoogleSheetsCopyToSpreadsheet,
        json!({"source_spreadsheet": picked(), "source_sheet_name": "Q1 data",
               "destination_spreadsheet_id": "dest-9"}),
        rec(&server),
    )
    .await;
    assert_eq!(
        out,
        vec![
            ("result".into(), json!({"success": true})),
            ("new_sheet_id".into(), json!(1234)),
            ("new_sheet_name".into(), json!("Copy of Q1 data")),
            ("spreadsheet".into(), chained())
        ]
    );
    let out = run_block_with(
        GoogleSheetsCopyToSpreadsheet,
        json!({"destination_spreadsheet_id": "dest-9"}),
        rec(&server),
    )
    .await;
    assert_eq!(error_of(&out), "No source spreadsheet selected");
}

#[tokio::test]
async fn every_newer_sheets_block_meets_googles_error_answers() {
    use super::columns::*;
    use super::rows::*;
    use super::search::*;
    let body = json!({"error": {"code": 401, "message": "Request had invalid authentication credentials.",
                                "status": "UNAUTHENTICATED"}});
    macro_rules! check {
        ($block:expr, $input:expr, $prefix:expr) => {{
            let mut input = $input;
            input["spreadsheet"] = picked();
            assert_error_answers_prefixed(
                || $block,
                input,
                oauth2("google", "ya29.sheets", &[]),
                "google",
                body.clone(),
                "Request had invalid authentication credentials.",
                $prefix,
            )
            .await
        }};
    }
    check!(
        GoogleSheetsFind,
        json!({"find_text": "a"}),
        "Failed to find text in Google Sheet: "
    );
    check!(
        GoogleSheetsFormat,
        json!({"range": "A1:B2"}),
        "Failed to format Google Sheet cells: "
    );
    check!(
        GoogleSheetsFilterRows,
        json!({"filter_column": "A"}),
        "Failed to filter rows: "
    );
    check!(
        GoogleSheetsLookupRow,
        json!({"lookup_column": "A", "lookup_value": "x"}),
        "Failed to lookup row: "
    );
    check!(
        GoogleSheetsDeleteRows,
        json!({"row_indices": [2]}),
        "Failed to delete rows: "
    );
    check!(
        GoogleSheetsSort,
        json!({"sort_column": "A"}),
        "Failed to sort sheet: "
    );
    check!(
        GoogleSheetsInsertRow,
        json!({"row": ["a"], "row_index": 2}),
        "Failed to insert row: "
    );
    check!(
        GoogleSheetsAddColumn,
        json!({"header": "H"}),
        "Failed to add column: "
    );
    check!(
        GoogleSheetsRemoveDuplicates,
        json!({}),
        "Failed to remove duplicates: "
    );
    check!(
        GoogleSheetsUpdateRow,
        json!({"row_index": 2, "values": ["a"]}),
        "Failed to update row: "
    );
    check!(
        GoogleSheetsDeleteColumn,
        json!({"column": "A"}),
        "Failed to delete column: "
    );
    check!(
        GoogleSheetsCreateNamedRange,
        json!({"name": "N", "range": "A1:B2"}),
        "Failed to create named range: "
    );
    check!(
        GoogleSheetsAddDropdown,
        json!({"range": "A1:A2", "options": ["a"]}),
        "Failed to add dropdown: "
    );
    check!(
        GoogleSheetsProtectRange,
        json!({}),
        "Failed to protect range: "
    );
    check!(GoogleSheetsExportCsv, json!({}), "Failed to export CSV: ");
    check!(
        GoogleSheetsImportCsv,
        json!({"csv_data": "a,b"}),
        "Failed to import CSV: "
    );
    check!(
        GoogleSheetsAddNote,
        json!({"cell": "A1", "note": "n"}),
        "Failed to add note: "
    );
    check!(GoogleSheetsGetNotes, json!({}), "Failed to get notes: ");
    let mut copy = json!({"destination_spreadsheet_id": "d"});
    copy["source_spreadsheet"] = picked();
    assert_error_answers_prefixed(
        || GoogleSheetsCopyToSpreadsheet,
        copy,
        oauth2("google", "ya29.sheets", &[]),
        "google",
        body.clone(),
        "Request had invalid authentication credentials.",
        "Failed to copy sheet: ",
    )
    .await;
}
