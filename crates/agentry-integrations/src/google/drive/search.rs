//! Finding Drive files (`files.list`): GoogleDriveSearchFilesBlock and
//! GoogleDriveListRecentFilesBlock.

use agentry_core::{Block, BlockError, BlockMeta, Category, CredentialsMeta, Cx};
use chrono::{DateTime, NaiveDateTime};
use schemars::JsonSchema;
use serde::{Deserialize, Serialize};

use super::{
    DriveFileInfo, FILE_FIELDS, FOLDER_MIME, parse_folder_id, quote_drive_value, to_drive_file,
};
use crate::api::connect;
use crate::google::DRIVE;

pub struct GoogleDriveSearchFiles;
pub struct GoogleDriveListRecentFiles;

const CATEGORIES: &[Category] = &[Category::Productivity, Category::Data];

/// AutoGPT's `GoogleFileType`.
#[derive(Debug, Clone, Copy, Default, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "lowercase")]
pub enum GoogleFileType {
    #[default]
    Any,
    Document,
    Spreadsheet,
    Presentation,
    Folder,
    Pdf,
    Image,
    Video,
}

impl GoogleFileType {
    /// AutoGPT's `FILE_TYPE_CLAUSES`.
    fn clause(self) -> Option<String> {
        let mime = |m: &str| Some(format!("mimeType = '{m}'"));
        match self {
            GoogleFileType::Any => None,
            GoogleFileType::Document => mime("application/vnd.google-apps.document"),
            GoogleFileType::Spreadsheet => mime("application/vnd.google-apps.spreadsheet"),
            GoogleFileType::Presentation => mime("application/vnd.google-apps.presentation"),
            GoogleFileType::Folder => mime(FOLDER_MIME),
            GoogleFileType::Pdf => mime("application/pdf"),
            GoogleFileType::Image => Some("mimeType contains 'image/'".into()),
            GoogleFileType::Video => Some("mimeType contains 'video/'".into()),
        }
    }
}

fn yes() -> bool {
    true
}

fn twenty_five() -> i64 {
    25
}

fn ten() -> i64 {
    10
}

#[derive(Deserialize, JsonSchema)]
pub struct SearchInput {
    /// Google OAuth2 credentials with read-only Drive access.
    #[serde(default)]
    #[schemars(extend(
        "credentials_provider" = ["google"],
        "credentials_types" = ["oauth2"],
        "credentials_scopes" = ["https://www.googleapis.com/auth/drive.readonly"]
    ))]
    pub credentials: CredentialsMeta,
    /// Only files whose name contains this text
    #[serde(default)]
    pub name_contains: String,
    /// Only files whose name or content contains this text
    #[serde(default)]
    pub text_contains: String,
    /// Only files of this type
    #[serde(default)]
    pub file_type: GoogleFileType,
    /// Only files directly inside this folder (ID or URL; 'root' for My Drive)
    #[serde(default)]
    pub folder_id: String,
    /// Only files modified after this time
    #[serde(default)]
    #[schemars(with = "Option<String>", extend("format" = "date-time"))]
    pub modified_after: Option<String>,
    /// Also search shared drives the user belongs to
    #[serde(default = "yes")]
    #[schemars(extend("advanced" = true))]
    pub include_shared_drives: bool,
    /// Include files in the trash
    #[serde(default)]
    #[schemars(extend("advanced" = true))]
    pub include_trashed: bool,
    /// Extra Drive search clause, ANDed with the filters above (Drive query syntax, e.g.
    /// "'me' in owners")
    #[serde(default)]
    #[schemars(extend("advanced" = true))]
    pub custom_query: String,
    /// Maximum number of files to return
    #[serde(default = "twenty_five")]
    #[schemars(range(min = 1, max = 1000))]
    pub max_results: i64,
    /// Page token from a previous search, to get the next page
    #[serde(default)]
    #[schemars(extend("advanced" = true))]
    pub page_token: String,
}

#[derive(Serialize, JsonSchema)]
#[serde(tag = "pin", content = "value", rename_all = "snake_case")]
pub enum ListOutput {
    /// Matching files, newest first unless searching content
    Files(Vec<DriveFileInfo>),
    /// Each matching file
    File(Box<DriveFileInfo>),
    /// Token for the next page, when there are more results
    NextPageToken(String),
}

/// Python's `datetime.replace(microsecond=0).isoformat()` of a pin value: RFC 3339 keeps its
/// offset; a time without one stays without.
pub fn iso_seconds(text: &str) -> Result<String, BlockError> {
    let text = text.trim();
    if let Ok(t) = DateTime::parse_from_rfc3339(text) {
        return Ok(t.format("%Y-%m-%dT%H:%M:%S%:z").to_string());
    }
    NaiveDateTime::parse_from_str(text, "%Y-%m-%dT%H:%M:%S%.f")
        .map(|t| t.format("%Y-%m-%dT%H:%M:%S").to_string())
        .map_err(|_| {
            BlockError::Input(format!(
                "modified_after must be a date and time such as 2024-05-01T09:00:00Z, not '{text}'"
            ))
        })
}

/// AutoGPT's `build_search_query`.
pub fn search_query(input: &SearchInput) -> Result<String, BlockError> {
    let mut clauses = Vec::new();
    if !input.name_contains.is_empty() {
        clauses.push(format!(
            "name contains {}",
            quote_drive_value(&input.name_contains)
        ));
    }
    if !input.text_contains.is_empty() {
        clauses.push(format!(
            "fullText contains {}",
            quote_drive_value(&input.text_contains)
        ));
    }
    clauses.extend(input.file_type.clause());
    if !input.folder_id.is_empty() {
        let folder = quote_drive_value(&parse_folder_id(&input.folder_id));
        clauses.push(format!("{folder} in parents"));
    }
    if let Some(after) = input.modified_after.as_deref().filter(|a| !a.is_empty()) {
        clauses.push(format!("modifiedTime > '{}'", iso_seconds(after)?));
    }
    if !input.custom_query.is_empty() {
        clauses.push(format!("({})", input.custom_query));
    }
    if !input.include_trashed {
        clauses.push("trashed = false".into());
    }
    Ok(clauses.join(" and "))
}

/// AutoGPT's `list_drive_files` parameters.
fn list_query(
    q: String,
    order_by: Option<&str>,
    page_size: i64,
    page_token: &str,
    all_drives: bool,
) -> Vec<(&'static str, String)> {
    let mut query = vec![
        ("q", q),
        ("pageSize", page_size.to_string()),
        (
            "fields",
            format!("nextPageToken, incompleteSearch, files({FILE_FIELDS})"),
        ),
        ("supportsAllDrives", "true".into()),
        ("includeItemsFromAllDrives", all_drives.to_string()),
        (
            "corpora",
            if all_drives { "allDrives" } else { "user" }.into(),
        ),
    ];
    if let Some(order) = order_by {
        query.push(("orderBy", order.into()));
    }
    if !page_token.is_empty() {
        query.push(("pageToken", page_token.into()));
    }
    query
}

fn check_max(max: i64) -> Result<(), BlockError> {
    if (1..=1000).contains(&max) {
        Ok(())
    } else {
        Err(BlockError::Input(format!(
            "max_results must be between 1 and 1000, not {max}"
        )))
    }
}

/// `files.list` with `query` through the credential `meta` names; yields files, each file
/// and the next page's token when there is one.
async fn list(
    cx: &mut Cx<'_, ListOutput>,
    meta: &CredentialsMeta,
    query: Vec<(&'static str, String)>,
) -> Result<(), BlockError> {
    let drive = connect(cx, DRIVE, meta).await?;
    let answer = drive.get_json(cx, "/drive/v3/files", &query).await?;
    let files: Vec<DriveFileInfo> = answer["files"]
        .as_array()
        .into_iter()
        .flatten()
        .map(|f| to_drive_file(f, meta.id.clone()))
        .collect();
    cx.emit(ListOutput::Files(files.clone()));
    for file in files {
        cx.emit(ListOutput::File(Box::new(file)));
    }
    if let Some(token) = answer["nextPageToken"].as_str().filter(|t| !t.is_empty()) {
        cx.emit(ListOutput::NextPageToken(token.to_string()));
    }
    Ok(())
}

impl Block for GoogleDriveSearchFiles {
    const META: BlockMeta = BlockMeta::standard(
        "0575ebeb-6b51-40de-8772-1b83a64c7145",
        "GoogleDriveSearchFilesBlock",
        "Search Google Drive for files by name, content, type, folder or modified date. Returns files you can pass to other Google blocks.",
        CATEGORIES,
    );
    type Input = SearchInput;
    type Output = ListOutput;

    async fn run(&self, input: SearchInput, cx: &mut Cx<'_, ListOutput>) -> Result<(), BlockError> {
        check_max(input.max_results)?;
        let q = search_query(&input)?;
        // Drive ranks content searches by relevance and refuses an order for them.
        let content = !input.text_contains.is_empty()
            || input.custom_query.to_lowercase().contains("fulltext");
        let order = (!content).then_some("modifiedTime desc");
        let query = list_query(
            q,
            order,
            input.max_results,
            &input.page_token,
            input.include_shared_drives,
        );
        list(cx, &input.credentials, query).await
    }
}

/// AutoGPT's `RecentFilesOrder`.
#[derive(Debug, Clone, Copy, Default, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "snake_case")]
pub enum RecentFilesOrder {
    #[default]
    Recency,
    LastModified,
    LastModifiedByMe,
    LastViewedByMe,
}

impl RecentFilesOrder {
    fn order_by(self) -> &'static str {
        match self {
            RecentFilesOrder::Recency => "recency desc",
            RecentFilesOrder::LastModified => "modifiedTime desc",
            RecentFilesOrder::LastModifiedByMe => "modifiedByMeTime desc",
            RecentFilesOrder::LastViewedByMe => "viewedByMeTime desc",
        }
    }
}

#[derive(Deserialize, JsonSchema)]
pub struct RecentInput {
    /// Google OAuth2 credentials with read-only Drive access.
    #[serde(default)]
    #[schemars(extend(
        "credentials_provider" = ["google"],
        "credentials_types" = ["oauth2"],
        "credentials_scopes" = ["https://www.googleapis.com/auth/drive.readonly"]
    ))]
    pub credentials: CredentialsMeta,
    /// Which timestamp decides how recent a file is
    #[serde(default)]
    pub order_by: RecentFilesOrder,
    /// Maximum number of files to return
    #[serde(default = "ten")]
    #[schemars(range(min = 1, max = 1000))]
    pub max_results: i64,
    /// Page token from a previous call, to get the next page
    #[serde(default)]
    #[schemars(extend("advanced" = true))]
    pub page_token: String,
}

impl Block for GoogleDriveListRecentFiles {
    const META: BlockMeta = BlockMeta::standard(
        "b5ac5ebc-7dcd-4203-b979-68ff5a72b4ac",
        "GoogleDriveListRecentFilesBlock",
        "List the most recently used, modified or viewed files in Google Drive. Folders are left out.",
        CATEGORIES,
    );
    type Input = RecentInput;
    type Output = ListOutput;

    async fn run(&self, input: RecentInput, cx: &mut Cx<'_, ListOutput>) -> Result<(), BlockError> {
        check_max(input.max_results)?;
        let q = format!("trashed = false and mimeType != '{FOLDER_MIME}'");
        let query = list_query(
            q,
            Some(input.order_by.order_by()),
            input.max_results,
            &input.page_token,
            false,
        );
        list(cx, &input.credentials, query).await
    }
}
