//! Storing and reading one file pin value for a run: data URIs decoded, URLs fetched through
//! the guarded client, relative paths checked; the result as a relative path or a data URI.

use std::path::{Path, PathBuf};

use agentry_core::{BlockError, Cx};
use base64::Engine as _;
use reqwest::Method;
use serde::Serialize;

use super::{FileStore, MAX_FILE_BYTES, existing_inside, inside, sanitize_filename};
use crate::http::OutboundHttp;

/// File name extensions and MIME types we know both ways.
const TYPES: &[(&str, &str)] = &[
    ("txt", "text/plain"),
    ("csv", "text/csv"),
    ("html", "text/html"),
    ("md", "text/markdown"),
    ("json", "application/json"),
    ("xml", "application/xml"),
    ("pdf", "application/pdf"),
    ("png", "image/png"),
    ("jpg", "image/jpeg"),
    ("jpeg", "image/jpeg"),
    ("gif", "image/gif"),
    ("webp", "image/webp"),
    ("svg", "image/svg+xml"),
    ("mp3", "audio/mpeg"),
    ("wav", "audio/wav"),
    ("mp4", "video/mp4"),
    ("zip", "application/zip"),
    (
        "xlsx",
        "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    ),
    ("xls", "application/vnd.ms-excel"),
];

/// The MIME type of a file name, `application/octet-stream` when unknown.
pub fn mime_of(name: &str) -> &'static str {
    let ext = name.rsplit_once('.').map(|(_, e)| e.to_ascii_lowercase());
    TYPES
        .iter()
        .find(|(e, _)| Some(*e) == ext.as_deref())
        .map_or("application/octet-stream", |(_, m)| m)
}

/// The extension for a MIME type, `.bin` when unknown.
fn extension_of(mime: &str) -> String {
    TYPES
        .iter()
        .find(|(_, m)| *m == mime)
        .map_or(".bin".to_string(), |(e, _)| format!(".{e}"))
}

/// A stored file: its folder and its path relative to it.
pub struct Stored {
    pub dir: PathBuf,
    pub relative: String,
}

impl Stored {
    pub fn path(&self) -> PathBuf {
        self.dir.join(&self.relative)
    }

    /// The file's name (the last part of its relative path).
    pub fn name(&self) -> &str {
        self.relative
            .rsplit(['/', '\\'])
            .next()
            .unwrap_or(&self.relative)
    }

    /// The file's bytes; a file over `MAX_FILE_BYTES` is refused before it is read.
    pub async fn bytes(&self) -> Result<Vec<u8>, BlockError> {
        // Resolved again: the folder may have changed since the pin was stored.
        let path = existing_inside(&self.dir, &self.relative)?;
        let size = tokio::fs::metadata(&path)
            .await
            .map_err(|e| BlockError::System(format!("cannot read the stored file: {e}")))?
            .len();
        if size > MAX_FILE_BYTES as u64 {
            return Err(too_large(size));
        }
        read(&path).await
    }

    /// The file as `data:<mime>;base64,…`.
    pub async fn data_uri(&self) -> Result<String, BlockError> {
        let bytes = self.bytes().await?;
        let b64 = base64::engine::general_purpose::STANDARD.encode(bytes);
        Ok(format!("data:{};base64,{b64}", mime_of(&self.relative)))
    }
}

fn too_large(size: u64) -> BlockError {
    BlockError::Input(format!(
        "File too large: {size} bytes > {MAX_FILE_BYTES} bytes"
    ))
}

async fn read(path: &Path) -> Result<Vec<u8>, BlockError> {
    tokio::fs::read(path)
        .await
        .map_err(|e| BlockError::System(format!("cannot read the stored file: {e}")))
}

async fn write(dir: &Path, name: &str, bytes: &[u8]) -> Result<String, BlockError> {
    if bytes.len() > MAX_FILE_BYTES {
        return Err(too_large(bytes.len() as u64));
    }
    let path = inside(dir, name)?;
    // Never write through a link left in the folder: it could point anywhere.
    if tokio::fs::symlink_metadata(&path)
        .await
        .is_ok_and(|m| m.file_type().is_symlink())
    {
        return Err(BlockError::input(
            "Local file path is outside the temp_base directory. Access denied.",
        ));
    }
    tokio::fs::write(&path, bytes)
        .await
        .map_err(|e| BlockError::System(format!("cannot store the file: {e}")))?;
    Ok(name.to_string())
}

/// Stores `file` (a data URI, an http(s) URL or a relative path) in the run's folder.
pub async fn store<O: Serialize>(cx: &mut Cx<'_, O>, file: &str) -> Result<Stored, BlockError> {
    let info = cx.info();
    let dir = FileStore::from_cx(cx).run_dir(&info.user_id, &info.graph_exec_id)?;
    let http = OutboundHttp::from_cx(cx);
    tokio::fs::create_dir_all(&dir)
        .await
        .map_err(|e| BlockError::System(format!("cannot create the run's file folder: {e}")))?;
    let file = file.trim();
    let relative = if let Some(rest) = file.strip_prefix("data:") {
        let (mime, b64) = rest
            .split_once(";base64,")
            .filter(|(m, _)| !m.is_empty() && !m.contains(';'))
            .ok_or_else(|| {
                BlockError::input("Invalid data URI format. Expected data:<mime>;base64,<data>")
            })?;
        let bytes = base64::engine::general_purpose::STANDARD
            .decode(b64.trim())
            .map_err(|e| BlockError::Input(format!("Invalid base64 in data URI: {e}")))?;
        let mime = mime.trim().to_ascii_lowercase();
        let name = format!("{}{}", uuid::Uuid::new_v4(), extension_of(&mime));
        write(&dir, &name, &bytes).await?
    } else if file.starts_with("http://") || file.starts_with("https://") {
        let fetched = http.send(http.request(Method::GET, file)?).await?;
        if !(200..300).contains(&fetched.status) {
            return Err(BlockError::Input(format!(
                "downloading {file} failed with HTTP {}",
                fetched.status
            )));
        }
        let last = fetched
            .url
            .path_segments()
            .and_then(|mut s| s.next_back().map(str::to_string))
            .filter(|s| !s.is_empty())
            .unwrap_or_else(|| uuid::Uuid::new_v4().to_string());
        write(&dir, &sanitize_filename(&last), &fetched.body).await?
    } else {
        existing_inside(&dir, file)?;
        file.to_string()
    };
    Ok(Stored { dir, relative })
}
