//! What the Google blocks share about Drive files: AutoGPT's `GoogleDriveFile` as picked in
//! the Drive picker (its credential travels inside it), the Google client for a credential,
//! and sharing a file (Drive API v3 `permissions`); and the Drive family's own blocks
//! (AutoGPT's `drive_files.py`, `drive_manage.py`, `drive_search.py`) in `files`, `search`,
//! `read` and `create`, the content they move in `content` (a PDF read as text in `pdf`).

pub mod content;
pub mod create;
pub mod files;
pub mod pdf;
pub mod read;
pub mod search;

use agentry_core::{BlockError, CredentialsMeta, Cx};
use reqwest::Method;
use schemars::JsonSchema;
use serde::{Deserialize, Serialize};
use serde_json::json;

use super::PROVIDER;
use crate::api::{Client, segment};

/// AutoGPT's `GoogleDriveFile`: a file picked in the Drive picker, with the id of the
/// credential that picked it. Read in either AutoGPT spelling, written in the picker's.
#[derive(Debug, Clone, Default, Serialize, Deserialize, JsonSchema)]
pub struct DriveFile {
    pub id: String,
    #[serde(default)]
    pub name: Option<String>,
    #[serde(default, rename = "mimeType", alias = "mime_type")]
    pub mime_type: Option<String>,
    #[serde(default)]
    pub url: Option<String>,
    #[serde(default, rename = "iconUrl", alias = "icon_url")]
    pub icon_url: Option<String>,
    #[serde(default, rename = "isFolder", alias = "is_folder")]
    pub is_folder: Option<bool>,
    #[serde(default, rename = "_credentials_id", alias = "credentials_id")]
    pub credentials_id: Option<String>,
}

/// A file input pin: a `DriveFile` from the Drive picker (none when unset), whose schema
/// carries AutoGPT's picker format and auto-credentials (provider, type, scopes).
#[derive(Debug, Clone, Default, Deserialize, JsonSchema)]
#[serde(transparent)]
#[schemars(extend(
    "format" = "google-drive-picker",
    "auto_credentials" = {
        "provider": "google",
        "type": "oauth2",
        "scopes": ["https://www.googleapis.com/auth/drive.file"],
        "kwarg_name": "credentials"
    }
))]
pub struct Picked(pub Option<DriveFile>);

/// A Google client for the credential `meta` names (or the operator's).
pub use crate::api::connect as google_client;

/// The credentials a picked file carries (AutoGPT's auto-credentials).
pub fn file_credentials(file: &DriveFile) -> CredentialsMeta {
    CredentialsMeta {
        id: file.credentials_id.clone(),
        provider: Some(PROVIDER.into()),
        kind: Some("oauth2".into()),
        title: None,
    }
}

/// AutoGPT's `ShareRole`.
#[derive(Debug, Clone, Copy, Default, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "lowercase")]
pub enum ShareRole {
    #[default]
    Reader,
    Writer,
    Commenter,
}

/// AutoGPT's `PublicAccessRole`.
#[derive(Debug, Clone, Copy, Default, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "lowercase")]
pub enum PublicAccessRole {
    #[default]
    Reader,
    Commenter,
}

fn role_name<T: Serialize>(role: T) -> String {
    serde_json::to_value(role)
        .ok()
        .and_then(|v| v.as_str().map(str::to_string))
        .unwrap_or_default()
}

/// How a file is shared: with a person (`email`), else with anyone holding the link.
pub struct Share<'a> {
    pub email: &'a str,
    pub role: ShareRole,
    pub send_notification: bool,
    pub message: &'a str,
    /// Sheets' wording of link sharing: `writer` becomes `reader` (Drive refuses writers for
    /// "anyone") and the link gains `?usp=sharing`; Docs send the role as it is.
    pub sheets_link: bool,
}

/// `permissions.create` on file `id` as `share` says; the link AutoGPT answers.
pub async fn share<O: Serialize>(
    drive: &Client,
    cx: &mut Cx<'_, O>,
    id: &str,
    mut link: String,
    share: Share<'_>,
) -> Result<String, BlockError> {
    let path = format!("/drive/v3/files/{}/permissions", segment(id));
    if !share.email.is_empty() {
        let mut path = format!("{path}?sendNotificationEmail={}", share.send_notification);
        if !share.message.is_empty() {
            path.push_str(&format!("&emailMessage={}", segment(share.message)));
        }
        let body =
            json!({"type": "user", "role": role_name(share.role), "emailAddress": share.email});
        drive.send_json(cx, Method::POST, &path, &body).await?;
        return Ok(link);
    }
    let role = match share.role {
        ShareRole::Writer if share.sheets_link => "reader".to_string(),
        other => role_name(other),
    };
    drive
        .send_json(
            cx,
            Method::POST,
            &path,
            &json!({"type": "anyone", "role": role}),
        )
        .await?;
    if share.sheets_link {
        link.push_str("?usp=sharing");
    }
    Ok(link)
}

/// AutoGPT's `_set_public_access`: an "anyone" permission, or every one of them removed.
pub async fn set_public<O: Serialize>(
    drive: &Client,
    cx: &mut Cx<'_, O>,
    id: &str,
    mut link: String,
    public: bool,
    role: PublicAccessRole,
) -> Result<String, BlockError> {
    let path = format!("/drive/v3/files/{}/permissions", segment(id));
    if public {
        let body = json!({"type": "anyone", "role": role_name(role)});
        drive.send_json(cx, Method::POST, &path, &body).await?;
        link.push_str("?usp=sharing");
        return Ok(link);
    }
    let list = drive.get_json(cx, &path, &[]).await?;
    for permission in list["permissions"].as_array().into_iter().flatten() {
        if permission["type"] == "anyone"
            && let Some(pid) = permission["id"].as_str()
        {
            let one = format!("{path}/{}", segment(pid));
            drive.send(cx, Method::DELETE, &one, &[], None).await?;
        }
    }
    Ok(link)
}

/// The Drive client for a picked file's credential.
pub async fn drive_for<O: Serialize>(
    cx: &mut Cx<'_, O>,
    file: &DriveFile,
) -> Result<Client, BlockError> {
    google_client(cx, super::DRIVE, &file_credentials(file)).await
}

pub const DRIVE_READONLY_SCOPE: &str = "https://www.googleapis.com/auth/drive.readonly";
pub const DRIVE_FILE_SCOPE: &str = "https://www.googleapis.com/auth/drive.file";
pub const DRIVE_SCOPE: &str = "https://www.googleapis.com/auth/drive";
pub const FOLDER_MIME: &str = "application/vnd.google-apps.folder";

/// The file fields the Drive blocks ask for (AutoGPT's `FILE_FIELDS`).
pub const FILE_FIELDS: &str = "id, name, mimeType, webViewLink, iconLink, size, createdTime, \
     modifiedTime, owners(emailAddress), parents, description, shared, starred, trashed";

pub fn register(r: &mut agentry_core::Registry) {
    r.register(files::GoogleDriveGetFileInfo);
    r.register(files::GoogleDriveGetFilePermissions);
    r.register(files::GoogleDriveCreateFolder);
    r.register(files::GoogleDriveCopyFile);
    r.register(files::GoogleDriveMoveFile);
    r.register(search::GoogleDriveSearchFiles);
    r.register(search::GoogleDriveListRecentFiles);
    r.register(read::GoogleDriveReadFile);
    r.register(read::GoogleDriveDownloadFile);
    r.register(create::GoogleDriveCreateFile);
}

/// A file input pin of the Drive family that reads files: the picker's file, asking for
/// read-only Drive access (AutoGPT's `credentials_scopes=[DRIVE_READONLY_SCOPE]`).
#[derive(Debug, Clone, Default, Deserialize, JsonSchema)]
#[serde(transparent)]
#[schemars(extend(
    "format" = "google-drive-picker",
    "auto_credentials" = {
        "provider": "google",
        "type": "oauth2",
        "scopes": ["https://www.googleapis.com/auth/drive.readonly"],
        "kwarg_name": "credentials"
    }
))]
pub struct PickedToRead(pub Option<DriveFile>);

/// A file input pin of the Drive family that copies or moves files: full Drive access
/// (AutoGPT's `credentials_scopes=[DRIVE_SCOPE]`).
#[derive(Debug, Clone, Default, Deserialize, JsonSchema)]
#[serde(transparent)]
#[schemars(extend(
    "format" = "google-drive-picker",
    "auto_credentials" = {
        "provider": "google",
        "type": "oauth2",
        "scopes": ["https://www.googleapis.com/auth/drive"],
        "kwarg_name": "credentials"
    }
))]
pub struct PickedToChange(pub Option<DriveFile>);

/// AutoGPT's `require_file`: the picked file, or the error asking for one.
pub fn require_file(file: Option<&DriveFile>) -> Result<&DriveFile, BlockError> {
    file.filter(|f| !f.id.is_empty()).ok_or_else(|| {
        BlockError::Input("Pick a Drive file, or connect one from a Drive search.".into())
    })
}

/// AutoGPT's `DriveFile` of the Drive family: the picker's file with the metadata Drive
/// lookups answer, chaining into the Drive, Docs and Sheets blocks with its credential.
#[derive(Debug, Clone, Serialize, JsonSchema)]
pub struct DriveFileInfo {
    #[serde(flatten)]
    pub file: DriveFile,
    /// Size in bytes (empty for Google Docs, Sheets and Slides)
    pub size: Option<i64>,
    /// When the file was created (RFC 3339)
    #[serde(rename = "createdTime")]
    pub created_time: Option<String>,
    /// When the file was last modified (RFC 3339)
    #[serde(rename = "modifiedTime")]
    pub modified_time: Option<String>,
    /// Email addresses of the file's owners
    pub owners: Vec<String>,
    /// IDs of the folders that contain the file
    pub parents: Vec<String>,
    /// The file's description
    pub description: Option<String>,
    /// Whether the file is shared
    pub shared: Option<bool>,
    /// Whether the file is starred
    pub starred: Option<bool>,
    /// Whether the file is in the trash
    pub trashed: Option<bool>,
}

/// AutoGPT's `to_drive_file`: a Drive API file resource, chained with `credentials_id`.
pub fn to_drive_file(item: &serde_json::Value, credentials_id: Option<String>) -> DriveFileInfo {
    let text = |k: &str| item[k].as_str().map(str::to_string);
    let mime = text("mimeType");
    DriveFileInfo {
        file: DriveFile {
            id: text("id").unwrap_or_default(),
            name: text("name"),
            is_folder: Some(mime.as_deref() == Some(FOLDER_MIME)),
            mime_type: mime,
            url: text("webViewLink"),
            icon_url: text("iconLink"),
            credentials_id,
        },
        // Drive answers sizes as decimal strings.
        size: item["size"]
            .as_str()
            .and_then(|s| s.parse().ok())
            .or_else(|| item["size"].as_i64()),
        created_time: text("createdTime"),
        modified_time: text("modifiedTime"),
        owners: item["owners"]
            .as_array()
            .into_iter()
            .flatten()
            .filter_map(|o| o["emailAddress"].as_str().filter(|e| !e.is_empty()))
            .map(str::to_string)
            .collect(),
        parents: item["parents"]
            .as_array()
            .into_iter()
            .flatten()
            .filter_map(|p| p.as_str().map(str::to_string))
            .collect(),
        description: text("description"),
        shared: item["shared"].as_bool(),
        starred: item["starred"].as_bool(),
        trashed: item["trashed"].as_bool(),
    }
}

/// AutoGPT's `parse_folder_id`: a folder ID, the ID inside a Drive URL, or `root`.
pub fn parse_folder_id(value: &str) -> String {
    static ID_IN_URL: std::sync::LazyLock<regex::Regex> = std::sync::LazyLock::new(|| {
        regex::Regex::new(r"/(?:d|folders)/([A-Za-z0-9_-]{10,})|[?&]id=([A-Za-z0-9_-]{10,})")
            .expect("valid")
    });
    let value = value.trim();
    ID_IN_URL
        .captures(value)
        .and_then(|c| c.get(1).or_else(|| c.get(2)))
        .map_or(value, |m| m.as_str())
        .to_string()
}

/// AutoGPT's `quote_drive_value`: a string quoted for a Drive search clause.
pub fn quote_drive_value(value: &str) -> String {
    format!("'{}'", value.replace('\\', "\\\\").replace('\'', "\\'"))
}

/// `path` with `query` appended, form-encoded as Google's clients send it.
pub fn with_query(path: &str, query: &[(&str, String)]) -> String {
    let encoded = url::form_urlencoded::Serializer::new(String::new())
        .extend_pairs(query.iter().map(|(k, v)| (*k, v.as_str())))
        .finish();
    format!("{path}?{encoded}")
}

#[cfg(test)]
#[path = "drive_tests.rs"]
mod tests;

#[cfg(test)]
#[path = "content_tests.rs"]
mod content_tests;
