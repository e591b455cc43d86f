//! ExaExportWebsetBlock (AutoGPT's `websets_import_export.py`): a webset's items, as the API
//! gives them without nulls, written as JSON (indented), JSON Lines or CSV (nested objects
//! flattened with `_`, lists as JSON text, columns sorted), the text laid out as Python's
//! `json.dumps` and `csv.DictWriter` lay it out.

use agentry_core::{Block, BlockError, BlockMeta, Category, CredentialsMeta, Cx};
use schemars::JsonSchema;
use serde::{Deserialize, Serialize};
use serde_json::ser::{CompactFormatter, Formatter, PrettyFormatter};
use serde_json::{Map, Value};
use std::io;

use super::{items_path, maybe_text, pruned};

pub struct ExaExportWebset;

/// AutoGPT's `ExportFormat`.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
pub enum ExportFormat {
    #[default]
    #[serde(rename = "json")]
    Json,
    #[serde(rename = "csv")]
    Csv,
    #[serde(rename = "jsonl")]
    JsonLines,
}

fn yes() -> bool {
    true
}
fn hundred() -> i64 {
    100
}

#[derive(Deserialize, JsonSchema)]
pub struct ExportInput {
    /// The Exa integration requires an API Key.
    #[serde(default)]
    #[schemars(extend("credentials_provider" = ["exa"], "credentials_types" = ["api_key"]))]
    pub credentials: CredentialsMeta,
    /// The ID or external ID of the Webset to export
    pub webset_id: String,
    /// Export format
    #[serde(default)]
    pub format: ExportFormat,
    /// Include full content in export
    #[serde(default = "yes")]
    pub include_content: bool,
    /// Include enrichment data in export
    #[serde(default = "yes")]
    pub include_enrichments: bool,
    /// Maximum number of items to export
    #[serde(default = "hundred")]
    #[schemars(range(min = 1, max = 100))]
    pub max_items: i64,
}

#[derive(Serialize, JsonSchema)]
#[serde(tag = "pin", content = "value", rename_all = "snake_case")]
pub enum ExportOutput {
    /// Exported data in the requested format
    ExportData(String),
    /// Number of items exported
    ItemCount(i64),
    /// Total number of items in the webset
    TotalItems(i64),
    /// Whether the export was truncated due to max_items limit
    Truncated(bool),
    /// Format of the exported data
    Format(String),
}

/// Python's `json.dumps` layout around a serde formatter: `", "` and `": "` between parts
/// (the compact form; the indented one has them already) and non-ASCII escaped as `\uXXXX`
/// (`ensure_ascii`).
struct Python<F> {
    inner: F,
    compact: bool,
}

impl<F: Formatter> Formatter for Python<F> {
    fn begin_array<W: ?Sized + io::Write>(&mut self, w: &mut W) -> io::Result<()> {
        self.inner.begin_array(w)
    }
    fn end_array<W: ?Sized + io::Write>(&mut self, w: &mut W) -> io::Result<()> {
        self.inner.end_array(w)
    }
    fn begin_array_value<W: ?Sized + io::Write>(
        &mut self,
        w: &mut W,
        first: bool,
    ) -> io::Result<()> {
        if self.compact && !first {
            return w.write_all(b", ");
        }
        self.inner.begin_array_value(w, first)
    }
    fn end_array_value<W: ?Sized + io::Write>(&mut self, w: &mut W) -> io::Result<()> {
        self.inner.end_array_value(w)
    }
    fn begin_object<W: ?Sized + io::Write>(&mut self, w: &mut W) -> io::Result<()> {
        self.inner.begin_object(w)
    }
    fn end_object<W: ?Sized + io::Write>(&mut self, w: &mut W) -> io::Result<()> {
        self.inner.end_object(w)
    }
    fn begin_object_key<W: ?Sized + io::Write>(
        &mut self,
        w: &mut W,
        first: bool,
    ) -> io::Result<()> {
        if self.compact && !first {
            return w.write_all(b", ");
        }
        self.inner.begin_object_key(w, first)
    }
    fn begin_object_value<W: ?Sized + io::Write>(&mut self, w: &mut W) -> io::Result<()> {
        if self.compact {
            return w.write_all(b": ");
        }
        self.inner.begin_object_value(w)
    }
    fn end_object_value<W: ?Sized + io::Write>(&mut self, w: &mut W) -> io::Result<()> {
        self.inner.end_object_value(w)
    }
    fn write_string_fragment<W: ?Sized + io::Write>(
        &mut self,
        w: &mut W,
        fragment: &str,
    ) -> io::Result<()> {
        for c in fragment.chars() {
            if c.is_ascii() {
                w.write_all(&[c as u8])?;
            } else {
                let mut units = [0u16; 2];
                for unit in c.encode_utf16(&mut units) {
                    write!(w, "\\u{unit:04x}")?;
                }
            }
        }
        Ok(())
    }
}

fn write_with<F: Formatter>(value: &Value, formatter: F) -> String {
    let mut out = Vec::new();
    let mut ser = serde_json::Serializer::with_formatter(&mut out, formatter);
    // Writing a Value to memory cannot fail.
    value.serialize(&mut ser).expect("a JSON value serializes");
    String::from_utf8(out).expect("the writer escapes to ASCII")
}

/// `json.dumps(value)`.
pub fn dumps(value: &Value) -> String {
    let formatter = Python {
        inner: CompactFormatter,
        compact: true,
    };
    write_with(value, formatter)
}

/// `json.dumps(value, indent=2)`.
pub fn dumps_indented(value: &Value) -> String {
    let formatter = Python {
        inner: PrettyFormatter::with_indent(b"  "),
        compact: false,
    };
    write_with(value, formatter)
}

/// AutoGPT's `_flatten_dict`: nested objects joined with `_`, lists as JSON text.
fn flatten(object: &Map<String, Value>, parent: &str, out: &mut Map<String, Value>) {
    for (k, v) in object {
        let key = if parent.is_empty() {
            k.clone()
        } else {
            format!("{parent}_{k}")
        };
        match v {
            Value::Object(inner) => flatten(inner, &key, out),
            Value::Array(_) => {
                out.insert(key, Value::String(dumps(v)));
            }
            other => {
                out.insert(key, other.clone());
            }
        }
    }
}

/// A cell as Python's `str()` writes it.
fn cell(v: &Value) -> String {
    match v {
        Value::String(s) => s.clone(),
        Value::Bool(true) => "True".into(),
        Value::Bool(false) => "False".into(),
        Value::Null => String::new(),
        other => other.to_string(),
    }
}

/// `csv.DictWriter` over the flattened items: a header of every key, sorted, then a row per
/// item with `""` where it lacks a key; CRLF line ends and minimal quoting, as Python's.
fn to_csv(items: &[Map<String, Value>]) -> Result<String, BlockError> {
    let flat: Vec<Map<String, Value>> = items
        .iter()
        .map(|item| {
            let mut out = Map::new();
            flatten(item, "", &mut out);
            out
        })
        .collect();
    let mut keys: Vec<&String> = flat.iter().flat_map(|f| f.keys()).collect();
    keys.sort();
    keys.dedup();
    let mut writer = csv::WriterBuilder::new()
        .terminator(csv::Terminator::CRLF)
        .flexible(true)
        .from_writer(Vec::new());
    let failed = |e: csv::Error| BlockError::System(format!("writing the CSV failed: {e}"));
    writer.write_record(&keys).map_err(failed)?;
    for row in &flat {
        let cells = keys
            .iter()
            .map(|k| row.get(*k).map(cell).unwrap_or_default());
        writer.write_record(cells).map_err(failed)?;
    }
    let bytes = writer
        .into_inner()
        .map_err(|e| BlockError::System(format!("writing the CSV failed: {e}")))?;
    Ok(String::from_utf8_lossy(&bytes).into_owned())
}

impl Block for ExaExportWebset {
    const META: BlockMeta = BlockMeta::standard(
        "5da9d0fd-4b5b-4318-8302-8f71d0ccce9d",
        "ExaExportWebsetBlock",
        "Export webset data in JSON, CSV, or JSON Lines format",
        &[Category::Data],
    );
    type Input = ExportInput;
    type Output = ExportOutput;

    async fn run(
        &self,
        input: ExportInput,
        cx: &mut Cx<'_, ExportOutput>,
    ) -> Result<(), BlockError> {
        if !(1..=100).contains(&input.max_items) {
            return Err(BlockError::Input(format!(
                "max_items must be between 1 and 100, not {}",
                input.max_items
            )));
        }
        let client = super::super::client(cx, &input.credentials).await?;
        let path = items_path(&input.webset_id, None);
        let max = input.max_items as usize;
        let mut items: Vec<Map<String, Value>> = Vec::new();
        let mut cursor: Option<String> = None;
        // The SDK's list_all: pages of max_items until the webset has no more or enough came.
        'pages: loop {
            let mut query = vec![("limit", input.max_items.to_string())];
            if let Some(c) = &cursor {
                query.push(("cursor", c.clone()));
            }
            let page = client.get_json(cx, &path, &query).await?;
            for raw in page["data"].as_array().into_iter().flatten() {
                if items.len() >= max {
                    break 'pages;
                }
                if let Value::Object(mut item) = pruned(raw) {
                    if !input.include_content {
                        // AutoGPT drops a top-level `content`; the API keeps it in `properties`.
                        item.remove("content");
                        if let Some(Value::Object(p)) = item.get_mut("properties") {
                            p.remove("content");
                        }
                    }
                    if !input.include_enrichments {
                        item.remove("enrichments");
                    }
                    items.push(item);
                }
            }
            cursor = maybe_text(&page["nextCursor"]);
            if items.len() >= max || page["hasMore"].as_bool() != Some(true) || cursor.is_none() {
                break;
            }
        }
        let export = match input.format {
            ExportFormat::Json => dumps_indented(&Value::Array(
                items.iter().cloned().map(Value::Object).collect(),
            )),
            ExportFormat::JsonLines => items
                .iter()
                .map(|i| dumps(&Value::Object(i.clone())))
                .collect::<Vec<_>>()
                .join("\n"),
            ExportFormat::Csv => to_csv(&items)?,
        };
        let count = items.len() as i64;
        cx.emit(ExportOutput::ExportData(export));
        cx.emit(ExportOutput::ItemCount(count));
        cx.emit(ExportOutput::TotalItems(count));
        cx.emit(ExportOutput::Truncated(items.len() >= max));
        let format = serde_json::to_value(input.format).unwrap_or(Value::Null);
        cx.emit(ExportOutput::Format(
            format.as_str().unwrap_or_default().to_string(),
        ));
        Ok(())
    }
}
