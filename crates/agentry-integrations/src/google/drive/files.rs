//! The Drive blocks that look at or rearrange one file (Drive API v3 `files`, `permissions`):
//! GoogleDriveGetFileInfoBlock, GoogleDriveGetFilePermissionsBlock,
//! GoogleDriveCreateFolderBlock, GoogleDriveCopyFileBlock, GoogleDriveMoveFileBlock.

use agentry_core::{Block, BlockError, BlockMeta, Category, CredentialsMeta, Cx};
use reqwest::Method;
use schemars::JsonSchema;
use serde::{Deserialize, Serialize};
use serde_json::{Map, Value, json};

use super::{
    DriveFile, DriveFileInfo, FILE_FIELDS, FOLDER_MIME, PickedToChange, PickedToRead,
    file_credentials, google_client, parse_folder_id, require_file, to_drive_file, with_query,
};
use crate::api::{Client, connect, segment};
use crate::google::DRIVE;

pub struct GoogleDriveGetFileInfo;
pub struct GoogleDriveGetFilePermissions;
pub struct GoogleDriveCreateFolder;
pub struct GoogleDriveCopyFile;
pub struct GoogleDriveMoveFile;

const CATEGORIES: &[Category] = &[Category::Productivity, Category::Data];

/// The picked file and a Drive client for the credential it carries.
pub(super) async fn open<O: Serialize>(
    cx: &mut Cx<'_, O>,
    picked: Option<&DriveFile>,
) -> Result<(DriveFile, Client), BlockError> {
    let file = require_file(picked)?.clone();
    let client = google_client(cx, DRIVE, &file_credentials(&file)).await?;
    Ok((file, client))
}

pub(super) fn file_path(id: &str) -> String {
    format!("/drive/v3/files/{}", segment(id))
}

/// AutoGPT's `get_metadata`: `files.get` with the family's fields.
pub(super) async fn metadata<O: Serialize>(
    drive: &Client,
    cx: &mut Cx<'_, O>,
    id: &str,
) -> Result<Value, BlockError> {
    let query = [
        ("fields", FILE_FIELDS.to_string()),
        ("supportsAllDrives", "true".to_string()),
    ];
    Ok(drive.get_json(cx, &file_path(id), &query).await?)
}

/// `files.create`, `files.copy` or `files.update` answering the family's fields.
pub(super) async fn write<O: Serialize>(
    drive: &Client,
    cx: &mut Cx<'_, O>,
    method: Method,
    path: &str,
    mut query: Vec<(&str, String)>,
    body: &Value,
) -> Result<Value, BlockError> {
    query.push(("fields", FILE_FIELDS.to_string()));
    query.push(("supportsAllDrives", "true".to_string()));
    Ok(drive
        .send_json(cx, method, &with_query(path, &query), body)
        .await?)
}

#[derive(Deserialize, JsonSchema)]
pub struct FileInput {
    /// The Drive file to look up
    #[serde(default)]
    pub file: PickedToRead,
}

#[derive(Serialize, JsonSchema)]
#[serde(tag = "pin", content = "value", rename_all = "snake_case")]
pub enum FileOutput {
    /// The file with its details
    File(DriveFileInfo),
}

impl Block for GoogleDriveGetFileInfo {
    const META: BlockMeta = BlockMeta::standard(
        "b83913c6-6fe0-4a1a-bf0e-2da4b64eece5",
        "GoogleDriveGetFileInfoBlock",
        "Get a Google Drive file's details: name, type, size, owners, created and modified dates, and the folders it is in.",
        CATEGORIES,
    );
    type Input = FileInput;
    type Output = FileOutput;

    async fn run(&self, input: FileInput, cx: &mut Cx<'_, FileOutput>) -> Result<(), BlockError> {
        let (file, drive) = open(cx, input.file.0.as_ref()).await?;
        let answer = metadata(&drive, cx, &file.id).await?;
        cx.emit(FileOutput::File(to_drive_file(
            &answer,
            file.credentials_id,
        )));
        Ok(())
    }
}

/// AutoGPT's `DrivePermission`: who can access a Drive file, and how.
#[derive(Debug, Clone, Serialize, JsonSchema)]
pub struct DrivePermission {
    /// Permission ID
    pub id: String,
    /// user, group, domain or anyone
    #[serde(rename = "type")]
    pub kind: String,
    /// owner, organizer, fileOrganizer, writer, commenter or reader
    pub role: String,
    /// Email of the user or group (for user and group permissions)
    pub email_address: Option<String>,
    /// Domain (for domain permissions)
    pub domain: Option<String>,
    /// Name of the user or group
    pub display_name: Option<String>,
}

impl DrivePermission {
    fn from_api(item: &Value) -> DrivePermission {
        let text = |k: &str| item[k].as_str().map(str::to_string);
        DrivePermission {
            id: text("id").unwrap_or_default(),
            kind: text("type").unwrap_or_default(),
            role: text("role").unwrap_or_default(),
            email_address: text("emailAddress"),
            domain: text("domain"),
            display_name: text("displayName"),
        }
    }
}

#[derive(Deserialize, JsonSchema)]
pub struct PermissionsInput {
    /// The Drive file to check
    #[serde(default)]
    pub file: PickedToRead,
}

#[derive(Serialize, JsonSchema)]
#[serde(tag = "pin", content = "value", rename_all = "snake_case")]
pub enum PermissionsOutput {
    /// Everyone who can access the file, with their role
    Permissions(Vec<DrivePermission>),
    /// Each permission
    Permission(DrivePermission),
}

impl Block for GoogleDriveGetFilePermissions {
    const META: BlockMeta = BlockMeta::standard(
        "cfde953b-9d44-4c37-bd06-1b1c0144f527",
        "GoogleDriveGetFilePermissionsBlock",
        "List who can access a Google Drive file: users, groups, domains or anyone with the link, and their roles.",
        CATEGORIES,
    );
    type Input = PermissionsInput;
    type Output = PermissionsOutput;

    async fn run(
        &self,
        input: PermissionsInput,
        cx: &mut Cx<'_, PermissionsOutput>,
    ) -> Result<(), BlockError> {
        let (file, drive) = open(cx, input.file.0.as_ref()).await?;
        let path = format!("{}/permissions", file_path(&file.id));
        let mut permissions = Vec::new();
        let mut token: Option<String> = None;
        loop {
            let mut query = vec![
                (
                    "fields",
                    "nextPageToken, permissions(id, type, role, emailAddress, domain, displayName)"
                        .to_string(),
                ),
                ("supportsAllDrives", "true".to_string()),
            ];
            if let Some(t) = &token {
                query.push(("pageToken", t.clone()));
            }
            let page = drive.get_json(cx, &path, &query).await?;
            let items = page["permissions"].as_array().into_iter().flatten();
            permissions.extend(items.map(DrivePermission::from_api));
            token = page["nextPageToken"]
                .as_str()
                .filter(|t| !t.is_empty())
                .map(str::to_string);
            if token.is_none() {
                break;
            }
        }
        cx.emit(PermissionsOutput::Permissions(permissions.clone()));
        for permission in permissions {
            cx.emit(PermissionsOutput::Permission(permission));
        }
        Ok(())
    }
}

#[derive(Deserialize, JsonSchema)]
pub struct CreateFolderInput {
    /// Google OAuth2 credentials with Drive file access.
    #[serde(default)]
    #[schemars(extend(
        "credentials_provider" = ["google"],
        "credentials_types" = ["oauth2"],
        "credentials_scopes" = ["https://www.googleapis.com/auth/drive.file"]
    ))]
    pub credentials: CredentialsMeta,
    /// Name of the new folder
    pub name: String,
    /// Folder to create it in (ID or URL). Empty means My Drive.
    #[serde(default)]
    pub parent_folder_id: String,
}

#[derive(Serialize, JsonSchema)]
#[serde(tag = "pin", content = "value", rename_all = "snake_case")]
pub enum FolderOutput {
    /// The new folder
    Folder(DriveFileInfo),
}

impl Block for GoogleDriveCreateFolder {
    const META: BlockMeta = BlockMeta::standard(
        "a4c31300-88c4-4336-acfd-3a651afb5ba6",
        "GoogleDriveCreateFolderBlock",
        "Create a folder in Google Drive, optionally inside another folder.",
        CATEGORIES,
    );
    type Input = CreateFolderInput;
    type Output = FolderOutput;

    async fn run(
        &self,
        input: CreateFolderInput,
        cx: &mut Cx<'_, FolderOutput>,
    ) -> Result<(), BlockError> {
        if input.name.trim().is_empty() {
            return Err(BlockError::Input("Give the new folder a name.".into()));
        }
        let mut body = json!({"name": input.name, "mimeType": FOLDER_MIME});
        if !input.parent_folder_id.is_empty() {
            body["parents"] = json!([parse_folder_id(&input.parent_folder_id)]);
        }
        let drive = connect(cx, DRIVE, &input.credentials).await?;
        let created = write(&drive, cx, Method::POST, "/drive/v3/files", vec![], &body).await?;
        let id = input.credentials.id.clone();
        cx.emit(FolderOutput::Folder(to_drive_file(&created, id)));
        Ok(())
    }
}

#[derive(Deserialize, JsonSchema)]
pub struct CopyInput {
    /// The Drive file to copy
    #[serde(default)]
    pub file: PickedToChange,
    /// Name for the copy. Empty means 'Copy of <name>'.
    #[serde(default)]
    pub new_name: String,
    /// Folder for the copy (ID or URL). Empty means the original's folder.
    #[serde(default)]
    pub folder_id: String,
}

#[derive(Serialize, JsonSchema)]
#[serde(tag = "pin", content = "value", rename_all = "snake_case")]
pub enum CopyOutput {
    /// The copy
    File(DriveFileInfo),
}

impl Block for GoogleDriveCopyFile {
    const META: BlockMeta = BlockMeta::standard(
        "75290430-1b29-4a2e-a3b7-bcd242aa1d56",
        "GoogleDriveCopyFileBlock",
        "Copy a Google Drive file, optionally with a new name or into another folder.",
        CATEGORIES,
    );
    type Input = CopyInput;
    type Output = CopyOutput;

    async fn run(&self, input: CopyInput, cx: &mut Cx<'_, CopyOutput>) -> Result<(), BlockError> {
        let (file, drive) = open(cx, input.file.0.as_ref()).await?;
        let mut body = Map::new();
        if !input.new_name.is_empty() {
            body.insert("name".into(), json!(input.new_name));
        }
        if !input.folder_id.is_empty() {
            body.insert("parents".into(), json!([parse_folder_id(&input.folder_id)]));
        }
        let path = format!("{}/copy", file_path(&file.id));
        let copied = write(
            &drive,
            cx,
            Method::POST,
            &path,
            vec![],
            &Value::Object(body),
        )
        .await?;
        cx.emit(CopyOutput::File(to_drive_file(
            &copied,
            file.credentials_id,
        )));
        Ok(())
    }
}

#[derive(Deserialize, JsonSchema)]
pub struct MoveInput {
    /// The Drive file to move
    #[serde(default)]
    pub file: PickedToChange,
    /// Folder to move it to (ID or URL; 'root' for My Drive)
    pub destination_folder_id: String,
}

#[derive(Serialize, JsonSchema)]
#[serde(tag = "pin", content = "value", rename_all = "snake_case")]
pub enum MoveOutput {
    /// The file in its new folder
    File(DriveFileInfo),
}

impl Block for GoogleDriveMoveFile {
    const META: BlockMeta = BlockMeta::standard(
        "8a1d80ca-780f-4c7a-bc19-01fc836eef79",
        "GoogleDriveMoveFileBlock",
        "Move a Google Drive file into another folder.",
        CATEGORIES,
    );
    type Input = MoveInput;
    type Output = MoveOutput;

    async fn run(&self, input: MoveInput, cx: &mut Cx<'_, MoveOutput>) -> Result<(), BlockError> {
        let (file, drive) = open(cx, input.file.0.as_ref()).await?;
        let destination = parse_folder_id(&input.destination_folder_id);
        if destination.is_empty() {
            return Err(BlockError::Input(
                "Give the folder to move the file to (an ID, a URL or 'root').".into(),
            ));
        }
        let query = [
            ("fields", "parents".to_string()),
            ("supportsAllDrives", "true".to_string()),
        ];
        let current = drive.get_json(cx, &file_path(&file.id), &query).await?;
        let parents: Vec<&str> = current["parents"]
            .as_array()
            .into_iter()
            .flatten()
            .filter_map(Value::as_str)
            .collect();
        let query = vec![
            ("addParents", destination),
            ("removeParents", parents.join(",")),
        ];
        let path = file_path(&file.id);
        let moved = write(&drive, cx, Method::PATCH, &path, query, &json!({})).await?;
        cx.emit(MoveOutput::File(to_drive_file(&moved, file.credentials_id)));
        Ok(())
    }
}
