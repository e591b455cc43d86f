//! The Sheets blocks that search cell values: GoogleSheetsFindBlock (locations of a text) and
//! GoogleSheetsRemoveDuplicatesBlock (rows whose key columns repeat).

use std::collections::HashMap;

use agentry_core::{Block, BlockError, BlockMeta, Category, Cx};
use schemars::JsonSchema;
use serde::{Deserialize, Serialize};
use serde_json::{Value, json};

use super::columns::{cell_parts, header_names, pick_column};
use super::rows::delete_rows_requests;
use super::structure::column_letter;
use super::{DriveFile, Picked, Sheet, cell_text, format_sheet_name, parse_a1};

pub struct GoogleSheetsFind;
pub struct GoogleSheetsRemoveDuplicates;

fn yes() -> bool {
    true
}

fn minus_one() -> i64 {
    -1
}

#[derive(Deserialize, JsonSchema)]
pub struct FindInput {
    /// Select a Google Sheets spreadsheet
    #[serde(default)]
    pub spreadsheet: Picked,
    /// The text to find
    pub find_text: String,
    /// The ID of the specific sheet to search (optional, searches all sheets if not provided)
    #[serde(default = "minus_one")]
    pub sheet_id: i64,
    /// Whether to match case
    #[serde(default)]
    pub match_case: bool,
    /// Whether to match entire cell
    #[serde(default)]
    pub match_entire_cell: bool,
    /// Whether to find all occurrences (true) or just the first one (false)
    #[serde(default = "yes")]
    pub find_all: bool,
    /// The A1 notation range to search in (optional, searches entire sheet if not provided)
    #[serde(default)]
    #[schemars(extend("advanced" = true))]
    pub range: String,
}

#[derive(Serialize, JsonSchema)]
#[serde(tag = "pin", content = "value", rename_all = "snake_case")]
pub enum FindOutput {
    /// The result of the find operation including locations and count
    Result(Value),
    /// List of cell locations where the text was found
    Locations(Vec<Value>),
    /// Number of occurrences found
    Count(i64),
    /// The spreadsheet as a GoogleDriveFile (for chaining to other blocks)
    Spreadsheet(DriveFile),
}

/// What to look for and how, as AutoGPT's `_search_range` compares.
struct Needle<'a> {
    text: &'a str,
    match_case: bool,
    entire_cell: bool,
    find_all: bool,
}

impl Needle<'_> {
    fn matches(&self, cell: &str) -> bool {
        let (cell, text) = if self.match_case {
            (cell.to_string(), self.text.to_string())
        } else {
            (cell.to_lowercase(), self.text.to_lowercase())
        };
        if self.entire_cell {
            cell == text
        } else {
            cell.contains(&text)
        }
    }

    /// Adds the matches in `rows` (read from `range` of sheet `sheet`) to `found`; the
    /// range's first cell, when it names one before a `:`, places them.
    fn search(&self, rows: &[Vec<Value>], range: &str, sheet: &str, found: &mut Vec<Value>) {
        let (_, cells) = parse_a1(range);
        let (start_col, start_row) = match cells.split_once(':') {
            Some((first, _)) => cell_parts(first).map_or((0, 0), |(c, r)| (c, r - 1)),
            None => (0, 0),
        };
        for (r, row) in rows.iter().enumerate() {
            for (c, cell) in row.iter().enumerate() {
                if cell.is_null() {
                    continue;
                }
                let text = cell_text(cell);
                if !self.matches(&text) {
                    continue;
                }
                let row_no = start_row + r as i64 + 1;
                let col = start_col + c;
                found.push(json!({
                    "sheet": sheet,
                    "row": row_no,
                    "column": col + 1,
                    "address": format!("{}{row_no}", column_letter(col as i64)),
                    "value": text,
                }));
                if !self.find_all {
                    return;
                }
            }
        }
    }
}

impl Block for GoogleSheetsFind {
    const META: BlockMeta = BlockMeta::standard(
        "0f4ecc72-b958-47b2-b65e-76d6d26b9b27",
        "GoogleSheetsFindBlock",
        "Find text in a Google Sheets spreadsheet. Returns locations and count of occurrences. Can find all occurrences or just the first one.",
        &[Category::Data],
    );
    type Input = FindInput;
    type Output = FindOutput;

    async fn run(&self, input: FindInput, cx: &mut Cx<'_, FindOutput>) -> Result<(), BlockError> {
        let sheet = Sheet::open(
            cx,
            &input.spreadsheet,
            "Failed to find text in Google Sheet: ",
        )
        .await?;
        let needle = Needle {
            text: &input.find_text,
            match_case: input.match_case,
            entire_cell: input.match_entire_cell,
            find_all: input.find_all,
        };
        let mut found = Vec::new();
        if input.range.is_empty() {
            let sheets = sheet.sheets(cx).await?;
            for (title, id) in sheets {
                if input.sheet_id >= 0 && id != input.sheet_id {
                    continue;
                }
                let range = format!("'{title}'");
                let rows = sheet.values(cx, &range).await?;
                needle.search(&rows, &range, &title, &mut found);
                if !input.find_all && !found.is_empty() {
                    break;
                }
            }
        } else {
            let (name, range) = match parse_a1(&input.range) {
                (Some(name), _) => (name.to_string(), input.range.clone()),
                (None, _) => {
                    let sheets = sheet.sheets(cx).await?;
                    let first = sheets.first().map_or("Sheet1".to_string(), |s| s.0.clone());
                    let range = format!("'{first}'!{}", input.range);
                    (first, range)
                }
            };
            let rows = sheet.values(cx, &range).await?;
            needle.search(&rows, &range, &name, &mut found);
        }
        let count = found.len() as i64;
        cx.emit(FindOutput::Count(count));
        cx.emit(FindOutput::Locations(found));
        cx.emit(FindOutput::Result(json!({"success": true})));
        cx.emit(FindOutput::Spreadsheet(sheet.file.chained()));
        Ok(())
    }
}

fn first() -> String {
    "first".into()
}

#[derive(Deserialize, JsonSchema)]
pub struct DedupeInput {
    /// Select a Google Sheets spreadsheet
    #[serde(default)]
    pub spreadsheet: Picked,
    /// Sheet name (optional, defaults to first sheet)
    #[serde(default)]
    pub sheet_name: String,
    /// Columns to check for duplicates (header names or letters). Empty = all columns.
    #[serde(default)]
    pub columns: Vec<String>,
    /// Which duplicate to keep: 'first' or 'last'
    #[serde(default = "first")]
    pub keep: String,
    /// Whether to match case when comparing
    #[serde(default)]
    pub match_case: bool,
}

#[derive(Serialize, JsonSchema)]
#[serde(tag = "pin", content = "value", rename_all = "snake_case")]
pub enum DedupeOutput {
    /// Result of the operation
    Result(Value),
    /// Number of duplicate rows removed
    RemovedCount(i64),
    /// Number of rows remaining
    RemainingRows(i64),
    /// The spreadsheet for chaining
    Spreadsheet(DriveFile),
}

/// The 1-based rows AutoGPT deletes from `rows` (header first): repeats of the key columns
/// after the first one (`keep` = "first"), else every one but the last.
pub fn duplicate_rows(
    rows: &[Vec<Value>],
    key: &[usize],
    match_case: bool,
    keep: &str,
) -> Vec<i64> {
    let mut seen: HashMap<Vec<String>, i64> = HashMap::new();
    let mut doomed = Vec::new();
    for (n, row) in rows.iter().enumerate().skip(1) {
        let row_no = n as i64 + 1;
        let parts: Vec<String> = key
            .iter()
            .map(|&i| {
                let v = row.get(i).map(cell_text).unwrap_or_default();
                if match_case { v } else { v.to_lowercase() }
            })
            .collect();
        match seen.get_mut(&parts) {
            Some(_) if keep == "first" => doomed.push(row_no),
            Some(previous) => {
                doomed.push(*previous);
                *previous = row_no;
            }
            None => {
                seen.insert(parts, row_no);
            }
        }
    }
    doomed
}

impl Block for GoogleSheetsRemoveDuplicates {
    const META: BlockMeta = BlockMeta::standard(
        "6eb50ff7-205b-400e-8ecc-1ce8d50075be",
        "GoogleSheetsRemoveDuplicatesBlock",
        "Remove duplicate rows based on specified columns. Keeps either the first or last occurrence.",
        &[Category::Data],
    );
    type Input = DedupeInput;
    type Output = DedupeOutput;

    async fn run(
        &self,
        input: DedupeInput,
        cx: &mut Cx<'_, DedupeOutput>,
    ) -> Result<(), BlockError> {
        let sheet = Sheet::open(cx, &input.spreadsheet, "Failed to remove duplicates: ").await?;
        let (title, sheet_id) = sheet.resolve(cx, &input.sheet_name).await?;
        let rows = sheet.values(cx, &format_sheet_name(&title)).await?;
        let mut removed = 0;
        if rows.len() > 1 {
            let header = &rows[0];
            let key: Vec<usize> = if input.columns.is_empty() {
                (0..header.len()).collect()
            } else {
                let mut key = Vec::new();
                for column in &input.columns {
                    let i = pick_column(header, column, false, "Column")
                        .map_err(|e| sheet.fail(e))?
                        .ok_or_else(|| {
                            sheet.fail(BlockError::Input(format!(
                                "Column '{column}' not found in sheet. Available columns: {}",
                                header_names(header).join(", ")
                            )))
                        })?;
                    key.push(i);
                }
                key
            };
            let doomed = duplicate_rows(&rows, &key, input.match_case, &input.keep);
            if !doomed.is_empty() {
                let requests = delete_rows_requests(sheet_id, &doomed);
                removed = requests.len() as i64;
                sheet.batch_update(cx, json!(requests)).await?;
            }
        }
        cx.emit(DedupeOutput::Result(json!({"success": true})));
        cx.emit(DedupeOutput::RemovedCount(removed));
        cx.emit(DedupeOutput::RemainingRows(rows.len() as i64 - removed));
        cx.emit(DedupeOutput::Spreadsheet(sheet.file.chained()));
        Ok(())
    }
}
