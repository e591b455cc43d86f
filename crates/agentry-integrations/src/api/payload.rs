//! What a request carries: nothing, JSON, form fields, multipart parts or raw bytes.

use agentry_core::BlockError;
use serde_json::Value;

use crate::error::IntegrationError;

/// What a request carries: nothing, JSON, form fields (Reddit's `/api/...` endpoints),
/// multipart parts (Discord's file uploads, rebuilt for every attempt because a multipart body
/// is consumed by sending it) or raw bytes (Drive's uploads).
#[derive(Debug, Clone, Copy)]
pub enum Payload<'s> {
    Empty,
    Json(&'s Value),
    Form(&'s [(&'s str, String)]),
    Multipart(&'s [Part]),
    /// Raw bytes of one content type (a Drive upload's content).
    Bytes {
        content_type: &'s str,
        bytes: &'s [u8],
    },
}

/// One part of a multipart body.
#[derive(Debug, Clone)]
pub struct Part {
    pub name: String,
    pub file_name: Option<String>,
    pub content_type: String,
    pub bytes: Vec<u8>,
}

impl Part {
    pub(super) fn to_reqwest(&self) -> Result<reqwest::multipart::Part, IntegrationError> {
        let part = reqwest::multipart::Part::bytes(self.bytes.clone());
        let part = match &self.file_name {
            Some(name) => part.file_name(name.clone()),
            None => part,
        };
        part.mime_str(&self.content_type).map_err(|e| {
            IntegrationError::Transport(BlockError::Input(format!(
                "'{}' is not a valid content type ({e})",
                self.content_type
            )))
        })
    }
}
