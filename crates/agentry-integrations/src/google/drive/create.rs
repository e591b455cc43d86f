//! GoogleDriveCreateFileBlock (AutoGPT's `drive_manage.py`): a Drive file made from text or
//! an uploaded file, optionally converted to a Google type. Content goes up as
//! googleapiclient's `MediaInMemoryUpload(resumable=True)` sends it: `files.create` on
//! `/upload/drive/v3/files?uploadType=resumable` with the metadata, then the bytes in one
//! `PUT` to the session address Google answers in `Location`.

use agentry_core::{Block, BlockError, BlockMeta, Category, CredentialsMeta, Cx};
use agentry_services::files::media;
use reqwest::Method;
use schemars::JsonSchema;
use serde::{Deserialize, Serialize};
use serde_json::{Value, json};

use super::content::{DOCUMENT, PRESENTATION, SPREADSHEET};
use super::files::write;
use super::{DriveFileInfo, FILE_FIELDS, parse_folder_id, to_drive_file};
use crate::api::{Client, Payload, connect};
use crate::google::DRIVE;

pub struct GoogleDriveCreateFile;

/// AutoGPT's `ConvertTo`: turn uploaded content into a Google file (CSV into a Google Sheet).
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "snake_case")]
pub enum ConvertTo {
    #[default]
    None,
    GoogleDoc,
    GoogleSheet,
    GoogleSlides,
}

impl ConvertTo {
    fn google_type(self) -> Option<&'static str> {
        match self {
            ConvertTo::None => None,
            ConvertTo::GoogleDoc => Some(DOCUMENT),
            ConvertTo::GoogleSheet => Some(SPREADSHEET),
            ConvertTo::GoogleSlides => Some(PRESENTATION),
        }
    }
}

#[derive(Deserialize, JsonSchema)]
pub struct CreateFileInput {
    /// Google OAuth2 credentials with Drive file access.
    #[serde(default)]
    #[schemars(extend(
        "credentials_provider" = ["google"],
        "credentials_types" = ["oauth2"],
        "credentials_scopes" = ["https://www.googleapis.com/auth/drive.file"]
    ))]
    pub credentials: CredentialsMeta,
    /// Name of the new file, e.g. notes.txt. Defaults to the uploaded file's name.
    #[serde(default)]
    pub name: String,
    /// Text to put in the file. Leave empty when uploading a file.
    #[serde(default)]
    pub text_content: String,
    /// A file to upload instead of text (URL, data URI or workspace file)
    #[serde(default)]
    #[schemars(extend("format" = "file"))]
    pub file_to_upload: Option<String>,
    /// Convert the content into a Google Doc, Sheet or Slides file. With no content, creates
    /// an empty one.
    #[serde(default)]
    pub convert_to: ConvertTo,
    /// Folder to create the file in (ID or URL). Empty means My Drive.
    #[serde(default)]
    pub folder_id: String,
    /// MIME type of the content. Worked out from the name when empty.
    #[serde(default)]
    #[schemars(extend("advanced" = true))]
    pub content_type: String,
}

#[derive(Serialize, JsonSchema)]
#[serde(tag = "pin", content = "value", rename_all = "snake_case")]
pub enum CreateFileOutput {
    /// The new file
    File(DriveFileInfo),
}

/// What goes up (AutoGPT's `_Upload`): no bytes for an empty Google file.
#[derive(Default)]
struct Upload {
    data: Option<Vec<u8>>,
    content_type: String,
    name: String,
}

/// Python's `mimetypes.guess_type` by name: none for an empty or unknown name.
fn guess_type(name: &str) -> Option<&'static str> {
    Some(media::mime_of(name)).filter(|m| !name.is_empty() && *m != "application/octet-stream")
}

/// AutoGPT's `_content`: the bytes to upload, from the file pin or the text.
async fn content<O: Serialize>(
    cx: &mut Cx<'_, O>,
    input: &CreateFileInput,
) -> Result<Upload, BlockError> {
    let file = input.file_to_upload.as_deref().filter(|f| !f.is_empty());
    if !input.text_content.is_empty() && file.is_some() {
        return Err(BlockError::Input(
            "Set either text content or a file to upload, not both.".into(),
        ));
    }
    let chosen = (!input.content_type.is_empty()).then(|| input.content_type.clone());
    if let Some(file) = file {
        let stored = media::store(cx, file).await?;
        let name = stored.name().to_string();
        let content_type = chosen
            .or_else(|| guess_type(&input.name).map(str::to_string))
            .or_else(|| guess_type(&name).map(str::to_string))
            .unwrap_or_else(|| "application/octet-stream".into());
        return Ok(Upload {
            data: Some(stored.bytes().await?),
            content_type,
            name,
        });
    }
    if !input.text_content.is_empty() {
        return Ok(Upload {
            data: Some(input.text_content.as_bytes().to_vec()),
            content_type: chosen
                .or_else(|| guess_type(&input.name).map(str::to_string))
                .unwrap_or_else(|| "text/plain".into()),
            name: String::new(),
        });
    }
    Ok(Upload::default())
}

/// A resumable upload of `data` with the metadata `body`: the session, then the bytes.
async fn upload<O: Serialize>(
    drive: &Client,
    cx: &mut Cx<'_, O>,
    body: &Value,
    data: &[u8],
    content_type: &str,
) -> Result<Value, BlockError> {
    let query = [
        ("fields", FILE_FIELDS.to_string()),
        ("supportsAllDrives", "true".to_string()),
        ("uploadType", "resumable".to_string()),
    ];
    let headers = [
        ("X-Upload-Content-Type", content_type.to_string()),
        ("X-Upload-Content-Length", data.len().to_string()),
    ];
    let started = drive
        .send_with_headers(
            cx,
            Method::POST,
            "/upload/drive/v3/files",
            &query,
            Payload::Json(body),
            &headers,
        )
        .await?;
    let location = started
        .headers
        .get(reqwest::header::LOCATION)
        .and_then(|l| l.to_str().ok())
        .unwrap_or_default();
    // The session lives on Drive's own host; the file is never sent anywhere else.
    let session = location
        .strip_prefix(&drive.url(""))
        .filter(|rest| rest.starts_with('/'))
        .ok_or_else(|| {
            BlockError::System(
                "Google Drive did not answer an upload session address on its own host".into(),
            )
        })?;
    let range = match data.len() {
        0 => "bytes */0".to_string(),
        n => format!("bytes 0-{}/{n}", n - 1),
    };
    let payload = Payload::Bytes {
        content_type,
        bytes: data,
    };
    let done = drive
        .send_with_headers(
            cx,
            Method::PUT,
            session,
            &[],
            payload,
            &[("Content-Range", range)],
        )
        .await?;
    serde_json::from_slice(&done.body).map_err(|e| {
        BlockError::System(format!(
            "Google Drive answered the upload with no file ({e})"
        ))
    })
}

impl Block for GoogleDriveCreateFile {
    const META: BlockMeta = BlockMeta::standard(
        "fb2d6733-a429-4437-8e4a-3fe4fd40b233",
        "GoogleDriveCreateFileBlock",
        "Create a file in Google Drive from text or an uploaded file, optionally converting it to a Google Doc, Sheet or Slides file.",
        &[Category::Productivity, Category::Data],
    );
    type Input = CreateFileInput;
    type Output = CreateFileOutput;

    async fn run(
        &self,
        input: CreateFileInput,
        cx: &mut Cx<'_, CreateFileOutput>,
    ) -> Result<(), BlockError> {
        let upload_content = content(cx, &input).await?;
        let name = if input.name.is_empty() {
            upload_content.name.clone()
        } else {
            input.name.clone()
        };
        if name.is_empty() {
            return Err(BlockError::Input("Give the new file a name.".into()));
        }
        let mut body = json!({"name": name});
        if !input.folder_id.is_empty() {
            body["parents"] = json!([parse_folder_id(&input.folder_id)]);
        }
        if let Some(google) = input.convert_to.google_type() {
            body["mimeType"] = json!(google);
        } else if upload_content.data.is_none() {
            return Err(BlockError::Input(
                "Give the file some text content, a file to upload, or a Google type to convert to."
                    .into(),
            ));
        }
        let drive = connect(cx, DRIVE, &input.credentials).await?;
        let created = match &upload_content.data {
            Some(data) => upload(&drive, cx, &body, data, &upload_content.content_type).await?,
            None => write(&drive, cx, Method::POST, "/drive/v3/files", vec![], &body).await?,
        };
        let id = input.credentials.id.clone();
        cx.emit(CreateFileOutput::File(to_drive_file(&created, id)));
        Ok(())
    }
}
