//! The Sheets blocks that work on columns and on the sheet's order: GoogleSheetsAddColumnBlock,
//! GoogleSheetsDeleteColumnBlock, GoogleSheetsSortBlock; and the column and range lookups the
//! newer row blocks share.

use std::sync::LazyLock;

use agentry_core::{Block, BlockError, BlockMeta, Category, Cx};
use regex::Regex;
use reqwest::Method;
use schemars::JsonSchema;
use serde::{Deserialize, Serialize};
use serde_json::{Value, json};

use super::read::ResultOutput;
use super::structure::column_letter;
use super::{DriveFile, Picked, Sheet, cell_text, column_index, format_sheet_name};
use crate::api::segment;

pub struct GoogleSheetsAddColumn;
pub struct GoogleSheetsDeleteColumn;
pub struct GoogleSheetsSort;

/// A Python list of strings as `str(list)` prints it (`['a', 'b']`), as AutoGPT's errors show.
pub fn py_list(items: &[String]) -> String {
    let quoted: Vec<String> = items.iter().map(|s| format!("'{s}'")).collect();
    format!("[{}]", quoted.join(", "))
}

/// The header cells as text.
pub fn header_names(header: &[Value]) -> Vec<String> {
    header.iter().map(cell_text).collect()
}

/// AutoGPT's column lookup in the row blocks: a header named `column` (any case unless
/// `match_case`), else a column letter (one or two) inside the header's width. `None` when
/// neither; out of range is an error starting with `label` ("Column", "Sort column"…).
pub fn pick_column(
    header: &[Value],
    column: &str,
    match_case: bool,
    label: &str,
) -> Result<Option<usize>, BlockError> {
    let same = |h: &Value| {
        let h = cell_text(h);
        if match_case {
            h == column
        } else {
            h.to_lowercase() == column.to_lowercase()
        }
    };
    if let Some(i) = header.iter().position(same) {
        return Ok(Some(i));
    }
    if column.chars().count() <= 2
        && let Some(i) = column_index(column)
    {
        if i >= header.len() {
            return Err(BlockError::Input(format!(
                "{label} '{column}' (index {i}) is out of range. Sheet only has {} columns (A-{}).",
                header.len(),
                column_letter(header.len() as i64 - 1)
            )));
        }
        return Ok(Some(i));
    }
    Ok(None)
}

/// AutoGPT's `re.match(r"([A-Z]+)(\d+):([A-Z]+)(\d+)", range.upper())` reading of a range (any
/// sheet prefix dropped) as a Sheets `GridRange` without its sheet id.
pub fn grid_range(range: &str) -> Result<serde_json::Map<String, Value>, BlockError> {
    static RANGE: LazyLock<Regex> =
        LazyLock::new(|| Regex::new(r"^([A-Z]+)(\d+):([A-Z]+)(\d+)").expect("valid"));
    let cells = range.split_once('!').map_or(range, |(_, c)| c);
    let upper = cells.to_ascii_uppercase();
    let parsed = RANGE.captures(&upper).and_then(|c| {
        Some((
            column_index(&c[1])?,
            c[2].parse::<i64>().ok()?,
            column_index(&c[3])?,
            c[4].parse::<i64>().ok()?,
        ))
    });
    let Some((c1, r1, c2, r2)) = parsed else {
        return Err(BlockError::Input(format!("Invalid range format: {cells}")));
    };
    let mut m = serde_json::Map::new();
    m.insert("startRowIndex".into(), json!(r1 - 1));
    m.insert("endRowIndex".into(), json!(r2));
    m.insert("startColumnIndex".into(), json!(c1));
    m.insert("endColumnIndex".into(), json!(c2 + 1));
    Ok(m)
}

/// `AB12` as (0-based column, 1-based row), as `re.match(r"([A-Z]+)(\d+)", cell.upper())`
/// reads it (anything after is ignored).
pub fn cell_parts(cell: &str) -> Option<(usize, i64)> {
    static CELL: LazyLock<Regex> = LazyLock::new(|| Regex::new(r"^([A-Z]+)(\d+)").expect("valid"));
    let upper = cell.to_ascii_uppercase();
    let c = CELL.captures(&upper)?;
    Some((column_index(&c[1])?, c[2].parse().ok()?))
}

impl Sheet {
    /// The first row of the sheet named `formatted` (already quoted).
    pub async fn header<O: Serialize>(
        &self,
        cx: &mut Cx<'_, O>,
        formatted: &str,
    ) -> Result<Vec<Value>, BlockError> {
        let rows = self.values(cx, &format!("{formatted}!1:1")).await?;
        Ok(rows.into_iter().next().unwrap_or_default())
    }

    /// `values.update` of `range` with `rows`.
    pub async fn write<O: Serialize>(
        &self,
        cx: &mut Cx<'_, O>,
        range: &str,
        option: &str,
        rows: Value,
    ) -> Result<Value, BlockError> {
        let path = format!("/values/{}?valueInputOption={option}", segment(range));
        self.call(cx, Method::PUT, &path, &json!({ "values": rows }))
            .await
    }
}

/// A `deleteDimension` or `insertDimension` range of one row or column.
pub fn one_line(sheet_id: i64, dimension: &str, index: i64) -> Value {
    json!({"sheetId": sheet_id, "dimension": dimension, "startIndex": index, "endIndex": index + 1})
}

fn end() -> String {
    "end".into()
}

#[derive(Deserialize, JsonSchema)]
pub struct AddColumnInput {
    /// Select a Google Sheets spreadsheet
    #[serde(default)]
    pub spreadsheet: Picked,
    /// Sheet name (optional, defaults to first sheet)
    #[serde(default)]
    pub sheet_name: String,
    /// Header name for the new column
    pub header: String,
    /// Where to add: 'end' for last column, or column letter (e.g., 'C') to insert before
    #[serde(default = "end")]
    pub position: String,
    /// Default value to fill in all data rows (optional). Requires existing data rows.
    #[serde(default)]
    pub default_value: String,
}

#[derive(Serialize, JsonSchema)]
#[serde(tag = "pin", content = "value", rename_all = "snake_case")]
pub enum AddColumnOutput {
    /// Result of the operation
    Result(Value),
    /// Letter of the new column (e.g., 'D')
    ColumnLetter(String),
    /// 0-based index of the new column
    ColumnIndex(i64),
    /// The spreadsheet for chaining
    Spreadsheet(DriveFile),
}

impl Block for GoogleSheetsAddColumn {
    const META: BlockMeta = BlockMeta::standard(
        "cac51050-fc9e-4e63-987a-66c2ba2a127b",
        "GoogleSheetsAddColumnBlock",
        "Add a new column with a header. Can add at the end or insert at a specific position.",
        &[Category::Data],
    );
    type Input = AddColumnInput;
    type Output = AddColumnOutput;

    async fn run(
        &self,
        input: AddColumnInput,
        cx: &mut Cx<'_, AddColumnOutput>,
    ) -> Result<(), BlockError> {
        let sheet = Sheet::open(cx, &input.spreadsheet, "Failed to add column: ").await?;
        let (title, sheet_id) = sheet.resolve(cx, &input.sheet_name).await?;
        let name = format_sheet_name(&title);
        let rows = sheet.values(cx, &name).await?;
        let width = rows.iter().map(Vec::len).max().unwrap_or(0);
        let position = input.position.as_str();
        let index = if position.eq_ignore_ascii_case("end") {
            width
        } else if let Some(i) = column_index(position).filter(|_| position.len() <= 2) {
            let insert = json!({"insertDimension": {
                "range": one_line(sheet_id, "COLUMNS", i as i64),
                "inheritFromBefore": i > 0,
            }});
            sheet.batch_update(cx, json!([insert])).await?;
            i
        } else {
            return Err(sheet.fail(BlockError::Input(format!(
                "Invalid position: '{position}'. Use 'end' or a column letter."
            ))));
        };
        let letter = column_letter(index as i64);
        let header_cell = format!("{name}!{letter}1");
        let header = json!([[input.header]]);
        sheet
            .write(cx, &header_cell, "USER_ENTERED", header)
            .await?;
        if !input.default_value.is_empty() && rows.len() > 1 {
            let fill = vec![vec![input.default_value.clone()]; rows.len() - 1];
            let range = format!("{name}!{letter}2:{letter}{}", rows.len());
            sheet.write(cx, &range, "USER_ENTERED", json!(fill)).await?;
        }
        cx.emit(AddColumnOutput::Result(json!({"success": true})));
        cx.emit(AddColumnOutput::ColumnLetter(letter));
        cx.emit(AddColumnOutput::ColumnIndex(index as i64));
        cx.emit(AddColumnOutput::Spreadsheet(sheet.file.chained()));
        Ok(())
    }
}

#[derive(Deserialize, JsonSchema)]
pub struct DeleteColumnInput {
    /// Select a Google Sheets spreadsheet
    #[serde(default)]
    pub spreadsheet: Picked,
    /// Sheet name (optional, defaults to first sheet)
    #[serde(default)]
    pub sheet_name: String,
    /// Column to delete (header name or column letter like 'A', 'B')
    pub column: String,
}

impl Block for GoogleSheetsDeleteColumn {
    const META: BlockMeta = BlockMeta::standard(
        "59b266b6-5cce-4661-a1d3-c417e64d68e9",
        "GoogleSheetsDeleteColumnBlock",
        "Delete a column by header name or column letter.",
        &[Category::Data],
    );
    type Input = DeleteColumnInput;
    type Output = ResultOutput;

    async fn run(
        &self,
        input: DeleteColumnInput,
        cx: &mut Cx<'_, ResultOutput>,
    ) -> Result<(), BlockError> {
        let sheet = Sheet::open(cx, &input.spreadsheet, "Failed to delete column: ").await?;
        let (title, sheet_id) = sheet.resolve(cx, &input.sheet_name).await?;
        let header = sheet.header(cx, &format_sheet_name(&title)).await?;
        let column = &input.column;
        let index = pick_column(&header, column, false, "Column")
            .map_err(|e| sheet.fail(e))?
            .ok_or_else(|| sheet.fail(BlockError::Input(format!("Column '{column}' not found"))))?;
        let delete =
            json!({"deleteDimension": {"range": one_line(sheet_id, "COLUMNS", index as i64)}});
        sheet.batch_update(cx, json!([delete])).await?;
        cx.emit(ResultOutput::Result(json!({"success": true})));
        cx.emit(ResultOutput::Spreadsheet(sheet.file.chained()));
        Ok(())
    }
}

/// AutoGPT's `SortOrder`.
#[derive(Debug, Clone, Copy, Default, Deserialize, JsonSchema)]
#[serde(rename_all = "lowercase")]
pub enum SortOrder {
    #[default]
    Ascending,
    Descending,
}

impl SortOrder {
    fn api(self) -> &'static str {
        match self {
            SortOrder::Ascending => "ASCENDING",
            SortOrder::Descending => "DESCENDING",
        }
    }
}

fn yes() -> bool {
    true
}

#[derive(Deserialize, JsonSchema)]
pub struct SortInput {
    /// Select a Google Sheets spreadsheet
    #[serde(default)]
    pub spreadsheet: Picked,
    /// Sheet name (optional, defaults to first sheet)
    #[serde(default)]
    pub sheet_name: String,
    /// Primary column to sort by (header name or column letter)
    pub sort_column: String,
    /// Sort order for primary column
    #[serde(default)]
    pub sort_order: SortOrder,
    /// Secondary column to sort by (optional)
    #[serde(default)]
    pub secondary_column: String,
    /// Sort order for secondary column
    #[serde(default)]
    pub secondary_order: SortOrder,
    /// Whether the data has a header row (header won't be sorted)
    #[serde(default = "yes")]
    pub has_header: bool,
}

impl Block for GoogleSheetsSort {
    const META: BlockMeta = BlockMeta::standard(
        "a265bd84-c93b-459d-bbe0-94e6addaa38f",
        "GoogleSheetsSortBlock",
        "Sort a Google Sheet by one or two columns. The sheet is sorted in-place.",
        &[Category::Data],
    );
    type Input = SortInput;
    type Output = ResultOutput;

    async fn run(&self, input: SortInput, cx: &mut Cx<'_, ResultOutput>) -> Result<(), BlockError> {
        let sheet = Sheet::open(cx, &input.spreadsheet, "Failed to sort sheet: ").await?;
        let (title, sheet_id) = sheet.resolve(cx, &input.sheet_name).await?;
        let meta = sheet.metadata(cx).await?;
        let grid = meta["sheets"]
            .as_array()
            .into_iter()
            .flatten()
            .find(|s| s["properties"]["sheetId"].as_i64() == Some(sheet_id))
            .map(|s| s["properties"]["gridProperties"].clone())
            .unwrap_or(Value::Null);
        let rows = grid["rowCount"].as_i64().unwrap_or(1000);
        let columns = grid["columnCount"].as_i64().unwrap_or(26);
        let header = sheet.header(cx, &format_sheet_name(&title)).await?;
        let names = py_list(&header_names(&header));
        let mut specs = Vec::new();
        for (column, order, label) in [
            (&input.sort_column, input.sort_order, "Sort column"),
            (
                &input.secondary_column,
                input.secondary_order,
                "Secondary sort column",
            ),
        ] {
            if label != "Sort column" && column.is_empty() {
                continue;
            }
            let index = pick_column(&header, column, false, label)
                .map_err(|e| sheet.fail(e))?
                .ok_or_else(|| {
                    sheet.fail(BlockError::Input(format!(
                        "{label} '{column}' not found. Available: {names}"
                    )))
                })?;
            specs.push(json!({"dimensionIndex": index, "sortOrder": order.api()}));
        }
        let sort = json!({"sortRange": {
            "range": {
                "sheetId": sheet_id,
                "startRowIndex": i64::from(input.has_header),
                "endRowIndex": rows,
                "startColumnIndex": 0,
                "endColumnIndex": columns,
            },
            "sortSpecs": specs,
        }});
        sheet.batch_update(cx, json!([sort])).await?;
        cx.emit(ResultOutput::Result(json!({"success": true})));
        cx.emit(ResultOutput::Spreadsheet(sheet.file.chained()));
        Ok(())
    }
}
