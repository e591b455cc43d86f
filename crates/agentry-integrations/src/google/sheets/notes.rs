//! Cell notes: GoogleSheetsAddNoteBlock (`updateCells` with a note) and
//! GoogleSheetsGetNotesBlock (`spreadsheets.get` with grid data).

use agentry_core::{Block, BlockError, BlockMeta, Category, Cx};
use schemars::JsonSchema;
use serde::{Deserialize, Serialize};
use serde_json::{Value, json};

use super::columns::cell_parts;
use super::read::ResultOutput;
use super::structure::column_letter;
use super::{DriveFile, Picked, Sheet};
use crate::api::segment;

pub struct GoogleSheetsAddNote;
pub struct GoogleSheetsGetNotes;

#[derive(Deserialize, JsonSchema)]
pub struct AddNoteInput {
    /// The spreadsheet to add note to
    #[serde(default)]
    pub spreadsheet: Picked,
    /// Cell to add note to (e.g., A1, B2)
    pub cell: String,
    /// Note text to add
    pub note: String,
    /// Name of the sheet. Defaults to first sheet.
    #[serde(default)]
    pub sheet_name: String,
}

impl Block for GoogleSheetsAddNote {
    const META: BlockMeta = BlockMeta::standard(
        "774ac529-74f9-41da-bbba-6a06a51a5d7e",
        "GoogleSheetsAddNoteBlock",
        "Add a note to a cell in a Google Sheet",
        &[Category::Data],
    );
    type Input = AddNoteInput;
    type Output = ResultOutput;

    async fn run(
        &self,
        input: AddNoteInput,
        cx: &mut Cx<'_, ResultOutput>,
    ) -> Result<(), BlockError> {
        let sheet = Sheet::open(cx, &input.spreadsheet, "Failed to add note: ").await?;
        let (_, sheet_id) = sheet.resolve(cx, &input.sheet_name).await?;
        let (column, row) = cell_parts(&input.cell).ok_or_else(|| {
            sheet.fail(BlockError::Input(format!(
                "Invalid cell reference: {}",
                input.cell
            )))
        })?;
        let request = json!({"updateCells": {
            "rows": [{"values": [{"note": input.note}]}],
            "fields": "note",
            "start": {"sheetId": sheet_id, "rowIndex": row - 1, "columnIndex": column},
        }});
        sheet.batch_update(cx, json!([request])).await?;
        cx.emit(ResultOutput::Result(json!({"success": true})));
        cx.emit(ResultOutput::Spreadsheet(sheet.file.chained()));
        Ok(())
    }
}

fn first_hundred_rows() -> String {
    "A1:Z100".into()
}

#[derive(Deserialize, JsonSchema)]
pub struct GetNotesInput {
    /// The spreadsheet to get notes from
    #[serde(default)]
    pub spreadsheet: Picked,
    /// Range to get notes from (e.g., A1:B10)
    #[serde(default = "first_hundred_rows")]
    pub range: String,
    /// Name of the sheet. Defaults to first sheet.
    #[serde(default)]
    pub sheet_name: String,
}

#[derive(Serialize, JsonSchema)]
#[serde(tag = "pin", content = "value", rename_all = "snake_case")]
pub enum GetNotesOutput {
    /// List of notes with cell and text
    Notes(Vec<Value>),
    /// Number of notes found
    Count(i64),
    /// The spreadsheet for chaining
    Spreadsheet(DriveFile),
}

/// The notes of a `spreadsheets.get` answer with grid data, as `{cell, note}` in grid order.
pub fn notes_of(answer: &Value) -> Vec<Value> {
    let mut notes = Vec::new();
    let grids = answer["sheets"]
        .as_array()
        .into_iter()
        .flatten()
        .flat_map(|s| s["data"].as_array().into_iter().flatten());
    for grid in grids {
        let start_row = grid["startRow"].as_i64().unwrap_or(0);
        let start_col = grid["startColumn"].as_i64().unwrap_or(0);
        for (r, row) in grid["rowData"].as_array().into_iter().flatten().enumerate() {
            for (c, cell) in row["values"].as_array().into_iter().flatten().enumerate() {
                if let Some(note) = cell["note"].as_str().filter(|n| !n.is_empty()) {
                    let at = format!(
                        "{}{}",
                        column_letter(start_col + c as i64),
                        start_row + r as i64 + 1
                    );
                    notes.push(json!({"cell": at, "note": note}));
                }
            }
        }
    }
    notes
}

impl Block for GoogleSheetsGetNotes {
    const META: BlockMeta = BlockMeta::standard(
        "fa16834f-fff4-4d7a-9f7f-531ced90492b",
        "GoogleSheetsGetNotesBlock",
        "Get notes from cells in a Google Sheet",
        &[Category::Data],
    );
    type Input = GetNotesInput;
    type Output = GetNotesOutput;

    async fn run(
        &self,
        input: GetNotesInput,
        cx: &mut Cx<'_, GetNotesOutput>,
    ) -> Result<(), BlockError> {
        let sheet = Sheet::open(cx, &input.spreadsheet, "Failed to get notes: ").await?;
        let (title, _) = sheet.resolve(cx, &input.sheet_name).await?;
        let range = format!("'{title}'!{}", input.range);
        let query = [("ranges", range), ("includeGridData", "true".to_string())];
        let path = format!("/v4/spreadsheets/{}", segment(&sheet.file.id));
        let answer = sheet.client.get_json(cx, &path, &query).await;
        let answer = answer.map_err(|e| sheet.fail(e.into()))?;
        let notes = notes_of(&answer);
        let count = notes.len() as i64;
        cx.emit(GetNotesOutput::Notes(notes));
        cx.emit(GetNotesOutput::Count(count));
        cx.emit(GetNotesOutput::Spreadsheet(sheet.file.chained()));
        Ok(())
    }
}
