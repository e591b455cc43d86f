//! Airtable blocks against a wiremock Airtable REST API (bases, tables, records shapes).

use agentry_core::testing::run_block_with;
use serde_json::{Value, json};
use wiremock::matchers::{body_json, header, method, path, query_param};
use wiremock::{Mock, MockServer, ResponseTemplate};

use super::create_base::AirtableCreateBase;
use super::create_records::AirtableCreateRecords;
use super::*;
use crate::testing::{api_key, error_of, meta, oauth2, recorder};

fn tables() -> Value {
    json!({"tables": [{
        "id": "tblA", "name": "Tickets", "primaryFieldId": "fld1",
        "fields": [
            {"id": "fld1", "name": "Subject", "type": "singleLineText"},
            {"id": "fld2", "name": "Done", "type": "checkbox", "options": {"icon": "check"}},
            {"id": "fld3", "name": "Score", "type": "number", "options": {"precision": 0}},
            {"id": "fld4", "name": "Tags", "type": "multipleSelects"},
            {"id": "fld5", "name": "Due", "type": "date"}
        ],
        "views": [{"id": "viw1", "name": "Grid view", "type": "grid"}]
    }]})
}

#[test]
fn string_booleans_become_booleans() {
    assert_eq!(
        convert_bools(json!({"a": "TRUE", "b": ["false", "x"], "c": {"d": "True"}})),
        json!({"a": true, "b": [false, "x"], "c": {"d": true}})
    );
}

#[tokio::test]
async fn create_records_posts_fields_and_normalizes_the_answer() {
    let server = MockServer::start().await;
    Mock::given(method("POST"))
        .and(path("/v0/appX/Support%20Tickets"))
        .and(header("authorization", "Bearer pat-key"))
        .and(body_json(json!({
            "records": [{"fields": {"Subject": "Printer", "Done": false}}],
            "typecast": true
        })))
        .respond_with(ResponseTemplate::new(200).set_body_json(json!({
            "records": [{"id": "rec1", "createdTime": "2026-12-02T10:00:00.000Z",
                         "fields": {"Subject": "Printer"}}]
        })))
        .expect(1)
        .mount(&server)
        .await;
    let mut schema = tables();
    schema["tables"][0]["name"] = json!("Support Tickets");
    Mock::given(method("GET"))
        .and(path("/v0/meta/bases/appX/tables"))
        .respond_with(ResponseTemplate::new(200).set_body_json(schema))
        .expect(1)
        .mount(&server)
        .await;
    let out = run_block_with(
        AirtableCreateRecords,
        json!({"credentials": meta("airtable", "api_key"), "base_id": "appX",
               "table_id_or_name": "Support Tickets",
               "records": [{"Subject": "Printer", "Done": "false"}], "typecast": true}),
        recorder(&server, api_key("airtable", "pat-key")),
    )
    .await;
    assert_eq!(
        out,
        vec![(
            "records".into(),
            json!([{"id": "rec1", "createdTime": "2026-12-02T10:00:00.000Z", "fields": {
                "Subject": "Printer", "Done": false, "Score": 0, "Tags": [], "Due": null
            }}])
        )]
    );
}

#[tokio::test]
async fn create_records_raw_answer_keeps_details() {
    let server = MockServer::start().await;
    Mock::given(method("POST"))
        .respond_with(ResponseTemplate::new(200).set_body_json(json!({
            "records": [{"id": "rec1", "createdTime": "t", "fields": {}}],
            "details": {"message": "partialSuccess"}
        })))
        .mount(&server)
        .await;
    let out = run_block_with(
        AirtableCreateRecords,
        json!({"credentials": meta("airtable", "oauth2"), "base_id": "appX",
               "table_id_or_name": "tblA", "records": [{}], "skip_normalization": true}),
        recorder(&server, oauth2("airtable", "oauth-token", &[])),
    )
    .await;
    assert_eq!(
        out,
        vec![
            (
                "records".into(),
                json!([{"id": "rec1", "createdTime": "t", "fields": {}}])
            ),
            ("details".into(), json!({"message": "partialSuccess"})),
        ]
    );
}

#[tokio::test]
async fn create_base_finds_an_existing_one_by_name() {
    let server = MockServer::start().await;
    Mock::given(method("GET"))
        .and(path("/v0/meta/bases"))
        .and(wiremock::matchers::query_param_is_missing("offset"))
        .respond_with(ResponseTemplate::new(200).set_body_json(json!({
            "bases": [{"id": "appOther", "name": "Other", "permissionLevel": "create"}],
            "offset": "itr2"
        })))
        .mount(&server)
        .await;
    Mock::given(method("GET"))
        .and(path("/v0/meta/bases"))
        .and(query_param("offset", "itr2"))
        .respond_with(ResponseTemplate::new(200).set_body_json(json!({
            "bases": [{"id": "appX", "name": "Support", "permissionLevel": "create"}]
        })))
        .mount(&server)
        .await;
    Mock::given(method("GET"))
        .and(path("/v0/meta/bases/appX/tables"))
        .respond_with(ResponseTemplate::new(200).set_body_json(tables()))
        .mount(&server)
        .await;
    let out = run_block_with(
        AirtableCreateBase,
        json!({"credentials": meta("airtable", "api_key"), "workspace_id": "wsp1",
               "name": "Support"}),
        recorder(&server, api_key("airtable", "k")),
    )
    .await;
    let pins: Vec<&str> = out.iter().map(|(p, _)| p.as_str()).collect();
    assert_eq!(pins, ["base_id", "was_created", "tables", "table"]);
    assert_eq!(out[0].1, "appX");
    assert_eq!(out[1].1, false);
    assert_eq!(out[3].1["id"], "tblA");
}

#[tokio::test]
async fn create_base_creates_with_the_default_table() {
    let server = MockServer::start().await;
    Mock::given(method("POST"))
        .and(path("/v0/meta/bases"))
        .and(body_json(json!({
            "name": "CRM", "workspaceId": "wsp1",
            "tables": [{"description": "Default table", "name": "Default table", "fields": [
                {"name": "ID", "type": "number", "description": "Auto-incrementing ID field",
                 "options": {"precision": 0}}
            ]}]
        })))
        .respond_with(ResponseTemplate::new(200).set_body_json(json!({
            "id": "appNew", "tables": [{"id": "tbl1", "name": "Default table", "fields": []}]
        })))
        .expect(1)
        .mount(&server)
        .await;
    let out = run_block_with(
        AirtableCreateBase,
        json!({"credentials": meta("airtable", "api_key"), "workspace_id": "wsp1",
               "name": "CRM", "find_existing": false}),
        recorder(&server, api_key("airtable", "k")),
    )
    .await;
    assert_eq!(
        out,
        vec![
            ("base_id".into(), json!("appNew")),
            ("was_created".into(), json!(true)),
            (
                "tables".into(),
                json!([{"id": "tbl1", "name": "Default table", "fields": []}])
            ),
            (
                "table".into(),
                json!({"id": "tbl1", "name": "Default table", "fields": []})
            ),
        ]
    );
}

#[tokio::test]
async fn airtable_errors_are_mapped() {
    let server = MockServer::start().await;
    Mock::given(method("POST"))
        .respond_with(ResponseTemplate::new(401).set_body_json(json!({
            "error": {"type": "AUTHENTICATION_REQUIRED", "message": "Authentication required"}
        })))
        .mount(&server)
        .await;
    let out = run_block_with(
        AirtableCreateRecords,
        json!({"credentials": meta("airtable", "api_key"), "base_id": "a",
               "table_id_or_name": "t", "records": [{}]}),
        recorder(&server, api_key("airtable", "pat-secret")),
    )
    .await;
    assert_eq!(
        error_of(&out),
        "airtable refused the credentials (401): Authentication required"
    );

    let server = MockServer::start().await;
    Mock::given(method("POST"))
        .respond_with(ResponseTemplate::new(429).insert_header("retry-after", "0"))
        .up_to_n_times(1)
        .mount(&server)
        .await;
    Mock::given(method("POST"))
        .respond_with(ResponseTemplate::new(422).set_body_json(json!({
            "error": {"type": "INVALID_REQUEST_UNKNOWN", "message": "Invalid request"}
        })))
        .mount(&server)
        .await;
    let out = run_block_with(
        AirtableCreateBase,
        json!({"credentials": meta("airtable", "api_key"), "workspace_id": "w", "name": "n",
               "find_existing": false}),
        recorder(&server, api_key("airtable", "k")),
    )
    .await;
    assert_eq!(
        error_of(&out),
        "airtable rejected the request (422): Invalid request"
    );

    let server = MockServer::start().await;
    Mock::given(method("GET"))
        .respond_with(ResponseTemplate::new(503))
        .expect(3)
        .mount(&server)
        .await;
    let out = run_block_with(
        AirtableCreateBase,
        json!({"credentials": meta("airtable", "api_key"), "workspace_id": "w", "name": "n"}),
        recorder(&server, api_key("airtable", "k")),
    )
    .await;
    assert!(
        error_of(&out).starts_with("airtable failed (503)"),
        "{out:?}"
    );
    assert!(normalize_records(&[], &json!({})).is_empty());
}
