//! What the Google blocks share about Drive files: AutoGPT's `GoogleDriveFile` as picked in
//! the Drive picker (its credential travels inside it), the Google client for a credential,
//! and sharing a file (Drive API v3 `permissions`).

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
