//! SendDiscordFileBlock: the file (a data URI, URL or run file, read as every file pin is) sent
//! as a `multipart/form-data` message, `files[0]` the file and `payload_json` the message with
//! its `attachments` entry, as Discord's reference describes uploads. As AutoGPT, a channel not
//! found or a file that cannot be read or sent is told on `status`.

use agentry_core::{Block, BlockError, BlockMeta, Category, Cx};
use agentry_services::files::media;
use reqwest::Method;
use schemars::JsonSchema;
use serde::Serialize;
use serde_json::json;

use super::{discord_bot_input, id_of, path, text_channel};
use crate::api::{Part, Payload};
use crate::error::IntegrationError;

pub struct SendDiscordFile;

discord_bot_input!(
    pub struct FileInput {
        /// Channel ID or channel name to send the file to
        pub channel_identifier: String,
        /// Server name (only needed if using channel name)
        #[serde(default)]
        pub server_name: String,
        /// The file to send (URL, data URI, or local path). Supports images, videos, documents, etc.
        #[schemars(extend("format" = "file"))]
        pub file: String,
        /// Name of the file when sent (e.g., 'report.pdf', 'image.png')
        #[serde(default)]
        pub filename: String,
        /// Optional message to send with the file
        #[serde(default)]
        pub message_content: String,
    }
);

#[derive(Serialize, JsonSchema)]
#[serde(tag = "pin", content = "value", rename_all = "snake_case")]
pub enum FileOutput {
    /// Operation status
    Status(String),
    /// ID of the sent message
    MessageId(String),
}

impl Block for SendDiscordFile {
    const META: BlockMeta = BlockMeta::standard(
        "b1628cf2-4622-49bf-80cf-10e55826e247",
        "SendDiscordFileBlock",
        "Sends a file attachment to a Discord channel.",
        &[Category::Social],
    );
    type Input = FileInput;
    type Output = FileOutput;

    async fn run(&self, input: FileInput, cx: &mut Cx<'_, FileOutput>) -> Result<(), BlockError> {
        let client = super::client(cx, &input.credentials).await?;
        // A number is looked up as an id only, as discord.py's `get_channel` does.
        let Some(channel) = text_channel(
            cx,
            &client,
            &input.channel_identifier,
            &input.server_name,
            false,
        )
        .await?
        else {
            cx.emit(FileOutput::Status(format!(
                "Channel not found: {}",
                input.channel_identifier
            )));
            return Ok(());
        };
        let (name, bytes) = match read(cx, &input.file).await {
            Ok(read) => read,
            Err(e) => {
                cx.emit(FileOutput::Status(format!("Error sending file: {e}")));
                return Ok(());
            }
        };
        if bytes.is_empty() {
            cx.emit(FileOutput::Status(
                "Error: Could not read file content".into(),
            ));
            return Ok(());
        }
        let filename = match input.filename.trim() {
            "" => name,
            given => given.to_string(),
        };
        let mut message = json!({"attachments": [{"id": 0, "filename": filename}]});
        if !input.message_content.is_empty() {
            message["content"] = json!(input.message_content);
        }
        let parts = [
            Part {
                name: "payload_json".into(),
                file_name: None,
                content_type: "application/json".into(),
                bytes: message.to_string().into_bytes(),
            },
            Part {
                name: "files[0]".into(),
                content_type: media::mime_of(&filename).into(),
                file_name: Some(filename),
                bytes,
            },
        ];
        let at = format!("{}/messages", path("channels", &id_of(&channel)));
        let sent = client
            .send_payload(cx, Method::POST, &at, &[], Payload::Multipart(&parts))
            .await;
        match sent {
            Ok(message) => {
                cx.emit(FileOutput::Status("File sent successfully".into()));
                cx.emit(FileOutput::MessageId(id_of(&message)));
            }
            // Discord refusing this message (too large, no permission to attach) is a status;
            // a refused token or an outage stays an error.
            Err(IntegrationError::Rejected { message, .. }) => {
                cx.emit(FileOutput::Status(format!("Error sending file: {message}")));
            }
            Err(e) => return Err(e.into()),
        }
        Ok(())
    }
}

/// The file's name and bytes.
async fn read(cx: &mut Cx<'_, FileOutput>, file: &str) -> Result<(String, Vec<u8>), BlockError> {
    let stored = media::store(cx, file).await?;
    Ok((stored.name().to_string(), stored.bytes().await?))
}

#[cfg(test)]
#[path = "files_tests.rs"]
mod tests;
