//! Google Sheets (AutoGPT's `google/sheets.py`) over the Sheets API v4
//! (`{base}/v4/spreadsheets/…`), with the Drive API v3 for creating files.
//!
//! Most blocks take the spreadsheet as AutoGPT's `GoogleDriveFile` from the Drive picker: the
//! credential travels inside it (`_credentials_id`, AutoGPT's auto-credentials), so there is no
//! separate `credentials` pin, and the block yields the file again for chaining.

pub mod columns;
pub mod edit;
pub mod format;
pub mod notes;
pub mod query;
pub mod read;
pub mod rows;
pub mod search;
pub mod sharing;
pub mod structure;
pub mod transfer;

use agentry_core::{BlockError, Cx, Registry};
use reqwest::Method;
use schemars::JsonSchema;
use serde::{Deserialize, Serialize};
use serde_json::{Value, json};

use crate::api::{Client, Service, segment};
use crate::error::prefixed;
pub use crate::google::drive::{DriveFile, Picked, file_credentials, google_client};

pub const SHEETS: Service = Service::oauth2(
    super::PROVIDER,
    "google_sheets",
    "https://sheets.googleapis.com",
);

pub const SPREADSHEET_MIME: &str = "application/vnd.google-apps.spreadsheet";
const SHEETS_ICON: &str = "https://www.gstatic.com/images/branding/product/1x/sheets_48dp.png";

pub fn register(r: &mut Registry) {
    r.register(read::GoogleSheetsRead);
    r.register(read::GoogleSheetsMetadata);
    r.register(read::GoogleSheetsGetColumn);
    r.register(read::GoogleSheetsGetRowCount);
    r.register(query::GoogleSheetsGetRow);
    r.register(query::GoogleSheetsGetUniqueValues);
    r.register(edit::GoogleSheetsWrite);
    r.register(edit::GoogleSheetsAppendRow);
    r.register(edit::GoogleSheetsClear);
    r.register(edit::GoogleSheetsUpdateCell);
    r.register(edit::GoogleSheetsBatchOperations);
    r.register(structure::GoogleSheetsManageSheet);
    r.register(structure::GoogleSheetsFindReplace);
    r.register(structure::GoogleSheetsCreateSpreadsheet);
    r.register(structure::GoogleSheetsListNamedRanges);
    r.register(sharing::GoogleSheetsShareSpreadsheet);
    r.register(sharing::GoogleSheetsSetPublicAccess);
    r.register(search::GoogleSheetsFind);
    r.register(search::GoogleSheetsRemoveDuplicates);
    r.register(format::GoogleSheetsFormat);
    r.register(format::GoogleSheetsAddDropdown);
    r.register(format::GoogleSheetsProtectRange);
    r.register(format::GoogleSheetsCreateNamedRange);
    r.register(rows::GoogleSheetsFilterRows);
    r.register(rows::GoogleSheetsLookupRow);
    r.register(rows::GoogleSheetsDeleteRows);
    r.register(rows::GoogleSheetsInsertRow);
    r.register(rows::GoogleSheetsUpdateRow);
    r.register(columns::GoogleSheetsAddColumn);
    r.register(columns::GoogleSheetsDeleteColumn);
    r.register(columns::GoogleSheetsSort);
    r.register(transfer::GoogleSheetsExportCsv);
    r.register(transfer::GoogleSheetsImportCsv);
    r.register(transfer::GoogleSheetsCopyToSpreadsheet);
    r.register(notes::GoogleSheetsAddNote);
    r.register(notes::GoogleSheetsGetNotes);
}

impl DriveFile {
    /// The spreadsheet as the blocks yield it for the next block (AutoGPT rebuilds it with the
    /// canonical URL and icon, keeping name and credential).
    pub fn chained(&self) -> DriveFile {
        spreadsheet_file(&self.id, self.name.clone(), self.credentials_id.clone())
    }
}

pub fn spreadsheet_file(
    id: &str,
    name: Option<String>,
    credentials_id: Option<String>,
) -> DriveFile {
    DriveFile {
        id: id.to_string(),
        name,
        mime_type: Some(SPREADSHEET_MIME.into()),
        url: Some(format!("https://docs.google.com/spreadsheets/d/{id}/edit")),
        icon_url: Some(SHEETS_ICON.into()),
        is_folder: Some(false),
        credentials_id,
    }
}

/// AutoGPT's `_validate_spreadsheet_file`: only Google Sheets files, with a hint for CSV and
/// Excel files picked by mistake.
pub fn validate(file: Option<&DriveFile>) -> Result<&DriveFile, BlockError> {
    let file = file.ok_or_else(|| BlockError::Input("No spreadsheet selected".into()))?;
    let mime = file.mime_type.as_deref().unwrap_or("None");
    if mime == SPREADSHEET_MIME {
        return Ok(file);
    }
    let name = file.name.as_deref().unwrap_or("None");
    Err(BlockError::Input(match mime {
        "text/csv" => format!(
            "Cannot use CSV file '{name}' with Google Sheets block. Please use a CSV reader \
             block instead, or convert the CSV to a Google Sheets spreadsheet first."
        ),
        "application/vnd.ms-excel"
        | "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet" => format!(
            "Cannot use Excel file '{name}' with Google Sheets block. Please use an Excel \
             reader block instead, or convert to Google Sheets first."
        ),
        _ => format!(
            "Cannot use file '{name}' (type: {mime}) with Google Sheets block. This block only \
             works with Google Sheets spreadsheets."
        ),
    }))
}

/// One spreadsheet for one block run: the validated file and a Sheets client for its
/// credential. Calls fail with `prefix` before the provider's message, as AutoGPT's blocks word it.
pub struct Sheet {
    pub file: DriveFile,
    pub client: Client,
    prefix: &'static str,
}

impl Sheet {
    pub async fn open<O: Serialize>(
        cx: &mut Cx<'_, O>,
        picked: &Picked,
        prefix: &'static str,
    ) -> Result<Sheet, BlockError> {
        let file = validate(picked.0.as_ref())?.clone();
        let client = google_client(cx, SHEETS, &file_credentials(&file)).await?;
        Ok(Sheet {
            file,
            client,
            prefix,
        })
    }

    /// A spreadsheet the block made itself (no picker), through `client`.
    pub fn made(file: DriveFile, client: Client, prefix: &'static str) -> Sheet {
        Sheet {
            file,
            client,
            prefix,
        }
    }

    fn path(&self, rest: &str) -> String {
        format!("/v4/spreadsheets/{}{rest}", segment(&self.file.id))
    }

    /// `e` worded as this block's failures are (its prefix first).
    pub fn fail(&self, e: BlockError) -> BlockError {
        prefixed(e, self.prefix)
    }

    /// `spreadsheets.get` without grid data.
    pub async fn metadata<O: Serialize>(&self, cx: &mut Cx<'_, O>) -> Result<Value, BlockError> {
        let path = self.path("");
        let query = [("includeGridData", "false".to_string())];
        let answer = self.client.get_json(cx, &path, &query).await;
        answer.map_err(|e| self.fail(e.into()))
    }

    /// `spreadsheets.values.get` of `range`: the rows (`values`, absent when empty).
    pub async fn values<O: Serialize>(
        &self,
        cx: &mut Cx<'_, O>,
        range: &str,
    ) -> Result<Vec<Vec<Value>>, BlockError> {
        let path = self.path(&format!("/values/{}", segment(range)));
        let answer = self.client.get_json(cx, &path, &[]).await;
        let answer = answer.map_err(|e| self.fail(e.into()))?;
        Ok(answer["values"]
            .as_array()
            .into_iter()
            .flatten()
            .map(|row| row.as_array().cloned().unwrap_or_default())
            .collect())
    }

    /// `method` on `spreadsheets/{id}{rest}` (`rest` may carry a query) with a JSON body.
    pub async fn call<O: Serialize>(
        &self,
        cx: &mut Cx<'_, O>,
        method: Method,
        rest: &str,
        body: &Value,
    ) -> Result<Value, BlockError> {
        let path = self.path(rest);
        let answer = self.client.send_json(cx, method, &path, body).await;
        answer.map_err(|e| self.fail(e.into()))
    }

    /// `spreadsheets.batchUpdate` with `requests`.
    pub async fn batch_update<O: Serialize>(
        &self,
        cx: &mut Cx<'_, O>,
        requests: Value,
    ) -> Result<Value, BlockError> {
        let body = json!({ "requests": requests });
        self.call(cx, Method::POST, ":batchUpdate", &body).await
    }

    /// The sheets' titles and ids, in order.
    pub async fn sheets<O: Serialize>(
        &self,
        cx: &mut Cx<'_, O>,
    ) -> Result<Vec<(String, i64)>, BlockError> {
        let meta = self.metadata(cx).await?;
        Ok(meta["sheets"]
            .as_array()
            .into_iter()
            .flatten()
            .map(|s| {
                let p = &s["properties"];
                (
                    p["title"].as_str().unwrap_or_default().to_string(),
                    p["sheetId"].as_i64().unwrap_or(0),
                )
            })
            .collect())
    }

    /// AutoGPT's `resolve_sheet_name`: `name` when the spreadsheet has it, the first sheet
    /// when `name` is empty; with its sheet id.
    pub async fn resolve<O: Serialize>(
        &self,
        cx: &mut Cx<'_, O>,
        name: &str,
    ) -> Result<(String, i64), BlockError> {
        let sheets = self.sheets(cx).await?;
        let found = if name.is_empty() {
            sheets.first()
        } else {
            sheets.iter().find(|(title, _)| title == name)
        };
        found.cloned().ok_or_else(|| {
            let titles: Vec<&str> = sheets.iter().map(|(t, _)| t.as_str()).collect();
            self.fail(BlockError::Input(format!(
                "Sheet \"{name}\" not found in spreadsheet. Available sheets: {titles:?}"
            )))
        })
    }
}

/// AutoGPT's `format_sheet_name`: quoted when it has spaces, punctuation or starts with a digit.
pub fn format_sheet_name(name: &str) -> String {
    let special = "!@#$%^&*()+-=[]{}|;:,.<>?";
    if name.contains(' ')
        || name.chars().any(|c| special.contains(c))
        || name.starts_with(|c: char| c.is_ascii_digit())
    {
        format!("'{name}'")
    } else {
        name.to_string()
    }
}

/// AutoGPT's `parse_a1_notation`: `(sheet, cells)` split at the first `!`.
pub fn parse_a1(a1: &str) -> (Option<&str>, &str) {
    match a1.split_once('!') {
        Some((sheet, cells)) => (Some(sheet), cells),
        None => (None, a1),
    }
}

/// A cell as the text AutoGPT's `str(cell)` gives for what the values API answers.
pub fn cell_text(cell: &Value) -> String {
    match cell {
        Value::String(s) => s.clone(),
        Value::Null => String::new(),
        other => other.to_string(),
    }
}

/// A column letter (`A`, `AB`) as a 0-based index.
pub fn column_index(letters: &str) -> Option<usize> {
    if letters.is_empty() || !letters.chars().all(|c| c.is_ascii_alphabetic()) {
        return None;
    }
    let n = letters
        .to_ascii_uppercase()
        .bytes()
        .fold(0usize, |n, b| n * 26 + (b - b'A' + 1) as usize);
    Some(n - 1)
}

/// The pieces of an update answer AutoGPT passes on (`updatedCells`, `updatedRows`,
/// `updatedColumns`), zero when absent.
pub fn update_counts(answer: &Value) -> Value {
    let n = |k: &str| answer[k].as_i64().unwrap_or(0);
    json!({
        "updatedCells": n("updatedCells"),
        "updatedRows": n("updatedRows"),
        "updatedColumns": n("updatedColumns"),
    })
}

#[cfg(test)]
#[path = "sheets_tests.rs"]
mod tests;

#[cfg(test)]
#[path = "sheets_more_tests.rs"]
mod more_tests;

#[cfg(test)]
#[path = "rows_tests.rs"]
mod rows_tests;

#[cfg(test)]
#[path = "cells_tests.rs"]
mod cells_tests;

/// AutoGPT's `ValueInputOption`: how the Sheets API reads written values.
#[derive(Debug, Clone, Copy, Default, Serialize, Deserialize, JsonSchema)]
pub enum ValueInputOption {
    #[serde(rename = "RAW")]
    Raw,
    #[default]
    #[serde(rename = "USER_ENTERED")]
    UserEntered,
}

impl ValueInputOption {
    pub fn as_str(self) -> &'static str {
        match self {
            ValueInputOption::Raw => "RAW",
            ValueInputOption::UserEntered => "USER_ENTERED",
        }
    }
}
