//! The Airtable schema blocks (tables and fields) against a wiremock Airtable metadata API:
//! request shapes, outputs in order, input errors before any request, error answers.

use agentry_core::testing::run_block_with;
use serde_json::{Value, json};
use wiremock::matchers::{body_json, header, method, path};
use wiremock::{Mock, MockServer, ResponseTemplate};

use super::records_tests::{airtable_error, refused_before_sending, schema};
use super::schema::{AirtableCreateTable, AirtableListSchema, AirtableUpdateTable};
use super::schema_fields::{AirtableCreateField, AirtableUpdateField};
use crate::error_answers::assert_error_answers;
use crate::testing::{api_key, meta, oauth2, recorder};

fn creds(mut input: Value) -> Value {
    input["credentials"] = meta("airtable", "api_key");
    input
}

/// Mounts `verb at` answering `answer` to a request carrying the key and exactly `body`.
async fn expect(server: &MockServer, verb: &str, at: &str, body: Value, answer: Value) {
    Mock::given(method(verb))
        .and(path(at))
        .and(header("authorization", "Bearer pat-key"))
        .and(body_json(body))
        .respond_with(ResponseTemplate::new(200).set_body_json(answer))
        .expect(1)
        .mount(server)
        .await;
}

#[tokio::test]
async fn list_schema_answers_the_base_and_its_tables() {
    let server = MockServer::start().await;
    Mock::given(method("GET"))
        .and(path("/v0/meta/bases/appX/tables"))
        .and(header("authorization", "Bearer oauth-token"))
        .respond_with(ResponseTemplate::new(200).set_body_json(schema()))
        .expect(1)
        .mount(&server)
        .await;
    let out = run_block_with(
        AirtableListSchema,
        json!({"credentials": meta("airtable", "oauth2"), "base_id": "appX"}),
        recorder(&server, oauth2("airtable", "oauth-token", &[])),
    )
    .await;
    assert_eq!(
        out,
        vec![
            ("base_schema".into(), schema()),
            ("tables".into(), schema()["tables"].clone()),
        ]
    );
}

#[tokio::test]
async fn create_table_posts_name_and_fields() {
    let server = MockServer::start().await;
    let created = json!({"id": "tblNew", "name": "Leads", "primaryFieldId": "fldN",
                         "fields": [{"id": "fldN", "name": "Name", "type": "singleLineText"}]});
    expect(
        &server,
        "POST",
        "/v0/meta/bases/appX/tables",
        json!({"name": "Leads", "fields": [{"name": "Name", "type": "singleLineText"}]}),
        created.clone(),
    )
    .await;
    let out = run_block_with(
        AirtableCreateTable,
        creds(json!({"base_id": "appX", "table_name": "Leads"})),
        recorder(&server, api_key("airtable", "pat-key")),
    )
    .await;
    assert_eq!(
        out,
        vec![
            ("table".into(), created),
            ("table_id".into(), json!("tblNew"))
        ]
    );
}

#[tokio::test]
async fn update_table_patches_what_is_given() {
    let server = MockServer::start().await;
    let updated = json!({"id": "tblA", "name": "Tickets 2026", "description": "Open ones"});
    expect(
        &server,
        "PATCH",
        "/v0/meta/bases/appX/tables/tblA",
        json!({"name": "Tickets 2026", "description": "Open ones",
               "dateDependency": {"isEnabled": true}}),
        updated.clone(),
    )
    .await;
    let out = run_block_with(
        AirtableUpdateTable,
        creds(
            json!({"base_id": "appX", "table_id": "tblA", "table_name": "Tickets 2026",
                     "table_description": "Open ones",
                     "date_dependency": {"isEnabled": "true"}}),
        ),
        recorder(&server, api_key("airtable", "pat-key")),
    )
    .await;
    assert_eq!(out, vec![("table".into(), updated)]);
}

#[tokio::test]
async fn create_field_posts_type_name_description_and_options() {
    let server = MockServer::start().await;
    let created = json!({"id": "fldC", "name": "Paid", "type": "checkbox",
                         "options": {"icon": "check", "color": "greenBright"}});
    expect(
        &server,
        "POST",
        "/v0/meta/bases/appX/tables/tblA/fields",
        json!({"type": "checkbox", "name": "Paid", "description": "Invoice paid",
               "options": {"icon": "check", "color": "greenBright"}}),
        created.clone(),
    )
    .await;
    expect(
        &server,
        "POST",
        "/v0/meta/bases/appX/tables/tblB/fields",
        json!({"type": "singleLineText", "name": "Note"}),
        json!({"id": "fldD", "name": "Note", "type": "singleLineText"}),
    )
    .await;
    let out = run_block_with(
        AirtableCreateField,
        creds(
            json!({"base_id": "appX", "table_id": "tblA", "field_type": "checkbox",
                     "name": "Paid", "description": "Invoice paid",
                     "options": {"icon": "check", "color": "greenBright"}}),
        ),
        recorder(&server, api_key("airtable", "pat-key")),
    )
    .await;
    assert_eq!(
        out,
        vec![
            ("field".into(), created),
            ("field_id".into(), json!("fldC"))
        ]
    );
    let out = run_block_with(
        AirtableCreateField,
        creds(json!({"base_id": "appX", "table_id": "tblB", "name": "Note"})),
        recorder(&server, api_key("airtable", "pat-key")),
    )
    .await;
    assert_eq!(out[1], ("field_id".into(), json!("fldD")));
}

#[tokio::test]
async fn update_field_patches_name_or_description() {
    let server = MockServer::start().await;
    let updated = json!({"id": "fld1", "name": "Title", "type": "singleLineText"});
    expect(
        &server,
        "PATCH",
        "/v0/meta/bases/appX/tables/tblA/fields/fld1",
        json!({"name": "Title"}),
        updated.clone(),
    )
    .await;
    let out = run_block_with(
        AirtableUpdateField,
        creds(
            json!({"base_id": "appX", "table_id": "tblA", "field_id": "fld1",
                     "name": "Title", "description": ""}),
        ),
        recorder(&server, api_key("airtable", "pat-key")),
    )
    .await;
    assert_eq!(out, vec![("field".into(), updated)]);
}

#[tokio::test]
async fn bad_schema_inputs_are_refused_before_any_request() {
    let cases = [
        (
            refused_before_sending(AirtableListSchema, json!({"base_id": ""})).await,
            "base_id must not be empty",
        ),
        (
            refused_before_sending(
                AirtableCreateTable,
                json!({"base_id": "appX", "table_name": "T",
                       "table_fields": [{"name": "A", "type": "text"}]}),
            )
            .await,
            "table_fields[0] has type \"text\", which is not an Airtable field type \
             (singleLineText, number, checkbox, date, …)",
        ),
        (
            refused_before_sending(
                AirtableCreateTable,
                json!({"base_id": "appX", "table_name": "T",
                       "table_fields": [{"type": "number"}]}),
            )
            .await,
            "table_fields[0] needs a \"name\"",
        ),
        (
            refused_before_sending(
                AirtableUpdateTable,
                json!({"base_id": "appX", "table_id": "tblA", "table_name": ""}),
            )
            .await,
            "At least one of table_name, table_description, or date_dependency must be provided",
        ),
        (
            refused_before_sending(
                AirtableCreateField,
                json!({"base_id": "appX", "table_id": "tblA", "name": " "}),
            )
            .await,
            "name must not be empty",
        ),
        (
            refused_before_sending(
                AirtableUpdateField,
                json!({"base_id": "appX", "table_id": "tblA", "field_id": "fld1"}),
            )
            .await,
            "At least one of name or description must be provided",
        ),
        (
            refused_before_sending(
                AirtableUpdateField,
                json!({"base_id": "appX", "table_id": "tblA", "field_id": "", "name": "x"}),
            )
            .await,
            "field_id must not be empty",
        ),
    ];
    for (got, wanted) in cases {
        assert_eq!(got, wanted);
    }
    let bad_type = refused_before_sending(
        AirtableCreateField,
        json!({"base_id": "appX", "table_id": "tblA", "name": "x", "field_type": "text"}),
    )
    .await;
    assert!(
        bad_type.starts_with("invalid input: unknown variant `text`"),
        "{bad_type}"
    );
}

#[tokio::test]
async fn schema_blocks_meet_airtables_error_answers() {
    let key = || api_key("airtable", "pat-secret");
    let message = "Authentication required";
    let body = airtable_error();
    let ls = || AirtableListSchema;
    let input = creds(json!({"base_id": "appX"}));
    assert_error_answers(ls, input, key(), "airtable", body.clone(), message).await;
    let ct = || AirtableCreateTable;
    let input = creds(json!({"base_id": "appX", "table_name": "T"}));
    assert_error_answers(ct, input, key(), "airtable", body.clone(), message).await;
    let ut = || AirtableUpdateTable;
    let input = creds(json!({"base_id": "appX", "table_id": "tblA", "table_name": "T"}));
    assert_error_answers(ut, input, key(), "airtable", body.clone(), message).await;
    let cf = || AirtableCreateField;
    let input = creds(json!({"base_id": "appX", "table_id": "tblA", "name": "F"}));
    assert_error_answers(cf, input, key(), "airtable", body.clone(), message).await;
    let uf = || AirtableUpdateField;
    let input = creds(
        json!({"base_id": "appX", "table_id": "tblA", "field_id": "fld1",
                             "name": "F"}),
    );
    assert_error_answers(uf, input, key(), "airtable", body, message).await;
}
