//! The Docs blocks that shape a document rather than write prose: GoogleDocsInsertTableBlock
//! and GoogleDocsFormatTextBlock (`documents.batchUpdate` `insertTable`, `updateTextStyle`).

use agentry_core::{Block, BlockError, BlockMeta, Category, Cx};
use schemars::JsonSchema;
use serde::Deserialize;
use serde_json::{Map, Value, json};

use super::Doc;
use super::edit::ResultOutput;
use super::md::to_requests;
use crate::google::drive::Picked;

pub struct GoogleDocsInsertTable;
pub struct GoogleDocsFormatText;

fn three() -> i64 {
    3
}

#[derive(Deserialize, JsonSchema)]
pub struct InsertTableInput {
    /// Select a Google Doc
    #[serde(default)]
    pub document: Picked,
    /// Number of rows (ignored if content provided)
    #[serde(default = "three")]
    pub rows: i64,
    /// Number of columns (ignored if content provided)
    #[serde(default = "three")]
    pub columns: i64,
    /// Optional 2D array of cell content, e.g. [['Header1', 'Header2'], ['Row1Col1',
    /// 'Row1Col2']]. If provided, rows/columns are derived from this.
    #[serde(default)]
    pub content: Vec<Vec<String>>,
    /// Position to insert table (0 = end of document)
    #[serde(default)]
    pub index: i64,
    /// Format cell content as Markdown (headers, bold, links, etc.)
    #[serde(default)]
    pub format_as_markdown: bool,
}

/// The start index of each cell's first element in a `table` element, as
/// (row, column, index), latest first so that inserting in this order keeps the others valid.
pub fn cell_starts(table: &Value) -> Vec<(usize, usize, i64)> {
    let mut cells = Vec::new();
    let rows = table["table"]["tableRows"].as_array().into_iter().flatten();
    for (r, row) in rows.enumerate() {
        for (c, cell) in row["tableCells"]
            .as_array()
            .into_iter()
            .flatten()
            .enumerate()
        {
            if let Some(start) = cell
                .pointer("/content/0/startIndex")
                .and_then(Value::as_i64)
            {
                cells.push((r, c, start));
            }
        }
    }
    cells.sort_by_key(|c| std::cmp::Reverse(c.2));
    cells
}

/// AutoGPT's choice of the table just inserted at `index`: the last table when the insert
/// point was near the end (`end` − rows×columns×2), else the first starting at or after it.
pub fn inserted_table<'a>(
    tables: &[&'a Value],
    index: i64,
    end: i64,
    size: i64,
) -> Option<&'a Value> {
    if index >= end - size {
        return tables.last().copied();
    }
    tables
        .iter()
        .find(|t| t["startIndex"].as_i64().unwrap_or(0) >= index)
        .or(tables.last())
        .copied()
}

impl Block for GoogleDocsInsertTable {
    const META: BlockMeta = BlockMeta::standard(
        "e104b3ab-dfef-45f9-9702-14e950988f53",
        "GoogleDocsInsertTableBlock",
        "Insert a table into a Google Doc, optionally with content and Markdown formatting",
        &[Category::Data],
    );
    type Input = InsertTableInput;
    type Output = ResultOutput;

    async fn run(
        &self,
        input: InsertTableInput,
        cx: &mut Cx<'_, ResultOutput>,
    ) -> Result<(), BlockError> {
        let doc = Doc::open(cx, &input.document, "Failed to insert table: ").await?;
        let has_content = input.content.iter().flatten().any(|c| !c.is_empty());
        let (rows, columns, content) = if has_content {
            let width = input.content.iter().map(Vec::len).max().unwrap_or(0);
            (input.content.len() as i64, width as i64, input.content)
        } else {
            (input.rows, input.columns, Vec::new())
        };
        if rows < 1 || columns < 1 {
            return Err(BlockError::Input(format!(
                "A table needs at least one row and one column (got {rows}×{columns})"
            )));
        }
        let index = if input.index == 0 {
            doc.end_index(cx).await?
        } else {
            input.index
        };
        let insert = json!({"insertTable": {"rows": rows, "columns": columns, "location": {"index": index}}});
        doc.batch_update(cx, json!([insert])).await?;
        let mut result = json!({"success": true, "rows": rows, "columns": columns});
        if content.is_empty() {
            cx.emit(ResultOutput::Result(result));
            cx.emit(ResultOutput::Document(doc.chained()));
            return Ok(());
        }
        let fetched = doc.get(cx).await?;
        let tables: Vec<&Value> = fetched["body"]["content"]
            .as_array()
            .into_iter()
            .flatten()
            .filter(|e| e.get("table").is_some())
            .collect();
        if tables.is_empty() {
            result["warning"] = json!("Table created but could not find it to populate");
        } else {
            let end = doc.end_index(cx).await?;
            let table =
                inserted_table(&tables, index, end, rows * columns * 2).unwrap_or(&Value::Null);
            let cells = cell_starts(table);
            if cells.is_empty() {
                let n = table["table"]["tableRows"].as_array().map_or(0, Vec::len);
                result["warning"] = json!(format!(
                    "Table created but could not extract cell positions. Table has {n} rows."
                ));
            } else {
                let texts: Vec<(i64, &String)> = cells
                    .iter()
                    .filter_map(|&(r, c, start)| {
                        let text = content.get(r)?.get(c)?;
                        (!text.is_empty()).then_some((start, text))
                    })
                    .collect();
                let mut populated = 0;
                if input.format_as_markdown {
                    // As AutoGPT: a batch per cell, the latest cell first.
                    for &(start, text) in &texts {
                        let requests = to_requests(text, start);
                        if !requests.is_empty() {
                            doc.batch_update(cx, Value::Array(requests)).await?;
                            populated += 1;
                        }
                    }
                } else {
                    let requests: Vec<Value> = texts
                        .iter()
                        .map(|&(start, text)| {
                            json!({"insertText": {"location": {"index": start}, "text": text}})
                        })
                        .collect();
                    if !requests.is_empty() {
                        doc.batch_update(cx, json!(requests)).await?;
                    }
                    populated = requests.len();
                }
                result["cells_populated"] = json!(populated);
                result["cells_found"] = json!(cells.len());
            }
        }
        cx.emit(ResultOutput::Result(result));
        cx.emit(ResultOutput::Document(doc.chained()));
        Ok(())
    }
}

#[derive(Deserialize, JsonSchema)]
pub struct FormatTextInput {
    /// Select a Google Doc
    #[serde(default)]
    pub document: Picked,
    /// Start index of text to format (must be >= 1, as index 0 is a section break)
    #[schemars(range(min = 1))]
    pub start_index: i64,
    /// End index of text to format
    pub end_index: i64,
    /// Make text bold
    #[serde(default)]
    pub bold: bool,
    /// Make text italic
    #[serde(default)]
    pub italic: bool,
    /// Underline text
    #[serde(default)]
    pub underline: bool,
    /// Font size in points (0 = no change)
    #[serde(default)]
    pub font_size: i64,
    /// Text color as hex (e.g., #FF0000 for red)
    #[serde(default)]
    pub foreground_color: String,
}

/// AutoGPT's `_parse_hex_color_to_rgb_floats`: `#RGB` or `#RRGGBB` (the `#` optional) as
/// red, green and blue in 0..=1.
pub fn hex_rgb(value: &str) -> Option<(f64, f64, f64)> {
    let raw = value.trim();
    let raw = raw.strip_prefix('#').unwrap_or(raw);
    if !matches!(raw.len(), 3 | 6) || !raw.chars().all(|c| c.is_ascii_hexdigit()) {
        return None;
    }
    let full: String = if raw.len() == 3 {
        raw.chars().flat_map(|c| [c, c]).collect()
    } else {
        raw.to_string()
    };
    let part = |i: usize| {
        u8::from_str_radix(&full[i..i + 2], 16)
            .ok()
            .map(|v| f64::from(v) / 255.0)
    };
    Some((part(0)?, part(2)?, part(4)?))
}

impl Block for GoogleDocsFormatText {
    const META: BlockMeta = BlockMeta::standard(
        "04c38a7e-7ee5-4e1a-86c1-9727123577bc",
        "GoogleDocsFormatTextBlock",
        "Apply formatting (bold, italic, color, etc.) to text in a Google Doc",
        &[Category::Data],
    );
    type Input = FormatTextInput;
    type Output = ResultOutput;

    async fn run(
        &self,
        input: FormatTextInput,
        cx: &mut Cx<'_, ResultOutput>,
    ) -> Result<(), BlockError> {
        let doc = Doc::open(cx, &input.document, "Failed to format text: ").await?;
        if input.start_index < 1 {
            return Err(BlockError::Input(
                "start_index must be at least 1 (index 0 is a section break)".into(),
            ));
        }
        if input.start_index >= input.end_index {
            return Err(BlockError::Input(
                "Start index must be less than end index".into(),
            ));
        }
        let mut style = Map::new();
        let mut fields = Vec::new();
        for (on, name) in [
            (input.bold, "bold"),
            (input.italic, "italic"),
            (input.underline, "underline"),
        ] {
            if on {
                style.insert(name.into(), json!(true));
                fields.push(name);
            }
        }
        if input.font_size > 0 {
            style.insert(
                "fontSize".into(),
                json!({"magnitude": input.font_size, "unit": "PT"}),
            );
            fields.push("fontSize");
        }
        let mut warning = None;
        let color = &input.foreground_color;
        if !color.is_empty() {
            match hex_rgb(color) {
                Some((r, g, b)) => {
                    style.insert(
                        "foregroundColor".into(),
                        json!({"color": {"rgbColor": {"red": r, "green": g, "blue": b}}}),
                    );
                    fields.push("foregroundColor");
                }
                None if fields.is_empty() => {
                    let message = format!(
                        "Invalid foreground_color: '{color}'. Expected hex like #RGB or #RRGGBB."
                    );
                    cx.emit(ResultOutput::Result(
                        json!({"success": false, "message": message}),
                    ));
                    cx.emit(ResultOutput::Document(doc.chained()));
                    return Ok(());
                }
                None => {
                    warning = Some(format!(
                        "Ignored invalid foreground_color: '{color}'. Expected hex like #RGB or #RRGGBB."
                    ));
                }
            }
        }
        let result = if fields.is_empty() {
            json!({"success": true, "message": "No formatting options specified"})
        } else {
            let request = json!({"updateTextStyle": {
                "range": {"startIndex": input.start_index, "endIndex": input.end_index},
                "textStyle": style,
                "fields": fields.join(","),
            }});
            doc.batch_update(cx, json!([request])).await?;
            match warning {
                Some(w) => json!({"success": true, "warning": w}),
                None => json!({"success": true}),
            }
        };
        cx.emit(ResultOutput::Result(result));
        cx.emit(ResultOutput::Document(doc.chained()));
        Ok(())
    }
}
