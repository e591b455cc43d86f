//! Drive file content (AutoGPT's `_drive_content.py`): a file read as text, its bytes as they
//! are (`files.get` with `alt=media`, in ranged chunks as googleapiclient's downloader asks)
//! or exported from a Google type (`files.export`), and downloaded bytes kept in the run's
//! folder of the file store.

use agentry_core::{BlockError, Cx};
use agentry_services::files::{FileStore, inside, sanitize_filename};
use base64::Engine as _;
use reqwest::Method;
use schemars::JsonSchema;
use serde::{Deserialize, Serialize};
use serde_json::Value;

use super::pdf;
use crate::api::{Client, Payload, segment};

/// The largest file the Drive blocks download (AutoGPT's `MAX_DOWNLOAD_BYTES`).
pub const MAX_DOWNLOAD_BYTES: usize = 50 * 1024 * 1024;
/// What one download request asks for (googleapiclient's `MediaIoBaseDownload` chunk size),
/// which also keeps each answer under the HTTP client's response cap.
const CHUNK_BYTES: usize = 8 * 1024 * 1024;

const GOOGLE_TYPE_PREFIX: &str = "application/vnd.google-apps.";
pub const DOCUMENT: &str = "application/vnd.google-apps.document";
pub const SPREADSHEET: &str = "application/vnd.google-apps.spreadsheet";
pub const PRESENTATION: &str = "application/vnd.google-apps.presentation";
pub const PDF: &str = "application/pdf";
const DOCX: &str = "application/vnd.openxmlformats-officedocument.wordprocessingml.document";
const XLSX: &str = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet";
const PPTX: &str = "application/vnd.openxmlformats-officedocument.presentationml.presentation";

/// Types that are text without saying `text/` (AutoGPT's `TEXT_LIKE_TYPES`).
const TEXT_LIKE_TYPES: &[&str] = &[
    "application/json",
    "application/xml",
    "application/javascript",
    "application/x-yaml",
    "application/yaml",
    "application/x-ndjson",
    "application/sql",
];

/// AutoGPT's `ExportFormat`: what a Google Doc, Sheet or Slides file becomes when downloaded.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "lowercase")]
pub enum ExportFormat {
    #[default]
    Pdf,
    Office,
    Text,
}

/// AutoGPT's `TEXT_EXPORTS`: the text a Google type is read as.
fn text_export(mime: &str) -> Option<&'static str> {
    match mime {
        DOCUMENT => Some("text/markdown"),
        SPREADSHEET => Some("text/csv"),
        PRESENTATION => Some("text/plain"),
        _ => None,
    }
}

/// AutoGPT's `EXPORT_TYPES`: the type a Google type is exported to in `format`; other Google
/// types (drawings, forms…) export to PDF only.
fn export_type(mime: &str, format: ExportFormat) -> Option<&'static str> {
    match (format, mime) {
        (ExportFormat::Pdf, _) => Some(PDF),
        (ExportFormat::Office, DOCUMENT) => Some(DOCX),
        (ExportFormat::Office, SPREADSHEET) => Some(XLSX),
        (ExportFormat::Office, PRESENTATION) => Some(PPTX),
        (ExportFormat::Text, m) => text_export(m),
        _ => None,
    }
}

pub fn is_google_type(mime: &str) -> bool {
    mime.starts_with(GOOGLE_TYPE_PREFIX)
}

fn text(metadata: &Value, key: &str) -> String {
    metadata[key].as_str().unwrap_or_default().to_string()
}

/// AutoGPT's `read_as_text`: a file's content as text, Google types exported first.
pub async fn read_as_text<O: Serialize>(
    drive: &Client,
    cx: &mut Cx<'_, O>,
    metadata: &Value,
) -> Result<String, BlockError> {
    let mime = text(metadata, "mimeType");
    if let Some(export) = text_export(&mime) {
        let data = export_file(drive, cx, &text(metadata, "id"), export).await?;
        return Ok(String::from_utf8_lossy(&data).into_owned());
    }
    if mime == PDF {
        // Refused on Drive's size before any byte is fetched.
        pdf::check_size(size_of(metadata))?;
        let data = download_file(drive, cx, metadata).await?;
        return pdf::pdf_to_text(data).await;
    }
    if !(mime.starts_with("text/") || TEXT_LIKE_TYPES.contains(&mime.as_str())) {
        let kind = if mime.is_empty() {
            "file of unknown type"
        } else {
            &mime
        };
        return Err(BlockError::Input(format!(
            "Can't read a {kind} as text. Use the Google Drive Download File block to get the \
             file itself."
        )));
    }
    let data = download_file(drive, cx, metadata).await?;
    Ok(String::from_utf8_lossy(&data).into_owned())
}

/// AutoGPT's `fetch_file_bytes`: a file's bytes and MIME type, Google types exported.
pub async fn fetch_file_bytes<O: Serialize>(
    drive: &Client,
    cx: &mut Cx<'_, O>,
    metadata: &Value,
    format: ExportFormat,
) -> Result<(Vec<u8>, String), BlockError> {
    let mime = text(metadata, "mimeType");
    if !is_google_type(&mime) {
        return Ok((download_file(drive, cx, metadata).await?, mime));
    }
    let export = export_type(&mime, format).ok_or_else(|| {
        BlockError::Input(format!(
            "{mime} files can only be downloaded as PDF. Set the format to PDF."
        ))
    })?;
    let data = export_file(drive, cx, &text(metadata, "id"), export).await?;
    Ok((data, export.to_string()))
}

/// `files.export` of file `id` as `mime` (Google answers the content itself).
async fn export_file<O: Serialize>(
    drive: &Client,
    cx: &mut Cx<'_, O>,
    id: &str,
    mime: &str,
) -> Result<Vec<u8>, BlockError> {
    let path = format!("/drive/v3/files/{}/export", segment(id));
    let query = [("mimeType", mime.to_string())];
    let fetched = drive.send(cx, Method::GET, &path, &query, None).await?;
    Ok(fetched.body)
}

/// The whole size a `206` answer's `Content-Range` (`bytes 0-99/1234`) names.
fn total_of(fetched: &agentry_services::http::Fetched) -> Option<usize> {
    let range = fetched
        .headers
        .get(reqwest::header::CONTENT_RANGE)?
        .to_str()
        .ok()?;
    range.rsplit_once('/')?.1.trim().parse().ok()
}

/// The size Drive's metadata gives (a decimal string in API v3; 0 when absent, as for Google
/// types).
fn size_of(metadata: &Value) -> usize {
    metadata["size"]
        .as_str()
        .and_then(|s| s.parse::<usize>().ok())
        .or_else(|| metadata["size"].as_u64().map(|s| s as usize))
        .unwrap_or(0)
}

fn too_large(size: usize) -> BlockError {
    BlockError::Input(format!(
        "The file is {} MB; the limit is {} MB.",
        size / (1024 * 1024),
        MAX_DOWNLOAD_BYTES / (1024 * 1024)
    ))
}

/// AutoGPT's `download_file`: `files.get` with `alt=media`, refused beyond the limit, fetched
/// in ranged chunks until the `Content-Range` total (or a whole `200` answer) is in.
async fn download_file<O: Serialize>(
    drive: &Client,
    cx: &mut Cx<'_, O>,
    metadata: &Value,
) -> Result<Vec<u8>, BlockError> {
    let size = size_of(metadata);
    if size > MAX_DOWNLOAD_BYTES {
        return Err(too_large(size));
    }
    let path = format!("/drive/v3/files/{}", segment(&text(metadata, "id")));
    let query = [
        ("supportsAllDrives", "true".to_string()),
        ("alt", "media".to_string()),
    ];
    let mut data: Vec<u8> = Vec::new();
    loop {
        let start = data.len();
        let range = [(
            "Range",
            format!("bytes={start}-{}", start + CHUNK_BYTES - 1),
        )];
        let fetched = drive
            .send_with_headers(cx, Method::GET, &path, &query, Payload::Empty, &range)
            .await?;
        let got = fetched.body.len();
        let total = total_of(&fetched);
        if fetched.status != 206 {
            // The whole file in one answer.
            data = fetched.body;
        } else {
            data.extend_from_slice(&fetched.body);
        }
        if data.len() > MAX_DOWNLOAD_BYTES {
            return Err(too_large(data.len()));
        }
        let done = match (fetched.status, total) {
            (206, Some(total)) => data.len() >= total || got == 0,
            (206, None) => got < CHUNK_BYTES,
            _ => true,
        };
        if done {
            return Ok(data);
        }
    }
}

/// The extension a MIME type's files carry (Python's `mimetypes.guess_extension` for the
/// types Drive answers most).
fn extension_of(mime: &str) -> Option<&'static str> {
    Some(match mime {
        PDF => ".pdf",
        DOCX => ".docx",
        XLSX => ".xlsx",
        PPTX => ".pptx",
        "text/markdown" => ".md",
        "text/csv" => ".csv",
        "text/plain" => ".txt",
        "text/html" => ".html",
        "application/json" => ".json",
        "application/xml" | "text/xml" => ".xml",
        "application/zip" => ".zip",
        "application/rtf" => ".rtf",
        "application/msword" => ".doc",
        "application/vnd.ms-excel" => ".xls",
        "application/vnd.ms-powerpoint" => ".ppt",
        "application/vnd.oasis.opendocument.text" => ".odt",
        "image/png" => ".png",
        "image/jpeg" => ".jpg",
        "image/gif" => ".gif",
        "image/webp" => ".webp",
        "image/svg+xml" => ".svg",
        "audio/mpeg" => ".mp3",
        "audio/wav" => ".wav",
        "video/mp4" => ".mp4",
        _ => return None,
    })
}

/// AutoGPT's `file_name_for`: an exported file's name with a matching extension
/// (`Report` → `Report.pdf`), made safe to create.
pub fn file_name_for(name: &str, mime: &str) -> String {
    let mut name = name.to_string();
    if let Some(ext) = extension_of(mime)
        && !name.to_lowercase().ends_with(ext)
    {
        name.push_str(ext);
    }
    sanitize_filename(&name)
}

/// AutoGPT's `save_to_file_store`: `data` written as `name` in the run's folder, answered as
/// the block output reference of a graph run (a `data:` URI of `mime`).
pub async fn save_to_file_store<O: Serialize>(
    cx: &mut Cx<'_, O>,
    data: &[u8],
    name: &str,
    mime: &str,
) -> Result<String, BlockError> {
    let info = cx.info();
    let dir = FileStore::from_cx(cx).run_dir(&info.user_id, &info.graph_exec_id)?;
    tokio::fs::create_dir_all(&dir)
        .await
        .map_err(|e| BlockError::System(format!("cannot create the run's file folder: {e}")))?;
    let path = inside(&dir, name)?;
    // Never write through a link left in the folder: it could point anywhere.
    if tokio::fs::symlink_metadata(&path)
        .await
        .is_ok_and(|m| m.file_type().is_symlink())
    {
        return Err(BlockError::input(
            "Local file path is outside the temp_base directory. Access denied.",
        ));
    }
    tokio::fs::write(&path, data)
        .await
        .map_err(|e| BlockError::System(format!("cannot store the file: {e}")))?;
    let mime = if mime.is_empty() {
        "application/octet-stream"
    } else {
        mime
    };
    let b64 = base64::engine::general_purpose::STANDARD.encode(data);
    Ok(format!("data:{mime};base64,{b64}"))
}
