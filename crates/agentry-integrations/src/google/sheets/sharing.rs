//! GoogleSheetsShareSpreadsheetBlock and GoogleSheetsSetPublicAccessBlock: Drive permissions
//! on the spreadsheet.

use agentry_core::{Block, BlockError, BlockMeta, Category, Cx};
use schemars::JsonSchema;
use serde::{Deserialize, Serialize};
use serde_json::{Value, json};

use super::{DriveFile, Picked, validate};
use crate::error::prefixed;
use crate::google::drive::{PublicAccessRole, Share, ShareRole, drive_for, set_public, share};

pub struct GoogleSheetsShareSpreadsheet;
pub struct GoogleSheetsSetPublicAccess;

fn yes() -> bool {
    true
}

#[derive(Deserialize, JsonSchema)]
pub struct ShareInput {
    /// The spreadsheet to share
    #[serde(default)]
    pub spreadsheet: Picked,
    /// Email address to share with. Leave empty for link sharing.
    #[serde(default)]
    pub email: String,
    /// Permission role for the user
    #[serde(default)]
    pub role: ShareRole,
    /// Send notification email to the user
    #[serde(default = "yes")]
    pub send_notification: bool,
    /// Optional message to include in notification email
    #[serde(default)]
    pub message: String,
}

#[derive(Serialize, JsonSchema)]
#[serde(tag = "pin", content = "value", rename_all = "snake_case")]
pub enum ShareOutput {
    /// Result of the share operation
    Result(Value),
    /// Link to the spreadsheet
    ShareLink(String),
    /// The spreadsheet for chaining
    Spreadsheet(DriveFile),
}

fn link(file: &DriveFile) -> String {
    format!("https://docs.google.com/spreadsheets/d/{}/edit", file.id)
}

impl Block for GoogleSheetsShareSpreadsheet {
    const META: BlockMeta = BlockMeta::standard(
        "3e47e8ac-511a-4eb6-89c5-a6bcedc4236f",
        "GoogleSheetsShareSpreadsheetBlock",
        "Share a Google Spreadsheet with users or get shareable link",
        &[Category::Data],
    );
    type Input = ShareInput;
    type Output = ShareOutput;

    async fn run(&self, input: ShareInput, cx: &mut Cx<'_, ShareOutput>) -> Result<(), BlockError> {
        let file = validate(input.spreadsheet.0.as_ref())?.clone();
        let how = Share {
            email: &input.email,
            role: input.role,
            send_notification: input.send_notification,
            message: &input.message,
            sheets_link: true,
        };
        let shared = async {
            let drive = drive_for(cx, &file).await?;
            share(&drive, cx, &file.id, link(&file), how).await
        };
        let link = shared
            .await
            .map_err(|e| prefixed(e, "Failed to share spreadsheet: "))?;
        cx.emit(ShareOutput::Result(json!({"success": true})));
        cx.emit(ShareOutput::ShareLink(link));
        cx.emit(ShareOutput::Spreadsheet(file.chained()));
        Ok(())
    }
}

#[derive(Deserialize, JsonSchema)]
pub struct PublicInput {
    /// The spreadsheet to modify access for
    #[serde(default)]
    pub spreadsheet: Picked,
    /// True to make public, False to make private
    #[serde(default = "yes")]
    pub public: bool,
    /// Permission role for public access
    #[serde(default)]
    pub role: PublicAccessRole,
}

impl Block for GoogleSheetsSetPublicAccess {
    const META: BlockMeta = BlockMeta::standard(
        "d08d46cd-088b-4ba7-a545-45050f33b889",
        "GoogleSheetsSetPublicAccessBlock",
        "Make a Google Spreadsheet public or private",
        &[Category::Data],
    );
    type Input = PublicInput;
    type Output = ShareOutput;

    async fn run(
        &self,
        input: PublicInput,
        cx: &mut Cx<'_, ShareOutput>,
    ) -> Result<(), BlockError> {
        let file = validate(input.spreadsheet.0.as_ref())?.clone();
        let changed = async {
            let drive = drive_for(cx, &file).await?;
            set_public(&drive, cx, &file.id, link(&file), input.public, input.role).await
        };
        let link = changed
            .await
            .map_err(|e| prefixed(e, "Failed to set public access: "))?;
        cx.emit(ShareOutput::Result(
            json!({"success": true, "is_public": input.public}),
        ));
        cx.emit(ShareOutput::ShareLink(link));
        cx.emit(ShareOutput::Spreadsheet(file.chained()));
        Ok(())
    }
}
