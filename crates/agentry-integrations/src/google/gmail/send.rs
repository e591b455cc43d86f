//! GmailSendBlock: sends a message (`users.messages.send`) with optional CC, BCC and files.

use agentry_core::{Block, BlockError, BlockMeta, Category, CredentialsMeta, Cx};
use reqwest::Method;
use schemars::JsonSchema;
use serde::{Deserialize, Serialize};
use serde_json::json;

use super::mime::NewMessage;
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
    #[serde(flatten)]
    pub message: NewMessage,
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
        let message = &input.message;
        if message.to.is_empty() || message.subject.is_empty() || message.body.is_empty() {
            return Err(BlockError::Input(
                "At least one recipient, subject, and body are required for sending an email"
                    .into(),
            ));
        }
        let raw = input.message.raw(cx).await?;
        let (client, _) = client(cx, &input.credentials).await?;
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
