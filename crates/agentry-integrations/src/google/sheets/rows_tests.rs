//! The row and column blocks against a wiremock Sheets API v4: the requests they send
//! (`values.get`, `values.update`, `batchUpdate`) and what they yield.

use agentry_core::testing::run_block_with;
use serde_json::{Value, json};
use wiremock::matchers::{body_json, method, path, query_param};
use wiremock::{Mock, MockServer, ResponseTemplate};

use super::columns::*;
use super::rows::*;
use super::search::*;
use super::tests::{ID, chained, metadata_mock, picked, rec, values_mock};
use crate::api::segment;
use crate::testing::error_of;

pub(super) fn base() -> String {
    format!("/v4/spreadsheets/{ID}")
}

/// `spreadsheets.batchUpdate` answering `replies`, expected once with exactly `requests`.
pub(super) async fn batch_mock(server: &MockServer, requests: Value, replies: Value) {
    Mock::given(method("POST"))
        .and(path(format!("{}:batchUpdate", base())))
        .and(body_json(json!({ "requests": requests })))
        .respond_with(
            ResponseTemplate::new(200)
                .set_body_json(json!({"spreadsheetId": ID, "replies": replies})),
        )
        .expect(1)
        .mount(server)
        .await;
}

/// `values.update` of `range`, expected once with exactly `values`.
pub(super) async fn put_mock(server: &MockServer, range: &str, option: &str, values: Value) {
    Mock::given(method("PUT"))
        .and(path(format!("{}/values/{}", base(), segment(range))))
        .and(query_param("valueInputOption", option))
        .and(body_json(json!({ "values": values })))
        .respond_with(ResponseTemplate::new(200).set_body_json(json!({
            "spreadsheetId": ID, "updatedRange": range, "updatedRows": 1, "updatedCells": 1
        })))
        .expect(1)
        .mount(server)
        .await;
}

fn people() -> Value {
    json!([
        ["Name", "Score", "Status"],
        ["Alice", "85", "Active"],
        ["Bob", "72", "inactive"],
        ["alice", "90", "Active"]
    ])
}

async fn people_sheet() -> MockServer {
    let server = MockServer::start().await;
    metadata_mock(&server).await;
    values_mock(&server, "Sheet1", people()).await;
    values_mock(&server, "Sheet1!1:1", json!([["Name", "Score", "Status"]])).await;
    server
}

#[test]
fn filters_compare_numbers_as_numbers() {
    use FilterOperator::*;
    assert!(apply_filter("85", "9", GreaterThan, false));
    assert!(!apply_filter("abc", "b", GreaterThan, false));
    assert!(apply_filter("ABC", "b", LessThan, false));
    assert!(apply_filter(" ", "", IsEmpty, false));
    assert!(!apply_filter("Active", "active", Equals, true));
    assert!(apply_filter("inactive", "ACT", Contains, false));
    assert!(apply_filter("10", "10.0", GreaterThanOrEqual, false));
}

#[tokio::test]
async fn filters_rows_and_names_a_missing_column() {
    let server = people_sheet().await;
    let out = run_block_with(
        GoogleSheetsFilterRows,
        json!({"spreadsheet": picked(), "filter_column": "score",
               "filter_value": "80", "operator": "greater_than"}),
        rec(&server),
    )
    .await;
    let p = people();
    assert_eq!(
        out,
        vec![
            ("rows".into(), json!([p[0], p[1], p[3]])),
            ("row_indices".into(), json!([2, 4])),
            ("count".into(), json!(2)),
            ("spreadsheet".into(), chained()),
        ]
    );
    let out = run_block_with(
        GoogleSheetsFilterRows,
        json!({"spreadsheet": picked(), "filter_column": "C", "filter_value": "Active",
               "match_case": true, "include_header": false}),
        rec(&server),
    )
    .await;
    assert_eq!(out[0].1, json!([p[1], p[3]]));
    let out = run_block_with(
        GoogleSheetsFilterRows,
        json!({"spreadsheet": picked(), "filter_column": "Email"}),
        rec(&server),
    )
    .await;
    assert_eq!(
        error_of(&out),
        "Failed to filter rows: Column 'Email' not found. Available columns: ['Name', 'Score', 'Status']"
    );
}

#[tokio::test]
async fn looks_up_the_first_matching_row() {
    let server = people_sheet().await;
    let out = run_block_with(
        GoogleSheetsLookupRow,
        json!({"spreadsheet": picked(), "lookup_column": "Name", "lookup_value": "ALICE",
               "return_columns": ["status", "B"]}),
        rec(&server),
    )
    .await;
    assert_eq!(
        out[..4],
        [
            ("row".into(), json!(["Active", "85"])),
            (
                "row_dict".into(),
                json!({"Status": "Active", "Score": "85"})
            ),
            ("row_index".into(), json!(2)),
            ("found".into(), json!(true)),
        ]
    );
    let out = run_block_with(
        GoogleSheetsLookupRow,
        json!({"spreadsheet": picked(), "lookup_column": "A", "lookup_value": "alice",
               "match_case": true}),
        rec(&server),
    )
    .await;
    assert_eq!(out[0].1, json!(["alice", "90", "Active"]));
    assert_eq!(out[2].1, json!(4));
    let out = run_block_with(
        GoogleSheetsLookupRow,
        json!({"spreadsheet": picked(), "lookup_column": "Name", "lookup_value": "Zed"}),
        rec(&server),
    )
    .await;
    assert_eq!(out[3], ("found".into(), json!(false)));
    let out = run_block_with(
        GoogleSheetsLookupRow,
        json!({"spreadsheet": picked(), "lookup_column": "Name", "lookup_value": "x",
               "return_columns": ["Z"]}),
        rec(&server),
    )
    .await;
    assert_eq!(
        error_of(&out),
        "Failed to lookup row: Return column 'Z' (index 25) is out of range. Sheet only has 3 columns (A-C)."
    );
}

#[tokio::test]
async fn deletes_rows_bottom_up_once_each() {
    let server = MockServer::start().await;
    metadata_mock(&server).await;
    let delete = |i: i64| json!({"deleteDimension": {"range": {"sheetId": 7, "dimension": "ROWS", "startIndex": i, "endIndex": i + 1}}});
    batch_mock(&server, json!([delete(4), delete(1)]), json!([{}, {}])).await;
    let out = run_block_with(
        GoogleSheetsDeleteRows,
        json!({"spreadsheet": picked(), "sheet_name": "Q1 data", "row_indices": [2, 5, 5]}),
        rec(&server),
    )
    .await;
    assert_eq!(
        out[..2],
        [
            ("result".into(), json!({"success": true})),
            ("deleted_count".into(), json!(2))
        ]
    );
    let out = run_block_with(
        GoogleSheetsDeleteRows,
        json!({"spreadsheet": picked(), "row_indices": [0]}),
        rec(&server),
    )
    .await;
    assert!(error_of(&out).contains("Row index 0 is invalid"), "{out:?}");
}

#[tokio::test]
async fn inserts_a_row_then_writes_it() {
    let server = MockServer::start().await;
    metadata_mock(&server).await;
    let insert = json!({"insertDimension": {"range": {"sheetId": 0, "dimension": "ROWS", "startIndex": 1, "endIndex": 2}, "inheritFromBefore": true}});
    batch_mock(&server, json!([insert]), json!([{}])).await;
    put_mock(&server, "Sheet1!A2", "RAW", json!([["Dee", "77"]])).await;
    let out = run_block_with(
        GoogleSheetsInsertRow,
        json!({"spreadsheet": picked(), "row": ["Dee", "77"], "row_index": 2,
               "value_input_option": "RAW"}),
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
        GoogleSheetsInsertRow,
        json!({"spreadsheet": picked(), "row": [], "row_index": 2}),
        rec(&server),
    )
    .await;
    assert_eq!(error_of(&out), "Row data is required");
}

#[tokio::test]
async fn updates_a_row_from_a_dict_keeping_other_cells() {
    let server = people_sheet().await;
    values_mock(&server, "Sheet1!3:3", json!([["Bob", "72"]])).await;
    put_mock(
        &server,
        "Sheet1!A3",
        "USER_ENTERED",
        json!([["Bob", "72", "Active"]]),
    )
    .await;
    let out = run_block_with(
        GoogleSheetsUpdateRow,
        json!({"spreadsheet": picked(), "row_index": 3, "dict_values": {"status": "Active"}}),
        rec(&server),
    )
    .await;
    assert_eq!(
        out[0],
        ("result".into(), json!({"success": true, "updatedCells": 1}))
    );
    let out = run_block_with(
        GoogleSheetsUpdateRow,
        json!({"spreadsheet": picked(), "row_index": 3, "dict_values": {"Email": "x"}}),
        rec(&server),
    )
    .await;
    assert_eq!(
        error_of(&out),
        "Failed to update row: Column 'Email' not found in sheet. Available columns: Name, Score, Status"
    );
    let out = run_block_with(
        GoogleSheetsUpdateRow,
        json!({"spreadsheet": picked(), "row_index": 3}),
        rec(&server),
    )
    .await;
    assert_eq!(
        error_of(&out),
        "Either values or dict_values must be provided"
    );
}

#[test]
fn duplicates_keep_the_first_or_the_last() {
    let rows: Vec<Vec<Value>> = serde_json::from_value(json!([
        ["Name", "N"],
        ["a", "1"],
        ["A", "2"],
        ["b", "3"],
        ["a", "4"]
    ]))
    .unwrap();
    assert_eq!(duplicate_rows(&rows, &[0], false, "first"), vec![3, 5]);
    assert_eq!(duplicate_rows(&rows, &[0], false, "last"), vec![2, 3]);
    assert_eq!(duplicate_rows(&rows, &[0], true, "first"), vec![5]);
    assert!(duplicate_rows(&rows, &[0, 1], false, "first").is_empty());
}

#[tokio::test]
async fn removes_duplicate_rows() {
    let server = people_sheet().await;
    let delete = json!({"deleteDimension": {"range": {"sheetId": 0, "dimension": "ROWS", "startIndex": 3, "endIndex": 4}}});
    batch_mock(&server, json!([delete]), json!([{}])).await;
    let out = run_block_with(
        GoogleSheetsRemoveDuplicates,
        json!({"spreadsheet": picked(), "columns": ["name"]}),
        rec(&server),
    )
    .await;
    assert_eq!(
        out[..3],
        [
            ("result".into(), json!({"success": true})),
            ("removed_count".into(), json!(1)),
            ("remaining_rows".into(), json!(3))
        ]
    );
}

#[tokio::test]
async fn adds_a_column_before_a_letter_and_fills_it() {
    let server = people_sheet().await;
    let insert = json!({"insertDimension": {"range": {"sheetId": 0, "dimension": "COLUMNS", "startIndex": 1, "endIndex": 2}, "inheritFromBefore": true}});
    batch_mock(&server, json!([insert]), json!([{}])).await;
    put_mock(&server, "Sheet1!B1", "USER_ENTERED", json!([["Email"]])).await;
    put_mock(
        &server,
        "Sheet1!B2:B4",
        "USER_ENTERED",
        json!([["n/a"], ["n/a"], ["n/a"]]),
    )
    .await;
    let out = run_block_with(
        GoogleSheetsAddColumn,
        json!({"spreadsheet": picked(), "header": "Email", "position": "b", "default_value": "n/a"}),
        rec(&server),
    )
    .await;
    assert_eq!(
        out[..3],
        [
            ("result".into(), json!({"success": true})),
            ("column_letter".into(), json!("B")),
            ("column_index".into(), json!(1))
        ]
    );
    let out = run_block_with(
        GoogleSheetsAddColumn,
        json!({"spreadsheet": picked(), "header": "X", "position": "after"}),
        rec(&server),
    )
    .await;
    assert_eq!(
        error_of(&out),
        "Failed to add column: Invalid position: 'after'. Use 'end' or a column letter."
    );
}

#[tokio::test]
async fn adds_a_column_at_the_end() {
    let server = people_sheet().await;
    put_mock(&server, "Sheet1!D1", "USER_ENTERED", json!([["Email"]])).await;
    let out = run_block_with(
        GoogleSheetsAddColumn,
        json!({"spreadsheet": picked(), "header": "Email"}),
        rec(&server),
    )
    .await;
    assert_eq!(out[1], ("column_letter".into(), json!("D")));
    assert_eq!(out[2], ("column_index".into(), json!(3)));
}

#[tokio::test]
async fn deletes_a_column_by_header() {
    let server = people_sheet().await;
    let delete = json!({"deleteDimension": {"range": {"sheetId": 0, "dimension": "COLUMNS", "startIndex": 1, "endIndex": 2}}});
    batch_mock(&server, json!([delete]), json!([{}])).await;
    let out = run_block_with(
        GoogleSheetsDeleteColumn,
        json!({"spreadsheet": picked(), "column": "SCORE"}),
        rec(&server),
    )
    .await;
    assert_eq!(out[0], ("result".into(), json!({"success": true})));
    let out = run_block_with(
        GoogleSheetsDeleteColumn,
        json!({"spreadsheet": picked(), "column": "Email"}),
        rec(&server),
    )
    .await;
    assert_eq!(
        error_of(&out),
        "Failed to delete column: Column 'Email' not found"
    );
}

#[tokio::test]
async fn sorts_below_the_header_by_two_columns() {
    let server = people_sheet().await;
    let sort = json!({"sortRange": {
        "range": {"sheetId": 0, "startRowIndex": 1, "endRowIndex": 1000, "startColumnIndex": 0, "endColumnIndex": 26},
        "sortSpecs": [{"dimensionIndex": 1, "sortOrder": "DESCENDING"}, {"dimensionIndex": 0, "sortOrder": "ASCENDING"}]
    }});
    batch_mock(&server, json!([sort]), json!([{}])).await;
    let out = run_block_with(
        GoogleSheetsSort,
        json!({"spreadsheet": picked(), "sort_column": "Score", "sort_order": "descending",
               "secondary_column": "A"}),
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
        GoogleSheetsSort,
        json!({"spreadsheet": picked(), "sort_column": "Date"}),
        rec(&server),
    )
    .await;
    assert_eq!(
        error_of(&out),
        "Failed to sort sheet: Sort column 'Date' not found. Available: ['Name', 'Score', 'Status']"
    );
}

#[tokio::test]
async fn finds_text_across_sheets_and_in_a_range() {
    let server = MockServer::start().await;
    metadata_mock(&server).await;
    values_mock(&server, "'Sheet1'", people()).await;
    values_mock(&server, "'Q1 data'", json!([["Total", "alice's"]])).await;
    values_mock(&server, "'Sheet1'!B2:C4", json!([["85", "Active"]])).await;
    let out = run_block_with(
        GoogleSheetsFind,
        json!({"spreadsheet": picked(), "find_text": "alice"}),
        rec(&server),
    )
    .await;
    let at = |sheet: &str, row: i64, column: i64, address: &str, value: &str| json!({"sheet": sheet, "row": row, "column": column, "address": address, "value": value});
    assert_eq!(
        out,
        vec![
            ("count".into(), json!(3)),
            (
                "locations".into(),
                json!([
                    at("Sheet1", 2, 1, "A2", "Alice"),
                    at("Sheet1", 4, 1, "A4", "alice"),
                    at("Q1 data", 1, 2, "B1", "alice's")
                ])
            ),
            ("result".into(), json!({"success": true})),
            ("spreadsheet".into(), chained()),
        ]
    );
    let out = run_block_with(
        GoogleSheetsFind,
        json!({"spreadsheet": picked(), "find_text": "Active", "match_case": true,
               "match_entire_cell": true, "find_all": false, "range": "B2:C4"}),
        rec(&server),
    )
    .await;
    assert_eq!(out[0], ("count".into(), json!(1)));
    assert_eq!(out[1].1, json!([at("Sheet1", 2, 3, "C2", "Active")]));
}
