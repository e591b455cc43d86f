//! The import and export blocks against a wiremock Exa answering the Websets API's import and
//! item shapes, with the CSV upload URL on the same mock.

use serde_json::{Value, json};
use wiremock::matchers::{
    body_json, body_string, header, header_exists, method, path, query_param,
    query_param_is_missing,
};
use wiremock::{Mock, MockServer, ResponseTemplate};

use super::import_export::{ExaCreateImport, ExaDeleteImport, ExaGetImport, ExaListImports};
use super::import_export_webset::{ExaExportWebset, dumps, dumps_indented};
use crate::exa::websets::test_support::{KEY, answering, answers_errors, pins, refused, run};
use crate::testing::error_of;

const CSV: &str = "name,url\nAcme Corp,https://acme.com\nExample Inc,https://example.com\n";

fn import(status: &str) -> Value {
    json!({"id": "import_1", "object": "import", "status": status, "format": "csv",
        "entity": {"type": "company"}, "title": "Customers", "count": 2,
        "failedReason": null, "failedAt": null, "failedMessage": null,
        "metadata": {"source": "crm"}, "createdAt": "2025-06-01T10:00:00Z",
        "updatedAt": "2025-06-01T10:05:00Z"})
}

#[tokio::test]
async fn creates_an_import_uploads_the_csv_and_reads_it_back() {
    let server = MockServer::start().await;
    let mut created = import("pending");
    created["uploadUrl"] = json!(format!(
        "{}/upload/import_1?X-Amz-Signature=s3cret",
        server.uri()
    ));
    created["uploadValidUntil"] = json!("2025-06-01T11:00:00Z");
    Mock::given(method("POST"))
        .and(path("/websets/v0/imports"))
        .and(header("authorization", format!("Bearer {KEY}").as_str()))
        .and(body_json(
            json!({"title": "Customers", "format": "csv", "count": 2,
            "size": CSV.len(), "csv": {"identifier": 0, "url": 1},
            "entity": {"type": "company"}, "metadata": {"source": "crm"}}),
        ))
        .respond_with(ResponseTemplate::new(200).set_body_json(created))
        .expect(1)
        .mount(&server)
        .await;
    Mock::given(method("PUT"))
        .and(path("/upload/import_1"))
        .and(query_param("X-Amz-Signature", "s3cret"))
        .and(header("content-type", "text/csv"))
        .and(body_string(CSV))
        .respond_with(ResponseTemplate::new(200))
        .expect(1)
        .mount(&server)
        .await;
    answering("GET", "/websets/v0/imports/import_1", import("processing"))
        .expect(1)
        .mount(&server)
        .await;
    let out = run(
        ExaCreateImport,
        json!({"title": "Customers", "csv_data": CSV, "url_column": 1,
            "metadata": {"source": "crm"}}),
        &server,
    )
    .await;
    assert_eq!(
        pins(&out),
        [
            "import_id",
            "status",
            "title",
            "count",
            "entity_type",
            "upload_url",
            "upload_valid_until",
            "created_at"
        ]
    );
    assert_eq!(out[1].1, "processing");
    assert_eq!(out[3].1, 2);
    assert_eq!(out[4].1, "company");
    // The import read back has no upload URL, as the SDK's.
    assert_eq!(out[5].1, Value::Null);
    assert_eq!(out[7].1, "2025-06-01T10:00:00+00:00");
    // The upload carried no API key.
    let requests = server.received_requests().await.unwrap();
    let put = requests
        .iter()
        .find(|r| r.method.as_str() == "PUT")
        .unwrap();
    assert!(put.headers.get("authorization").is_none());
}

#[tokio::test]
async fn a_custom_import_sends_its_description_and_bad_input_is_refused() {
    let server = MockServer::start().await;
    Mock::given(method("POST"))
        .and(path("/websets/v0/imports"))
        .and(body_json(
            json!({"title": "T", "format": "csv", "count": 0, "size": 4,
            "csv": {"identifier": 0}, "entity": {"type": "custom", "description": "Bakeries"}}),
        ))
        .respond_with(
            ResponseTemplate::new(200).set_body_json(json!({"id": "import_2",
            "uploadUrl": format!("{}/upload/import_2", server.uri())})),
        )
        .expect(1)
        .mount(&server)
        .await;
    Mock::given(method("PUT"))
        .and(path("/upload/import_2"))
        .respond_with(ResponseTemplate::new(403).set_body_string("<Error>expired</Error>"))
        .expect(1)
        .mount(&server)
        .await;
    let out = run(
        ExaCreateImport,
        json!({"title": "T", "csv_data": "name", "entity_type": "custom",
            "entity_description": "Bakeries"}),
        &server,
    )
    .await;
    // The presigned URL is a credential: the error does not show it.
    assert_eq!(
        error_of(&out),
        "uploading the CSV to Exa's upload URL failed (403)"
    );
    for (bad, message) in [
        (json!({"title": "T", "csv_data": "  "}), "csv_data is empty"),
        (
            json!({"title": "T", "csv_data": CSV, "identifier_column": 2}),
            "identifier_column 2 is not a column of the CSV (it has 2)",
        ),
        (
            json!({"title": "T", "csv_data": CSV, "url_column": -1}),
            "url_column -1 is not a column of the CSV (it has 2)",
        ),
    ] {
        assert_eq!(refused(ExaCreateImport, bad, &server).await, message);
    }
}

#[tokio::test]
async fn gets_lists_and_deletes_imports() {
    let server = MockServer::start().await;
    let mut failed = import("failed");
    failed["failedReason"] = json!("invalid_format");
    failed["failedMessage"] = json!("Row 3 has no identifier");
    answering("GET", "/websets/v0/imports/import%201", failed)
        .expect(1)
        .mount(&server)
        .await;
    Mock::given(method("GET"))
        .and(path("/websets/v0/imports"))
        .and(query_param("limit", "25"))
        .and(query_param_is_missing("cursor"))
        .respond_with(ResponseTemplate::new(200).set_body_json(json!({
            "data": [import("completed"), import("pending")], "hasMore": false,
            "nextCursor": null})))
        .expect(1)
        .mount(&server)
        .await;
    answering(
        "DELETE",
        "/websets/v0/imports/import_1",
        import("completed"),
    )
    .expect(1)
    .mount(&server)
    .await;
    let out = run(ExaGetImport, json!({"import_id": "import 1"}), &server).await;
    assert_eq!(
        pins(&out),
        [
            "import_id",
            "status",
            "title",
            "format",
            "entity_type",
            "count",
            "upload_url",
            "upload_valid_until",
            "failed_reason",
            "failed_message",
            "created_at",
            "updated_at",
            "metadata"
        ]
    );
    assert_eq!(out[8].1, "invalid_format");
    assert_eq!(out[9].1, "Row 3 has no identifier");
    assert_eq!(out[12].1, json!({"source": "crm"}));

    let out = run(ExaListImports, json!({}), &server).await;
    assert_eq!(
        pins(&out),
        [
            "imports",
            "import_item",
            "import_item",
            "has_more",
            "next_cursor"
        ]
    );
    assert_eq!(out[2].1["status"], "pending");
    assert_eq!(out[2].1["failed_reason"], "");
    assert_eq!(out[4].1, Value::Null);
    assert_eq!(
        refused(ExaListImports, json!({"limit": 0}), &server).await,
        "limit must be between 1 and 100, not 0"
    );

    let out = run(ExaDeleteImport, json!({"import_id": "import_1"}), &server).await;
    assert_eq!(
        out,
        vec![
            ("import_id".to_string(), json!("import_1")),
            ("success".to_string(), json!("true"))
        ]
    );
}

fn item(id: &str, name: &str) -> Value {
    json!({"id": id, "object": "webset_item", "source": "search", "websetId": "ws_1",
        "properties": {"type": "company", "url": "https://acme.example",
            "description": "Maker", "content": "Long text", "company": {"name": name,
            "logoUrl": null}},
        "evaluations": [{"criterion": "Makes anvils", "satisfied": "yes"}],
        "enrichments": [{"format": "text", "result": ["CEO"]}],
        "createdAt": "2025-06-01T10:00:00Z"})
}

#[tokio::test]
async fn exports_items_as_json_lines_and_csv() {
    let server = MockServer::start().await;
    Mock::given(method("GET"))
        .and(path("/websets/v0/websets/ws_1/items"))
        .and(query_param("limit", "2"))
        .and(query_param_is_missing("cursor"))
        .and(header_exists("authorization"))
        .respond_with(ResponseTemplate::new(200).set_body_json(json!({
            "data": [item("witem_1", "Acmé")], "hasMore": true, "nextCursor": "c_2"})))
        .mount(&server)
        .await;
    Mock::given(method("GET"))
        .and(path("/websets/v0/websets/ws_1/items"))
        .and(query_param("cursor", "c_2"))
        .respond_with(ResponseTemplate::new(200).set_body_json(json!({
            "data": [item("witem_2", "Beta"), item("witem_3", "Gamma")], "hasMore": false,
            "nextCursor": null})))
        .mount(&server)
        .await;
    let out = run(
        ExaExportWebset,
        json!({"webset_id": "ws_1", "format": "jsonl", "max_items": 2,
            "include_content": false, "include_enrichments": false}),
        &server,
    )
    .await;
    assert_eq!(
        pins(&out),
        [
            "export_data",
            "item_count",
            "total_items",
            "truncated",
            "format"
        ]
    );
    let lines: Vec<&str> = out[0].1.as_str().unwrap().split('\n').collect();
    assert_eq!(lines.len(), 2);
    assert_eq!(
        lines[0],
        "{\"id\": \"witem_1\", \"object\": \"webset_item\", \"source\": \"search\", \
         \"websetId\": \"ws_1\", \"properties\": {\"type\": \"company\", \"url\": \
         \"https://acme.example\", \"description\": \"Maker\", \"company\": {\"name\": \
         \"Acm\\u00e9\"}}, \"evaluations\": [{\"criterion\": \"Makes anvils\", \"satisfied\": \
         \"yes\"}], \"createdAt\": \"2025-06-01T10:00:00Z\"}"
    );
    assert_eq!(out[1].1, 2);
    assert_eq!(out[3].1, true);
    assert_eq!(out[4].1, "jsonl");

    let out = run(
        ExaExportWebset,
        json!({"webset_id": "ws_1", "format": "csv", "max_items": 2}),
        &server,
    )
    .await;
    let csv = out[0].1.as_str().unwrap();
    let rows: Vec<&str> = csv.split("\r\n").collect();
    assert_eq!(
        rows[0],
        "createdAt,enrichments,evaluations,id,object,properties_company_name,\
         properties_content,properties_description,properties_type,properties_url,source,websetId"
    );
    assert_eq!(
        rows[1],
        "2025-06-01T10:00:00Z,\"[{\"\"format\"\": \"\"text\"\", \"\"result\"\": [\"\"CEO\"\"]}]\",\
         \"[{\"\"criterion\"\": \"\"Makes anvils\"\", \"\"satisfied\"\": \"\"yes\"\"}]\",witem_1,\
         webset_item,Acmé,Long text,Maker,company,https://acme.example,search,ws_1"
    );
    assert_eq!(rows.len(), 4);
    assert_eq!(out[4].1, "csv");
}

#[tokio::test]
async fn exports_json_indented_and_refuses_too_many_items() {
    let server = MockServer::start().await;
    Mock::given(method("GET"))
        .and(path("/websets/v0/websets/ws_1/items"))
        .and(query_param("limit", "100"))
        .respond_with(ResponseTemplate::new(200).set_body_json(json!({
            "data": [], "hasMore": false, "nextCursor": null})))
        .expect(1)
        .mount(&server)
        .await;
    let out = run(ExaExportWebset, json!({"webset_id": "ws_1"}), &server).await;
    assert_eq!(out[0].1, "[]");
    assert_eq!(out[1].1, 0);
    assert_eq!(out[3].1, false);
    assert_eq!(out[4].1, "json");
    assert_eq!(
        refused(
            ExaExportWebset,
            json!({"webset_id": "ws_1", "max_items": 101}),
            &server
        )
        .await,
        "max_items must be between 1 and 100, not 101"
    );
    assert_eq!(
        dumps_indented(&json!([{"a": [1, {}], "b": "é"}])),
        "[\n  {\n    \"a\": [\n      1,\n      {}\n    ],\n    \"b\": \"\\u00e9\"\n  }\n]"
    );
    assert_eq!(
        dumps(&json!({"a": [1, 2], "b": "😀"})),
        "{\"a\": [1, 2], \"b\": \"\\ud83d\\ude00\"}"
    );
}

#[tokio::test]
async fn import_and_export_blocks_answer_errors() {
    let body = json!({"error": "Invalid API key"});
    answers_errors(
        || ExaCreateImport,
        json!({"title": "T", "csv_data": CSV}),
        &body,
    )
    .await;
    answers_errors(|| ExaGetImport, json!({"import_id": "i"}), &body).await;
    answers_errors(|| ExaListImports, json!({}), &body).await;
    answers_errors(|| ExaDeleteImport, json!({"import_id": "i"}), &body).await;
    answers_errors(|| ExaExportWebset, json!({"webset_id": "w"}), &body).await;
}
