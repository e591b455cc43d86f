//! The Sheets blocks that answer questions about rows: GoogleSheetsGetRowBlock and
//! GoogleSheetsGetUniqueValuesBlock.

use agentry_core::{Block, BlockError, BlockMeta, Category, Cx};
use schemars::JsonSchema;
use serde::{Deserialize, Serialize};
use serde_json::{Map, Value};

use super::read::{find_column, whole_sheet};
use super::{DriveFile, Picked, Sheet, cell_text, format_sheet_name};
use crate::error::prefixed;

pub struct GoogleSheetsGetRow;
pub struct GoogleSheetsGetUniqueValues;

#[derive(Deserialize, JsonSchema)]
pub struct GetRowInput {
    /// Select a Google Sheets spreadsheet
    #[serde(default)]
    pub spreadsheet: Picked,
    /// Sheet name (optional, defaults to first sheet)
    #[serde(default)]
    pub sheet_name: String,
    /// 1-based row index to retrieve
    pub row_index: i64,
}

#[derive(Serialize, JsonSchema)]
#[serde(tag = "pin", content = "value", rename_all = "snake_case")]
pub enum GetRowOutput {
    /// The row values as a list
    Row(Vec<Value>),
    /// The row as a dictionary (header: value)
    RowDict(Map<String, Value>),
    /// The spreadsheet for chaining
    Spreadsheet(DriveFile),
}

impl Block for GoogleSheetsGetRow {
    const META: BlockMeta = BlockMeta::standard(
        "c4be9390-2431-4682-9769-7025b22a5fa7",
        "GoogleSheetsGetRowBlock",
        "Get a specific row by its index. Returns both list and dict formats.",
        &[Category::Data],
    );
    type Input = GetRowInput;
    type Output = GetRowOutput;

    async fn run(
        &self,
        input: GetRowInput,
        cx: &mut Cx<'_, GetRowOutput>,
    ) -> Result<(), BlockError> {
        let sheet = Sheet::open(cx, &input.spreadsheet, "Failed to get row: ").await?;
        let (title, _) = sheet.resolve(cx, &input.sheet_name).await?;
        let name = format_sheet_name(&title);
        let first = |mut rows: Vec<Vec<Value>>| {
            if rows.is_empty() {
                Vec::new()
            } else {
                rows.swap_remove(0)
            }
        };
        let header = first(sheet.values(cx, &format!("{name}!1:1")).await?);
        let n = input.row_index;
        let row = first(sheet.values(cx, &format!("{name}!{n}:{n}")).await?);
        let dict = header
            .iter()
            .enumerate()
            .map(|(i, h)| {
                (
                    cell_text(h),
                    row.get(i).cloned().unwrap_or(Value::String(String::new())),
                )
            })
            .collect();
        cx.emit(GetRowOutput::Row(row));
        cx.emit(GetRowOutput::RowDict(dict));
        cx.emit(GetRowOutput::Spreadsheet(sheet.file.chained()));
        Ok(())
    }
}

#[derive(Deserialize, JsonSchema)]
pub struct UniqueInput {
    /// Select a Google Sheets spreadsheet
    #[serde(default)]
    pub spreadsheet: Picked,
    /// Sheet name (optional, defaults to first sheet)
    #[serde(default)]
    pub sheet_name: String,
    /// Column to get unique values from (header name or column letter)
    pub column: String,
    /// Include count of each unique value
    #[serde(default)]
    pub include_count: bool,
    /// Sort results by count (most frequent first)
    #[serde(default)]
    pub sort_by_count: bool,
}

#[derive(Serialize, JsonSchema)]
#[serde(tag = "pin", content = "value", rename_all = "snake_case")]
pub enum UniqueOutput {
    /// List of unique values
    Values(Vec<String>),
    /// Count of each unique value (if include_count is True)
    Counts(Map<String, Value>),
    /// Total number of unique values
    TotalUnique(i64),
    /// The spreadsheet for chaining
    Spreadsheet(DriveFile),
}

impl Block for GoogleSheetsGetUniqueValues {
    const META: BlockMeta = BlockMeta::standard(
        "0f296c0b-6b6e-4280-b96e-ae1459b98dff",
        "GoogleSheetsGetUniqueValuesBlock",
        "Get unique values from a column. Useful for building dropdown options or finding distinct categories.",
        &[Category::Data],
    );
    type Input = UniqueInput;
    type Output = UniqueOutput;

    async fn run(
        &self,
        input: UniqueInput,
        cx: &mut Cx<'_, UniqueOutput>,
    ) -> Result<(), BlockError> {
        let prefix = "Failed to get unique values: ";
        let sheet = Sheet::open(cx, &input.spreadsheet, prefix).await?;
        let rows = whole_sheet(&sheet, cx, &input.sheet_name).await?;
        // Counts in first-seen order, as a Python dict keeps them.
        let mut counts: Vec<(String, i64)> = Vec::new();
        if let Some(header) = rows.first() {
            let i = find_column(header, &input.column).map_err(|e| prefixed(e, prefix))?;
            for row in &rows[1..] {
                let value = row.get(i).map(cell_text).unwrap_or_default();
                if value.trim().is_empty() {
                    continue;
                }
                match counts.iter_mut().find(|(v, _)| *v == value) {
                    Some((_, n)) => *n += 1,
                    None => counts.push((value, 1)),
                }
            }
        }
        let mut order = counts.clone();
        if input.sort_by_count {
            order.sort_by_key(|(_, n)| -n);
        } else {
            order.sort_by(|a, b| a.0.cmp(&b.0));
        }
        let values: Vec<String> = order.into_iter().map(|(v, _)| v).collect();
        let total = values.len() as i64;
        let counts = if input.include_count {
            counts.into_iter().map(|(v, n)| (v, n.into())).collect()
        } else {
            Map::new()
        };
        cx.emit(UniqueOutput::Values(values));
        cx.emit(UniqueOutput::Counts(counts));
        cx.emit(UniqueOutput::TotalUnique(total));
        cx.emit(UniqueOutput::Spreadsheet(sheet.file.chained()));
        Ok(())
    }
}
