//! The raw message Gmail's `users.messages.send` and `users.drafts.create` take: a
//! `multipart/mixed` MIME message (lettre formats and encodes it) as URL-safe base64. No
//! `From`: Gmail fills in the signed-in user, as with AutoGPT's messages. One builder for every
//! Gmail block that writes a message.

use agentry_core::{BlockError, Cx};
use agentry_services::files::media;
use base64::Engine;
use lettre::message::header::{self, ContentType, HeaderName, HeaderValue, Headers};
use lettre::message::{Attachment, MultiPart, SinglePart};
use schemars::JsonSchema;
use serde::{Deserialize, Serialize};

/// AutoGPT's `content_type` input: `auto` (or absent) looks for HTML tags.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize, JsonSchema)]
#[serde(rename_all = "lowercase")]
pub enum BodyType {
    Auto,
    Plain,
    Html,
}

/// A message to send.
#[derive(Debug, Default)]
pub struct Draft {
    pub to: Vec<String>,
    pub cc: Vec<String>,
    pub bcc: Vec<String>,
    pub subject: String,
    pub body: String,
    pub body_type: Option<BodyType>,
    pub in_reply_to: Option<String>,
    pub references: Option<String>,
    /// File name and content.
    pub attachments: Vec<(String, Vec<u8>)>,
}

/// AutoGPT's `_make_mime_text` choice: HTML when the first 500 characters hold both `<` and
/// `>`, unless the caller says.
pub fn is_html(body: &str, body_type: Option<BodyType>) -> bool {
    match body_type {
        Some(BodyType::Html) => true,
        Some(BodyType::Plain) => false,
        None | Some(BodyType::Auto) => {
            let head: String = body.chars().take(500).collect();
            head.contains('<') && head.contains('>')
        }
    }
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

/// The pins a new message is written from, shared by GmailSendBlock and
/// GmailCreateDraftBlock (flattened into their inputs, in AutoGPT's order).
#[derive(Debug, Deserialize, JsonSchema)]
pub struct NewMessage {
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

impl NewMessage {
    /// The message as Gmail's `raw` field, its files fetched.
    pub async fn raw<O: Serialize>(self, cx: &mut Cx<'_, O>) -> Result<String, BlockError> {
        let attachments = files(cx, &self.attachments).await?;
        Draft {
            to: self.to,
            cc: self.cc,
            bcc: self.bcc,
            subject: self.subject,
            body: self.body,
            body_type: self.content_type,
            attachments,
            ..Default::default()
        }
        .raw()
    }
}

fn raw_header(headers: &mut Headers, name: &'static str, value: String) {
    headers.insert_raw(HeaderValue::new(
        HeaderName::new_from_ascii_str(name),
        value,
    ));
}

impl Draft {
    /// The message as Gmail's `raw` field.
    pub fn raw(self) -> Result<String, BlockError> {
        let mut headers = Headers::new();
        if !self.to.is_empty() {
            raw_header(&mut headers, "To", self.to.join(", "));
        }
        if !self.cc.is_empty() {
            raw_header(&mut headers, "Cc", self.cc.join(", "));
        }
        if !self.bcc.is_empty() {
            raw_header(&mut headers, "Bcc", self.bcc.join(", "));
        }
        headers.set(header::Subject::from(self.subject));
        if let Some(id) = self.in_reply_to {
            raw_header(&mut headers, "In-Reply-To", id);
        }
        if let Some(refs) = self.references {
            raw_header(&mut headers, "References", refs);
        }
        headers.set(header::MIME_VERSION_1_0);
        let text = if is_html(&self.body, self.body_type) {
            SinglePart::builder()
                .header(ContentType::TEXT_HTML)
                .body(self.body)
        } else {
            SinglePart::builder()
                .header(ContentType::TEXT_PLAIN)
                .body(self.body)
        };
        let octets = ContentType::parse("application/octet-stream")
            .map_err(|e| BlockError::System(format!("content type: {e}")))?;
        let mut multipart = MultiPart::mixed().singlepart(text);
        for (name, bytes) in self.attachments {
            multipart = multipart.singlepart(Attachment::new(name).body(bytes, octets.clone()));
        }
        let mut out = headers.to_string().into_bytes();
        out.extend(multipart.formatted());
        Ok(base64::engine::general_purpose::URL_SAFE.encode(out))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn decoded(raw: &str) -> String {
        let bytes = base64::engine::general_purpose::URL_SAFE
            .decode(raw)
            .unwrap();
        String::from_utf8(bytes).unwrap()
    }

    #[test]
    fn html_is_detected_in_the_first_500_characters() {
        assert!(is_html("<p>Hi</p>", None));
        assert!(!is_html("2 < 3", Some(BodyType::Auto)));
        assert!(!is_html(&format!("{}<b>", "x".repeat(500)), None));
        assert!(!is_html("<p>", Some(BodyType::Plain)));
        assert!(is_html("plain", Some(BodyType::Html)));
    }

    #[test]
    fn messages_carry_recipients_subject_body_and_files() {
        let raw = Draft {
            to: vec!["a@example.com".into(), "b@example.com".into()],
            bcc: vec!["c@example.com".into()],
            subject: "Hello é".into(),
            body: "Line one\nLine two".into(),
            in_reply_to: Some("<m1@mail.gmail.com>".into()),
            attachments: vec![("notes.txt".into(), b"file".to_vec())],
            ..Default::default()
        }
        .raw()
        .unwrap();
        let text = decoded(&raw);
        assert!(
            text.contains("To: a@example.com, b@example.com\r\n"),
            "{text}"
        );
        assert!(text.contains("Bcc: c@example.com\r\n"), "{text}");
        assert!(
            text.contains("Subject: Hello =?utf-8?b?w6k=?=\r\n"),
            "{text}"
        );
        assert!(text.contains("In-Reply-To: <m1@mail.gmail.com>"), "{text}");
        assert!(text.contains("multipart/mixed"), "{text}");
        assert!(text.contains("Content-Type: text/plain"), "{text}");
        assert!(text.contains("Line one\r\nLine two"), "{text}");
        assert!(text.contains("filename=\"notes.txt\""), "{text}");
        assert!(!text.contains("From:"), "{text}");
    }
}
