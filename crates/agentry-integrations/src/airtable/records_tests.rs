//! The Airtable bases and records blocks against a wiremock Airtable REST API: request shapes
//! (auth, query, body), outputs in order, input errors before any request, error answers.

use agentry_core::Block;
use agentry_core::testing::run_block_with;
use serde_json::{Value, json};
use wiremock::matchers::{any, body_json, header, method, path, query_param};
use wiremock::{Mock, MockServer, ResponseTemplate};

use super::list_bases::AirtableListBases;
use super::read_records::{AirtableGetRecord, AirtableListRecords};
use super::write_records::{AirtableDeleteRecords, AirtableUpdateRecords};
use crate::error_answers::assert_error_answers;
use crate::testing::{api_key, error_of, meta, oauth2, recorder};

pub(super) fn schema() -> Value {
    json!({"tables": [{
        "id": "tblA", "name": "Tickets", "primaryFieldId": "fld1",
        "fields": [
            {"id": "fld1", "name": "Subject", "type": "singleLineText"},
            {"id": "fld2", "name": "Done", "type": "checkbox"},
            {"id": "fld3", "name": "Cost", "type": "currency",
             "options": {"symbol": "$", "precision": 2}},
            {"id": "fld4", "name": "Tags", "type": "multipleSelects",
             "options": {"choices": [{"id": "sel1", "name": "bug"}, {"id": "sel2", "name": "ui"}]}},
            {"id": "fld5", "name": "Stars", "type": "rating", "options": {"max": 5}}
        ]
    }]})
}

fn metadata() -> Value {
    json!({
        "Subject": {"type": "singleLineText", "id": "fld1"},
        "Done": {"type": "checkbox", "id": "fld2"},
        "Cost": {"type": "currency", "id": "fld3", "symbol": "$", "precision": 2},
        "Tags": {"type": "multipleSelects", "id": "fld4", "choices": ["bug", "ui"]},
        "Stars": {"type": "rating", "id": "fld5", "max": 5, "icon": "star",
                  "color": "yellowBright"}
    })
}

async fn mount_schema(server: &MockServer, expected: u64) {
    Mock::given(method("GET"))
        .and(path("/v0/meta/bases/appX/tables"))
        .and(header("authorization", "Bearer pat-key"))
        .respond_with(ResponseTemplate::new(200).set_body_json(schema()))
        .expect(expected)
        .mount(server)
        .await;
}

fn creds(mut input: Value) -> Value {
    input["credentials"] = meta("airtable", "api_key");
    input
}

/// The query pairs (decoded) of the only request `server` received at `at`.
async fn query_of(server: &MockServer, at: &str) -> Vec<(String, String)> {
    let requests = server.received_requests().await.unwrap_or_default();
    let request = requests
        .iter()
        .find(|r| r.url.path() == at)
        .unwrap_or_else(|| panic!("no request at {at}"));
    request
        .url
        .query_pairs()
        .map(|(k, v)| (k.into_owned(), v.into_owned()))
        .collect()
}

fn pairs(list: &[(&str, &str)]) -> Vec<(String, String)> {
    list.iter()
        .map(|(k, v)| (k.to_string(), v.to_string()))
        .collect()
}

#[tokio::test]
async fn list_bases_reads_one_page_and_its_offset() {
    let server = MockServer::start().await;
    Mock::given(method("GET"))
        .and(path("/v0/meta/bases"))
        .and(query_param("offset", "itr1"))
        .and(header("authorization", "Bearer oauth-token"))
        .respond_with(ResponseTemplate::new(200).set_body_json(json!({
            "bases": [{"id": "appX", "name": "Support", "permissionLevel": "create"}],
            "offset": "itr2"
        })))
        .expect(1)
        .mount(&server)
        .await;
    let out = run_block_with(
        AirtableListBases,
        json!({"credentials": meta("airtable", "oauth2"), "offset": "itr1"}),
        recorder(&server, oauth2("airtable", "oauth-token", &[])),
    )
    .await;
    assert_eq!(
        out,
        vec![
            (
                "bases".into(),
                json!([{"id": "appX", "name": "Support", "permissionLevel": "create"}])
            ),
            ("offset".into(), json!("itr2")),
        ]
    );

    let server = MockServer::start().await;
    Mock::given(method("GET"))
        .and(path("/v0/meta/bases"))
        .respond_with(ResponseTemplate::new(200).set_body_json(json!({"bases": []})))
        .mount(&server)
        .await;
    let out = run_block_with(
        AirtableListBases,
        creds(json!({"trigger": "go"})),
        recorder(&server, api_key("airtable", "pat-key")),
    )
    .await;
    assert_eq!(
        out,
        vec![("bases".into(), json!([])), ("offset".into(), Value::Null)]
    );
    assert!(query_of(&server, "/v0/meta/bases").await.is_empty());
}

#[tokio::test]
async fn list_records_sends_airtables_query_and_normalizes() {
    let server = MockServer::start().await;
    Mock::given(method("GET"))
        .and(path("/v0/appX/Tickets"))
        .and(header("authorization", "Bearer pat-key"))
        .respond_with(ResponseTemplate::new(200).set_body_json(json!({
            "records": [{"id": "rec1", "createdTime": "2026-12-02T10:00:00.000Z",
                         "fields": {"Subject": "Printer", "Tags": ["bug"]}}],
            "offset": "itrNext/rec1"
        })))
        .expect(1)
        .mount(&server)
        .await;
    mount_schema(&server, 1).await;
    let out = run_block_with(
        AirtableListRecords,
        creds(json!({
            "base_id": "appX", "table_id_or_name": "Tickets",
            "filter_formula": "{Done} = 0", "view": "Grid view",
            "sort": [{"field": "Subject", "direction": "desc"}, {"field": "Cost"}],
            "max_records": 20, "page_size": 500, "offset": "itr1",
            "return_fields": ["Subject", "Tags"], "include_field_metadata": true
        })),
        recorder(&server, api_key("airtable", "pat-key")),
    )
    .await;
    assert_eq!(
        out,
        vec![
            (
                "records".into(),
                json!([{"id": "rec1", "createdTime": "2026-12-02T10:00:00.000Z", "fields": {
                    "Subject": "Printer", "Done": false, "Cost": 0, "Tags": ["bug"], "Stars": 0
                }}])
            ),
            ("offset".into(), json!("itrNext/rec1")),
            ("field_metadata".into(), metadata()),
        ]
    );
    assert_eq!(
        query_of(&server, "/v0/appX/Tickets").await,
        pairs(&[
            ("pageSize", "100"),
            ("maxRecords", "20"),
            ("offset", "itr1"),
            ("view", "Grid view"),
            ("sort[0][field]", "Subject"),
            ("sort[0][direction]", "desc"),
            ("sort[1][field]", "Cost"),
            ("filterByFormula", "{Done} = 0"),
            ("fields[]", "Subject"),
            ("fields[]", "Tags"),
        ])
    );
}

#[tokio::test]
async fn list_records_raw_skips_the_schema() {
    let server = MockServer::start().await;
    let record = json!({"id": "rec1", "createdTime": "t", "fields": {"Subject": "x"}});
    Mock::given(method("GET"))
        .and(path("/v0/appX/tblA"))
        .respond_with(ResponseTemplate::new(200).set_body_json(json!({"records": [record]})))
        .expect(1)
        .mount(&server)
        .await;
    mount_schema(&server, 0).await;
    let out = run_block_with(
        AirtableListRecords,
        creds(json!({"base_id": "appX", "table_id_or_name": "tblA",
                     "normalize_output": false, "include_field_metadata": true})),
        recorder(&server, api_key("airtable", "pat-key")),
    )
    .await;
    assert_eq!(
        out,
        vec![
            ("records".into(), json!([record])),
            ("offset".into(), Value::Null)
        ]
    );
    assert_eq!(
        query_of(&server, "/v0/appX/tblA").await,
        pairs(&[("pageSize", "100"), ("maxRecords", "100")])
    );
}

#[tokio::test]
async fn get_record_normalizes_or_answers_raw() {
    let server = MockServer::start().await;
    Mock::given(method("GET"))
        .and(path("/v0/appX/Tickets/rec1"))
        .and(header("authorization", "Bearer pat-key"))
        .respond_with(ResponseTemplate::new(200).set_body_json(json!({
            "id": "rec1", "createdTime": "2026-12-02T10:00:00.000Z",
            "fields": {"Subject": "Printer", "Done": true}
        })))
        .expect(2)
        .mount(&server)
        .await;
    mount_schema(&server, 1).await;
    let input = creds(json!({"base_id": "appX", "table_id_or_name": "Tickets",
                             "record_id": "rec1", "include_field_metadata": true}));
    let out = run_block_with(
        AirtableGetRecord,
        input.clone(),
        recorder(&server, api_key("airtable", "pat-key")),
    )
    .await;
    assert_eq!(
        out,
        vec![
            ("id".into(), json!("rec1")),
            (
                "fields".into(),
                json!({"Subject": "Printer", "Done": true, "Cost": 0, "Tags": [], "Stars": 0})
            ),
            ("created_time".into(), json!("2026-12-02T10:00:00.000Z")),
            ("field_metadata".into(), metadata()),
        ]
    );
    let mut raw = input;
    raw["normalize_output"] = json!(false);
    let out = run_block_with(
        AirtableGetRecord,
        raw,
        recorder(&server, api_key("airtable", "pat-key")),
    )
    .await;
    assert_eq!(
        out,
        vec![
            ("id".into(), json!("rec1")),
            ("fields".into(), json!({"Subject": "Printer", "Done": true})),
            ("created_time".into(), json!("2026-12-02T10:00:00.000Z")),
        ]
    );
}

#[tokio::test]
async fn update_records_patches_ids_and_fields() {
    let server = MockServer::start().await;
    Mock::given(method("PATCH"))
        .and(path("/v0/appX/Support%20Tickets"))
        .and(header("authorization", "Bearer pat-key"))
        .and(body_json(json!({
            "records": [{"id": "rec1", "fields": {"Done": true, "Subject": "Fixed"}}],
            "typecast": true
        })))
        .respond_with(ResponseTemplate::new(200).set_body_json(json!({
            "records": [{"id": "rec1", "createdTime": "t",
                         "fields": {"Done": true, "Subject": "Fixed"}}]
        })))
        .expect(1)
        .mount(&server)
        .await;
    let out = run_block_with(
        AirtableUpdateRecords,
        creds(
            json!({"base_id": "appX", "table_id_or_name": "Support Tickets",
                     "records": [{"id": "rec1", "fields": {"Done": "TRUE", "Subject": "Fixed"}}],
                     "typecast": true}),
        ),
        recorder(&server, api_key("airtable", "pat-key")),
    )
    .await;
    assert_eq!(
        out,
        vec![(
            "records".into(),
            json!([{"id": "rec1", "createdTime": "t", "fields": {"Done": true, "Subject": "Fixed"}}])
        )]
    );
}

#[tokio::test]
async fn delete_records_names_each_in_the_query() {
    let server = MockServer::start().await;
    Mock::given(method("DELETE"))
        .and(path("/v0/appX/tblA"))
        .and(header("authorization", "Bearer pat-key"))
        .respond_with(ResponseTemplate::new(200).set_body_json(json!({
            "records": [{"id": "rec1", "deleted": true}, {"id": "rec2", "deleted": true}]
        })))
        .expect(1)
        .mount(&server)
        .await;
    let out = run_block_with(
        AirtableDeleteRecords,
        creds(json!({"base_id": "appX", "table_id_or_name": "tblA",
                     "record_ids": ["rec1", "rec2"]})),
        recorder(&server, api_key("airtable", "pat-key")),
    )
    .await;
    assert_eq!(
        out,
        vec![(
            "records".into(),
            json!([{"id": "rec1", "deleted": true}, {"id": "rec2", "deleted": true}])
        )]
    );
    assert_eq!(
        query_of(&server, "/v0/appX/tblA").await,
        pairs(&[("records[]", "rec1"), ("records[]", "rec2")])
    );
}

/// Runs `block` on `input` against a server that must see no request, and answers the error.
pub(super) async fn refused_before_sending<B: Block>(block: B, input: Value) -> String {
    let server = MockServer::start().await;
    Mock::given(any())
        .respond_with(ResponseTemplate::new(200).set_body_json(json!({})))
        .expect(0)
        .mount(&server)
        .await;
    let out = run_block_with(
        block,
        creds(input),
        recorder(&server, api_key("airtable", "pat-key")),
    )
    .await;
    error_of(&out)
}

#[tokio::test]
async fn bad_record_inputs_are_refused_before_any_request() {
    let eleven: Vec<String> = (0..11).map(|i| format!("rec{i}")).collect();
    let cases = [
        (
            refused_before_sending(
                AirtableListRecords,
                json!({"base_id": " ", "table_id_or_name": "t"}),
            )
            .await,
            "base_id must not be empty",
        ),
        (
            refused_before_sending(
                AirtableListRecords,
                json!({"base_id": "a", "table_id_or_name": "t", "sort": [{"direction": "asc"}]}),
            )
            .await,
            "sort[0] needs a \"field\" naming the field to sort by",
        ),
        (
            refused_before_sending(
                AirtableListRecords,
                json!({"base_id": "a", "table_id_or_name": "t",
                       "sort": [{"field": "x", "direction": "up"}]}),
            )
            .await,
            "sort[0] direction must be \"asc\" or \"desc\", not \"up\"",
        ),
        (
            refused_before_sending(
                AirtableGetRecord,
                json!({"base_id": "a", "table_id_or_name": "t", "record_id": ""}),
            )
            .await,
            "record_id must not be empty",
        ),
        (
            refused_before_sending(
                AirtableUpdateRecords,
                json!({"base_id": "a", "table_id_or_name": "t", "records": []}),
            )
            .await,
            "records must list at least one record",
        ),
        (
            refused_before_sending(
                AirtableUpdateRecords,
                json!({"base_id": "a", "table_id_or_name": "t", "records": [{"fields": {}}]}),
            )
            .await,
            "records[0] needs an \"id\": the record to update",
        ),
        (
            refused_before_sending(
                AirtableUpdateRecords,
                json!({"base_id": "a", "table_id_or_name": "t", "records": [{"id": "rec1"}]}),
            )
            .await,
            "records[0] needs \"fields\": an object of the field values to set",
        ),
        (
            refused_before_sending(
                AirtableDeleteRecords,
                json!({"base_id": "a", "table_id_or_name": "t", "record_ids": eleven}),
            )
            .await,
            "record_ids lists 11 records; Airtable takes up to 10 at a time",
        ),
        (
            refused_before_sending(
                AirtableDeleteRecords,
                json!({"base_id": "a", "table_id_or_name": "", "record_ids": ["rec1"]}),
            )
            .await,
            "table_id_or_name must not be empty",
        ),
    ];
    for (got, wanted) in cases {
        assert_eq!(got, wanted);
    }
}

pub(super) fn airtable_error() -> Value {
    json!({"error": {"type": "AUTHENTICATION_REQUIRED", "message": "Authentication required"}})
}

#[tokio::test]
async fn record_blocks_meet_airtables_error_answers() {
    let key = || api_key("airtable", "pat-secret");
    let message = "Authentication required";
    let table = json!({"base_id": "appX", "table_id_or_name": "tblA"});
    let with = |extra: Value| {
        let mut input = creds(table.clone());
        for (k, v) in extra.as_object().cloned().unwrap_or_default() {
            input[k] = v;
        }
        input
    };
    let body = airtable_error();
    let lb = || AirtableListBases;
    let input = creds(json!({}));
    assert_error_answers(lb, input, key(), "airtable", body.clone(), message).await;
    let lr = || AirtableListRecords;
    assert_error_answers(
        lr,
        with(json!({})),
        key(),
        "airtable",
        body.clone(),
        message,
    )
    .await;
    let gr = || AirtableGetRecord;
    let input = with(json!({"record_id": "rec1"}));
    assert_error_answers(gr, input, key(), "airtable", body.clone(), message).await;
    let ur = || AirtableUpdateRecords;
    let input = with(json!({"records": [{"id": "rec1", "fields": {}}]}));
    assert_error_answers(ur, input, key(), "airtable", body.clone(), message).await;
    let dr = || AirtableDeleteRecords;
    let input = with(json!({"record_ids": ["rec1"]}));
    assert_error_answers(dr, input, key(), "airtable", body, message).await;
}
