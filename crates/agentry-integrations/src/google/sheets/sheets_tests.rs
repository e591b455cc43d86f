//! Sheets blocks against a wiremock Sheets API v4 (and Drive v3 for creating files).

use agentry_core::testing::run_block_with;
use serde_json::{Value, json};
use wiremock::matchers::{body_json, header, method, path, query_param};
use wiremock::{Mock, MockServer, ResponseTemplate};

use super::edit::*;
use super::read::*;
use super::structure::*;
use super::*;
use crate::api::segment;
use crate::testing::{CRED_ID, error_of, oauth2, recorder};

pub(super) const ID: &str = "sheet-123";
const BASE: &str = "/v4/spreadsheets/sheet-123";

pub(super) fn picked() -> Value {
    json!({"id": ID, "name": "Budget", "mimeType": SPREADSHEET_MIME, "_credentials_id": CRED_ID})
}

pub(super) fn chained() -> Value {
    serde_json::to_value(spreadsheet_file(
        ID,
        Some("Budget".into()),
        Some(CRED_ID.into()),
    ))
    .unwrap()
}

pub(super) fn rec(server: &MockServer) -> agentry_core::testing::Recorder {
    recorder(server, oauth2("google", "ya29.sheets", &[]))
}

pub(super) async fn metadata_mock(server: &MockServer) {
    Mock::given(method("GET"))
        .and(path(BASE))
        .and(header("authorization", "Bearer ya29.sheets"))
        .respond_with(ResponseTemplate::new(200).set_body_json(json!({
            "spreadsheetId": ID,
            "properties": {"title": "Budget"},
            "sheets": [
                {"properties": {"sheetId": 0, "title": "Sheet1", "gridProperties": {"rowCount": 1000, "columnCount": 26}}},
                {"properties": {"sheetId": 7, "title": "Q1 data", "gridProperties": {"rowCount": 10, "columnCount": 3}}}
            ],
            "namedRanges": [{"namedRangeId": "nr1", "name": "Totals",
                "range": {"sheetId": 7, "startRowIndex": 0, "endRowIndex": 5, "startColumnIndex": 1, "endColumnIndex": 3}}]
        })))
        .mount(server)
        .await;
}

pub(super) async fn values_mock(server: &MockServer, range: &str, rows: Value) {
    Mock::given(method("GET"))
        .and(path(format!("{BASE}/values/{}", segment(range))))
        .respond_with(
            ResponseTemplate::new(200)
                .set_body_json(json!({"range": range, "majorDimension": "ROWS", "values": rows})),
        )
        .mount(server)
        .await;
}

#[test]
fn helpers_match_autogpt() {
    assert_eq!(format_sheet_name("Sheet1"), "Sheet1");
    assert_eq!(
        format_sheet_name("Non-matching Leads"),
        "'Non-matching Leads'"
    );
    assert_eq!(format_sheet_name("2024"), "'2024'");
    assert_eq!(column_index("A"), Some(0));
    assert_eq!(column_index("ab"), Some(27));
    assert_eq!(column_letter(27), "AB");
    assert_eq!(parse_a1("S!A1:B2"), (Some("S"), "A1:B2"));
}

#[tokio::test]
async fn reads_a_range_and_chains_the_spreadsheet() {
    let server = MockServer::start().await;
    values_mock(
        &server,
        "'Q1 data'!A1:B2",
        json!([["Name", "Score"], ["Alice", "85"]]),
    )
    .await;
    let out = run_block_with(
        GoogleSheetsRead,
        json!({"spreadsheet": picked(), "range": "Q1 data!A1:B2"}),
        rec(&server),
    )
    .await;
    assert_eq!(
        out,
        vec![
            ("result".into(), json!([["Name", "Score"], ["Alice", "85"]])),
            ("spreadsheet".into(), chained()),
        ]
    );
}

#[tokio::test]
async fn refuses_files_that_are_not_spreadsheets() {
    let server = MockServer::start().await;
    let csv =
        json!({"id": "f", "name": "data.csv", "mimeType": "text/csv", "_credentials_id": CRED_ID});
    let out = run_block_with(
        GoogleSheetsRead,
        json!({"spreadsheet": csv, "range": "A1"}),
        rec(&server),
    )
    .await;
    assert!(
        error_of(&out).starts_with("Cannot use CSV file 'data.csv'"),
        "{out:?}"
    );
    let out = run_block_with(GoogleSheetsRead, json!({"range": "A1"}), rec(&server)).await;
    assert_eq!(error_of(&out), "No spreadsheet selected");
}

#[tokio::test]
async fn metadata_named_ranges_columns_and_row_counts() {
    let server = MockServer::start().await;
    metadata_mock(&server).await;
    values_mock(
        &server,
        "Sheet1",
        json!([["Name", "Email"], ["Ann", "a@x.io"], ["Bo", ""], [""]]),
    )
    .await;
    let out = run_block_with(
        GoogleSheetsMetadata,
        json!({"spreadsheet": picked()}),
        rec(&server),
    )
    .await;
    assert_eq!(out[0].1["title"], "Budget");
    assert_eq!(
        out[0].1["sheets"][1],
        json!({"title": "Q1 data", "sheetId": 7, "gridProperties": {"rowCount": 10, "columnCount": 3}})
    );
    let out = run_block_with(
        GoogleSheetsListNamedRanges,
        json!({"spreadsheet": picked()}),
        rec(&server),
    )
    .await;
    assert_eq!(
        out[0],
        (
            "named_ranges".into(),
            json!([{"name": "Totals", "id": "nr1", "range": "Q1 data!B1:C5"}])
        )
    );
    assert_eq!(out[1], ("count".into(), json!(1)));
    let out = run_block_with(
        GoogleSheetsGetColumn,
        json!({"spreadsheet": picked(), "column": "email", "skip_empty": true}),
        rec(&server),
    )
    .await;
    assert_eq!(
        out[..3],
        [
            ("values".into(), json!(["a@x.io"])),
            ("count".into(), json!(1)),
            ("column_index".into(), json!(1))
        ]
    );
    let out = run_block_with(
        GoogleSheetsGetColumn,
        json!({"spreadsheet": picked(), "column": "Z"}),
        rec(&server),
    )
    .await;
    assert!(
        error_of(&out).starts_with("Failed to get column: Column 'Z' (index 25) is out of range"),
        "{out:?}"
    );
    let out = run_block_with(
        GoogleSheetsGetRowCount,
        json!({"spreadsheet": picked()}),
        rec(&server),
    )
    .await;
    assert_eq!(
        out[..4],
        [
            ("total_rows".into(), json!(3)),
            ("data_rows".into(), json!(2)),
            ("last_row".into(), json!(3)),
            ("column_count".into(), json!(2))
        ]
    );
    let out = run_block_with(
        GoogleSheetsGetRowCount,
        json!({"spreadsheet": picked(), "sheet_name": "Nope"}),
        rec(&server),
    )
    .await;
    assert!(
        error_of(&out).contains("Sheet \"Nope\" not found in spreadsheet"),
        "{out:?}"
    );
}

#[tokio::test]
async fn writes_appends_updates_and_clears() {
    let server = MockServer::start().await;
    metadata_mock(&server).await;
    let counts = json!({"spreadsheetId": ID, "updatedRange": "Sheet1!A1:B2", "updatedRows": 2, "updatedColumns": 2, "updatedCells": 4});
    Mock::given(method("PUT"))
        .and(path(format!("{BASE}/values/{}", segment("Sheet1!A1:B2"))))
        .and(query_param("valueInputOption", "USER_ENTERED"))
        .and(body_json(
            json!({"values": [["Name", "Score"], ["Bob", "90"]]}),
        ))
        .respond_with(ResponseTemplate::new(200).set_body_json(counts.clone()))
        .mount(&server)
        .await;
    Mock::given(method("POST"))
        .and(path(format!("{BASE}/values/{}:append", segment("Sheet1!A1"))))
        .and(query_param("valueInputOption", "RAW"))
        .and(query_param("insertDataOption", "INSERT_ROWS"))
        .and(body_json(json!({"values": [["Ann", "3"]]})))
        .respond_with(ResponseTemplate::new(200).set_body_json(json!({"spreadsheetId": ID, "tableRange": "Sheet1!A1:B4",
            "updates": {"updatedRange": "Sheet1!A5:B5", "updatedRows": 1, "updatedColumns": 2, "updatedCells": 2}})))
        .mount(&server)
        .await;
    Mock::given(method("POST"))
        .and(path(format!(
            "{BASE}/values/{}:clear",
            segment("Sheet1!A1:B2")
        )))
        .respond_with(
            ResponseTemplate::new(200)
                .set_body_json(json!({"spreadsheetId": ID, "clearedRange": "Sheet1!A1:B2"})),
        )
        .mount(&server)
        .await;
    let out = run_block_with(
        GoogleSheetsWrite,
        json!({"spreadsheet": picked(), "range": "Sheet1!A1:B2", "values": [["Name", "Score"], ["Bob", "90"]]}),
        rec(&server),
    )
    .await;
    assert_eq!(
        out,
        vec![("result".into(), counts), ("spreadsheet".into(), chained())]
    );
    let out = run_block_with(
        GoogleSheetsAppendRow,
        json!({"spreadsheet": picked(), "row": ["Ann", "3"], "value_input_option": "RAW"}),
        rec(&server),
    )
    .await;
    assert_eq!(
        out[0],
        (
            "result".into(),
            json!({"updatedCells": 2, "updatedRows": 1, "updatedColumns": 2})
        )
    );
    let out = run_block_with(
        GoogleSheetsAppendRow,
        json!({"spreadsheet": picked(), "row": []}),
        rec(&server),
    )
    .await;
    assert_eq!(error_of(&out), "Row data is required");
    Mock::given(method("PUT"))
        .and(path(format!("{BASE}/values/{}", segment("Sheet1!C3"))))
        .and(query_param("valueInputOption", "USER_ENTERED"))
        .and(body_json(json!({"values": [["x"]]})))
        .respond_with(
            ResponseTemplate::new(200)
                .set_body_json(json!({"updatedRows": 1, "updatedColumns": 1, "updatedCells": 1})),
        )
        .mount(&server)
        .await;
    let out = run_block_with(
        GoogleSheetsUpdateCell,
        json!({"spreadsheet": picked(), "cell": "Sheet1!C3", "value": "x"}),
        rec(&server),
    )
    .await;
    assert_eq!(
        out[0],
        (
            "result".into(),
            json!({"updatedCells": 1, "updatedRows": 1, "updatedColumns": 1})
        )
    );
    let out = run_block_with(
        GoogleSheetsClear,
        json!({"spreadsheet": picked(), "range": "Sheet1!A1:B2"}),
        rec(&server),
    )
    .await;
    assert_eq!(out[0].1["clearedRange"], "Sheet1!A1:B2");
}

#[tokio::test]
async fn batch_operations_manage_sheets_and_find_replace() {
    let server = MockServer::start().await;
    metadata_mock(&server).await;
    Mock::given(method("POST"))
        .and(path(format!("{BASE}/values:batchUpdate")))
        .and(body_json(json!({"valueInputOption": "USER_ENTERED", "data": [{"range": "A1", "values": [["1"]]}]})))
        .respond_with(ResponseTemplate::new(200).set_body_json(json!({"totalUpdatedCells": 1})))
        .mount(&server)
        .await;
    Mock::given(method("POST"))
        .and(path(format!("{BASE}/values:batchClear")))
        .and(body_json(json!({"ranges": ["B1:B9"]})))
        .respond_with(
            ResponseTemplate::new(200).set_body_json(json!({"clearedRanges": ["Sheet1!B1:B9"]})),
        )
        .mount(&server)
        .await;
    Mock::given(method("POST"))
        .and(path(format!("{BASE}:batchUpdate")))
        .and(body_json(
            json!({"requests": [{"deleteSheet": {"sheetId": 7}}]}),
        ))
        .respond_with(
            ResponseTemplate::new(200).set_body_json(json!({"spreadsheetId": ID, "replies": [{}]})),
        )
        .mount(&server)
        .await;
    Mock::given(method("POST"))
        .and(path(format!("{BASE}:batchUpdate")))
        .and(body_json(
            json!({"requests": [{"findReplace": {"find": "a", "replacement": "b",
            "matchCase": false, "matchEntireCell": false, "allSheets": true}}]}),
        ))
        .respond_with(
            ResponseTemplate::new(200).set_body_json(json!({"spreadsheetId": ID,
            "replies": [{"findReplace": {"valuesChanged": 3, "occurrencesChanged": 3}}]})),
        )
        .mount(&server)
        .await;
    let out = run_block_with(
        GoogleSheetsBatchOperations,
        json!({"spreadsheet": picked(), "operations": [
            {"type": "update", "range": "A1", "values": [["1"]]}, {"type": "clear", "range": "B1:B9"}]}),
        rec(&server),
    )
    .await;
    assert_eq!(
        out[0].1,
        json!({"updateResult": {"totalUpdatedCells": 1}, "clearResult": {"clearedRanges": ["Sheet1!B1:B9"]}})
    );
    let out = run_block_with(
        GoogleSheetsManageSheet,
        json!({"spreadsheet": picked(), "operation": "delete", "sheet_name": "Q1 data"}),
        rec(&server),
    )
    .await;
    assert_eq!(out[0].1["success"], true);
    let out = run_block_with(
        GoogleSheetsFindReplace,
        json!({"spreadsheet": picked(), "find_text": "a", "replace_text": "b"}),
        rec(&server),
    )
    .await;
    assert_eq!(out[0].1["replies"][0]["findReplace"]["valuesChanged"], 3);
}

#[tokio::test]
async fn creates_a_spreadsheet_through_drive() {
    let server = MockServer::start().await;
    Mock::given(method("POST"))
        .and(path("/drive/v3/files"))
        .and(body_json(
            json!({"name": "Plan", "mimeType": SPREADSHEET_MIME}),
        ))
        .respond_with(ResponseTemplate::new(200).set_body_json(json!({"id": ID,
            "webViewLink": "https://docs.google.com/spreadsheets/d/sheet-123/edit?usp=drivesdk"})))
        .mount(&server)
        .await;
    metadata_mock(&server).await;
    Mock::given(method("POST"))
        .and(path(format!("{BASE}:batchUpdate")))
        .respond_with(
            ResponseTemplate::new(200).set_body_json(json!({"spreadsheetId": ID, "replies": [{}]})),
        )
        .expect(2)
        .mount(&server)
        .await;
    let out = run_block_with(
        GoogleSheetsCreateSpreadsheet,
        json!({"credentials": crate::testing::meta("google", "oauth2"), "title": "Plan", "sheet_names": ["Leads", "Done"]}),
        rec(&server),
    )
    .await;
    let names: Vec<&str> = out.iter().map(|(p, _)| p.as_str()).collect();
    assert_eq!(
        names,
        ["spreadsheet", "spreadsheet_id", "spreadsheet_url", "result"]
    );
    assert_eq!(out[1].1, ID);
    assert_eq!(out[0].1["_credentials_id"], CRED_ID);
}

#[tokio::test]
async fn provider_errors_reach_the_error_pin() {
    let server = MockServer::start().await;
    for (status, code) in [
        (403, "PERMISSION_DENIED"),
        (404, "NOT_FOUND"),
        (429, "RESOURCE_EXHAUSTED"),
        (503, "UNAVAILABLE"),
    ] {
        Mock::given(method("GET"))
            .and(path(format!("/v4/spreadsheets/s{status}/values/A1")))
            .respond_with(
                ResponseTemplate::new(status).set_body_json(json!({"error": {"code": status,
                "message": format!("The request failed: {code}"), "status": code}})),
            )
            .mount(&server)
            .await;
    }
    for status in [403, 404, 429, 503] {
        let mut file = picked();
        file["id"] = json!(format!("s{status}"));
        let out = run_block_with(
            GoogleSheetsRead,
            json!({"spreadsheet": file, "range": "A1"}),
            rec(&server),
        )
        .await;
        let error = error_of(&out);
        assert!(
            error.starts_with("Failed to read Google Sheet: google"),
            "{error}"
        );
        match status {
            403 => assert!(error.contains("refused the credentials (403)")),
            404 => {
                assert!(error.contains("rejected the request (404): The request failed: NOT_FOUND"))
            }
            429 => assert!(error.contains("rate limiting")),
            _ => assert!(error.contains("failed (503)")),
        }
        assert!(!error.contains("ya29"), "{error}");
    }
}
