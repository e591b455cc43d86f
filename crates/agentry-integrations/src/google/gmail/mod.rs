//! Gmail (AutoGPT's `google/gmail.py`): the blocks and what they share — the `Email` shape
//! AutoGPT yields, reading a message (`users.messages.get`) into it, finding a label by name.
//! Every call is `{base}/gmail/v1/users/me/…` with the user's OAuth2 token.

pub mod add_label;
pub mod drafts;
pub mod forward;
pub mod labels;
pub mod mime;
pub mod read;
pub mod reply;
pub mod send;
pub mod thread;

use agentry_core::{BlockError, CredentialsMeta, Cx, Registry};
use base64::Engine;
use schemars::JsonSchema;
use serde::{Deserialize, Serialize};
use serde_json::Value;

use crate::api::{Client, meta_for};

pub fn register(r: &mut Registry) {
    r.register(add_label::GmailAddLabel);
    r.register(forward::GmailForward);
    r.register(read::GmailRead);
    r.register(reply::GmailReply);
    r.register(send::GmailSend);
    r.register(drafts::GmailCreateDraft);
    r.register(drafts::GmailDraftReply);
    r.register(labels::GmailListLabels);
    r.register(labels::GmailRemoveLabel);
    r.register(thread::GmailGetThread);
    r.register(thread::GmailGetProfile);
}

pub const SCOPE_READONLY: &str = "https://www.googleapis.com/auth/gmail.readonly";
pub const SCOPE_SEND: &str = "https://www.googleapis.com/auth/gmail.send";
pub const SCOPE_MODIFY: &str = "https://www.googleapis.com/auth/gmail.modify";
/// With only this scope Gmail refuses `q` and full bodies, so AutoGPT asks for metadata.
pub const SCOPE_METADATA: &str = "https://www.googleapis.com/auth/gmail.metadata";

/// The path of a Gmail API call for the signed-in user.
pub fn path(rest: &str) -> String {
    format!("/gmail/v1/users/me/{rest}")
}

/// The Gmail client for the user's credential that `credentials` names.
pub async fn client<O: Serialize>(
    cx: &mut Cx<'_, O>,
    credentials: &CredentialsMeta,
) -> Result<(Client, Vec<String>), BlockError> {
    let meta = meta_for(credentials, super::PROVIDER);
    let credential = crate::api::credential(cx, &meta).await?;
    let scopes = match &credential.secret {
        agentry_core::credentials::CredentialSecret::Oauth2 { scopes, .. } => {
            scopes.iter().map(|s| s.to_lowercase()).collect()
        }
        _ => Vec::new(),
    };
    Ok((Client::new(cx, super::GMAIL, &meta, credential)?, scopes))
}

/// AutoGPT's `Attachment`.
#[derive(Debug, Clone, Serialize, Deserialize, JsonSchema)]
pub struct Attachment {
    pub filename: String,
    pub content_type: String,
    pub size: i64,
    pub attachment_id: String,
}

/// AutoGPT's `Email` (its keys as pydantic dumps them, `from_` included).
#[derive(Debug, Clone, Serialize, Deserialize, JsonSchema)]
pub struct Email {
    #[serde(rename = "threadId")]
    pub thread_id: String,
    #[serde(rename = "labelIds")]
    pub label_ids: Vec<String>,
    pub id: String,
    pub subject: String,
    pub snippet: String,
    pub from_: String,
    pub to: Vec<String>,
    pub cc: Vec<String>,
    pub bcc: Vec<String>,
    pub date: String,
    pub body: String,
    #[serde(rename = "sizeEstimate")]
    pub size_estimate: i64,
    pub attachments: Vec<Attachment>,
}

/// A message's headers by lower-cased name; the last of duplicates wins (a Python dict
/// comprehension), except where `first_wins`.
pub fn headers(msg: &Value, first_wins: bool) -> std::collections::HashMap<String, String> {
    let mut out = std::collections::HashMap::new();
    let list = msg
        .pointer("/payload/headers")
        .and_then(Value::as_array)
        .cloned()
        .unwrap_or_default();
    for h in list {
        let name = h["name"].as_str().unwrap_or_default().to_lowercase();
        let value = h["value"].as_str().unwrap_or_default().to_string();
        if first_wins && out.contains_key(&name) {
            continue;
        }
        out.insert(name, value);
    }
    out
}

/// Python's `email.utils.getaddresses([header])`, addresses only: split at commas outside
/// quotes and angle brackets, the part inside `<…>` when there is one.
pub fn addresses(header: &str) -> Vec<String> {
    let mut parts = Vec::new();
    let (mut current, mut quoted, mut angle) = (String::new(), false, false);
    for c in header.chars() {
        match c {
            '"' if !angle => quoted = !quoted,
            '<' if !quoted => angle = true,
            '>' if !quoted => angle = false,
            ',' if !quoted && !angle => {
                parts.push(std::mem::take(&mut current));
                continue;
            }
            _ => {}
        }
        current.push(c);
    }
    parts.push(current);
    parts
        .iter()
        .map(|p| address(p))
        .filter(|a| !a.is_empty())
        .collect()
}

/// Python's `email.utils.parseaddr(text)[1]`.
pub fn address(text: &str) -> String {
    let text = text.trim();
    match (text.rfind('<'), text.rfind('>')) {
        (Some(open), Some(close)) if open < close => text[open + 1..close].trim().to_string(),
        _ => text.trim_matches('"').trim().to_string(),
    }
}

/// Gmail's URL-safe base64, padded or not; `None` when it is not UTF-8 text.
pub fn decode_text(data: &str) -> Option<String> {
    let bytes = base64::engine::general_purpose::URL_SAFE_NO_PAD
        .decode(data.trim_end_matches('='))
        .ok()?;
    String::from_utf8(bytes).ok()
}

/// The message's readable body: the first `text/plain` or `text/html` part with data, or a
/// part whose body is stored as an attachment, depth first (AutoGPT's `_walk_for_body`);
/// HTML is passed on as it is (AutoGPT's fallback without html2text).
pub async fn body<O: Serialize>(client: &Client, cx: &mut Cx<'_, O>, msg: &Value) -> String {
    let id = msg["id"].as_str().unwrap_or_default();
    let mut parts = Vec::new();
    flatten(&msg["payload"], 0, &mut parts);
    for part in parts {
        let mime = part["mimeType"].as_str().unwrap_or_default();
        let data = part.pointer("/body/data").and_then(Value::as_str);
        if let Some(data) = data.filter(|d| !d.is_empty())
            && (mime == "text/plain" || mime == "text/html")
            && let Some(text) = decode_text(data)
            && !text.is_empty()
        {
            return text;
        }
        if let Some(attachment) = part.pointer("/body/attachmentId").and_then(Value::as_str) {
            let path = path(&format!("messages/{id}/attachments/{attachment}"));
            // A failed download is skipped, as AutoGPT's `except Exception: return None`.
            if let Ok(answer) = client.get_json(cx, &path, &[]).await
                && let Some(text) = answer["data"].as_str().and_then(decode_text)
                && !text.is_empty()
            {
                return text;
            }
        }
    }
    "This email does not contain a readable body.".into()
}

/// The parts in the order the recursive walk visits them (itself, then each child), to
/// depth 10.
fn flatten<'v>(part: &'v Value, depth: usize, out: &mut Vec<&'v Value>) {
    if depth > 10 || !part.is_object() {
        return;
    }
    out.push(part);
    for child in part["parts"].as_array().into_iter().flatten() {
        flatten(child, depth + 1, out);
    }
}

/// The top-level parts that carry a file name.
pub fn attachments(msg: &Value) -> Vec<Attachment> {
    msg.pointer("/payload/parts")
        .and_then(Value::as_array)
        .into_iter()
        .flatten()
        .filter(|p| p["filename"].as_str().is_some_and(|f| !f.is_empty()))
        .map(|p| Attachment {
            filename: p["filename"].as_str().unwrap_or_default().into(),
            content_type: p["mimeType"].as_str().unwrap_or_default().into(),
            size: p.pointer("/body/size").and_then(Value::as_i64).unwrap_or(0),
            attachment_id: p
                .pointer("/body/attachmentId")
                .and_then(Value::as_str)
                .unwrap_or_default()
                .into(),
        })
        .collect()
}

/// A message as AutoGPT's `Email`.
pub async fn email<O: Serialize>(client: &Client, cx: &mut Cx<'_, O>, msg: &Value) -> Email {
    let h = headers(msg, false);
    let get = |k: &str| h.get(k).cloned().unwrap_or_default();
    Email {
        thread_id: msg["threadId"].as_str().unwrap_or_default().into(),
        label_ids: strings(&msg["labelIds"]),
        id: msg["id"].as_str().unwrap_or_default().into(),
        subject: h
            .get("subject")
            .cloned()
            .unwrap_or_else(|| "No Subject".into()),
        snippet: msg["snippet"].as_str().unwrap_or_default().into(),
        from_: address(&get("from")),
        to: addresses(&get("to")),
        cc: addresses(&get("cc")),
        bcc: addresses(&get("bcc")),
        date: get("date"),
        body: body(client, cx, msg).await,
        size_estimate: msg["sizeEstimate"].as_i64().unwrap_or(0),
        attachments: attachments(msg),
    }
}

pub fn strings(value: &Value) -> Vec<String> {
    value
        .as_array()
        .into_iter()
        .flatten()
        .filter_map(Value::as_str)
        .map(str::to_string)
        .collect()
}

/// The id of the user's label named `name`, if there is one (`users.labels.list`).
pub async fn label_id<O: Serialize>(
    client: &Client,
    cx: &mut Cx<'_, O>,
    name: &str,
) -> Result<Option<String>, BlockError> {
    let list = client.get_json(cx, &path("labels"), &[]).await?;
    Ok(list["labels"]
        .as_array()
        .into_iter()
        .flatten()
        .find(|l| l["name"] == name)
        .and_then(|l| l["id"].as_str())
        .map(str::to_string))
}

#[cfg(test)]
#[path = "gmail_tests.rs"]
mod tests;

#[cfg(test)]
#[path = "gmail_more_tests.rs"]
mod more_tests;
