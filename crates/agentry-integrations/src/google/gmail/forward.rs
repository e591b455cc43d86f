//! GmailForwardBlock: forwards a message (`users.messages.get`, format `full`) with AutoGPT's
//! "Forwarded message" header, its attachments when asked, and more files.

use agentry_core::{Block, BlockError, BlockMeta, Category, CredentialsMeta, Cx};
use base64::Engine;
use reqwest::Method;
use schemars::JsonSchema;
use serde::{Deserialize, Serialize};
use serde_json::json;

use super::mime::files;
use super::mime::{BodyType, Draft};
use super::{attachments, body, client, headers, path};

pub struct GmailForward;

fn yes() -> bool {
    true
}

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
    /// ID of the message to forward
    pub messageId: String,
    /// Recipients to forward the message to
    pub to: Vec<String>,
    /// CC recipients
    #[serde(default)]
    pub cc: Vec<String>,
    /// BCC recipients
    #[serde(default)]
    pub bcc: Vec<String>,
    /// Optional custom subject (defaults to 'Fwd: [original subject]')
    #[serde(default)]
    pub subject: String,
    /// Optional message to include before the forwarded content
    #[serde(default)]
    pub forwardMessage: String,
    /// Include attachments from the original message
    #[serde(default = "yes")]
    pub includeAttachments: bool,
    /// Content type: 'auto' (default - detects HTML), 'plain', or 'html'
    #[serde(default)]
    pub content_type: Option<BodyType>,
    /// Additional files to attach
    #[serde(default)]
    pub additionalAttachments: Vec<String>,
}

#[derive(Serialize, JsonSchema)]
#[serde(tag = "pin", content = "value")]
pub enum Output {
    /// Forwarded message ID
    #[serde(rename = "messageId")]
    MessageId(String),
    /// Thread ID
    #[serde(rename = "threadId")]
    ThreadId(String),
    /// Forward status
    #[serde(rename = "status")]
    Status(String),
}

impl Block for GmailForward {
    const META: BlockMeta = BlockMeta::standard(
        "64d2301c-b3f5-4174-8ac0-111ca1e1a7c0",
        "GmailForwardBlock",
        "Forward Gmail messages to other recipients with automatic HTML detection and proper \
         formatting. Preserves original message threading and attachments.",
        &[Category::Communication],
    );
    type Input = Input;
    type Output = Output;

    async fn run(&self, input: Input, cx: &mut Cx<'_, Output>) -> Result<(), BlockError> {
        if input.to.is_empty() {
            return Err(BlockError::Input(
                "At least one recipient is required for forwarding".into(),
            ));
        }
        let mut files = files(cx, &input.additionalAttachments).await?;
        let (client, _) = client(cx, &input.credentials).await?;
        let original = client
            .get_json(
                cx,
                &path(&format!("messages/{}", input.messageId)),
                &[("format", "full".into())],
            )
            .await?;
        let h = headers(&original, false);
        let get = |k: &str, default: &str| h.get(k).cloned().unwrap_or_else(|| default.into());
        let original_subject = get("subject", "No Subject");
        let subject = if !input.subject.is_empty() {
            input.subject.clone()
        } else if original_subject.to_lowercase().starts_with("fwd:") {
            original_subject.clone()
        } else {
            format!("Fwd: {original_subject}")
        };
        let forward_header = format!(
            "\n---------- Forwarded message ---------\nFrom: {}\nDate: {}\nSubject: {}\nTo: {}\n",
            get("from", "Unknown"),
            get("date", "Unknown"),
            original_subject,
            get("to", "Unknown"),
        );
        let original_body = body(&client, cx, &original).await;
        let text = if input.forwardMessage.is_empty() {
            format!("{forward_header}\n\n{original_body}")
        } else {
            format!(
                "{}\n\n{forward_header}\n\n{original_body}",
                input.forwardMessage
            )
        };
        let mut attached = Vec::new();
        if input.includeAttachments {
            for a in attachments(&original) {
                let answer = client
                    .get_json(
                        cx,
                        &path(&format!(
                            "messages/{}/attachments/{}",
                            input.messageId, a.attachment_id
                        )),
                        &[],
                    )
                    .await?;
                let data = answer["data"].as_str().unwrap_or_default();
                let bytes = base64::engine::general_purpose::URL_SAFE_NO_PAD
                    .decode(data.trim_end_matches('='))
                    .map_err(|e| {
                        BlockError::System(format!(
                            "Gmail sent an attachment that is not base64: {e}"
                        ))
                    })?;
                attached.push((a.filename, bytes));
            }
        }
        attached.append(&mut files);
        let raw = Draft {
            to: input.to,
            cc: input.cc,
            bcc: input.bcc,
            subject,
            body: text,
            body_type: input.content_type,
            attachments: attached,
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
        cx.emit(Output::MessageId(
            sent["id"].as_str().unwrap_or_default().into(),
        ));
        cx.emit(Output::ThreadId(
            sent["threadId"].as_str().unwrap_or_default().into(),
        ));
        cx.emit(Output::Status("forwarded".into()));
        Ok(())
    }
}
