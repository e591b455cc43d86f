//! A repository's contents: GithubReadFileBlock, GithubReadFolderBlock (`GET
//! /repos/{o}/{r}/contents/{path}?ref=`), GithubCreateFileBlock and GithubUpdateFileBlock
//! (`PUT …/contents/{path}` with the content in base64; an update sends the file's current sha).

use agentry_core::{Block, BlockError, BlockMeta, Category, Cx, Registry};
use base64::Engine;
use base64::engine::general_purpose::STANDARD;
use reqwest::Method;
use schemars::JsonSchema;
use serde::Serialize;
use serde_json::{Value, json};

use super::{each, repo_path, text};

pub fn register(r: &mut Registry) {
    r.register(GithubReadFile);
    r.register(GithubReadFolder);
    r.register(GithubCreateFile);
    r.register(GithubUpdateFile);
}

fn master() -> String {
    "master".into()
}

fn main_branch() -> String {
    "main".into()
}

fn create_message() -> String {
    "Create new file".into()
}

fn update_message() -> String {
    "Update file".into()
}

pub struct GithubReadFile;

github_input!(
    "repo",
    pub struct ReadFileInput {
        /// URL of the GitHub repository
        pub repo_url: String,
        /// Path to the file in the repository
        pub file_path: String,
        /// Branch to read from
        #[serde(default = "master")]
        pub branch: String,
    }
);

#[derive(Serialize, JsonSchema)]
#[serde(tag = "pin", content = "value", rename_all = "snake_case")]
pub enum ReadFileOutput {
    /// Content of the file (decoded as UTF-8 text)
    TextContent(String),
    /// Raw base64-encoded content of the file
    RawContent(String),
    /// The size of the file (in bytes)
    Size(i64),
}

impl Block for GithubReadFile {
    const META: BlockMeta = BlockMeta::standard(
        "87ce6c27-5752-4bbc-8e26-6da40a3dcfd3",
        "GithubReadFileBlock",
        "This block reads the content of a specified file from a GitHub repository.",
        &[Category::DeveloperTools],
    );
    type Input = ReadFileInput;
    type Output = ReadFileOutput;

    async fn run(
        &self,
        input: ReadFileInput,
        cx: &mut Cx<'_, ReadFileOutput>,
    ) -> Result<(), BlockError> {
        let path = repo_path(&input.repo_url, &format!("contents/{}", input.file_path))?;
        let client = super::client(cx, &input.credentials).await?;
        let answer = client.get_json(cx, &path, &[("ref", input.branch)]).await?;
        // A path holding entries of several types answers a list: take its file.
        let file = match &answer {
            Value::Array(_) => each(&answer).find(|f| f["type"] == "file"),
            one => Some(one).filter(|f| f["type"] == "file"),
        }
        .ok_or_else(|| BlockError::Input("Not a file".into()))?;
        let raw = text(file, "content");
        // GitHub wraps the base64 at 60 columns.
        let packed: String = raw.split_whitespace().collect();
        let bytes = STANDARD
            .decode(packed)
            .map_err(|e| BlockError::Input(format!("The file's content is not base64: {e}")))?;
        let decoded = String::from_utf8(bytes)
            .map_err(|_| BlockError::Input("The file is not UTF-8 text".into()))?;
        cx.emit(ReadFileOutput::RawContent(raw));
        cx.emit(ReadFileOutput::TextContent(decoded));
        cx.emit(ReadFileOutput::Size(
            file["size"].as_i64().unwrap_or_default(),
        ));
        Ok(())
    }
}

pub struct GithubReadFolder;

github_input!(
    "repo",
    pub struct ReadFolderInput {
        /// URL of the GitHub repository
        pub repo_url: String,
        /// Path to the folder in the repository
        pub folder_path: String,
        /// Branch name to read from (defaults to master)
        #[serde(default = "master")]
        pub branch: String,
    }
);

/// AutoGPT's `FileEntry`.
#[derive(Debug, Clone, Serialize, JsonSchema)]
pub struct FileEntry {
    pub name: String,
    pub path: String,
    pub size: i64,
}

/// AutoGPT's `DirEntry`.
#[derive(Debug, Clone, Serialize, JsonSchema)]
pub struct DirEntry {
    pub name: String,
    pub path: String,
}

#[derive(Serialize, JsonSchema)]
#[serde(tag = "pin", content = "value", rename_all = "snake_case")]
pub enum ReadFolderOutput {
    /// Files in the folder
    File(FileEntry),
    /// Directories in the folder
    Dir(DirEntry),
}

impl Block for GithubReadFolder {
    const META: BlockMeta = BlockMeta::standard(
        "1355f863-2db3-4d75-9fba-f91e8a8ca400",
        "GithubReadFolderBlock",
        "This block reads the content of a specified folder from a GitHub repository.",
        &[Category::DeveloperTools],
    );
    type Input = ReadFolderInput;
    type Output = ReadFolderOutput;

    async fn run(
        &self,
        input: ReadFolderInput,
        cx: &mut Cx<'_, ReadFolderOutput>,
    ) -> Result<(), BlockError> {
        let folder = input.folder_path.trim_start_matches('/');
        let path = repo_path(&input.repo_url, &format!("contents/{folder}"))?;
        let client = super::client(cx, &input.credentials).await?;
        let answer = client.get_json(cx, &path, &[("ref", input.branch)]).await?;
        if !answer.is_array() {
            return Err(BlockError::Input("Not a folder".into()));
        }
        for entry in each(&answer).filter(|e| e["type"] == "file") {
            cx.emit(ReadFolderOutput::File(FileEntry {
                name: text(entry, "name"),
                path: text(entry, "path"),
                size: entry["size"].as_i64().unwrap_or_default(),
            }));
        }
        for entry in each(&answer).filter(|e| e["type"] == "dir") {
            cx.emit(ReadFolderOutput::Dir(DirEntry {
                name: text(entry, "name"),
                path: text(entry, "path"),
            }));
        }
        Ok(())
    }
}

github_input!(
    "repo",
    pub struct CreateFileInput {
        /// URL of the GitHub repository
        pub repo_url: String,
        /// Path where the file should be created
        pub file_path: String,
        /// Content to write to the file
        pub content: String,
        /// Branch where the file should be created
        #[serde(default = "main_branch")]
        pub branch: String,
        /// Message for the commit
        #[serde(default = "create_message")]
        pub commit_message: String,
    }
);

github_input!(
    "repo",
    pub struct UpdateFileInput {
        /// URL of the GitHub repository
        pub repo_url: String,
        /// Path to the file to update
        pub file_path: String,
        /// New content for the file
        pub content: String,
        /// Branch containing the file
        #[serde(default = "main_branch")]
        pub branch: String,
        /// Message for the commit
        #[serde(default = "update_message")]
        pub commit_message: String,
    }
);

#[derive(Serialize, JsonSchema)]
#[serde(tag = "pin", content = "value", rename_all = "snake_case")]
pub enum WriteOutput {
    /// URL of the created or updated file
    Url(String),
    /// SHA of the commit
    Sha(String),
}

/// Writes `content` at `path` (`sha`: the blob replaced, for an update) and yields the file's
/// URL and the commit's sha.
async fn put_file(
    cx: &mut Cx<'_, WriteOutput>,
    client: &crate::api::Client,
    path: &str,
    content: &str,
    branch: &str,
    message: &str,
    sha: Option<String>,
) -> Result<(), BlockError> {
    let mut body = json!({"message": message, "content": STANDARD.encode(content),
                          "branch": branch});
    if let Some(sha) = sha {
        body["sha"] = json!(sha);
    }
    let answer = client.send_json(cx, Method::PUT, path, &body).await?;
    cx.emit(WriteOutput::Url(text(&answer["content"], "html_url")));
    cx.emit(WriteOutput::Sha(text(&answer["commit"], "sha")));
    Ok(())
}

pub struct GithubCreateFile;

impl Block for GithubCreateFile {
    const META: BlockMeta = BlockMeta::standard(
        "8fd132ac-b917-428a-8159-d62893e8a3fe",
        "GithubCreateFileBlock",
        "This block creates a new file in a GitHub repository.",
        &[Category::DeveloperTools],
    );
    type Input = CreateFileInput;
    type Output = WriteOutput;

    async fn run(
        &self,
        input: CreateFileInput,
        cx: &mut Cx<'_, WriteOutput>,
    ) -> Result<(), BlockError> {
        let path = repo_path(&input.repo_url, &format!("contents/{}", input.file_path))?;
        let client = super::client(cx, &input.credentials).await?;
        put_file(
            cx,
            &client,
            &path,
            &input.content,
            &input.branch,
            &input.commit_message,
            None,
        )
        .await
    }
}

pub struct GithubUpdateFile;

impl Block for GithubUpdateFile {
    const META: BlockMeta = BlockMeta::standard(
        "30be12a4-57cb-4aa4-baf5-fcc68d136076",
        "GithubUpdateFileBlock",
        "This block updates an existing file in a GitHub repository.",
        &[Category::DeveloperTools],
    );
    type Input = UpdateFileInput;
    type Output = WriteOutput;

    async fn run(
        &self,
        input: UpdateFileInput,
        cx: &mut Cx<'_, WriteOutput>,
    ) -> Result<(), BlockError> {
        let path = repo_path(&input.repo_url, &format!("contents/{}", input.file_path))?;
        let client = super::client(cx, &input.credentials).await?;
        let current = client
            .get_json(cx, &path, &[("ref", input.branch.clone())])
            .await?;
        let sha = text(&current, "sha");
        put_file(
            cx,
            &client,
            &path,
            &input.content,
            &input.branch,
            &input.commit_message,
            Some(sha),
        )
        .await
    }
}
