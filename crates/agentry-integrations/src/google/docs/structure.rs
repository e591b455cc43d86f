//! GoogleDocsGetStructureBlock: a document's body as segments with their start and end
//! indexes (`documents.get`), for the blocks that edit by index.

use agentry_core::{Block, BlockError, BlockMeta, Category, Cx};
use schemars::JsonSchema;
use serde::{Deserialize, Serialize};
use serde_json::{Map, Value, json};

use super::Doc;
use crate::google::drive::{DriveFile, Picked};

pub struct GoogleDocsGetStructure;

#[derive(Deserialize, JsonSchema)]
pub struct StructureInput {
    /// Select a Google Doc to analyze
    #[serde(default)]
    pub document: Picked,
    /// Return full hierarchical structure instead of flat segments
    #[serde(default)]
    pub detailed: bool,
}

#[derive(Serialize, JsonSchema)]
#[serde(tag = "pin", content = "value", rename_all = "snake_case")]
pub enum StructureOutput {
    /// Flat list of content segments with indexes (when detailed=False)
    Segments(Vec<Value>),
    /// Full hierarchical document structure (when detailed=True)
    Structure(Map<String, Value>),
    /// The document for chaining
    Document(DriveFile),
}

/// A paragraph's text runs joined, trailing newlines dropped.
fn paragraph_text(paragraph: &Value) -> String {
    let text: String = paragraph["elements"]
        .as_array()
        .into_iter()
        .flatten()
        .filter_map(|e| e.pointer("/textRun/content").and_then(Value::as_str))
        .collect();
    text.trim_end_matches('\n').to_string()
}

fn heading_level(paragraph: &Value) -> Option<i64> {
    let style = paragraph["paragraphStyle"]["namedStyleType"].as_str()?;
    let level: i64 = style.strip_prefix("HEADING_")?.parse().ok()?;
    (1..=6).contains(&level).then_some(level)
}

/// AutoGPT's `_process_table_detailed`.
fn table_detailed(element: &Value) -> Value {
    let table = &element["table"];
    let rows: Vec<Value> = table["tableRows"]
        .as_array()
        .into_iter()
        .flatten()
        .map(|row| {
            let cells: Vec<Value> = row["tableCells"]
                .as_array()
                .into_iter()
                .flatten()
                .map(|cell| {
                    let (mut text, mut start, mut end) = (String::new(), Value::Null, Value::Null);
                    for part in cell["content"].as_array().into_iter().flatten() {
                        if let Some(p) = part.get("paragraph") {
                            text.push_str(&paragraph_text(p));
                            if start.is_null() {
                                start = part["startIndex"].clone();
                            }
                            end = part["endIndex"].clone();
                        }
                    }
                    json!({"text": text, "start_index": start, "end_index": end})
                })
                .collect();
            json!({ "cells": cells })
        })
        .collect();
    json!({
        "type": "table",
        "start_index": element["startIndex"],
        "end_index": element["endIndex"],
        "row_count": rows.len(),
        "rows": rows,
        "column_count": table.get("columns").cloned().unwrap_or(json!(0)),
    })
}

/// AutoGPT's `_get_structure`: (segments, body of the detailed structure).
pub fn structure(doc: &Value, detailed: bool) -> (Vec<Value>, Vec<Value>) {
    let (mut segments, mut body) = (Vec::new(), Vec::new());
    for element in doc["body"]["content"].as_array().into_iter().flatten() {
        let (start, end) = (&element["startIndex"], &element["endIndex"]);
        if let Some(paragraph) = element.get("paragraph") {
            let text = paragraph_text(paragraph);
            let segment = match heading_level(paragraph) {
                Some(level) => json!({"type": "heading", "level": level, "text": text,
                                      "start_index": start, "end_index": end}),
                None => json!({"type": "paragraph", "text": text,
                               "start_index": start, "end_index": end}),
            };
            if detailed {
                let mut more = segment.clone();
                more["style"] = paragraph
                    .get("paragraphStyle")
                    .cloned()
                    .unwrap_or(json!({}));
                body.push(more);
            }
            if !text.trim().is_empty() {
                segments.push(segment);
            }
        } else if let Some(table) = element.get("table") {
            segments.push(json!({
                "type": "table",
                "rows": table["tableRows"].as_array().map_or(0, Vec::len),
                "columns": table.get("columns").cloned().unwrap_or(json!(0)),
                "start_index": start,
                "end_index": end,
            }));
            if detailed {
                body.push(table_detailed(element));
            }
        } else if element.get("sectionBreak").is_some() {
            if detailed {
                body.push(json!({"type": "section_break", "start_index": start, "end_index": end}));
            }
        } else if element.get("tableOfContents").is_some() {
            let segment =
                json!({"type": "table_of_contents", "start_index": start, "end_index": end});
            if detailed {
                body.push(segment.clone());
            }
            segments.push(segment);
        }
    }
    (segments, body)
}

impl Block for GoogleDocsGetStructure {
    const META: BlockMeta = BlockMeta::standard(
        "e0561cc1-2154-4abf-bd06-79509348a18e",
        "GoogleDocsGetStructureBlock",
        "Get document structure with index positions for precise editing operations",
        &[Category::Data],
    );
    type Input = StructureInput;
    type Output = StructureOutput;

    async fn run(
        &self,
        input: StructureInput,
        cx: &mut Cx<'_, StructureOutput>,
    ) -> Result<(), BlockError> {
        let doc = Doc::open(cx, &input.document, "Failed to get document structure: ").await?;
        let fetched = doc.get(cx).await?;
        let (segments, body) = structure(&fetched, input.detailed);
        let mut outline = Map::new();
        if input.detailed {
            outline.insert("body".into(), Value::Array(body));
        }
        cx.emit(StructureOutput::Segments(segments));
        cx.emit(StructureOutput::Structure(outline));
        cx.emit(StructureOutput::Document(doc.chained()));
        Ok(())
    }
}
