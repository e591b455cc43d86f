//! The Sheets blocks that shape cells rather than their values: GoogleSheetsFormatBlock,
//! GoogleSheetsAddDropdownBlock, GoogleSheetsProtectRangeBlock,
//! GoogleSheetsCreateNamedRangeBlock.

use agentry_core::{Block, BlockError, BlockMeta, Category, Cx};
use schemars::JsonSchema;
use serde::{Deserialize, Serialize};
use serde_json::{Map, Value, json};

use super::columns::grid_range;
use super::read::ResultOutput;
use super::{DriveFile, Picked, Sheet, parse_a1};

pub struct GoogleSheetsFormat;
pub struct GoogleSheetsAddDropdown;
pub struct GoogleSheetsProtectRange;
pub struct GoogleSheetsCreateNamedRange;

fn yes() -> bool {
    true
}

fn ten() -> i64 {
    10
}

#[derive(Deserialize, JsonSchema)]
pub struct FormatInput {
    /// Select a Google Sheets spreadsheet
    #[serde(default)]
    pub spreadsheet: Picked,
    /// A1 notation – sheet optional
    pub range: String,
    #[serde(default)]
    pub background_color: Map<String, Value>,
    #[serde(default)]
    pub text_color: Map<String, Value>,
    #[serde(default)]
    pub bold: bool,
    #[serde(default)]
    pub italic: bool,
    #[serde(default = "ten")]
    pub font_size: i64,
}

/// AutoGPT's `userEnteredFormat`: only what was asked for (the font size when not the default 10).
pub fn cell_format(input: &FormatInput) -> Value {
    let mut format = Map::new();
    if !input.background_color.is_empty() {
        format.insert("backgroundColor".into(), json!(input.background_color));
    }
    let mut text = Map::new();
    if !input.text_color.is_empty() {
        text.insert("foregroundColor".into(), json!(input.text_color));
    }
    if input.bold {
        text.insert("bold".into(), json!(true));
    }
    if input.italic {
        text.insert("italic".into(), json!(true));
    }
    if input.font_size != 10 {
        text.insert("fontSize".into(), json!(input.font_size));
    }
    if !text.is_empty() {
        format.insert("textFormat".into(), Value::Object(text));
    }
    json!({ "userEnteredFormat": format })
}

impl Block for GoogleSheetsFormat {
    const META: BlockMeta = BlockMeta::standard(
        "270f2384-8089-4b5b-b2e3-fe2ea3d87c02",
        "GoogleSheetsFormatBlock",
        "Format a range in a Google Sheet (sheet optional)",
        &[Category::Data],
    );
    type Input = FormatInput;
    type Output = ResultOutput;

    async fn run(
        &self,
        input: FormatInput,
        cx: &mut Cx<'_, ResultOutput>,
    ) -> Result<(), BlockError> {
        let sheet = Sheet::open(
            cx,
            &input.spreadsheet,
            "Failed to format Google Sheet cells: ",
        )
        .await?;
        let (name, _) = parse_a1(&input.range);
        let (_, sheet_id) = sheet.resolve(cx, name.unwrap_or_default()).await?;
        // AutoGPT answers a range it cannot read on the error pin without the prefix.
        let mut range = grid_range(&input.range)
            .map_err(|_| BlockError::Input(format!("Invalid range format: {}", input.range)))?;
        range.insert("sheetId".into(), json!(sheet_id));
        let request = json!({"repeatCell": {
            "range": range,
            "cell": cell_format(&input),
            "fields": "userEnteredFormat(backgroundColor,textFormat)",
        }});
        sheet.batch_update(cx, json!([request])).await?;
        cx.emit(ResultOutput::Result(json!({"success": true})));
        cx.emit(ResultOutput::Spreadsheet(sheet.file.chained()));
        Ok(())
    }
}

#[derive(Deserialize, JsonSchema)]
pub struct DropdownInput {
    /// Select a Google Sheets spreadsheet
    #[serde(default)]
    pub spreadsheet: Picked,
    /// Sheet name (optional, defaults to first sheet)
    #[serde(default)]
    pub sheet_name: String,
    /// Cell range to add dropdown to (e.g., 'B2:B100')
    pub range: String,
    /// List of dropdown options
    pub options: Vec<String>,
    /// Reject input not in the list
    #[serde(default = "yes")]
    pub strict: bool,
    /// Show dropdown arrow in cells
    #[serde(default = "yes")]
    pub show_dropdown: bool,
}

impl Block for GoogleSheetsAddDropdown {
    const META: BlockMeta = BlockMeta::standard(
        "725431c9-71ba-4fce-b829-5a3e495a8a88",
        "GoogleSheetsAddDropdownBlock",
        "Add a dropdown list (data validation) to cells. Useful for enforcing valid inputs.",
        &[Category::Data],
    );
    type Input = DropdownInput;
    type Output = ResultOutput;

    async fn run(
        &self,
        input: DropdownInput,
        cx: &mut Cx<'_, ResultOutput>,
    ) -> Result<(), BlockError> {
        let sheet = Sheet::open(cx, &input.spreadsheet, "Failed to add dropdown: ").await?;
        if input.options.is_empty() {
            return Err(BlockError::Input("Options list cannot be empty".into()));
        }
        let (_, sheet_id) = sheet.resolve(cx, &input.sheet_name).await?;
        let mut range = grid_range(&input.range).map_err(|e| sheet.fail(e))?;
        range.insert("sheetId".into(), json!(sheet_id));
        let values: Vec<Value> = input
            .options
            .iter()
            .map(|o| json!({"userEnteredValue": o}))
            .collect();
        let request = json!({"setDataValidation": {
            "range": range,
            "rule": {
                "condition": {"type": "ONE_OF_LIST", "values": values},
                "strict": input.strict,
                "showCustomUi": input.show_dropdown,
            },
        }});
        sheet.batch_update(cx, json!([request])).await?;
        cx.emit(ResultOutput::Result(json!({"success": true})));
        cx.emit(ResultOutput::Spreadsheet(sheet.file.chained()));
        Ok(())
    }
}

fn protected_by_automation() -> String {
    "Protected by automation".into()
}

#[derive(Deserialize, JsonSchema)]
pub struct ProtectInput {
    /// Select a Google Sheets spreadsheet
    #[serde(default)]
    pub spreadsheet: Picked,
    /// Sheet name (optional, defaults to first sheet)
    #[serde(default)]
    pub sheet_name: String,
    /// Cell range to protect (e.g., 'A1:D10'). Leave empty to protect entire sheet.
    #[serde(default)]
    pub range: String,
    /// Description for the protected range
    #[serde(default = "protected_by_automation")]
    pub description: String,
    /// Show warning but allow editing (vs blocking completely)
    #[serde(default)]
    pub warning_only: bool,
}

#[derive(Serialize, JsonSchema)]
#[serde(tag = "pin", content = "value", rename_all = "snake_case")]
pub enum ProtectOutput {
    /// Result of the operation
    Result(Value),
    /// ID of the protection
    ProtectionId(i64),
    /// The spreadsheet for chaining
    Spreadsheet(DriveFile),
}

impl Block for GoogleSheetsProtectRange {
    const META: BlockMeta = BlockMeta::standard(
        "d0e4f5d1-76e7-4082-9be8-e656ec1f432d",
        "GoogleSheetsProtectRangeBlock",
        "Protect a cell range or entire sheet from editing.",
        &[Category::Data],
    );
    type Input = ProtectInput;
    type Output = ProtectOutput;

    async fn run(
        &self,
        input: ProtectInput,
        cx: &mut Cx<'_, ProtectOutput>,
    ) -> Result<(), BlockError> {
        let sheet = Sheet::open(cx, &input.spreadsheet, "Failed to protect range: ").await?;
        let (_, sheet_id) = sheet.resolve(cx, &input.sheet_name).await?;
        let mut range = if input.range.is_empty() {
            Map::new()
        } else {
            grid_range(&input.range).map_err(|e| sheet.fail(e))?
        };
        range.insert("sheetId".into(), json!(sheet_id));
        let request = json!({"addProtectedRange": {"protectedRange": {
            "range": range,
            "description": input.description,
            "warningOnly": input.warning_only,
        }}});
        let answer = sheet.batch_update(cx, json!([request])).await?;
        let id = answer["replies"][0]["addProtectedRange"]["protectedRange"]["protectedRangeId"]
            .as_i64()
            .unwrap_or(0);
        cx.emit(ProtectOutput::Result(json!({"success": true})));
        cx.emit(ProtectOutput::ProtectionId(id));
        cx.emit(ProtectOutput::Spreadsheet(sheet.file.chained()));
        Ok(())
    }
}

#[derive(Deserialize, JsonSchema)]
pub struct NamedRangeInput {
    /// Select a Google Sheets spreadsheet
    #[serde(default)]
    pub spreadsheet: Picked,
    /// Sheet name (optional, defaults to first sheet)
    #[serde(default)]
    pub sheet_name: String,
    /// Name for the range (e.g., 'SalesData', 'CustomerList')
    pub name: String,
    /// Cell range in A1 notation (e.g., 'A1:D10', 'B2:B100')
    pub range: String,
}

#[derive(Serialize, JsonSchema)]
#[serde(tag = "pin", content = "value", rename_all = "snake_case")]
pub enum NamedRangeOutput {
    /// Result of the operation
    Result(Value),
    /// ID of the created named range
    NamedRangeId(String),
    /// The spreadsheet for chaining
    Spreadsheet(DriveFile),
}

impl Block for GoogleSheetsCreateNamedRange {
    const META: BlockMeta = BlockMeta::standard(
        "a2707376-8016-494b-98c4-d0e2752ab9cb",
        "GoogleSheetsCreateNamedRangeBlock",
        "Create a named range to reference cells by name instead of A1 notation.",
        &[Category::Data],
    );
    type Input = NamedRangeInput;
    type Output = NamedRangeOutput;

    async fn run(
        &self,
        input: NamedRangeInput,
        cx: &mut Cx<'_, NamedRangeOutput>,
    ) -> Result<(), BlockError> {
        let sheet = Sheet::open(cx, &input.spreadsheet, "Failed to create named range: ").await?;
        let (_, sheet_id) = sheet.resolve(cx, &input.sheet_name).await?;
        let mut range = grid_range(&input.range).map_err(|e| sheet.fail(e))?;
        range.insert("sheetId".into(), json!(sheet_id));
        let request =
            json!({"addNamedRange": {"namedRange": {"name": input.name, "range": range}}});
        let answer = sheet.batch_update(cx, json!([request])).await?;
        let id = answer["replies"][0]["addNamedRange"]["namedRange"]["namedRangeId"]
            .as_str()
            .unwrap_or_default()
            .to_string();
        cx.emit(NamedRangeOutput::Result(json!({"success": true})));
        cx.emit(NamedRangeOutput::NamedRangeId(id));
        cx.emit(NamedRangeOutput::Spreadsheet(sheet.file.chained()));
        Ok(())
    }
}
