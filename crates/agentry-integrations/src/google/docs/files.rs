//! The Docs blocks that read, make, export and share whole documents: GoogleDocsReadBlock,
//! GoogleDocsCreateBlock, GoogleDocsGetMetadataBlock, GoogleDocsExportBlock,
//! GoogleDocsShareBlock, GoogleDocsSetPublicAccessBlock.

use agentry_core::{Block, BlockError, BlockMeta, Category, CredentialsMeta, Cx};
use base64::Engine;
use reqwest::Method;
use schemars::JsonSchema;
use serde::{Deserialize, Serialize};
use serde_json::{Value, json};

use super::{DOCS, DOCUMENT_MIME, Doc, document_file, document_url, plain_text};
use crate::api::segment;
use crate::error::prefixed;
use crate::google::drive::{
    DriveFile, Picked, PublicAccessRole, Share, ShareRole, drive_for, google_client, set_public,
    share,
};

pub struct GoogleDocsRead;
pub struct GoogleDocsCreate;
pub struct GoogleDocsGetMetadata;
pub struct GoogleDocsExport;
pub struct GoogleDocsShare;
pub struct GoogleDocsSetPublicAccess;

#[derive(Deserialize, JsonSchema)]
pub struct DocumentInput {
    /// Select a Google Doc
    #[serde(default)]
    pub document: Picked,
}

#[derive(Serialize, JsonSchema)]
#[serde(tag = "pin", content = "value", rename_all = "snake_case")]
pub enum ReadOutput {
    /// Plain text content of the document
    Text(String),
    /// Document title
    Title(String),
    /// The document for chaining
    Document(DriveFile),
}

impl Block for GoogleDocsRead {
    const META: BlockMeta = BlockMeta::standard(
        "420a2b3c-5db2-4bda-82bc-a68a862a3d55",
        "GoogleDocsReadBlock",
        "Read text content from a Google Doc",
        &[Category::Data],
    );
    type Input = DocumentInput;
    type Output = ReadOutput;

    async fn run(
        &self,
        input: DocumentInput,
        cx: &mut Cx<'_, ReadOutput>,
    ) -> Result<(), BlockError> {
        let doc = Doc::open(cx, &input.document, "Failed to read document: ").await?;
        let answer = doc.get(cx).await?;
        cx.emit(ReadOutput::Text(plain_text(&answer["body"]["content"])));
        cx.emit(ReadOutput::Title(
            answer["title"].as_str().unwrap_or_default().into(),
        ));
        cx.emit(ReadOutput::Document(doc.chained()));
        Ok(())
    }
}

#[derive(Deserialize, JsonSchema)]
pub struct CreateInput {
    /// The Google integration requires OAuth2 authentication.
    #[serde(default)]
    #[schemars(extend(
        "credentials_provider" = ["google"],
        "credentials_types" = ["oauth2"],
        "credentials_scopes" = ["https://www.googleapis.com/auth/drive.file"]
    ))]
    pub credentials: CredentialsMeta,
    /// Title for the new document
    pub title: String,
    /// Optional initial text content
    #[serde(default)]
    pub initial_content: String,
}

#[derive(Serialize, JsonSchema)]
#[serde(tag = "pin", content = "value", rename_all = "snake_case")]
pub enum CreateOutput {
    /// The created document
    Document(DriveFile),
    /// ID of the created document
    DocumentId(String),
    /// URL to open the document
    DocumentUrl(String),
}

impl Block for GoogleDocsCreate {
    const META: BlockMeta = BlockMeta::standard(
        "d430d941-cf81-4f84-8b19-2e3f670b2fca",
        "GoogleDocsCreateBlock",
        "Create a new Google Doc",
        &[Category::Data],
    );
    type Input = CreateInput;
    type Output = CreateOutput;

    async fn run(
        &self,
        input: CreateInput,
        cx: &mut Cx<'_, CreateOutput>,
    ) -> Result<(), BlockError> {
        if input.title.is_empty() {
            return Err(BlockError::Input("Document title is required".into()));
        }
        let prefix = "Failed to create document: ";
        let made = async {
            let drive = google_client(cx, crate::google::DRIVE, &input.credentials).await?;
            let body = json!({"name": input.title, "mimeType": DOCUMENT_MIME});
            let made = drive
                .send_json(cx, Method::POST, "/drive/v3/files", &body)
                .await?;
            let id = made["id"].as_str().unwrap_or_default().to_string();
            let file = document_file(&id, Some(input.title.clone()), input.credentials.id.clone());
            if !input.initial_content.is_empty() {
                let client = google_client(cx, DOCS, &input.credentials).await?;
                let doc = Doc {
                    file: file.clone(),
                    client,
                    prefix: "",
                };
                let text = json!([{"insertText": {"location": {"index": 1}, "text": input.initial_content}}]);
                doc.batch_update(cx, text).await?;
            }
            Ok::<_, BlockError>(file)
        };
        let file = made.await.map_err(|e| prefixed(e, prefix))?;
        let (id, url) = (file.id.clone(), document_url(&file.id));
        cx.emit(CreateOutput::Document(file));
        cx.emit(CreateOutput::DocumentId(id));
        cx.emit(CreateOutput::DocumentUrl(url));
        Ok(())
    }
}

#[derive(Serialize, JsonSchema)]
#[serde(tag = "pin", content = "value", rename_all = "snake_case")]
pub enum MetadataOutput {
    /// Document title
    Title(String),
    /// Document ID
    DocumentId(String),
    /// Current revision ID
    RevisionId(String),
    /// URL to open the document
    DocumentUrl(String),
    /// The document for chaining
    Document(DriveFile),
}

impl Block for GoogleDocsGetMetadata {
    const META: BlockMeta = BlockMeta::standard(
        "100bc806-acbf-4dc5-a3a2-998026b96516",
        "GoogleDocsGetMetadataBlock",
        "Get metadata about a Google Doc",
        &[Category::Data],
    );
    type Input = DocumentInput;
    type Output = MetadataOutput;

    async fn run(
        &self,
        input: DocumentInput,
        cx: &mut Cx<'_, MetadataOutput>,
    ) -> Result<(), BlockError> {
        let doc = Doc::open(cx, &input.document, "Failed to get metadata: ").await?;
        let answer = doc.get(cx).await?;
        let text = |k: &str| answer[k].as_str().unwrap_or_default().to_string();
        cx.emit(MetadataOutput::Title(text("title")));
        cx.emit(MetadataOutput::DocumentId(doc.file.id.clone()));
        cx.emit(MetadataOutput::RevisionId(text("revisionId")));
        cx.emit(MetadataOutput::DocumentUrl(document_url(&doc.file.id)));
        cx.emit(MetadataOutput::Document(doc.chained()));
        Ok(())
    }
}

/// AutoGPT's `ExportFormat`: the MIME types Drive exports a document to.
#[derive(Debug, Clone, Copy, Default, Serialize, Deserialize, JsonSchema)]
pub enum ExportFormat {
    #[default]
    #[serde(rename = "application/pdf")]
    Pdf,
    #[serde(rename = "application/vnd.openxmlformats-officedocument.wordprocessingml.document")]
    Docx,
    #[serde(rename = "application/vnd.oasis.opendocument.text")]
    Odt,
    #[serde(rename = "text/plain")]
    Txt,
    #[serde(rename = "text/html")]
    Html,
    #[serde(rename = "application/epub+zip")]
    Epub,
    #[serde(rename = "application/rtf")]
    Rtf,
}

#[derive(Deserialize, JsonSchema)]
pub struct ExportInput {
    /// Select a Google Doc to export
    #[serde(default)]
    pub document: Picked,
    /// Export format
    #[serde(default)]
    pub format: ExportFormat,
}

#[derive(Serialize, JsonSchema)]
#[serde(tag = "pin", content = "value", rename_all = "snake_case")]
pub enum ExportOutput {
    /// Exported content (base64 encoded for binary formats)
    Content(String),
    /// MIME type of exported content
    MimeType(String),
    /// The document for chaining
    Document(DriveFile),
}

impl Block for GoogleDocsExport {
    const META: BlockMeta = BlockMeta::standard(
        "e32d5642-7b51-458c-bd83-75ff96fec299",
        "GoogleDocsExportBlock",
        "Export a Google Doc to PDF, Word, text, or other formats",
        &[Category::Data],
    );
    type Input = ExportInput;
    type Output = ExportOutput;

    async fn run(
        &self,
        input: ExportInput,
        cx: &mut Cx<'_, ExportOutput>,
    ) -> Result<(), BlockError> {
        let file = super::validate(&input.document)?.clone();
        let mime = serde_json::to_value(input.format).unwrap_or_default();
        let mime = mime.as_str().unwrap_or_default().to_string();
        let exported = async {
            let drive = drive_for(cx, &file).await?;
            let path = format!("/drive/v3/files/{}/export", segment(&file.id));
            let query = [("mimeType", mime.clone())];
            Ok::<_, BlockError>(drive.send(cx, Method::GET, &path, &query, None).await?)
        };
        let fetched = exported
            .await
            .map_err(|e| prefixed(e, "Failed to export document: "))?;
        // Text formats as text, the rest base64, as AutoGPT answers.
        let content = if mime == "text/plain" || mime == "text/html" {
            fetched.text()
        } else {
            base64::engine::general_purpose::STANDARD.encode(&fetched.body)
        };
        cx.emit(ExportOutput::Content(content));
        cx.emit(ExportOutput::MimeType(mime));
        cx.emit(ExportOutput::Document(document_file(
            &file.id,
            file.name.clone(),
            file.credentials_id.clone(),
        )));
        Ok(())
    }
}

fn yes() -> bool {
    true
}

#[derive(Deserialize, JsonSchema)]
pub struct ShareInput {
    /// Select a Google Doc to share
    #[serde(default)]
    pub document: Picked,
    /// Email address to share with. Leave empty for link sharing.
    #[serde(default)]
    pub email: String,
    /// Permission role for the user
    #[serde(default)]
    pub role: ShareRole,
    /// Send notification email to the user
    #[serde(default = "yes")]
    pub send_notification: bool,
    /// Optional message to include in notification email
    #[serde(default)]
    pub message: String,
}

#[derive(Serialize, JsonSchema)]
#[serde(tag = "pin", content = "value", rename_all = "snake_case")]
pub enum ShareOutput {
    /// Result of the share operation
    Result(Value),
    /// Link to the document
    ShareLink(String),
    /// The document for chaining
    Document(DriveFile),
}

impl Block for GoogleDocsShare {
    const META: BlockMeta = BlockMeta::standard(
        "4e7ec771-4cc8-4eb7-ae3d-46377ecdb5d2",
        "GoogleDocsShareBlock",
        "Share a Google Doc with specific users",
        &[Category::Data],
    );
    type Input = ShareInput;
    type Output = ShareOutput;

    async fn run(&self, input: ShareInput, cx: &mut Cx<'_, ShareOutput>) -> Result<(), BlockError> {
        let file = super::validate(&input.document)?.clone();
        let how = Share {
            email: &input.email,
            role: input.role,
            send_notification: input.send_notification,
            message: &input.message,
            sheets_link: false,
        };
        let shared = async {
            let drive = drive_for(cx, &file).await?;
            share(&drive, cx, &file.id, document_url(&file.id), how).await
        };
        let link = shared
            .await
            .map_err(|e| prefixed(e, "Failed to share document: "))?;
        cx.emit(ShareOutput::Result(json!({"success": true})));
        cx.emit(ShareOutput::ShareLink(link));
        cx.emit(ShareOutput::Document(document_file(
            &file.id,
            file.name.clone(),
            file.credentials_id.clone(),
        )));
        Ok(())
    }
}

#[derive(Deserialize, JsonSchema)]
pub struct PublicInput {
    /// Select a Google Doc
    #[serde(default)]
    pub document: Picked,
    /// True to make public, False to make private
    #[serde(default = "yes")]
    pub public: bool,
    /// Permission role for public access
    #[serde(default)]
    pub role: PublicAccessRole,
}

impl Block for GoogleDocsSetPublicAccess {
    const META: BlockMeta = BlockMeta::standard(
        "d104f6e1-80af-4fe9-b5a1-3cab20081b6c",
        "GoogleDocsSetPublicAccessBlock",
        "Make a Google Doc public or private",
        &[Category::Data],
    );
    type Input = PublicInput;
    type Output = ShareOutput;

    async fn run(
        &self,
        input: PublicInput,
        cx: &mut Cx<'_, ShareOutput>,
    ) -> Result<(), BlockError> {
        let file = super::validate(&input.document)?.clone();
        let changed = async {
            let drive = drive_for(cx, &file).await?;
            set_public(
                &drive,
                cx,
                &file.id,
                document_url(&file.id),
                input.public,
                input.role,
            )
            .await
        };
        let link = changed
            .await
            .map_err(|e| prefixed(e, "Failed to set public access: "))?;
        cx.emit(ShareOutput::Result(
            json!({"success": true, "is_public": input.public}),
        ));
        cx.emit(ShareOutput::ShareLink(link));
        cx.emit(ShareOutput::Document(document_file(
            &file.id,
            file.name.clone(),
            file.credentials_id.clone(),
        )));
        Ok(())
    }
}
