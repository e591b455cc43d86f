//! The Sheets blocks that change a spreadsheet's structure or search it:
//! GoogleSheetsManageSheetBlock, GoogleSheetsFindReplaceBlock,
//! GoogleSheetsCreateSpreadsheetBlock, GoogleSheetsListNamedRangesBlock.

use agentry_core::{Block, BlockError, BlockMeta, Category, CredentialsMeta, Cx};
use reqwest::Method;
use schemars::JsonSchema;
use serde::{Deserialize, Serialize};
use serde_json::{Value, json};

use super::read::{MetadataInput, ResultOutput};
use super::{DriveFile, Picked, SPREADSHEET_MIME, Sheet, google_client, spreadsheet_file};

pub struct GoogleSheetsManageSheet;
pub struct GoogleSheetsFindReplace;
pub struct GoogleSheetsCreateSpreadsheet;
pub struct GoogleSheetsListNamedRanges;

/// AutoGPT's `SheetOperation`.
#[derive(Debug, Clone, Copy, Deserialize, JsonSchema)]
#[serde(rename_all = "lowercase")]
pub enum SheetOperation {
    Create,
    Delete,
    Copy,
}

#[derive(Deserialize, JsonSchema)]
pub struct ManageInput {
    /// Select a Google Sheets spreadsheet
    #[serde(default)]
    pub spreadsheet: Picked,
    /// Operation to perform
    pub operation: SheetOperation,
    /// Target sheet name (defaults to first sheet for delete)
    #[serde(default)]
    pub sheet_name: String,
    /// Source sheet ID for copy
    #[serde(default)]
    pub source_sheet_id: i64,
    /// New sheet name for copy
    #[serde(default)]
    pub destination_sheet_name: String,
}

impl Block for GoogleSheetsManageSheet {
    const META: BlockMeta = BlockMeta::standard(
        "7940189d-b137-4ef1-aa18-3dd9a5bde9f3",
        "GoogleSheetsManageSheetBlock",
        "Create, delete, or copy sheets (sheet optional)",
        &[Category::Data],
    );
    type Input = ManageInput;
    type Output = ResultOutput;

    async fn run(
        &self,
        input: ManageInput,
        cx: &mut Cx<'_, ResultOutput>,
    ) -> Result<(), BlockError> {
        let sheet = Sheet::open(cx, &input.spreadsheet, "Failed to manage sheet: ").await?;
        let request = match input.operation {
            SheetOperation::Create => {
                let title = non_empty(&input.sheet_name, "New Sheet");
                json!({"addSheet": {"properties": {"title": title}}})
            }
            SheetOperation::Delete => {
                let (_, id) = sheet.resolve(cx, &input.sheet_name).await?;
                json!({"deleteSheet": {"sheetId": id}})
            }
            SheetOperation::Copy => {
                let fallback = format!("Copy of {}", input.source_sheet_id);
                json!({"duplicateSheet": {
                    "sourceSheetId": input.source_sheet_id,
                    "newSheetName": non_empty(&input.destination_sheet_name, &fallback),
                }})
            }
        };
        let answer = sheet.batch_update(cx, json!([request])).await?;
        cx.emit(ResultOutput::Result(
            json!({"success": true, "result": answer}),
        ));
        cx.emit(ResultOutput::Spreadsheet(sheet.file.chained()));
        Ok(())
    }
}

fn non_empty<'a>(text: &'a str, fallback: &'a str) -> &'a str {
    if text.is_empty() { fallback } else { text }
}

fn minus_one() -> i64 {
    -1
}

#[derive(Deserialize, JsonSchema)]
pub struct FindReplaceInput {
    /// Select a Google Sheets spreadsheet
    #[serde(default)]
    pub spreadsheet: Picked,
    /// The text to find
    pub find_text: String,
    /// The text to replace with
    pub replace_text: String,
    /// The ID of the specific sheet to search (optional, searches all sheets if not provided)
    #[serde(default = "minus_one")]
    pub sheet_id: i64,
    /// Whether to match case
    #[serde(default)]
    pub match_case: bool,
    /// Whether to match entire cell
    #[serde(default)]
    pub match_entire_cell: bool,
}

impl Block for GoogleSheetsFindReplace {
    const META: BlockMeta = BlockMeta::standard(
        "accca760-8174-4656-b55e-5f0e82fee986",
        "GoogleSheetsFindReplaceBlock",
        "This block finds and replaces text in a Google Sheets spreadsheet.",
        &[Category::Data],
    );
    type Input = FindReplaceInput;
    type Output = ResultOutput;

    async fn run(
        &self,
        input: FindReplaceInput,
        cx: &mut Cx<'_, ResultOutput>,
    ) -> Result<(), BlockError> {
        let sheet = Sheet::open(
            cx,
            &input.spreadsheet,
            "Failed to find/replace in Google Sheet: ",
        )
        .await?;
        let mut request = json!({
            "find": input.find_text,
            "replacement": input.replace_text,
            "matchCase": input.match_case,
            "matchEntireCell": input.match_entire_cell,
        });
        if input.sheet_id >= 0 {
            request["sheetId"] = json!(input.sheet_id);
        } else {
            // The API needs a scope; AutoGPT's request without one searches every sheet.
            request["allSheets"] = json!(true);
        }
        let answer = sheet
            .batch_update(cx, json!([{ "findReplace": request }]))
            .await?;
        cx.emit(ResultOutput::Result(answer));
        cx.emit(ResultOutput::Spreadsheet(sheet.file.chained()));
        Ok(())
    }
}

fn sheet1() -> Vec<String> {
    vec!["Sheet1".into()]
}

#[derive(Deserialize, JsonSchema)]
pub struct CreateInput {
    /// The Google integration requires OAuth2 authentication.
    #[serde(default)]
    #[schemars(extend(
        "credentials_provider" = ["google"],
        "credentials_types" = ["oauth2"],
        "credentials_scopes" = ["https://www.googleapis.com/auth/drive.file"]
    ))]
    pub credentials: CredentialsMeta,
    /// The title of the new spreadsheet
    pub title: String,
    /// List of sheet names to create (optional, defaults to single 'Sheet1')
    #[serde(default = "sheet1")]
    pub sheet_names: Vec<String>,
}

#[derive(Serialize, JsonSchema)]
#[serde(tag = "pin", content = "value", rename_all = "snake_case")]
pub enum CreateOutput {
    /// The result containing spreadsheet ID and URL
    Result(Value),
    /// The created spreadsheet as a GoogleDriveFile (for chaining to other blocks)
    Spreadsheet(DriveFile),
    /// The ID of the created spreadsheet
    SpreadsheetId(String),
    /// The URL of the created spreadsheet
    SpreadsheetUrl(String),
}

impl Block for GoogleSheetsCreateSpreadsheet {
    const META: BlockMeta = BlockMeta::standard(
        "c8d4c0d3-c76e-4c2a-8c66-4119817ea3d1",
        "GoogleSheetsCreateSpreadsheetBlock",
        "This block creates a new Google Sheets spreadsheet with specified sheets.",
        &[Category::Data],
    );
    type Input = CreateInput;
    type Output = CreateOutput;

    async fn run(
        &self,
        input: CreateInput,
        cx: &mut Cx<'_, CreateOutput>,
    ) -> Result<(), BlockError> {
        // A blank spreadsheet is a Drive file of the spreadsheet type (drive.file scope only).
        let drive = google_client(cx, crate::google::DRIVE, &input.credentials).await?;
        let body = json!({"name": input.title, "mimeType": SPREADSHEET_MIME});
        let path = "/drive/v3/files?fields=id,webViewLink";
        let made = drive.send_json(cx, Method::POST, path, &body).await?;
        let id = made["id"].as_str().unwrap_or_default().to_string();
        let url = made["webViewLink"]
            .as_str()
            .map(str::to_string)
            .unwrap_or_else(|| format!("https://docs.google.com/spreadsheets/d/{id}/edit"));
        let client = google_client(cx, super::SHEETS, &input.credentials).await?;
        let file = spreadsheet_file(&id, Some(input.title.clone()), input.credentials.id.clone());
        let sheet = Sheet::made(file, client, "");
        if let Some(first) = input.sheet_names.first().filter(|n| *n != "Sheet1") {
            let (_, first_id) = sheet.resolve(cx, "").await?;
            let rename = json!([{"updateSheetProperties": {
                "properties": {"sheetId": first_id, "title": first},
                "fields": "title",
            }}]);
            sheet.batch_update(cx, rename).await?;
        }
        if input.sheet_names.len() > 1 {
            let more: Vec<Value> = input.sheet_names[1..]
                .iter()
                .map(|name| json!({"addSheet": {"properties": {"title": name}}}))
                .collect();
            sheet.batch_update(cx, Value::Array(more)).await?;
        }
        let mut file = sheet.file.clone();
        file.url = Some(url.clone());
        cx.emit(CreateOutput::Spreadsheet(file));
        cx.emit(CreateOutput::SpreadsheetId(id));
        cx.emit(CreateOutput::SpreadsheetUrl(url));
        cx.emit(CreateOutput::Result(json!({"success": true})));
        Ok(())
    }
}

#[derive(Serialize, JsonSchema)]
#[serde(tag = "pin", content = "value", rename_all = "snake_case")]
pub enum NamedRangesOutput {
    /// List of named ranges with name, id, and range info
    NamedRanges(Vec<Value>),
    /// Number of named ranges
    Count(i64),
    /// The spreadsheet for chaining
    Spreadsheet(DriveFile),
}

/// AutoGPT's `_index_to_column_letter`: 0 → `A`, 26 → `AA`.
pub fn column_letter(index: i64) -> String {
    let mut n = index + 1;
    let mut out = Vec::new();
    while n > 0 {
        let r = (n - 1) % 26;
        out.push(b'A' + r as u8);
        n = (n - 1) / 26;
    }
    out.reverse();
    String::from_utf8(out).unwrap_or_default()
}

impl Block for GoogleSheetsListNamedRanges {
    const META: BlockMeta = BlockMeta::standard(
        "b81a9d27-3997-4860-9303-cc68086db13a",
        "GoogleSheetsListNamedRangesBlock",
        "List all named ranges in a spreadsheet.",
        &[Category::Data],
    );
    type Input = MetadataInput;
    type Output = NamedRangesOutput;

    async fn run(
        &self,
        input: MetadataInput,
        cx: &mut Cx<'_, NamedRangesOutput>,
    ) -> Result<(), BlockError> {
        let sheet = Sheet::open(cx, &input.spreadsheet, "Failed to list named ranges: ").await?;
        let meta = sheet.metadata(cx).await?;
        let titles: std::collections::HashMap<i64, String> = meta["sheets"]
            .as_array()
            .into_iter()
            .flatten()
            .map(|s| {
                let p = &s["properties"];
                let title = p["title"].as_str().unwrap_or_default().to_string();
                (p["sheetId"].as_i64().unwrap_or(0), title)
            })
            .collect();
        let ranges: Vec<Value> = meta["namedRanges"]
            .as_array()
            .into_iter()
            .flatten()
            .map(|nr| {
                let r = &nr["range"];
                let int = |k: &str, d: i64| r[k].as_i64().unwrap_or(d);
                let sheet_name = titles
                    .get(&int("sheetId", 0))
                    .cloned()
                    .unwrap_or_else(|| "Sheet1".into());
                let range = format!(
                    "{sheet_name}!{}{}:{}{}",
                    column_letter(int("startColumnIndex", 0)),
                    int("startRowIndex", 0) + 1,
                    column_letter(int("endColumnIndex", 1) - 1),
                    int("endRowIndex", 1)
                );
                json!({
                    "name": nr.get("name").cloned().unwrap_or(json!("")),
                    "id": nr.get("namedRangeId").cloned().unwrap_or(json!("")),
                    "range": range,
                })
            })
            .collect();
        let count = ranges.len() as i64;
        cx.emit(NamedRangesOutput::NamedRanges(ranges));
        cx.emit(NamedRangesOutput::Count(count));
        cx.emit(NamedRangesOutput::Spreadsheet(sheet.file.chained()));
        Ok(())
    }
}
