//! GmailSendBlock: sends a message (`users.messages.send`) with optional CC, BCC and files.

use agentry_core::{Block, BlockError, BlockMeta, Category, CredentialsMeta, Cx};
use agentry_services::files::media;
use reqwest::Method;
use schemars::JsonSchema;
use serde::{Deserialize, Serialize};
use serde_json::json;

use super::mime::{BodyType, Draft};
use super::{client, path};

pub struct GmailSend;

#[derive(Deserialize, JsonSchema)]
pub struct Input {
    /// The Google integration requires OAuth2 authentication.
    #[serde(default)]
    #[schemars(extend(
        "credentials_provider" = ["google"],
        "credentials_types" = ["oauth2"],
        "credentials_scopes" = ["https://www.googleapis.com/auth/gmail.send"]
    ))]
    pub credentials: CredentialsMeta,
    /// Recipient email addresses
    pub to: Vec<String>,
    /// Email subject
    pub subject: String,
    /// Email body (plain text or HTML)
    pub body: String,
    /// CC recipients
    #[serde(default)]
    pub cc: Vec<String>,
    /// BCC recipients
    #[serde(default)]
    pub bcc: Vec<String>,
    /// Content type: 'auto' (default - detects HTML), 'plain', or 'html'
    #[serde(default)]
    pub content_type: Option<BodyType>,
    /// Files to attach
    #[serde(default)]
    pub attachments: Vec<String>,
}

/// AutoGPT's `GmailSendResult`.
#[derive(Serialize, JsonSchema)]
pub struct SendResult {
    pub id: String,
    pub status: String,
}

#[derive(Serialize, JsonSchema)]
#[serde(tag = "pin", content = "value", rename_all = "snake_case")]
pub enum Output {
    /// Send confirmation
    Result(SendResult),
}

/// Each `MediaFileType` input (data URI, URL or run file) as a file name and its bytes.
pub async fn files<O: Serialize>(
    cx: &mut Cx<'_, O>,
    inputs: &[String],
) -> Result<Vec<(String, Vec<u8>)>, BlockError> {
    let mut out = Vec::new();
    for file in inputs {
        let stored = media::store(cx, file).await?;
        out.push((stored.name().to_string(), stored.bytes().await?));
    }
    Ok(out)
}

impl Block for GmailSend {
    const META: BlockMeta = BlockMeta::standard(
        "6c27abc2-e51d-499e-a85f-5a0041ba94f0",
        "GmailSendBlock",
        "Send emails via Gmail with automatic HTML detection and proper text formatting. Plain \
         text emails are sent without 78-character line wrapping, preserving natural paragraph \
         flow. HTML emails are automatically detected and sent with correct MIME type.",
        &[Category::Communication],
    );
    type Input = Input;
    type Output = Output;

    async fn run(&self, input: Input, cx: &mut Cx<'_, Output>) -> Result<(), BlockError> {
        if input.to.is_empty() || input.subject.is_empty() || input.body.is_empty() {
            return Err(BlockError::Input(
                "At least one recipient, subject, and body are required for sending an email"
                    .into(),
            ));
        }
        let attachments = files(cx, &input.attachments).await?;
        let (client, _) = client(cx, &input.credentials).await?;
        let raw = Draft {
            to: input.to,
            cc: input.cc,
            bcc: input.bcc,
            subject: input.subject,
            body: input.body,
            body_type: input.content_type,
            attachments,
            ..Default::default()
        }
        .raw()?;
        let sent = client
            .send_json(
                cx,
                Method::POST,
                &path("messages/send"),
                &json!({"raw": raw}),
            )
            .await?;
        cx.emit(Output::Result(SendResult {
            id: sent["id"].as_str().unwrap_or_default().into(),
            status: "sent".into(),
        }));
        Ok(())
    }
}
