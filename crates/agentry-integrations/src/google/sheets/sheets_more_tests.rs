//! Sheets sharing (Drive permissions) and row queries against wiremock.

use agentry_core::testing::run_block_with;
use serde_json::json;
use wiremock::matchers::{body_json, method, path, query_param};
use wiremock::{Mock, MockServer, ResponseTemplate};

use super::tests::{ID, chained, metadata_mock, picked, rec, values_mock};
use crate::testing::error_of;

#[tokio::test]
async fn shares_by_link_and_makes_private() {
    use super::sharing::*;
    let server = MockServer::start().await;
    let permissions = format!("/drive/v3/files/{ID}/permissions");
    Mock::given(method("POST"))
        .and(path(permissions.clone()))
        .and(body_json(json!({"type": "anyone", "role": "reader"})))
        .respond_with(ResponseTemplate::new(200).set_body_json(json!({"kind": "drive#permission", "id": "anyoneWithLink", "type": "anyone", "role": "reader"})))
        .expect(1)
        .mount(&server)
        .await;
    Mock::given(method("POST"))
        .and(path(permissions.clone()))
        .and(query_param("sendNotificationEmail", "false"))
        .and(body_json(
            json!({"type": "user", "role": "writer", "emailAddress": "bo@example.com"}),
        ))
        .respond_with(
            ResponseTemplate::new(200)
                .set_body_json(json!({"id": "p-bo", "type": "user", "role": "writer"})),
        )
        .expect(1)
        .mount(&server)
        .await;
    Mock::given(method("GET"))
        .and(path(permissions.clone()))
        .respond_with(ResponseTemplate::new(200).set_body_json(json!({"permissions": [
            {"id": "p-owner", "type": "user", "role": "owner"}, {"id": "anyoneWithLink", "type": "anyone", "role": "reader"}]})))
        .mount(&server)
        .await;
    Mock::given(method("DELETE"))
        .and(path(format!("{permissions}/anyoneWithLink")))
        .respond_with(ResponseTemplate::new(204))
        .expect(1)
        .mount(&server)
        .await;
    // Writers cannot be "anyone": the link is shared for reading.
    let out = run_block_with(
        GoogleSheetsShareSpreadsheet,
        json!({"spreadsheet": picked(), "role": "writer"}),
        rec(&server),
    )
    .await;
    assert_eq!(
        out[1],
        (
            "share_link".into(),
            json!("https://docs.google.com/spreadsheets/d/sheet-123/edit?usp=sharing")
        )
    );
    let out = run_block_with(
        GoogleSheetsShareSpreadsheet,
        json!({"spreadsheet": picked(), "email": "bo@example.com", "role": "writer", "send_notification": false}),
        rec(&server),
    )
    .await;
    assert_eq!(out[0], ("result".into(), json!({"success": true})));
    let out = run_block_with(
        GoogleSheetsSetPublicAccess,
        json!({"spreadsheet": picked(), "public": false}),
        rec(&server),
    )
    .await;
    assert_eq!(
        out[0],
        (
            "result".into(),
            json!({"success": true, "is_public": false})
        )
    );
    assert_eq!(out[2], ("spreadsheet".into(), chained()));
}

#[tokio::test]
async fn gets_a_row_and_unique_values() {
    use super::query::*;
    let server = MockServer::start().await;
    metadata_mock(&server).await;
    values_mock(&server, "Sheet1!1:1", json!([["Name", "Team"]])).await;
    values_mock(&server, "Sheet1!3:3", json!([["Bo"]])).await;
    values_mock(
        &server,
        "Sheet1",
        json!([
            ["Name", "Team"],
            ["Ann", "red"],
            ["Bo", "blue"],
            ["Cy", "red"],
            ["Di", ""]
        ]),
    )
    .await;
    let out = run_block_with(
        GoogleSheetsGetRow,
        json!({"spreadsheet": picked(), "row_index": 3}),
        rec(&server),
    )
    .await;
    assert_eq!(
        out[..2],
        [
            ("row".into(), json!(["Bo"])),
            ("row_dict".into(), json!({"Name": "Bo", "Team": ""}))
        ]
    );
    let out = run_block_with(
        GoogleSheetsGetUniqueValues,
        json!({"spreadsheet": picked(), "column": "team", "include_count": true, "sort_by_count": true}),
        rec(&server),
    )
    .await;
    assert_eq!(
        out[..3],
        [
            ("values".into(), json!(["red", "blue"])),
            ("counts".into(), json!({"red": 2, "blue": 1})),
            ("total_unique".into(), json!(2))
        ]
    );
    let out = run_block_with(
        GoogleSheetsGetUniqueValues,
        json!({"spreadsheet": picked(), "column": "Nope"}),
        rec(&server),
    )
    .await;
    assert!(
        error_of(&out).starts_with("Failed to get unique values: Column 'Nope' not found"),
        "{out:?}"
    );
}
