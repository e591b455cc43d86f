//! GmailCreateDraftBlock and GmailDraftReplyBlock: messages saved as drafts
//! (`users.drafts.create`), a reply in its thread.

use agentry_core::{Block, BlockError, BlockMeta, Category, CredentialsMeta, Cx};
use reqwest::Method;
use schemars::JsonSchema;
use serde::{Deserialize, Serialize};
use serde_json::{Value, json};

use super::mime::{BodyType, NewMessage, files};
use super::reply::ReplyTo;
use super::{client, path};

pub struct GmailCreateDraft;
pub struct GmailDraftReply;

#[derive(Deserialize, JsonSchema)]
pub struct DraftInput {
    /// The Google integration requires OAuth2 authentication.
    #[serde(default)]
    #[schemars(extend(
        "credentials_provider" = ["google"],
        "credentials_types" = ["oauth2"],
        "credentials_scopes" = ["https://www.googleapis.com/auth/gmail.modify"]
    ))]
    pub credentials: CredentialsMeta,
    #[serde(flatten)]
    pub message: NewMessage,
}

/// AutoGPT's `GmailDraftResult`.
#[derive(Serialize, JsonSchema)]
pub struct DraftResult {
    pub id: String,
    pub message_id: String,
    pub status: String,
}

#[derive(Serialize, JsonSchema)]
#[serde(tag = "pin", content = "value", rename_all = "snake_case")]
pub enum DraftOutput {
    /// Draft creation result
    Result(DraftResult),
}

/// `users.drafts.create` of `message` (its `raw`, and the thread of a reply).
async fn save<O: Serialize>(
    client: &crate::api::Client,
    cx: &mut Cx<'_, O>,
    message: Value,
) -> Result<Value, BlockError> {
    let body = json!({ "message": message });
    Ok(client
        .send_json(cx, Method::POST, &path("drafts"), &body)
        .await?)
}

impl Block for GmailCreateDraft {
    const META: BlockMeta = BlockMeta::standard(
        "e1eeead4-46cb-491e-8281-17b6b9c44a55",
        "GmailCreateDraftBlock",
        "Create draft emails in Gmail with automatic HTML detection and proper text formatting. Plain text drafts preserve natural paragraph flow without 78-character line wrapping. HTML content is automatically detected and formatted correctly.",
        &[Category::Communication],
    );
    type Input = DraftInput;
    type Output = DraftOutput;

    async fn run(&self, input: DraftInput, cx: &mut Cx<'_, DraftOutput>) -> Result<(), BlockError> {
        let message = &input.message;
        if message.to.is_empty() || message.subject.is_empty() {
            return Err(BlockError::Input(
                "At least one recipient and subject are required for creating a draft".into(),
            ));
        }
        let raw = input.message.raw(cx).await?;
        let (client, _) = client(cx, &input.credentials).await?;
        let draft = save(&client, cx, json!({"raw": raw})).await?;
        cx.emit(DraftOutput::Result(DraftResult {
            id: draft["id"].as_str().unwrap_or_default().into(),
            message_id: draft["message"]["id"].as_str().unwrap_or_default().into(),
            status: "draft_created".into(),
        }));
        Ok(())
    }
}

#[derive(Deserialize, JsonSchema)]
#[allow(non_snake_case)] // AutoGPT's pin names.
pub struct DraftReplyInput {
    /// The Google integration requires OAuth2 authentication.
    #[serde(default)]
    #[schemars(extend(
        "credentials_provider" = ["google"],
        "credentials_types" = ["oauth2"],
        "credentials_scopes" = [
            "https://www.googleapis.com/auth/gmail.modify",
            "https://www.googleapis.com/auth/gmail.readonly"
        ]
    ))]
    pub credentials: CredentialsMeta,
    /// Thread ID to reply in
    pub threadId: String,
    /// ID of the message being replied to
    pub parentMessageId: String,
    /// To recipients
    #[serde(default)]
    pub to: Vec<String>,
    /// CC recipients
    #[serde(default)]
    pub cc: Vec<String>,
    /// BCC recipients
    #[serde(default)]
    pub bcc: Vec<String>,
    /// Reply to all original recipients
    #[serde(default)]
    pub replyAll: bool,
    /// Email subject
    #[serde(default)]
    pub subject: String,
    /// Email body (plain text or HTML)
    pub body: String,
    /// Content type: 'auto' (default - detects HTML), 'plain', or 'html'
    #[serde(default)]
    pub content_type: Option<BodyType>,
    /// Files to attach
    #[serde(default)]
    pub attachments: Vec<String>,
}

#[derive(Serialize, JsonSchema)]
#[serde(tag = "pin", content = "value")]
pub enum DraftReplyOutput {
    /// Created draft ID
    #[serde(rename = "draftId")]
    DraftId(String),
    /// Draft message ID
    #[serde(rename = "messageId")]
    MessageId(String),
    /// Thread ID
    #[serde(rename = "threadId")]
    ThreadId(String),
    /// Draft creation status
    #[serde(rename = "status")]
    Status(String),
}

impl Block for GmailDraftReply {
    const META: BlockMeta = BlockMeta::standard(
        "d7a9f3e2-8b4c-4d6f-9e1a-3c5b7f8d2a6e",
        "GmailDraftReplyBlock",
        "Create draft replies to Gmail threads with automatic HTML detection and proper text formatting. Plain text draft replies maintain natural paragraph flow without 78-character line wrapping. HTML content is automatically detected and formatted correctly.",
        &[Category::Communication],
    );
    type Input = DraftReplyInput;
    type Output = DraftReplyOutput;

    async fn run(
        &self,
        input: DraftReplyInput,
        cx: &mut Cx<'_, DraftReplyOutput>,
    ) -> Result<(), BlockError> {
        let attachments = files(cx, &input.attachments).await?;
        let (client, _) = client(cx, &input.credentials).await?;
        let raw = ReplyTo {
            parent: &input.parentMessageId,
            reply_all: input.replyAll,
            to: input.to.clone(),
            cc: input.cc.clone(),
            bcc: input.bcc.clone(),
            subject: &input.subject,
            body: &input.body,
            content_type: input.content_type,
        }
        .raw(&client, cx, attachments)
        .await?;
        let draft = save(&client, cx, json!({"threadId": input.threadId, "raw": raw})).await?;
        let text = |v: &Value| v.as_str().unwrap_or_default().to_string();
        cx.emit(DraftReplyOutput::DraftId(text(&draft["id"])));
        cx.emit(DraftReplyOutput::MessageId(text(&draft["message"]["id"])));
        let thread = draft["message"]["threadId"]
            .as_str()
            .map_or(input.threadId.clone(), str::to_string);
        cx.emit(DraftReplyOutput::ThreadId(thread));
        cx.emit(DraftReplyOutput::Status("draft_created".into()));
        Ok(())
    }
}
