//! The Sheets blocks that find and change rows: GoogleSheetsFilterRowsBlock,
//! GoogleSheetsLookupRowBlock, GoogleSheetsDeleteRowsBlock, GoogleSheetsInsertRowBlock,
//! GoogleSheetsUpdateRowBlock.

use agentry_core::{Block, BlockError, BlockMeta, Category, Cx};
use schemars::JsonSchema;
use serde::{Deserialize, Serialize};
use serde_json::{Map, Value, json};

use super::columns::{header_names, one_line, pick_column, py_list};
use super::read::{ResultOutput, whole_sheet};
use super::{DriveFile, Picked, Sheet, ValueInputOption, cell_text, format_sheet_name};

pub struct GoogleSheetsFilterRows;
pub struct GoogleSheetsLookupRow;
pub struct GoogleSheetsDeleteRows;
pub struct GoogleSheetsInsertRow;
pub struct GoogleSheetsUpdateRow;

fn yes() -> bool {
    true
}

/// AutoGPT's `FilterOperator`.
#[derive(Debug, Clone, Copy, Default, PartialEq, Deserialize, JsonSchema)]
#[serde(rename_all = "snake_case")]
pub enum FilterOperator {
    #[default]
    Equals,
    NotEquals,
    Contains,
    NotContains,
    GreaterThan,
    LessThan,
    GreaterThanOrEqual,
    LessThanOrEqual,
    IsEmpty,
    IsNotEmpty,
}

/// Python's `float(text)` for the comparisons: surrounding whitespace allowed.
fn number(text: &str) -> Option<f64> {
    text.trim().parse().ok()
}

/// AutoGPT's `_apply_filter`: numbers compared as numbers when both sides are, text otherwise.
pub fn apply_filter(cell: &str, value: &str, op: FilterOperator, match_case: bool) -> bool {
    use FilterOperator::*;
    use std::cmp::Ordering::*;
    match op {
        IsEmpty => return cell.trim().is_empty(),
        IsNotEmpty => return !cell.trim().is_empty(),
        _ => {}
    }
    let (c, v) = if match_case {
        (cell.to_string(), value.to_string())
    } else {
        (cell.to_lowercase(), value.to_lowercase())
    };
    let order = match (number(cell), number(value)) {
        (Some(a), Some(b)) => a.partial_cmp(&b),
        _ => Some(c.cmp(&v)),
    };
    match op {
        Equals => c == v,
        NotEquals => c != v,
        Contains => c.contains(&v),
        NotContains => !c.contains(&v),
        GreaterThan => order == Some(Greater),
        LessThan => order == Some(Less),
        GreaterThanOrEqual => matches!(order, Some(Greater | Equal)),
        LessThanOrEqual => matches!(order, Some(Less | Equal)),
        IsEmpty | IsNotEmpty => false,
    }
}

#[derive(Deserialize, JsonSchema)]
pub struct FilterInput {
    /// Select a Google Sheets spreadsheet
    #[serde(default)]
    pub spreadsheet: Picked,
    /// Sheet name (optional, defaults to first sheet)
    #[serde(default)]
    pub sheet_name: String,
    /// Column to filter on (header name or column letter like 'A', 'B')
    pub filter_column: String,
    /// Value to filter by (not used for is_empty/is_not_empty operators)
    #[serde(default)]
    pub filter_value: String,
    /// Filter comparison operator
    #[serde(default)]
    pub operator: FilterOperator,
    /// Whether to match case in comparisons
    #[serde(default)]
    pub match_case: bool,
    /// Include header row in output
    #[serde(default = "yes")]
    pub include_header: bool,
}

#[derive(Serialize, JsonSchema)]
#[serde(tag = "pin", content = "value", rename_all = "snake_case")]
pub enum FilterOutput {
    /// Filtered rows (including header if requested)
    Rows(Vec<Vec<Value>>),
    /// Original 1-based row indices of matching rows (useful for deletion)
    RowIndices(Vec<i64>),
    /// Number of matching rows (excluding header)
    Count(i64),
    /// The spreadsheet for chaining
    Spreadsheet(DriveFile),
}

impl Block for GoogleSheetsFilterRows {
    const META: BlockMeta = BlockMeta::standard(
        "582195c2-ccee-4fc2-b646-18f72eb9906c",
        "GoogleSheetsFilterRowsBlock",
        "Filter rows in a Google Sheet based on a column condition. Returns matching rows and their indices.",
        &[Category::Data],
    );
    type Input = FilterInput;
    type Output = FilterOutput;

    async fn run(
        &self,
        input: FilterInput,
        cx: &mut Cx<'_, FilterOutput>,
    ) -> Result<(), BlockError> {
        let sheet = Sheet::open(cx, &input.spreadsheet, "Failed to filter rows: ").await?;
        let rows = whole_sheet(&sheet, cx, &input.sheet_name).await?;
        let (mut out, mut indices) = (Vec::new(), Vec::new());
        if let Some((header, data)) = rows.split_first() {
            let column = &input.filter_column;
            let i = pick_column(header, column, input.match_case, "Column")
                .map_err(|e| sheet.fail(e))?
                .ok_or_else(|| {
                    sheet.fail(BlockError::Input(format!(
                        "Column '{column}' not found. Available columns: {}",
                        py_list(&header_names(header))
                    )))
                })?;
            if input.include_header {
                out.push(header.clone());
            }
            for (n, row) in data.iter().enumerate() {
                let cell = row.get(i).map(cell_text).unwrap_or_default();
                if apply_filter(&cell, &input.filter_value, input.operator, input.match_case) {
                    out.push(row.clone());
                    indices.push(n as i64 + 2);
                }
            }
        }
        let count = indices.len() as i64;
        cx.emit(FilterOutput::Rows(out));
        cx.emit(FilterOutput::RowIndices(indices));
        cx.emit(FilterOutput::Count(count));
        cx.emit(FilterOutput::Spreadsheet(sheet.file.chained()));
        Ok(())
    }
}

#[derive(Deserialize, JsonSchema)]
pub struct LookupInput {
    /// Select a Google Sheets spreadsheet
    #[serde(default)]
    pub spreadsheet: Picked,
    /// Sheet name (optional, defaults to first sheet)
    #[serde(default)]
    pub sheet_name: String,
    /// Column to search in (header name or column letter)
    pub lookup_column: String,
    /// Value to search for
    pub lookup_value: String,
    /// Columns to return (header names or letters). Empty = all columns.
    #[serde(default)]
    pub return_columns: Vec<String>,
    /// Whether to match case
    #[serde(default)]
    pub match_case: bool,
}

#[derive(Serialize, JsonSchema)]
#[serde(tag = "pin", content = "value", rename_all = "snake_case")]
pub enum LookupOutput {
    /// The matching row (all or selected columns)
    Row(Vec<Value>),
    /// The matching row as a dictionary (header: value)
    RowDict(Map<String, Value>),
    /// 1-based row index of the match
    RowIndex(i64),
    /// Whether a match was found
    Found(bool),
    /// The spreadsheet for chaining
    Spreadsheet(DriveFile),
}

impl Block for GoogleSheetsLookupRow {
    const META: BlockMeta = BlockMeta::standard(
        "e58c0bad-6597-400c-9548-d151ec428ffc",
        "GoogleSheetsLookupRowBlock",
        "Look up a row by finding a value in a specific column. Returns the first matching row and optionally specific columns.",
        &[Category::Data],
    );
    type Input = LookupInput;
    type Output = LookupOutput;

    async fn run(
        &self,
        input: LookupInput,
        cx: &mut Cx<'_, LookupOutput>,
    ) -> Result<(), BlockError> {
        let sheet = Sheet::open(cx, &input.spreadsheet, "Failed to lookup row: ").await?;
        let rows = whole_sheet(&sheet, cx, &input.sheet_name).await?;
        let mut found = (Vec::new(), Map::new(), 0, false);
        if let Some((header, data)) = rows.split_first() {
            let names = header_names(header);
            let not_found = |what: &str, c: &str| {
                sheet.fail(BlockError::Input(format!(
                    "{what} '{c}' not found. Available: {}",
                    py_list(&names)
                )))
            };
            let column = &input.lookup_column;
            let key = pick_column(header, column, input.match_case, "Column")
                .map_err(|e| sheet.fail(e))?
                .ok_or_else(|| not_found("Lookup column", column))?;
            let mut wanted = Vec::new();
            for c in &input.return_columns {
                let i = pick_column(header, c, input.match_case, "Return column")
                    .map_err(|e| sheet.fail(e))?
                    .ok_or_else(|| not_found("Return column", c))?;
                wanted.push(i);
            }
            if input.return_columns.is_empty() {
                wanted = (0..header.len()).collect();
            }
            let fold = |s: String| {
                if input.match_case {
                    s
                } else {
                    s.to_lowercase()
                }
            };
            let target = fold(input.lookup_value.clone());
            if let Some((n, row)) = data
                .iter()
                .enumerate()
                .find(|(_, row)| fold(row.get(key).map(cell_text).unwrap_or_default()) == target)
            {
                let cell = |i: usize| row.get(i).cloned().unwrap_or(json!(""));
                let values: Vec<Value> = wanted.iter().map(|&i| cell(i)).collect();
                let dict = wanted
                    .iter()
                    .map(|&i| (names[i].clone(), cell(i)))
                    .collect();
                found = (values, dict, n as i64 + 2, true);
            }
        }
        cx.emit(LookupOutput::Row(found.0));
        cx.emit(LookupOutput::RowDict(found.1));
        cx.emit(LookupOutput::RowIndex(found.2));
        cx.emit(LookupOutput::Found(found.3));
        cx.emit(LookupOutput::Spreadsheet(sheet.file.chained()));
        Ok(())
    }
}

#[derive(Deserialize, JsonSchema)]
pub struct DeleteRowsInput {
    /// Select a Google Sheets spreadsheet
    #[serde(default)]
    pub spreadsheet: Picked,
    /// Sheet name (optional, defaults to first sheet)
    #[serde(default)]
    pub sheet_name: String,
    /// 1-based row indices to delete (e.g., [2, 5, 7])
    pub row_indices: Vec<i64>,
}

#[derive(Serialize, JsonSchema)]
#[serde(tag = "pin", content = "value", rename_all = "snake_case")]
pub enum DeleteRowsOutput {
    /// Result of the delete operation
    Result(Value),
    /// Number of rows deleted
    DeletedCount(i64),
    /// The spreadsheet for chaining
    Spreadsheet(DriveFile),
}

/// `deleteDimension` requests for 1-based `rows`, deduplicated and bottom-up so that each
/// deletion leaves the rows still to delete where they were.
pub fn delete_rows_requests(sheet_id: i64, rows: &[i64]) -> Vec<Value> {
    let mut rows = rows.to_vec();
    rows.sort_unstable_by(|a, b| b.cmp(a));
    rows.dedup();
    rows.iter()
        .map(|r| json!({"deleteDimension": {"range": one_line(sheet_id, "ROWS", r - 1)}}))
        .collect()
}

impl Block for GoogleSheetsDeleteRows {
    const META: BlockMeta = BlockMeta::standard(
        "24bcd490-b02d-44c6-847d-b62a2319f5eb",
        "GoogleSheetsDeleteRowsBlock",
        "Delete specific rows from a Google Sheet by their row indices. Works well with FilterRowsBlock output.",
        &[Category::Data],
    );
    type Input = DeleteRowsInput;
    type Output = DeleteRowsOutput;

    async fn run(
        &self,
        input: DeleteRowsInput,
        cx: &mut Cx<'_, DeleteRowsOutput>,
    ) -> Result<(), BlockError> {
        let sheet = Sheet::open(cx, &input.spreadsheet, "Failed to delete rows: ").await?;
        let mut deleted = 0;
        if !input.row_indices.is_empty() {
            if let Some(bad) = input.row_indices.iter().find(|&&r| r < 1) {
                return Err(sheet.fail(BlockError::Input(format!(
                    "Row index {bad} is invalid: rows are numbered from 1"
                ))));
            }
            let (_, sheet_id) = sheet.resolve(cx, &input.sheet_name).await?;
            let requests = delete_rows_requests(sheet_id, &input.row_indices);
            deleted = requests.len() as i64;
            sheet.batch_update(cx, json!(requests)).await?;
        }
        cx.emit(DeleteRowsOutput::Result(json!({"success": true})));
        cx.emit(DeleteRowsOutput::DeletedCount(deleted));
        cx.emit(DeleteRowsOutput::Spreadsheet(sheet.file.chained()));
        Ok(())
    }
}

#[derive(Deserialize, JsonSchema)]
pub struct InsertRowInput {
    /// Select a Google Sheets spreadsheet
    #[serde(default)]
    pub spreadsheet: Picked,
    /// Row values to insert (e.g., ['Alice', 'alice@example.com', '25'])
    pub row: Vec<String>,
    /// 1-based row index where to insert (existing rows shift down)
    pub row_index: i64,
    /// Sheet name (optional, defaults to first sheet)
    #[serde(default)]
    pub sheet_name: String,
    /// How values are interpreted. USER_ENTERED: parsed like typed input (e.g., '=SUM(A1:A5)'
    /// becomes a formula, '1/2/2024' becomes a date). RAW: stored as-is without parsing.
    #[serde(default)]
    #[schemars(extend("advanced" = true))]
    pub value_input_option: ValueInputOption,
}

impl Block for GoogleSheetsInsertRow {
    const META: BlockMeta = BlockMeta::standard(
        "03eda5df-8080-4ed1-bfdf-212f543d657e",
        "GoogleSheetsInsertRowBlock",
        "Insert a single row at a specific position. Existing rows shift down.",
        &[Category::Data],
    );
    type Input = InsertRowInput;
    type Output = ResultOutput;

    async fn run(
        &self,
        input: InsertRowInput,
        cx: &mut Cx<'_, ResultOutput>,
    ) -> Result<(), BlockError> {
        let sheet = Sheet::open(cx, &input.spreadsheet, "Failed to insert row: ").await?;
        if input.row.is_empty() {
            return Err(BlockError::Input("Row data is required".into()));
        }
        if input.row_index < 1 {
            return Err(sheet.fail(BlockError::Input(format!(
                "Row index {} is invalid: rows are numbered from 1",
                input.row_index
            ))));
        }
        let (title, sheet_id) = sheet.resolve(cx, &input.sheet_name).await?;
        let start = input.row_index - 1;
        let insert = json!({"insertDimension": {
            "range": one_line(sheet_id, "ROWS", start),
            "inheritFromBefore": start > 0,
        }});
        sheet.batch_update(cx, json!([insert])).await?;
        let range = format!("{}!A{}", format_sheet_name(&title), input.row_index);
        let option = input.value_input_option.as_str();
        sheet.write(cx, &range, option, json!([input.row])).await?;
        cx.emit(ResultOutput::Result(json!({"success": true})));
        cx.emit(ResultOutput::Spreadsheet(sheet.file.chained()));
        Ok(())
    }
}

#[derive(Deserialize, JsonSchema)]
pub struct UpdateRowInput {
    /// Select a Google Sheets spreadsheet
    #[serde(default)]
    pub spreadsheet: Picked,
    /// Sheet name (optional, defaults to first sheet)
    #[serde(default)]
    pub sheet_name: String,
    /// 1-based row index to update
    pub row_index: i64,
    /// New values for the row (in column order)
    #[serde(default)]
    pub values: Vec<String>,
    /// Values as dict with column headers as keys (alternative to values)
    #[serde(default)]
    pub dict_values: Map<String, Value>,
}

impl Block for GoogleSheetsUpdateRow {
    const META: BlockMeta = BlockMeta::standard(
        "b8a934d5-fca0-4be3-9fc2-a99bf63bd385",
        "GoogleSheetsUpdateRowBlock",
        "Update a specific row by its index. Can use list or dict format for values.",
        &[Category::Data],
    );
    type Input = UpdateRowInput;
    type Output = ResultOutput;

    async fn run(
        &self,
        input: UpdateRowInput,
        cx: &mut Cx<'_, ResultOutput>,
    ) -> Result<(), BlockError> {
        let sheet = Sheet::open(cx, &input.spreadsheet, "Failed to update row: ").await?;
        if input.values.is_empty() && input.dict_values.is_empty() {
            return Err(BlockError::Input(
                "Either values or dict_values must be provided".into(),
            ));
        }
        let n = input.row_index;
        if n < 1 {
            return Err(sheet.fail(BlockError::Input(format!(
                "Row index {n} is invalid: rows are numbered from 1"
            ))));
        }
        let (title, _) = sheet.resolve(cx, &input.sheet_name).await?;
        let name = format_sheet_name(&title);
        let (row, updated): (Vec<Value>, usize) = if input.dict_values.is_empty() {
            let row = input.values.iter().map(|v| json!(v)).collect();
            (row, input.values.len())
        } else {
            let names = header_names(&sheet.header(cx, &name).await?);
            let current = sheet.values(cx, &format!("{name}!{n}:{n}")).await?;
            let mut row = current.into_iter().next().unwrap_or_default();
            if row.len() < names.len() {
                row.resize(names.len(), json!(""));
            }
            let at = |key: &str| {
                names
                    .iter()
                    .position(|h| h.to_lowercase() == key.to_lowercase())
            };
            if let Some(missing) = input.dict_values.keys().find(|k| at(k).is_none()) {
                return Err(sheet.fail(BlockError::Input(format!(
                    "Column '{missing}' not found in sheet. Available columns: {}",
                    names.join(", ")
                ))));
            }
            for (key, value) in &input.dict_values {
                if let Some(i) = at(key) {
                    row[i] = json!(cell_text(value));
                }
            }
            (row, input.dict_values.len())
        };
        sheet
            .write(cx, &format!("{name}!A{n}"), "USER_ENTERED", json!([row]))
            .await?;
        cx.emit(ResultOutput::Result(
            json!({"success": true, "updatedCells": updated}),
        ));
        cx.emit(ResultOutput::Spreadsheet(sheet.file.chained()));
        Ok(())
    }
}
