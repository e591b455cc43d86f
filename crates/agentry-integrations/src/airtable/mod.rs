//! Airtable (AutoGPT's `airtable/`): bases, records and schema over the REST API
//! (`https://api.airtable.com/v0/…`), and the webhook trigger (`trigger.rs`, `webhook.rs`).
//! Credentials: provider `airtable`, type `api_key` (a personal access token) or `oauth2`,
//! both sent as a bearer token.
//!
//! Shared here: AutoGPT's `_convert_bools` on every request body, the table schema lookup and
//! `normalize_records` (every field of the table present, empty ones with the empty value of
//! their type).

pub mod create_base;
pub mod create_records;
pub mod list_bases;
pub mod read_records;
pub mod schema;
pub mod schema_fields;
pub mod trigger;
pub mod webhook;
pub mod write_records;

use agentry_core::credentials::CredentialKind;
use agentry_core::{BlockError, Cx, Registry};
use reqwest::Method;
use serde::Serialize;
use serde_json::{Map, Value, json};

use crate::api::{Client, Service, segment};

pub const PROVIDER: &str = "airtable";

pub const API: Service = Service::bearer(
    PROVIDER,
    "airtable",
    "https://api.airtable.com",
    &[CredentialKind::ApiKey, CredentialKind::Oauth2],
);

pub fn register(r: &mut Registry) {
    r.register(create_base::AirtableCreateBase);
    r.register(create_records::AirtableCreateRecords);
    r.register(list_bases::AirtableListBases);
    r.register(read_records::AirtableListRecords);
    r.register(read_records::AirtableGetRecord);
    r.register(write_records::AirtableUpdateRecords);
    r.register(write_records::AirtableDeleteRecords);
    r.register(schema::AirtableListSchema);
    r.register(schema::AirtableCreateTable);
    r.register(schema::AirtableUpdateTable);
    r.register(schema_fields::AirtableCreateField);
    r.register(schema_fields::AirtableUpdateField);
    r.register(trigger::AirtableWebhookTrigger);
}

/// The path of a table's records, `/v0/{base}/{table}`, once both are given (an input error
/// naming the empty one before any request).
pub fn records_path(base_id: &str, table_id_or_name: &str) -> Result<String, BlockError> {
    Ok(format!(
        "/v0/{}/{}",
        segment(required("base_id", base_id)?),
        segment(required("table_id_or_name", table_id_or_name)?)
    ))
}

/// `value` when it is not blank; else an input error naming `pin`.
pub fn required<'a>(pin: &str, value: &'a str) -> Result<&'a str, BlockError> {
    if value.trim().is_empty() {
        return Err(BlockError::Input(format!("{pin} must not be empty")));
    }
    Ok(value)
}

/// AutoGPT's `_convert_bools`: the strings "true" and "false" (any case) become booleans,
/// at any depth.
pub fn convert_bools(value: Value) -> Value {
    match value {
        Value::String(s) if s.eq_ignore_ascii_case("true") => Value::Bool(true),
        Value::String(s) if s.eq_ignore_ascii_case("false") => Value::Bool(false),
        Value::Array(items) => Value::Array(items.into_iter().map(convert_bools).collect()),
        Value::Object(map) => Value::Object(
            map.into_iter()
                .map(|(k, v)| (k, convert_bools(v)))
                .collect(),
        ),
        other => other,
    }
}

/// `body` sent as `method` to `path`, its "true"/"false" strings made booleans first
/// (`convert_bools`), as AutoGPT's helpers send every write; answers Airtable's JSON.
pub async fn send_converted<O: Serialize>(
    client: &Client,
    cx: &mut Cx<'_, O>,
    method: Method,
    path: &str,
    body: Value,
) -> Result<Value, BlockError> {
    let body = convert_bools(body);
    Ok(client.send_json(cx, method, path, &body).await?)
}

/// The `key` array of an Airtable answer (`records`, `tables`, `fields`); empty when absent.
pub fn listed(answer: &Value, key: &str) -> Vec<Value> {
    answer[key].as_array().cloned().unwrap_or_default()
}

/// A base's tables (`GET /v0/meta/bases/{base}/tables`).
pub async fn base_tables<O: Serialize>(
    client: &Client,
    cx: &mut Cx<'_, O>,
    base_id: &str,
) -> Result<Vec<Value>, BlockError> {
    let path = format!("/v0/meta/bases/{}/tables", segment(base_id));
    let answer = client.get_json(cx, &path, &[]).await?;
    Ok(listed(&answer, "tables"))
}

/// The table named or identified by `table`, with its fields.
pub async fn table_schema<O: Serialize>(
    client: &Client,
    cx: &mut Cx<'_, O>,
    base_id: &str,
    table: &str,
) -> Result<Value, BlockError> {
    base_tables(client, cx, base_id)
        .await?
        .into_iter()
        .find(|t| t["id"] == table || t["name"] == table)
        .ok_or_else(|| BlockError::Input(format!("Table '{table}' not found in base '{base_id}'")))
}

/// AutoGPT's `get_empty_value_for_field`.
pub fn empty_value(field_type: &str) -> Value {
    match field_type {
        "checkbox" => Value::Bool(false),
        "multipleSelects"
        | "multipleRecordLinks"
        | "multipleAttachments"
        | "multipleLookupValues"
        | "multipleCollaborators" => json!([]),
        "number" | "percent" | "currency" | "rating" | "duration" | "count" | "autoNumber" => {
            json!(0)
        }
        "singleLineText" | "multilineText" | "email" | "url" | "phoneNumber" | "richText"
        | "barcode" => json!(""),
        _ => Value::Null,
    }
}

/// AutoGPT's `normalize_records` without field metadata: `id`, `createdTime` and every field
/// of the table, in the table's order.
pub fn normalize_records(records: &[Value], table: &Value) -> Vec<Value> {
    let fields = listed(table, "fields");
    records
        .iter()
        .map(|record| {
            let mut values = Map::new();
            for field in &fields {
                let name = field["name"].as_str().unwrap_or_default();
                let value = record["fields"]
                    .get(name)
                    .cloned()
                    .unwrap_or_else(|| empty_value(field["type"].as_str().unwrap_or_default()));
                values.insert(name.to_string(), value);
            }
            json!({
                "id": record.get("id").cloned().unwrap_or(Value::Null),
                "createdTime": record.get("createdTime").cloned().unwrap_or(Value::Null),
                "fields": values,
            })
        })
        .collect()
}

/// AutoGPT's `field_metadata` of `normalize_records`: each field's type and id by name, with
/// the options that matter for its type (currency symbol, select choices, rating scale).
pub fn field_metadata(table: &Value) -> Map<String, Value> {
    let mut all = Map::new();
    for field in table["fields"].as_array().into_iter().flatten() {
        let kind = field["type"].as_str().unwrap_or_default();
        let options = &field["options"];
        let mut meta = Map::new();
        meta.insert("type".into(), field["type"].clone());
        meta.insert("id".into(), field["id"].clone());
        let has = |key: &str| options.get(key).is_some();
        match kind {
            "currency" if has("symbol") => {
                meta.insert("symbol".into(), options["symbol"].clone());
                meta.insert("precision".into(), or(options, "precision", json!(2)));
            }
            "duration" if has("durationFormat") => {
                meta.insert("format".into(), options["durationFormat"].clone());
            }
            "percent" if has("precision") => {
                meta.insert("precision".into(), options["precision"].clone());
            }
            "singleSelect" | "multipleSelects" if has("choices") => {
                let names: Vec<Value> = options["choices"]
                    .as_array()
                    .into_iter()
                    .flatten()
                    .map(|c| c["name"].clone())
                    .collect();
                meta.insert("choices".into(), Value::Array(names));
            }
            "rating" if has("max") => {
                meta.insert("max".into(), options["max"].clone());
                meta.insert("icon".into(), or(options, "icon", json!("star")));
                meta.insert("color".into(), or(options, "color", json!("yellowBright")));
            }
            _ => {}
        }
        let name = field["name"].as_str().unwrap_or_default().to_string();
        all.insert(name, Value::Object(meta));
    }
    all
}

fn or(options: &Value, key: &str, default: Value) -> Value {
    options.get(key).cloned().unwrap_or(default)
}

#[cfg(test)]
#[path = "records_tests.rs"]
mod records_tests;
#[cfg(test)]
#[path = "schema_tests.rs"]
mod schema_tests;
#[cfg(test)]
#[path = "airtable_tests.rs"]
mod tests;
#[cfg(test)]
#[path = "trigger_tests.rs"]
mod trigger_tests;
