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

use agentry_core::Registry;
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

/// An object without its null fields, as the SDK's `exclude_none` dump gives.
fn without_nulls(v: &Value) -> Map<String, Value> {
    v.as_object()
        .into_iter()
        .flatten()
        .filter(|(_, v)| !v.is_null())
        .map(|(k, v)| (k.clone(), v.clone()))
        .collect()
}

fn text(v: &Value) -> String {
    v.as_str().unwrap_or_default().to_string()
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
                    reasoning: e["reasoning"].as_str().map(str::to_string),
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
            url: props["url"].as_str().map(str::to_string),
            title,
            content,
            entity_data: without_nulls(props),
            enrichments,
            created_at: text(&raw["createdAt"]),
            updated_at: text(&raw["updatedAt"]),
        }
    }
}

/// A timestamp of the API as the SDK's `datetime.isoformat()` writes it
/// (`2025-06-01T10:00:00+00:00`, microseconds only when there are some); `""` when absent.
pub fn iso(v: &Value) -> String {
    let Some(s) = v.as_str() else {
        return String::new();
    };
    match chrono::DateTime::parse_from_rfc3339(s) {
        Ok(t) => {
            let micros = t.timestamp_subsec_micros();
            let fraction = if micros > 0 {
                format!(".{micros:06}")
            } else {
                String::new()
            };
            format!(
                "{}{fraction}{}",
                t.format("%Y-%m-%dT%H:%M:%S"),
                t.format("%:z")
            )
        }
        Err(_) => s.to_string(),
    }
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
