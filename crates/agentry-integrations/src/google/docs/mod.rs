//! Google Docs (AutoGPT's `google/docs.py`) over the Docs API v1 (`{base}/v1/documents/…`),
//! with Drive v3 for creating, exporting and sharing. Documents come from the Drive picker as
//! AutoGPT's `GoogleDriveFile`, their credential inside (see `google::drive`).

pub mod edit;
pub mod files;
pub mod layout;
pub mod markdown;
pub mod md;
pub mod structure;

use agentry_core::{BlockError, Cx, Registry};
use reqwest::Method;
use serde::Serialize;
use serde_json::{Value, json};

use crate::api::{Client, Service, segment};
use crate::error::prefixed;
use crate::google::drive::{DriveFile, Picked, file_credentials, google_client};

pub const DOCS: Service = Service::oauth2(
    super::PROVIDER,
    "google_docs",
    "https://docs.googleapis.com",
);

pub const DOCUMENT_MIME: &str = "application/vnd.google-apps.document";

pub fn register(r: &mut Registry) {
    r.register(edit::GoogleDocsAppendPlainText);
    r.register(edit::GoogleDocsInsertPlainText);
    r.register(edit::GoogleDocsFindReplacePlainText);
    r.register(edit::GoogleDocsInsertPageBreak);
    r.register(edit::GoogleDocsDeleteContent);
    r.register(files::GoogleDocsRead);
    r.register(files::GoogleDocsCreate);
    r.register(files::GoogleDocsGetMetadata);
    r.register(files::GoogleDocsExport);
    r.register(files::GoogleDocsShare);
    r.register(files::GoogleDocsSetPublicAccess);
    r.register(layout::GoogleDocsInsertTable);
    r.register(layout::GoogleDocsFormatText);
    r.register(markdown::GoogleDocsAppendMarkdown);
    r.register(markdown::GoogleDocsReplaceAllWithMarkdown);
    r.register(markdown::GoogleDocsInsertMarkdownAt);
    r.register(markdown::GoogleDocsReplaceRangeWithMarkdown);
    r.register(markdown::GoogleDocsReplaceContentWithMarkdown);
    r.register(structure::GoogleDocsGetStructure);
}

/// AutoGPT's `_make_document_output`: the document for the next block.
pub fn document_file(id: &str, name: Option<String>, credentials_id: Option<String>) -> DriveFile {
    DriveFile {
        id: id.to_string(),
        name,
        mime_type: Some(DOCUMENT_MIME.into()),
        url: Some(document_url(id)),
        icon_url: Some("https://www.gstatic.com/images/branding/product/1x/docs_48dp.png".into()),
        is_folder: Some(false),
        credentials_id,
    }
}

pub fn document_url(id: &str) -> String {
    format!("https://docs.google.com/document/d/{id}/edit")
}

/// AutoGPT's `_validate_document_file`.
pub fn validate(picked: &Picked) -> Result<&DriveFile, BlockError> {
    let file = picked
        .0
        .as_ref()
        .ok_or_else(|| BlockError::Input("No document selected".into()))?;
    if file.id.is_empty() {
        return Err(BlockError::Input("No document ID provided".into()));
    }
    match file.mime_type.as_deref() {
        Some(mime) if !mime.is_empty() && mime != DOCUMENT_MIME => Err(BlockError::Input(format!(
            "File is not a Google Doc (type: {mime})"
        ))),
        _ => Ok(file),
    }
}

/// One document for one block run: the validated file and a Docs client for its credential;
/// failures carry AutoGPT's `prefix`.
pub struct Doc {
    pub file: DriveFile,
    pub client: Client,
    pub prefix: &'static str,
}

impl Doc {
    pub async fn open<O: Serialize>(
        cx: &mut Cx<'_, O>,
        picked: &Picked,
        prefix: &'static str,
    ) -> Result<Doc, BlockError> {
        let file = validate(picked)?.clone();
        let client = google_client(cx, DOCS, &file_credentials(&file))
            .await
            .map_err(|e| prefixed(e, prefix))?;
        Ok(Doc {
            file,
            client,
            prefix,
        })
    }

    pub fn fail(&self, e: BlockError) -> BlockError {
        prefixed(e, self.prefix)
    }

    pub fn chained(&self) -> DriveFile {
        document_file(
            &self.file.id,
            self.file.name.clone(),
            self.file.credentials_id.clone(),
        )
    }

    /// `documents.get`.
    pub async fn get<O: Serialize>(&self, cx: &mut Cx<'_, O>) -> Result<Value, BlockError> {
        let path = format!("/v1/documents/{}", segment(&self.file.id));
        let answer = self.client.get_json(cx, &path, &[]).await;
        answer.map_err(|e| self.fail(e.into()))
    }

    /// `documents.batchUpdate` with `requests`.
    pub async fn batch_update<O: Serialize>(
        &self,
        cx: &mut Cx<'_, O>,
        requests: Value,
    ) -> Result<Value, BlockError> {
        let path = format!("/v1/documents/{}:batchUpdate", segment(&self.file.id));
        let body = json!({ "requests": requests });
        let answer = self.client.send_json(cx, Method::POST, &path, &body).await;
        answer.map_err(|e| self.fail(e.into()))
    }

    /// AutoGPT's `_get_document_end_index`: the last element's `endIndex` − 1, or 1.
    pub async fn end_index<O: Serialize>(&self, cx: &mut Cx<'_, O>) -> Result<i64, BlockError> {
        let doc = self.get(cx).await?;
        Ok(doc["body"]["content"]
            .as_array()
            .and_then(|c| c.last())
            .map_or(1, |last| last["endIndex"].as_i64().unwrap_or(1) - 1))
    }
}

/// AutoGPT's `_extract_text_from_content`: paragraphs' text runs, tables cell by cell.
pub fn plain_text(content: &Value) -> String {
    let mut out = String::new();
    for element in content.as_array().into_iter().flatten() {
        if let Some(paragraph) = element.get("paragraph") {
            for run in paragraph["elements"].as_array().into_iter().flatten() {
                if let Some(text) = run.pointer("/textRun/content").and_then(Value::as_str) {
                    out.push_str(text);
                }
            }
        } else if let Some(table) = element.get("table") {
            for row in table["tableRows"].as_array().into_iter().flatten() {
                for cell in row["tableCells"].as_array().into_iter().flatten() {
                    out.push_str(&plain_text(&cell["content"]));
                }
            }
        }
    }
    out
}

#[cfg(test)]
#[path = "docs_tests.rs"]
mod tests;

#[cfg(test)]
#[path = "layout_tests.rs"]
mod layout_tests;

#[cfg(test)]
#[path = "markdown_tests.rs"]
mod markdown_tests;
