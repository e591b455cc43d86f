//! Moving data in and out of a spreadsheet: GoogleSheetsExportCsvBlock,
//! GoogleSheetsImportCsvBlock and GoogleSheetsCopyToSpreadsheetBlock (`sheets.copyTo`).

use agentry_core::{Block, BlockError, BlockMeta, Category, Cx};
use reqwest::Method;
use schemars::JsonSchema;
use serde::{Deserialize, Serialize};
use serde_json::{Value, json};

use super::{DriveFile, Picked, Sheet, cell_text};
use crate::api::segment;

pub struct GoogleSheetsExportCsv;
pub struct GoogleSheetsImportCsv;
pub struct GoogleSheetsCopyToSpreadsheet;

fn yes() -> bool {
    true
}

#[derive(Deserialize, JsonSchema)]
pub struct ExportInput {
    /// The spreadsheet to export from
    #[serde(default)]
    pub spreadsheet: Picked,
    /// Name of the sheet to export. Defaults to first sheet.
    #[serde(default)]
    pub sheet_name: String,
    /// Include the first row (headers) in the CSV output
    #[serde(default = "yes")]
    pub include_headers: bool,
}

#[derive(Serialize, JsonSchema)]
#[serde(tag = "pin", content = "value", rename_all = "snake_case")]
pub enum ExportOutput {
    /// The sheet data as CSV string
    CsvData(String),
    /// Number of rows exported
    RowCount(i64),
    /// The spreadsheet for chaining
    Spreadsheet(DriveFile),
}

/// Rows as Python's `csv.writer` writes them: minimal quoting, `\r\n` after every row.
pub fn to_csv(rows: &[Vec<Value>]) -> Result<String, BlockError> {
    let mut writer = csv::WriterBuilder::new()
        .flexible(true)
        .terminator(csv::Terminator::CRLF)
        .from_writer(Vec::new());
    for row in rows {
        let cells: Vec<String> = row.iter().map(cell_text).collect();
        writer
            .write_record(&cells)
            .map_err(|e| BlockError::System(format!("could not write CSV: {e}")))?;
    }
    let bytes = writer
        .into_inner()
        .map_err(|e| BlockError::System(format!("could not write CSV: {e}")))?;
    String::from_utf8(bytes).map_err(|e| BlockError::System(format!("could not write CSV: {e}")))
}

/// Rows as Python's `csv.reader` reads them (rows of any width).
pub fn from_csv(text: &str) -> Result<Vec<Vec<String>>, BlockError> {
    let mut reader = csv::ReaderBuilder::new()
        .has_headers(false)
        .flexible(true)
        .from_reader(text.as_bytes());
    reader
        .records()
        .map(|r| {
            r.map(|r| r.iter().map(str::to_string).collect())
                .map_err(|e| BlockError::Input(format!("The CSV data could not be read: {e}")))
        })
        .collect()
}

impl Block for GoogleSheetsExportCsv {
    const META: BlockMeta = BlockMeta::standard(
        "2617e68a-43b3-441f-8b11-66bb041105b8",
        "GoogleSheetsExportCsvBlock",
        "Export a Google Sheet as CSV data",
        &[Category::Data],
    );
    type Input = ExportInput;
    type Output = ExportOutput;

    async fn run(
        &self,
        input: ExportInput,
        cx: &mut Cx<'_, ExportOutput>,
    ) -> Result<(), BlockError> {
        let sheet = Sheet::open(cx, &input.spreadsheet, "Failed to export CSV: ").await?;
        let (title, _) = sheet.resolve(cx, &input.sheet_name).await?;
        let mut rows = sheet.values(cx, &format!("'{title}'")).await?;
        if !input.include_headers && !rows.is_empty() {
            rows.remove(0);
        }
        let csv = to_csv(&rows).map_err(|e| sheet.fail(e))?;
        cx.emit(ExportOutput::CsvData(csv));
        cx.emit(ExportOutput::RowCount(rows.len() as i64));
        cx.emit(ExportOutput::Spreadsheet(sheet.file.chained()));
        Ok(())
    }
}

fn a1() -> String {
    "A1".into()
}

#[derive(Deserialize, JsonSchema)]
pub struct ImportInput {
    /// The spreadsheet to import into
    #[serde(default)]
    pub spreadsheet: Picked,
    /// CSV data to import
    pub csv_data: String,
    /// Name of the sheet. Defaults to first sheet.
    #[serde(default)]
    pub sheet_name: String,
    /// Cell to start importing at (e.g., A1, B2)
    #[serde(default = "a1")]
    pub start_cell: String,
    /// Clear existing data before importing
    #[serde(default)]
    pub clear_existing: bool,
}

#[derive(Serialize, JsonSchema)]
#[serde(tag = "pin", content = "value", rename_all = "snake_case")]
pub enum ImportOutput {
    /// Import result
    Result(Value),
    /// Number of rows imported
    RowsImported(i64),
    /// The spreadsheet for chaining
    Spreadsheet(DriveFile),
}

impl Block for GoogleSheetsImportCsv {
    const META: BlockMeta = BlockMeta::standard(
        "cb992884-1ff2-450a-8f1b-7650d63e3aa0",
        "GoogleSheetsImportCsvBlock",
        "Import CSV data into a Google Sheet",
        &[Category::Data],
    );
    type Input = ImportInput;
    type Output = ImportOutput;

    async fn run(
        &self,
        input: ImportInput,
        cx: &mut Cx<'_, ImportOutput>,
    ) -> Result<(), BlockError> {
        let sheet = Sheet::open(cx, &input.spreadsheet, "Failed to import CSV: ").await?;
        // Read before anything changes: bad CSV clears nothing.
        let rows = from_csv(&input.csv_data).map_err(|e| sheet.fail(e))?;
        let (title, _) = sheet.resolve(cx, &input.sheet_name).await?;
        if !rows.is_empty() {
            if input.clear_existing {
                let path = format!("/values/{}:clear", segment(&format!("'{title}'")));
                sheet.call(cx, Method::POST, &path, &json!({})).await?;
            }
            let range = format!("'{title}'!{}", input.start_cell);
            sheet.write(cx, &range, "RAW", json!(rows)).await?;
        }
        cx.emit(ImportOutput::Result(json!({"success": true})));
        cx.emit(ImportOutput::RowsImported(rows.len() as i64));
        cx.emit(ImportOutput::Spreadsheet(sheet.file.chained()));
        Ok(())
    }
}

#[derive(Deserialize, JsonSchema)]
pub struct CopyInput {
    /// Select the source spreadsheet
    #[serde(default)]
    pub source_spreadsheet: Picked,
    /// Sheet to copy (optional, defaults to first sheet)
    #[serde(default)]
    pub source_sheet_name: String,
    /// ID of the destination spreadsheet
    pub destination_spreadsheet_id: String,
}

#[derive(Serialize, JsonSchema)]
#[serde(tag = "pin", content = "value", rename_all = "snake_case")]
pub enum CopyOutput {
    /// Result of the copy operation
    Result(Value),
    /// ID of the new sheet in the destination
    NewSheetId(i64),
    /// Name of the new sheet
    NewSheetName(String),
    /// The source spreadsheet for chaining
    Spreadsheet(DriveFile),
}

impl Block for GoogleSheetsCopyToSpreadsheet {
    const META: BlockMeta = BlockMeta::standard(
        "740eec3f-2b51-4e95-b87f-22ce2acafdfa",
        "GoogleSheetsCopyToSpreadsheetBlock",
        "Copy a sheet from one spreadsheet to another.",
        &[Category::Data],
    );
    type Input = CopyInput;
    type Output = CopyOutput;

    async fn run(&self, input: CopyInput, cx: &mut Cx<'_, CopyOutput>) -> Result<(), BlockError> {
        if input.source_spreadsheet.0.is_none() {
            return Err(BlockError::Input("No source spreadsheet selected".into()));
        }
        let sheet = Sheet::open(cx, &input.source_spreadsheet, "Failed to copy sheet: ").await?;
        let (_, sheet_id) = sheet.resolve(cx, &input.source_sheet_name).await?;
        let path = format!("/sheets/{sheet_id}:copyTo");
        let body = json!({"destinationSpreadsheetId": input.destination_spreadsheet_id});
        let answer = sheet.call(cx, Method::POST, &path, &body).await?;
        cx.emit(CopyOutput::Result(json!({"success": true})));
        cx.emit(CopyOutput::NewSheetId(
            answer["sheetId"].as_i64().unwrap_or(0),
        ));
        cx.emit(CopyOutput::NewSheetName(
            answer["title"].as_str().unwrap_or_default().to_string(),
        ));
        cx.emit(CopyOutput::Spreadsheet(sheet.file.chained()));
        Ok(())
    }
}
