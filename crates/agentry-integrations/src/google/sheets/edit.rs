//! The Sheets blocks that write values: GoogleSheetsWriteBlock, GoogleSheetsAppendRowBlock,
//! GoogleSheetsClearBlock, GoogleSheetsUpdateCellBlock, GoogleSheetsBatchOperationsBlock.

use agentry_core::{Block, BlockError, BlockMeta, Category, Cx};
use reqwest::Method;
use schemars::JsonSchema;
use serde::Deserialize;
use serde_json::{Map, Value, json};

use super::read::ResultOutput;
use super::{Picked, Sheet, ValueInputOption, format_sheet_name, update_counts};
use crate::api::segment;

pub struct GoogleSheetsWrite;
pub struct GoogleSheetsAppendRow;
pub struct GoogleSheetsClear;
pub struct GoogleSheetsUpdateCell;
pub struct GoogleSheetsBatchOperations;

/// `values/{range}` with the value input option, for `values.update` and `values.append`.
fn values_path(range: &str, suffix: &str, option: ValueInputOption) -> String {
    format!(
        "/values/{}{suffix}?valueInputOption={}",
        segment(range),
        option.as_str()
    )
}

/// Yields the `result` and the spreadsheet, as every block of this file ends.
fn done(cx: &mut Cx<'_, ResultOutput>, sheet: &Sheet, result: Value) {
    cx.emit(ResultOutput::Result(result));
    cx.emit(ResultOutput::Spreadsheet(sheet.file.chained()));
}

#[derive(Deserialize, JsonSchema)]
pub struct WriteInput {
    /// Select a Google Sheets spreadsheet
    #[serde(default)]
    pub spreadsheet: Picked,
    /// The A1 notation of the range to write
    pub range: String,
    /// The data to write to the spreadsheet
    pub values: Vec<Vec<String>>,
}

impl Block for GoogleSheetsWrite {
    const META: BlockMeta = BlockMeta::standard(
        "d9291e87-301d-47a8-91fe-907fb55460e5",
        "GoogleSheetsWriteBlock",
        "A block that writes data to a Google Sheets spreadsheet at a specified A1 notation range.",
        &[Category::Data],
    );
    type Input = WriteInput;
    type Output = ResultOutput;

    async fn run(
        &self,
        input: WriteInput,
        cx: &mut Cx<'_, ResultOutput>,
    ) -> Result<(), BlockError> {
        let sheet = Sheet::open(cx, &input.spreadsheet, "Failed to write Google Sheet: ").await?;
        let path = values_path(&input.range, "", ValueInputOption::UserEntered);
        let body = json!({ "values": input.values });
        let answer = sheet.call(cx, Method::PUT, &path, &body).await?;
        done(cx, &sheet, answer);
        Ok(())
    }
}

#[derive(Deserialize, JsonSchema)]
pub struct AppendRowInput {
    /// Select a Google Sheets spreadsheet
    #[serde(default)]
    pub spreadsheet: Picked,
    /// Row values to append (e.g., ['Alice', 'alice@example.com', '25'])
    pub row: Vec<String>,
    /// Sheet to append to (optional, defaults to first sheet)
    #[serde(default)]
    pub sheet_name: String,
    /// How values are interpreted. USER_ENTERED: parsed like typed input (e.g., '=SUM(A1:A5)'
    /// becomes a formula, '1/2/2024' becomes a date). RAW: stored as-is without parsing.
    #[serde(default)]
    pub value_input_option: ValueInputOption,
}

impl Block for GoogleSheetsAppendRow {
    const META: BlockMeta = BlockMeta::standard(
        "531d50c0-d6b9-4cf9-a013-7bf783d313c7",
        "GoogleSheetsAppendRowBlock",
        "Append or Add a single row to the end of a Google Sheet. The row is added after the last row with data.",
        &[Category::Data],
    );
    type Input = AppendRowInput;
    type Output = ResultOutput;

    async fn run(
        &self,
        input: AppendRowInput,
        cx: &mut Cx<'_, ResultOutput>,
    ) -> Result<(), BlockError> {
        let sheet = Sheet::open(cx, &input.spreadsheet, "Failed to append row: ").await?;
        if input.row.is_empty() {
            return Err(BlockError::Input("Row data is required".into()));
        }
        let (title, _) = sheet.resolve(cx, &input.sheet_name).await?;
        let range = format!("{}!A1", format_sheet_name(&title));
        let path = format!(
            "{}&insertDataOption=INSERT_ROWS",
            values_path(&range, ":append", input.value_input_option)
        );
        let body = json!({ "values": [input.row] });
        let answer = sheet.call(cx, Method::POST, &path, &body).await?;
        done(cx, &sheet, update_counts(&answer["updates"]));
        Ok(())
    }
}

#[derive(Deserialize, JsonSchema)]
pub struct ClearInput {
    /// Select a Google Sheets spreadsheet
    #[serde(default)]
    pub spreadsheet: Picked,
    /// The A1 notation of the range to clear
    pub range: String,
}

impl Block for GoogleSheetsClear {
    const META: BlockMeta = BlockMeta::standard(
        "84938266-0fc7-46e5-9369-adb0f6ae8015",
        "GoogleSheetsClearBlock",
        "This block clears data from a specified range in a Google Sheets spreadsheet.",
        &[Category::Data],
    );
    type Input = ClearInput;
    type Output = ResultOutput;

    async fn run(
        &self,
        input: ClearInput,
        cx: &mut Cx<'_, ResultOutput>,
    ) -> Result<(), BlockError> {
        let sheet = Sheet::open(
            cx,
            &input.spreadsheet,
            "Failed to clear Google Sheet range: ",
        )
        .await?;
        let path = format!("/values/{}:clear", segment(&input.range));
        let answer = sheet.call(cx, Method::POST, &path, &json!({})).await?;
        done(cx, &sheet, answer);
        Ok(())
    }
}

#[derive(Deserialize, JsonSchema)]
pub struct UpdateCellInput {
    /// Select a Google Sheets spreadsheet
    #[serde(default)]
    pub spreadsheet: Picked,
    /// Cell address in A1 notation (e.g., 'A1', 'Sheet1!B2')
    pub cell: String,
    /// Value to write to the cell
    pub value: String,
    /// How input data should be interpreted
    #[serde(default)]
    pub value_input_option: ValueInputOption,
}

impl Block for GoogleSheetsUpdateCell {
    const META: BlockMeta = BlockMeta::standard(
        "df521b68-62d9-42e4-924f-fb6c245516fc",
        "GoogleSheetsUpdateCellBlock",
        "Update a single cell in a Google Sheets spreadsheet.",
        &[Category::Data],
    );
    type Input = UpdateCellInput;
    type Output = ResultOutput;

    async fn run(
        &self,
        input: UpdateCellInput,
        cx: &mut Cx<'_, ResultOutput>,
    ) -> Result<(), BlockError> {
        let sheet = Sheet::open(cx, &input.spreadsheet, "Failed to update Google Sheet: ").await?;
        let path = values_path(&input.cell, "", input.value_input_option);
        let body = json!({ "values": [[input.value]] });
        let answer = sheet.call(cx, Method::PUT, &path, &body).await?;
        done(cx, &sheet, update_counts(&answer));
        Ok(())
    }
}

/// AutoGPT's `BatchOperationType`.
#[derive(Debug, Clone, Copy, Deserialize, JsonSchema)]
#[serde(rename_all = "lowercase")]
pub enum BatchOperationType {
    Update,
    Clear,
}

/// AutoGPT's `BatchOperation`.
#[derive(Debug, Clone, Deserialize, JsonSchema)]
pub struct BatchOperation {
    /// The type of operation to perform
    #[serde(rename = "type")]
    pub kind: BatchOperationType,
    /// The A1 notation range for the operation
    pub range: String,
    /// Values to update (only for UPDATE)
    #[serde(default)]
    pub values: Vec<Vec<String>>,
}

#[derive(Deserialize, JsonSchema)]
pub struct BatchInput {
    /// Select a Google Sheets spreadsheet
    #[serde(default)]
    pub spreadsheet: Picked,
    /// List of operations to perform
    pub operations: Vec<BatchOperation>,
}

impl Block for GoogleSheetsBatchOperations {
    const META: BlockMeta = BlockMeta::standard(
        "a4078584-6fe5-46e0-997e-d5126cdd112a",
        "GoogleSheetsBatchOperationsBlock",
        "This block performs multiple operations on a Google Sheets spreadsheet in a single batch request.",
        &[Category::Data],
    );
    type Input = BatchInput;
    type Output = ResultOutput;

    async fn run(
        &self,
        input: BatchInput,
        cx: &mut Cx<'_, ResultOutput>,
    ) -> Result<(), BlockError> {
        let sheet = Sheet::open(
            cx,
            &input.spreadsheet,
            "Failed to perform batch operations: ",
        )
        .await?;
        let (mut updates, mut clears) = (Vec::new(), Vec::new());
        for op in &input.operations {
            match op.kind {
                BatchOperationType::Update => {
                    updates.push(json!({"range": op.range, "values": op.values}))
                }
                BatchOperationType::Clear => clears.push(op.range.clone()),
            }
        }
        let mut results = Map::new();
        if !updates.is_empty() {
            let body = json!({"valueInputOption": "USER_ENTERED", "data": updates});
            let answer = sheet
                .call(cx, Method::POST, "/values:batchUpdate", &body)
                .await?;
            results.insert("updateResult".into(), answer);
        }
        if !clears.is_empty() {
            let body = json!({ "ranges": clears });
            let answer = sheet
                .call(cx, Method::POST, "/values:batchClear", &body)
                .await?;
            results.insert("clearResult".into(), answer);
        }
        done(cx, &sheet, Value::Object(results));
        Ok(())
    }
}
