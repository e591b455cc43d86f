//! The Drive blocks that take a file's content out (AutoGPT's `drive_files.py`):
//! GoogleDriveReadFileBlock (as text) and GoogleDriveDownloadFileBlock (its bytes, into the
//! run's file store).

use agentry_core::{Block, BlockError, BlockMeta, Category, Cx};
use schemars::JsonSchema;
use serde::{Deserialize, Serialize};

use super::content::{
    ExportFormat, fetch_file_bytes, file_name_for, read_as_text, save_to_file_store,
};
use super::files::{metadata, open};
use super::{DriveFileInfo, PickedToRead, to_drive_file};

pub struct GoogleDriveReadFile;
pub struct GoogleDriveDownloadFile;

const CATEGORIES: &[Category] = &[Category::Productivity, Category::Data];

#[derive(Deserialize, JsonSchema)]
pub struct ReadInput {
    /// The Drive file to read
    #[serde(default)]
    pub file: PickedToRead,
}

#[derive(Serialize, JsonSchema)]
#[serde(tag = "pin", content = "value", rename_all = "snake_case")]
pub enum ReadOutput {
    /// The file as text: Markdown for Google Docs, CSV of the first sheet for Google Sheets,
    /// plain text for Slides, PDFs and text files
    Content(String),
    /// The file that was read
    File(Box<DriveFileInfo>),
}

impl Block for GoogleDriveReadFile {
    const META: BlockMeta = BlockMeta::standard(
        "c4c3ef5e-1169-4b05-95da-9c209408ae4f",
        "GoogleDriveReadFileBlock",
        "Read a Google Drive file as text. Works for Google Docs, Sheets (first sheet), Slides, PDFs and plain-text files such as CSV, JSON or Markdown.",
        CATEGORIES,
    );
    type Input = ReadInput;
    type Output = ReadOutput;

    async fn run(&self, input: ReadInput, cx: &mut Cx<'_, ReadOutput>) -> Result<(), BlockError> {
        let (file, drive) = open(cx, input.file.0.as_ref()).await?;
        let answer = metadata(&drive, cx, &file.id).await?;
        let content = read_as_text(&drive, cx, &answer).await?;
        cx.emit(ReadOutput::Content(content));
        cx.emit(ReadOutput::File(Box::new(to_drive_file(
            &answer,
            file.credentials_id,
        ))));
        Ok(())
    }
}

#[derive(Deserialize, JsonSchema)]
pub struct DownloadInput {
    /// The Drive file to download
    #[serde(default)]
    pub file: PickedToRead,
    /// For Google Docs, Sheets and Slides: PDF, the matching Office format (DOCX, XLSX, PPTX),
    /// or text (Markdown, CSV, plain text). Other files download as they are.
    #[serde(default)]
    pub export_format: ExportFormat,
}

#[derive(Serialize, JsonSchema)]
#[serde(tag = "pin", content = "value", rename_all = "snake_case")]
pub enum DownloadOutput {
    /// The downloaded file (a workspace file in CoPilot, a data URI in agents)
    #[schemars(extend("format" = "file"))]
    Content(String),
    /// MIME type of the downloaded file
    MimeType(String),
    /// The Drive file that was downloaded
    File(Box<DriveFileInfo>),
}

impl Block for GoogleDriveDownloadFile {
    const META: BlockMeta = BlockMeta::standard(
        "74430172-7dc4-4e0a-b8f2-75c3d4090501",
        "GoogleDriveDownloadFileBlock",
        "Download a file from Google Drive (up to 50 MB). Google Docs, Sheets and Slides are exported to PDF, Office or text formats.",
        CATEGORIES,
    );
    type Input = DownloadInput;
    type Output = DownloadOutput;

    async fn run(
        &self,
        input: DownloadInput,
        cx: &mut Cx<'_, DownloadOutput>,
    ) -> Result<(), BlockError> {
        let (file, drive) = open(cx, input.file.0.as_ref()).await?;
        let answer = metadata(&drive, cx, &file.id).await?;
        let (data, mime) = fetch_file_bytes(&drive, cx, &answer, input.export_format).await?;
        let name = answer["name"]
            .as_str()
            .filter(|n| !n.is_empty())
            .unwrap_or(&file.id);
        let name = file_name_for(name, &mime);
        let content = save_to_file_store(cx, &data, &name, &mime).await?;
        cx.emit(DownloadOutput::Content(content));
        cx.emit(DownloadOutput::MimeType(mime));
        cx.emit(DownloadOutput::File(Box::new(to_drive_file(
            &answer,
            file.credentials_id,
        ))));
        Ok(())
    }
}
