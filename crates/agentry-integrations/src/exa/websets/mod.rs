//! Exa Websets (AutoGPT's `exa/websets*.py`) over `https://api.exa.ai/websets/v0`: the webset
//! blocks of `websets.py` (create, create-or-find, get, list, update, delete, cancel, preview,
//! status, summary, ready check), the item blocks (get, list, delete, bulk, summary, new since
//! a cursor), searches, enrichments and the waits on them, monitors (`monitor*.rs`), imports
//! and the export (`import_export*.rs`). Items come back in AutoGPT's `WebsetItemModel` shape.

pub mod import_export;
pub mod import_export_webset;
pub mod items;
pub mod items_bulk;
pub mod websets_create;
pub mod websets_insights;
pub mod websets_lifecycle;
pub mod websets_manage;
pub mod websets_model;
pub mod websets_summary;
// Searches, enrichments and polling (websets_search.py, websets_enrichment.py, websets_polling.py).
pub mod enrichment;
pub mod enrichment_manage;
pub mod monitor;
pub mod monitor_list;
pub mod polling;
pub mod polling_jobs;
pub mod search;
pub mod search_manage;

use agentry_core::{BlockError, Cx, Registry};
use serde::Serialize;
use serde_json::{Map, Value};

pub fn register(r: &mut Registry) {
    r.register(items::ExaGetWebsetItem);
    r.register(items::ExaListWebsetItems);
    r.register(items::ExaDeleteWebsetItem);
    r.register(items_bulk::ExaBulkWebsetItems);
    r.register(items_bulk::ExaWebsetItemsSummary);
    r.register(items_bulk::ExaGetNewItems);
    r.register(websets_create::ExaCreateWebset);
    r.register(websets_lifecycle::ExaCreateOrFindWebset);
    r.register(websets_manage::ExaUpdateWebset);
    r.register(websets_manage::ExaListWebsets);
    r.register(websets_manage::ExaGetWebset);
    r.register(websets_lifecycle::ExaDeleteWebset);
    r.register(websets_lifecycle::ExaCancelWebset);
    r.register(websets_insights::ExaPreviewWebset);
    r.register(websets_insights::ExaWebsetStatus);
    r.register(websets_summary::ExaWebsetSummary);
    r.register(websets_insights::ExaWebsetReadyCheck);
    // Searches, enrichments and polling.
    r.register(search::ExaCreateWebsetSearch);
    r.register(search::ExaGetWebsetSearch);
    r.register(search_manage::ExaCancelWebsetSearch);
    r.register(search_manage::ExaFindOrCreateSearch);
    r.register(enrichment::ExaCreateEnrichment);
    r.register(enrichment::ExaGetEnrichment);
    r.register(enrichment::ExaUpdateEnrichment);
    r.register(enrichment_manage::ExaDeleteEnrichment);
    r.register(enrichment_manage::ExaCancelEnrichment);
    r.register(polling::ExaWaitForWebset);
    r.register(polling_jobs::ExaWaitForSearch);
    r.register(polling_jobs::ExaWaitForEnrichment);
    r.register(monitor::ExaCreateMonitor);
    r.register(monitor::ExaGetMonitor);
    r.register(monitor::ExaUpdateMonitor);
    r.register(monitor_list::ExaDeleteMonitor);
    r.register(monitor_list::ExaListMonitors);
    r.register(import_export::ExaCreateImport);
    r.register(import_export::ExaGetImport);
    r.register(import_export::ExaListImports);
    r.register(import_export::ExaDeleteImport);
    r.register(import_export_webset::ExaExportWebset);
}

/// The path of a webset's items (or one item), ids as escaped path segments.
pub fn items_path(webset: &str, item: Option<&str>) -> String {
    let base = format!("/websets/v0/websets/{}/items", crate::api::segment(webset));
    match item {
        Some(id) => format!("{base}/{}", crate::api::segment(id)),
        None => base,
    }
}

/// AutoGPT's `EnrichmentResultModel`.
#[derive(Debug, Clone, Serialize, schemars::JsonSchema)]
pub struct EnrichmentResult {
    pub enrichment_id: String,
    pub format: String,
    pub result: Option<Vec<String>>,
    pub reasoning: Option<String>,
    pub references: Vec<Map<String, Value>>,
}

/// AutoGPT's `WebsetItemModel`.
#[derive(Debug, Clone, Serialize, schemars::JsonSchema)]
pub struct WebsetItem {
    pub id: String,
    pub url: Option<String>,
    pub title: String,
    pub content: String,
    pub entity_data: Map<String, Value>,
    pub enrichments: Map<String, Value>,
    pub created_at: String,
    pub updated_at: String,
}

// The converter every webset block reads the API's models with: the SDK's pydantic models
// dumped as AutoGPT dumps them (`exclude_none`, datetimes in `isoformat()`), so that each
// block's model (items here, imports, monitors, websets, searches, enrichments) reads a field
// the one way.

/// An object without its null fields (one level), as the SDK's `exclude_none` dump of a
/// model whose fields are plain values.
fn without_nulls(v: &Value) -> Map<String, Value> {
    v.as_object()
        .into_iter()
        .flatten()
        .filter(|(_, v)| !v.is_null())
        .map(|(k, v)| (k.clone(), v.clone()))
        .collect()
}

/// A text field (`""` when absent or not text).
pub fn text(v: &Value) -> String {
    v.as_str().unwrap_or_default().to_string()
}

/// A text field that may be missing (`None` when absent, null or not text).
pub fn maybe_text(v: &Value) -> Option<String> {
    v.as_str().map(str::to_string)
}

/// An answer's metadata, `{}` when it has none (AutoGPT's `metadata or {}`).
pub fn metadata(answer: &Value) -> Map<String, Value> {
    answer["metadata"].as_object().cloned().unwrap_or_default()
}

/// A whole number from the API (counts come as floats in the SDK); 0 when absent.
pub fn number(v: &Value) -> i64 {
    v.as_i64()
        .or_else(|| v.as_f64().map(|f| f as i64))
        .unwrap_or(0)
}

impl WebsetItem {
    /// From the API's item: the title is the person's or company's name, else the description.
    pub fn from_api(raw: &Value) -> WebsetItem {
        let props = &raw["properties"];
        let (title, content) = match props["type"].as_str() {
            Some("person") => (text(&props["person"]["name"]), String::new()),
            Some("company") => (text(&props["company"]["name"]), text(&props["content"])),
            _ => (text(&props["description"]), text(&props["content"])),
        };
        let enrichments = raw["enrichments"]
            .as_array()
            .into_iter()
            .flatten()
            .map(|e| {
                let result = EnrichmentResult {
                    enrichment_id: text(&e["enrichmentId"]),
                    format: text(&e["format"]),
                    result: e["result"].as_array().map(|a| {
                        a.iter()
                            .map(|s| s.as_str().map_or_else(|| s.to_string(), str::to_string))
                            .collect()
                    }),
                    reasoning: maybe_text(&e["reasoning"]),
                    references: e["references"]
                        .as_array()
                        .into_iter()
                        .flatten()
                        .map(without_nulls)
                        .collect(),
                };
                let value = serde_json::to_value(&result).unwrap_or(Value::Null);
                (result.enrichment_id, value)
            })
            .collect();
        WebsetItem {
            id: text(&raw["id"]),
            url: maybe_text(&props["url"]),
            title,
            content,
            entity_data: without_nulls(props),
            enrichments,
            created_at: text(&raw["createdAt"]),
            updated_at: text(&raw["updatedAt"]),
        }
    }
}

/// Python's `datetime.isoformat()` of an RFC 3339 time, as AutoGPT writes the SDK's datetimes
/// (`2025-06-01T10:00:00+00:00`, microseconds only when there are some); other text unchanged.
pub fn isoformat(raw: &str) -> String {
    let Ok(at) = chrono::DateTime::parse_from_rfc3339(raw) else {
        return raw.to_string();
    };
    let micros = at.timestamp_subsec_micros();
    let fraction = if micros > 0 {
        format!(".{micros:06}")
    } else {
        String::new()
    };
    format!(
        "{}{fraction}{}",
        at.format("%Y-%m-%dT%H:%M:%S"),
        at.format("%:z")
    )
}

/// A timestamp field in `isoformat`; `""` when absent.
pub fn iso(v: &Value) -> String {
    v.as_str().map(isoformat).unwrap_or_default()
}

/// A value without null object fields at any depth, as the SDK's
/// `model_dump(exclude_none=True)` gives.
pub fn pruned(v: &Value) -> Value {
    match v {
        Value::Object(o) => Value::Object(
            o.iter()
                .filter(|(_, v)| !v.is_null())
                .map(|(k, v)| (k.clone(), pruned(v)))
                .collect(),
        ),
        Value::Array(a) => Value::Array(a.iter().map(pruned).collect()),
        other => other.clone(),
    }
}

/// An object field as a map (`{}` when absent or not an object).
pub fn object(v: &Value) -> Map<String, Value> {
    match pruned(v) {
        Value::Object(o) => o,
        _ => Map::new(),
    }
}

/// The query of a list request: `limit` (refused outside 1 to 100) and the cursor when given.
pub fn page_query(
    limit: i64,
    cursor: Option<String>,
) -> Result<Vec<(&'static str, String)>, BlockError> {
    if !(1..=100).contains(&limit) {
        return Err(BlockError::Input(format!(
            "limit must be between 1 and 100, not {limit}"
        )));
    }
    let mut query = vec![("limit", limit.to_string())];
    if let Some(cursor) = cursor.filter(|c| !c.is_empty()) {
        query.push(("cursor", cursor));
    }
    Ok(query)
}

/// One page of a list answer (`data`, `hasMore`, `nextCursor`), its entries converted.
pub struct Page<T> {
    pub data: Vec<T>,
    pub has_more: bool,
    pub next_cursor: Option<String>,
}

impl<T: Clone> Page<T> {
    pub fn from_api(raw: &Value, convert: impl Fn(&Value) -> T) -> Page<T> {
        Page {
            data: raw["data"]
                .as_array()
                .into_iter()
                .flatten()
                .map(convert)
                .collect(),
            has_more: raw["hasMore"].as_bool().unwrap_or(false),
            next_cursor: maybe_text(&raw["nextCursor"]),
        }
    }

    /// Yields the page as AutoGPT's list blocks do: the list, each entry on a pin of its
    /// own, whether there are more, the cursor (the pins given by their output variants).
    pub fn emit<O: Serialize>(
        self,
        cx: &mut Cx<'_, O>,
        list: fn(Vec<T>) -> O,
        each: fn(T) -> O,
        has_more: fn(bool) -> O,
        next_cursor: fn(Option<String>) -> O,
    ) {
        cx.emit(list(self.data.clone()));
        for entry in self.data {
            cx.emit(each(entry));
        }
        cx.emit(has_more(self.has_more));
        cx.emit(next_cursor(self.next_cursor));
    }
}

/// Each element of the array at `v[key]`, pruned (an absent list is empty).
pub fn dumps(v: &Value, key: &str) -> Vec<Map<String, Value>> {
    v[key]
        .as_array()
        .into_iter()
        .flatten()
        .filter_map(|e| pruned(e).as_object().cloned())
        .collect()
}

#[cfg(test)]
mod test_support;

#[cfg(test)]
#[path = "items_tests.rs"]
mod tests;

#[cfg(test)]
#[path = "items_bulk_tests.rs"]
mod bulk_tests;

#[cfg(test)]
#[path = "websets_create_tests.rs"]
mod websets_create_tests;

#[cfg(test)]
#[path = "websets_manage_tests.rs"]
mod websets_manage_tests;

#[cfg(test)]
#[path = "websets_insights_tests.rs"]
mod websets_insights_tests;

#[cfg(test)]
#[path = "monitor_tests.rs"]
mod monitor_tests;

#[cfg(test)]
#[path = "import_export_tests.rs"]
mod import_export_tests;

#[cfg(test)]
mod converter_tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn isoformat_writes_pythons_form() {
        assert_eq!(
            isoformat("2025-06-01T10:00:00Z"),
            "2025-06-01T10:00:00+00:00"
        );
        assert_eq!(
            isoformat("2025-06-01T10:00:00.120Z"),
            "2025-06-01T10:00:00.120000+00:00"
        );
        assert_eq!(
            isoformat("2025-06-01T10:00:00+02:00"),
            "2025-06-01T10:00:00+02:00"
        );
        assert_eq!(isoformat("yesterday"), "yesterday");
        assert_eq!(iso(&json!(null)), "");
    }

    #[test]
    fn strips_nulls_at_every_depth() {
        let v = json!({"a": null, "b": [{"c": null, "d": 1}], "e": {"f": null}});
        assert_eq!(pruned(&v), json!({"b": [{"d": 1}], "e": {}}));
    }
}
