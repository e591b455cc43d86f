//! The Sheets blocks that only read: GoogleSheetsReadBlock, GoogleSheetsMetadataBlock,
//! GoogleSheetsGetColumnBlock, GoogleSheetsGetRowCountBlock.

use agentry_core::{Block, BlockError, BlockMeta, Category, Cx};
use schemars::JsonSchema;
use serde::{Deserialize, Serialize};
use serde_json::{Value, json};

use super::{DriveFile, Picked, Sheet, cell_text, column_index, format_sheet_name, parse_a1};

pub struct GoogleSheetsRead;
pub struct GoogleSheetsMetadata;
pub struct GoogleSheetsGetColumn;
pub struct GoogleSheetsGetRowCount;

#[derive(Deserialize, JsonSchema)]
pub struct ReadInput {
    /// Select a Google Sheets spreadsheet
    #[serde(default)]
    pub spreadsheet: Picked,
    /// The A1 notation of the range to read
    pub range: String,
}

#[derive(Serialize, JsonSchema)]
#[serde(tag = "pin", content = "value", rename_all = "snake_case")]
pub enum ReadOutput {
    /// The data read from the spreadsheet
    Result(Vec<Vec<Value>>),
    /// The spreadsheet as a GoogleDriveFile (for chaining to other blocks)
    Spreadsheet(DriveFile),
}

impl Block for GoogleSheetsRead {
    const META: BlockMeta = BlockMeta::standard(
        "5724e902-3635-47e9-a108-aaa0263a4988",
        "GoogleSheetsReadBlock",
        "A block that reads data from a Google Sheets spreadsheet using A1 notation range selection.",
        &[Category::Data],
    );
    type Input = ReadInput;
    type Output = ReadOutput;

    async fn run(&self, input: ReadInput, cx: &mut Cx<'_, ReadOutput>) -> Result<(), BlockError> {
        let sheet = Sheet::open(cx, &input.spreadsheet, "Failed to read Google Sheet: ").await?;
        // As AutoGPT: a sheet name is cleaned and quoted when needed; a bare sheet reads A:Z.
        let range = if input.range.is_empty() {
            "A:Z"
        } else {
            input.range.as_str()
        };
        let range = match parse_a1(range) {
            (Some(name), cells) => {
                let name = format_sheet_name(name.trim().trim_matches(|c| c == '\'' || c == '"'));
                let cells = cells.trim();
                format!("{name}!{}", if cells.is_empty() { "A:Z" } else { cells })
            }
            (None, cells) => cells.to_string(),
        };
        let rows = sheet.values(cx, &range).await?;
        cx.emit(ReadOutput::Result(rows));
        cx.emit(ReadOutput::Spreadsheet(sheet.file.chained()));
        Ok(())
    }
}

#[derive(Deserialize, JsonSchema)]
pub struct MetadataInput {
    /// Select a Google Sheets spreadsheet
    #[serde(default)]
    pub spreadsheet: Picked,
}

/// The pins of the blocks that answer one `result` object and the spreadsheet.
#[derive(Serialize, JsonSchema)]
#[serde(tag = "pin", content = "value", rename_all = "snake_case")]
pub enum ResultOutput {
    /// The result of the operation
    Result(Value),
    /// The spreadsheet as a GoogleDriveFile (for chaining to other blocks)
    Spreadsheet(DriveFile),
}

impl Block for GoogleSheetsMetadata {
    const META: BlockMeta = BlockMeta::standard(
        "6a0be6ee-7a0d-4c92-819b-500630846ad0",
        "GoogleSheetsMetadataBlock",
        "This block retrieves metadata about a Google Sheets spreadsheet including sheet names and properties.",
        &[Category::Data],
    );
    type Input = MetadataInput;
    type Output = ResultOutput;

    async fn run(
        &self,
        input: MetadataInput,
        cx: &mut Cx<'_, ResultOutput>,
    ) -> Result<(), BlockError> {
        let sheet = Sheet::open(
            cx,
            &input.spreadsheet,
            "Failed to get spreadsheet metadata: ",
        )
        .await?;
        let meta = sheet.metadata(cx).await?;
        let sheets: Vec<Value> = meta["sheets"]
            .as_array()
            .into_iter()
            .flatten()
            .map(|s| {
                let p = &s["properties"];
                json!({
                    "title": p["title"],
                    "sheetId": p["sheetId"],
                    "gridProperties": p.get("gridProperties").cloned().unwrap_or(json!({})),
                })
            })
            .collect();
        let result = json!({"title": meta["properties"]["title"], "sheets": sheets});
        cx.emit(ResultOutput::Result(result));
        cx.emit(ResultOutput::Spreadsheet(sheet.file.chained()));
        Ok(())
    }
}

#[derive(Deserialize, JsonSchema)]
pub struct GetColumnInput {
    /// Select a Google Sheets spreadsheet
    #[serde(default)]
    pub spreadsheet: Picked,
    /// Sheet name (optional, defaults to first sheet)
    #[serde(default)]
    pub sheet_name: String,
    /// Column to extract (header name or column letter like 'A', 'B')
    pub column: String,
    /// Include the header in output
    #[serde(default)]
    pub include_header: bool,
    /// Skip empty cells
    #[serde(default)]
    pub skip_empty: bool,
}

#[derive(Serialize, JsonSchema)]
#[serde(tag = "pin", content = "value", rename_all = "snake_case")]
pub enum GetColumnOutput {
    /// List of values from the column
    Values(Vec<String>),
    /// Number of values (excluding header if not included)
    Count(i64),
    /// 0-based column index
    ColumnIndex(i64),
    /// The spreadsheet for chaining
    Spreadsheet(DriveFile),
}

/// The rows of sheet `name` (the first sheet when empty), as AutoGPT reads whole sheets.
pub(super) async fn whole_sheet<O: Serialize>(
    sheet: &Sheet,
    cx: &mut Cx<'_, O>,
    name: &str,
) -> Result<Vec<Vec<Value>>, BlockError> {
    let (title, _) = sheet.resolve(cx, name).await?;
    sheet.values(cx, &format_sheet_name(&title)).await
}

/// AutoGPT's column lookup: a header named `column` (any case), else a column letter of at
/// most two letters inside the header's width.
pub fn find_column(header: &[Value], column: &str) -> Result<usize, BlockError> {
    if let Some(i) = header
        .iter()
        .position(|h| cell_text(h).to_lowercase() == column.to_lowercase())
    {
        return Ok(i);
    }
    if column.len() <= 2
        && let Some(i) = column_index(column)
    {
        if i >= header.len() {
            return Err(BlockError::Input(format!(
                "Column '{column}' (index {i}) is out of range. Sheet only has {} columns.",
                header.len()
            )));
        }
        return Ok(i);
    }
    let names: Vec<String> = header.iter().map(cell_text).collect();
    Err(BlockError::Input(format!(
        "Column '{column}' not found. Available columns: {names:?}"
    )))
}

impl Block for GoogleSheetsGetColumn {
    const META: BlockMeta = BlockMeta::standard(
        "108d911f-e109-47fb-addc-2259792ee850",
        "GoogleSheetsGetColumnBlock",
        "Extract all values from a specific column. Useful for getting a list of emails, IDs, or any single field.",
        &[Category::Data],
    );
    type Input = GetColumnInput;
    type Output = GetColumnOutput;

    async fn run(
        &self,
        input: GetColumnInput,
        cx: &mut Cx<'_, GetColumnOutput>,
    ) -> Result<(), BlockError> {
        let prefix = "Failed to get column: ";
        let sheet = Sheet::open(cx, &input.spreadsheet, prefix).await?;
        let rows = whole_sheet(&sheet, cx, &input.sheet_name).await?;
        let (values, index) = match rows.first() {
            None => (Vec::new(), -1),
            Some(header) => {
                let i = find_column(header, &input.column)
                    .map_err(|e| crate::error::prefixed(e, prefix))?;
                let skip = usize::from(!input.include_header);
                let values: Vec<String> = rows[skip.min(rows.len())..]
                    .iter()
                    .map(|row| row.get(i).map(cell_text).unwrap_or_default())
                    .filter(|v| !input.skip_empty || !v.trim().is_empty())
                    .collect();
                (values, i as i64)
            }
        };
        let count = values.len() as i64;
        cx.emit(GetColumnOutput::Values(values));
        cx.emit(GetColumnOutput::Count(count));
        cx.emit(GetColumnOutput::ColumnIndex(index));
        cx.emit(GetColumnOutput::Spreadsheet(sheet.file.chained()));
        Ok(())
    }
}

#[derive(Deserialize, JsonSchema)]
pub struct RowCountInput {
    /// Select a Google Sheets spreadsheet
    #[serde(default)]
    pub spreadsheet: Picked,
    /// Sheet name (optional, defaults to first sheet)
    #[serde(default)]
    pub sheet_name: String,
    /// Include header row in count
    #[serde(default = "yes")]
    pub include_header: bool,
    /// Count rows with only empty cells
    #[serde(default)]
    pub count_empty: bool,
}

fn yes() -> bool {
    true
}

#[derive(Serialize, JsonSchema)]
#[serde(tag = "pin", content = "value", rename_all = "snake_case")]
pub enum RowCountOutput {
    /// Total number of rows
    TotalRows(i64),
    /// Number of data rows (excluding header)
    DataRows(i64),
    /// 1-based index of the last row with data
    LastRow(i64),
    /// Number of columns
    ColumnCount(i64),
    /// The spreadsheet for chaining
    Spreadsheet(DriveFile),
}

impl Block for GoogleSheetsGetRowCount {
    const META: BlockMeta = BlockMeta::standard(
        "080cc84b-a94a-4fb4-90e3-dcc55ee783af",
        "GoogleSheetsGetRowCountBlock",
        "Get row count and dimensions of a Google Sheet. Useful for knowing where data ends.",
        &[Category::Data],
    );
    type Input = RowCountInput;
    type Output = RowCountOutput;

    async fn run(
        &self,
        input: RowCountInput,
        cx: &mut Cx<'_, RowCountOutput>,
    ) -> Result<(), BlockError> {
        let sheet = Sheet::open(cx, &input.spreadsheet, "Failed to get row count: ").await?;
        let rows = whole_sheet(&sheet, cx, &input.sheet_name).await?;
        let last_row = if input.count_empty {
            rows.len()
        } else {
            rows.iter()
                .rposition(|row| row.iter().any(|c| !cell_text(c).trim().is_empty()))
                .map_or(0, |i| i + 1)
        } as i64;
        let data_rows = (last_row - 1).max(0);
        let total_rows = if input.include_header {
            last_row
        } else {
            data_rows
        };
        let columns = rows.iter().map(Vec::len).max().unwrap_or(0) as i64;
        cx.emit(RowCountOutput::TotalRows(total_rows));
        cx.emit(RowCountOutput::DataRows(data_rows));
        cx.emit(RowCountOutput::LastRow(last_row));
        cx.emit(RowCountOutput::ColumnCount(columns));
        cx.emit(RowCountOutput::Spreadsheet(sheet.file.chained()));
        Ok(())
    }
}
