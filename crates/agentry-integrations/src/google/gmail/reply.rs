//! GmailReplyBlock: answers a message in its thread. The parent's headers
//! (`users.messages.get`, format `metadata`) give the recipients when none are given, the
//! `Re:` subject and the threading headers; the reply goes out with `users.messages.send`.

use agentry_core::{Block, BlockError, BlockMeta, Category, CredentialsMeta, Cx};
use reqwest::Method;
use schemars::JsonSchema;
use serde::{Deserialize, Serialize};
use serde_json::{Value, json};

use super::mime::files;
use super::mime::{BodyType, Draft};
use super::{Email, address, addresses, client, headers, path, strings};
use crate::api::Client;

pub struct GmailReply;

#[derive(Deserialize, JsonSchema)]
#[allow(non_snake_case)] // AutoGPT's pin names.
pub struct Input {
    /// The Google integration requires OAuth2 authentication.
    #[serde(default)]
    #[schemars(extend(
        "credentials_provider" = ["google"],
        "credentials_types" = ["oauth2"],
        "credentials_scopes" = [
            "https://www.googleapis.com/auth/gmail.send",
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
pub enum Output {
    /// Sent message ID
    #[serde(rename = "messageId")]
    MessageId(String),
    /// Thread ID
    #[serde(rename = "threadId")]
    ThreadId(String),
    /// Raw Gmail message object
    #[serde(rename = "message")]
    Message(serde_json::Map<String, Value>),
    /// Parsed email object with decoded body and attachments
    #[serde(rename = "email")]
    Email(Box<Email>),
}

const PARENT_HEADERS: &[&str] = &[
    "Subject",
    "References",
    "Message-ID",
    "From",
    "To",
    "Cc",
    "Reply-To",
];

/// A reply to message `parent`: with no recipients given, the parent's sender (its
/// `Reply-To` first) or, replying to all, everyone on it; the `Re:` subject and the threading
/// headers come from the parent's headers (`users.messages.get`, format `metadata`).
pub struct ReplyTo<'a> {
    pub parent: &'a str,
    pub reply_all: bool,
    pub to: Vec<String>,
    pub cc: Vec<String>,
    pub bcc: Vec<String>,
    pub subject: &'a str,
    pub body: &'a str,
    pub content_type: Option<BodyType>,
}

impl ReplyTo<'_> {
    /// The reply as Gmail's `raw` field; `to` is filled in as the message goes.
    pub async fn raw<O: Serialize>(
        &mut self,
        client: &Client,
        cx: &mut Cx<'_, O>,
        attachments: Vec<(String, Vec<u8>)>,
    ) -> Result<String, BlockError> {
        let mut query = vec![("format", "metadata".to_string())];
        query.extend(
            PARENT_HEADERS
                .iter()
                .map(|h| ("metadataHeaders", h.to_string())),
        );
        let parent = client
            .get_json(cx, &path(&format!("messages/{}", self.parent)), &query)
            .await?;
        // The first of duplicate headers is the one that matters for a reply.
        let h = headers(&parent, true);
        let get = |k: &str| h.get(k).cloned().unwrap_or_default();
        if self.to.is_empty() && self.cc.is_empty() && self.bcc.is_empty() {
            self.to = if self.reply_all {
                let mut all = vec![address(&get("from"))];
                all.extend(addresses(&get("to")));
                all.extend(addresses(&get("cc")));
                let mut seen = std::collections::HashSet::new();
                all.into_iter()
                    .filter(|a| !a.is_empty() && seen.insert(a.clone()))
                    .collect()
            } else {
                let reply_to = get("reply-to");
                let sender = address(if reply_to.is_empty() {
                    h.get("from").map(String::as_str).unwrap_or_default()
                } else {
                    &reply_to
                });
                if sender.is_empty() {
                    Vec::new()
                } else {
                    vec![sender]
                }
            };
        }
        let subject = if !self.subject.is_empty() {
            self.subject.to_string()
        } else {
            let parent_subject = get("subject").trim().to_string();
            if parent_subject.to_lowercase().starts_with("re:") {
                parent_subject
            } else if parent_subject.is_empty() {
                "Re:".into()
            } else {
                format!("Re: {parent_subject}")
            }
        };
        let message_id = h.get("message-id").cloned().filter(|m| !m.is_empty());
        let mut references: Vec<String> = get("references")
            .split_whitespace()
            .map(str::to_string)
            .collect();
        references.extend(message_id.clone());
        Draft {
            to: self.to.clone(),
            cc: self.cc.clone(),
            bcc: self.bcc.clone(),
            subject,
            body: self.body.to_string(),
            body_type: self.content_type,
            in_reply_to: message_id,
            references: (!references.is_empty()).then(|| references.join(" ")),
            attachments,
        }
        .raw()
    }
}

impl Block for GmailReply {
    const META: BlockMeta = BlockMeta::standard(
        "12bf5a24-9b90-4f40-9090-4e86e6995e60",
        "GmailReplyBlock",
        "Reply to Gmail threads with automatic HTML detection and proper text formatting. Plain \
         text replies maintain natural paragraph flow without 78-character line wrapping. HTML \
         content is automatically detected and sent with correct MIME type.",
        &[Category::Communication],
    );
    type Input = Input;
    type Output = Output;

    async fn run(&self, mut input: Input, cx: &mut Cx<'_, Output>) -> Result<(), BlockError> {
        let attachments = files(cx, &input.attachments).await?;
        let (client, _) = client(cx, &input.credentials).await?;
        let mut request = ReplyTo {
            parent: &input.parentMessageId,
            reply_all: input.replyAll,
            to: std::mem::take(&mut input.to),
            cc: input.cc.clone(),
            bcc: input.bcc.clone(),
            subject: &input.subject,
            body: &input.body,
            content_type: input.content_type,
        };
        let raw = request.raw(&client, cx, attachments).await?;
        input.to = request.to;
        let sent = client
            .send_json(
                cx,
                Method::POST,
                &path("messages/send"),
                &json!({"threadId": input.threadId, "raw": raw}),
            )
            .await?;
        let id = sent["id"].as_str().unwrap_or_default().to_string();
        let thread = sent["threadId"]
            .as_str()
            .map(str::to_string)
            .unwrap_or_else(|| input.threadId.clone());
        cx.emit(Output::MessageId(id.clone()));
        cx.emit(Output::ThreadId(thread.clone()));
        cx.emit(Output::Message(
            sent.as_object().cloned().unwrap_or_default(),
        ));
        // What the send answer and the inputs tell; the rest is not in the answer.
        cx.emit(Output::Email(Box::new(Email {
            thread_id: thread,
            label_ids: strings(&sent["labelIds"]),
            id,
            subject: input.subject,
            snippet: sent["snippet"].as_str().unwrap_or_default().into(),
            from_: String::new(),
            to: input.to,
            cc: input.cc,
            bcc: input.bcc,
            date: String::new(),
            body: input.body,
            size_estimate: sent["sizeEstimate"].as_i64().unwrap_or(0),
            attachments: Vec::new(),
        })));
        Ok(())
    }
}
