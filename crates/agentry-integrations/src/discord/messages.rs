//! Sending: SendDiscordMessageBlock (in 2000-character chunks), SendDiscordDMBlock (a DM
//! channel, then the message), SendDiscordEmbedBlock and ReplyToDiscordMessageBlock, each
//! `POST /v10/channels/{id}/messages`. As AutoGPT, what went wrong with the channel or message
//! is told on `status`; refused tokens and provider failures are errors.

use agentry_core::{Block, BlockError, BlockMeta, Category, Cx};
use reqwest::Method;
use schemars::JsonSchema;
use serde::Serialize;
use serde_json::{Map, Value, json};

use super::{discord_bot_input, get_found, id_of, path, text_channel};
use crate::api::Client;

/// Discord's message length limit.
const LIMIT: usize = 2000;

async fn post_message<O: Serialize>(
    cx: &mut Cx<'_, O>,
    client: &Client,
    channel: &str,
    body: &Value,
) -> Result<Value, BlockError> {
    let at = format!("{}/messages", path("channels", channel));
    Ok(client.send_json(cx, Method::POST, &at, body).await?)
}

/// `text` in pieces of at most `LIMIT` characters (an empty text is no piece).
pub fn chunks(text: &str) -> Vec<String> {
    let chars: Vec<char> = text.chars().collect();
    chars.chunks(LIMIT).map(|c| c.iter().collect()).collect()
}

discord_bot_input!(
    pub struct MessageInput {
        /// The content of the message to send
        pub message_content: String,
        /// Channel ID or channel name to send the message to
        pub channel_name: String,
        /// Server name (only needed if using channel name)
        #[serde(default)]
        pub server_name: String,
    }
);

#[derive(Serialize, JsonSchema)]
#[serde(tag = "pin", content = "value", rename_all = "snake_case")]
pub enum MessageOutput {
    /// The status of the operation (e.g., 'Message sent', 'Error')
    Status(String),
    /// The ID of the sent message
    MessageId(String),
    /// The ID of the channel where the message was sent
    ChannelId(String),
}

pub struct SendDiscordMessage;

impl Block for SendDiscordMessage {
    const META: BlockMeta = BlockMeta::standard(
        "d0822ab5-9f8a-44a3-8971-531dd0178b6b",
        "SendDiscordMessageBlock",
        "Sends a message to a Discord channel using a bot token.",
        &[Category::Social],
    );
    type Input = MessageInput;
    type Output = MessageOutput;

    async fn run(
        &self,
        input: MessageInput,
        cx: &mut Cx<'_, MessageOutput>,
    ) -> Result<(), BlockError> {
        let client = super::client(cx, &input.credentials).await?;
        let Some(channel) =
            text_channel(cx, &client, &input.channel_name, &input.server_name, true).await?
        else {
            cx.emit(MessageOutput::Status(format!(
                "Channel not found: {}",
                input.channel_name
            )));
            return Ok(());
        };
        let channel_id = id_of(&channel);
        let mut last = String::new();
        for chunk in chunks(&input.message_content) {
            last =
                id_of(&post_message(cx, &client, &channel_id, &json!({"content": chunk})).await?);
        }
        cx.emit(MessageOutput::Status("Message sent".into()));
        cx.emit(MessageOutput::MessageId(last));
        cx.emit(MessageOutput::ChannelId(channel_id));
        Ok(())
    }
}

discord_bot_input!(
    pub struct DmInput {
        /// The Discord user ID to send the DM to (e.g., '123456789012345678')
        pub user_id: String,
        /// The content of the direct message to send
        pub message_content: String,
    }
);

#[derive(Serialize, JsonSchema)]
#[serde(tag = "pin", content = "value", rename_all = "snake_case")]
pub enum SentOutput {
    /// The status of the operation
    Status(String),
    /// The ID of the sent message
    MessageId(String),
}

pub struct SendDiscordDM;

impl Block for SendDiscordDM {
    const META: BlockMeta = BlockMeta::standard(
        "40d71a5a-e268-4060-9ee0-38ae6f225682",
        "SendDiscordDMBlock",
        "Sends a direct message to a Discord user using their user ID.",
        &[Category::Social],
    );
    type Input = DmInput;
    type Output = SentOutput;

    async fn run(&self, input: DmInput, cx: &mut Cx<'_, SentOutput>) -> Result<(), BlockError> {
        if input.user_id.trim().parse::<u64>().is_err() {
            cx.emit(SentOutput::Status(format!(
                "Invalid user ID format: {}",
                input.user_id
            )));
            return Ok(());
        }
        let client = super::client(cx, &input.credentials).await?;
        if get_found(cx, &client, &path("users", &input.user_id))
            .await?
            .is_none()
        {
            cx.emit(SentOutput::Status(format!(
                "User with ID {} not found",
                input.user_id
            )));
            return Ok(());
        }
        let dm = client
            .send_json(
                cx,
                Method::POST,
                "/v10/users/@me/channels",
                &json!({"recipient_id": input.user_id.trim()}),
            )
            .await?;
        let message = post_message(
            cx,
            &client,
            &id_of(&dm),
            &json!({"content": input.message_content}),
        )
        .await?;
        cx.emit(SentOutput::Status("DM sent successfully".into()));
        cx.emit(SentOutput::MessageId(id_of(&message)));
        Ok(())
    }
}

fn blurple() -> i64 {
    0x5865F2
}

discord_bot_input!(
    pub struct EmbedInput {
        /// Channel ID or channel name to send the embed to
        pub channel_identifier: String,
        /// Server name (only needed if using channel name)
        #[serde(default)]
        pub server_name: String,
        /// The title of the embed
        #[serde(default)]
        pub title: String,
        /// The main content/description of the embed
        #[serde(default)]
        pub description: String,
        /// Embed color as integer (e.g., 0x00ff00 for green)
        #[serde(default = "blurple")]
        pub color: i64,
        /// URL for the thumbnail image
        #[serde(default)]
        pub thumbnail_url: String,
        /// URL for the main embed image
        #[serde(default)]
        pub image_url: String,
        /// Author name to display
        #[serde(default)]
        pub author_name: String,
        /// Footer text
        #[serde(default)]
        pub footer_text: String,
        /// List of field dictionaries with 'name', 'value', and optional 'inline' keys
        #[serde(default)]
        pub fields: Vec<Map<String, Value>>,
    }
);

/// The embed as discord.py's `Embed.to_dict` sends it: empty parts left out, fields that lack
/// a name or value skipped, fields inline unless told otherwise.
pub fn embed(input: &EmbedInput) -> Value {
    let mut embed = json!({"type": "rich", "color": input.color});
    let parts = [
        ("title", &input.title, None),
        ("description", &input.description, None),
        ("thumbnail", &input.thumbnail_url, Some("url")),
        ("image", &input.image_url, Some("url")),
        ("author", &input.author_name, Some("name")),
        ("footer", &input.footer_text, Some("text")),
    ];
    for (key, value, inner) in parts {
        if value.is_empty() {
            continue;
        }
        embed[key] = match inner {
            Some(inner) => json!({inner: value}),
            None => json!(value),
        };
    }
    let fields: Vec<Value> = input
        .fields
        .iter()
        .filter(|f| f.contains_key("name") && f.contains_key("value"))
        .map(|f| {
            let text = |v: &Value| v.as_str().map_or_else(|| v.to_string(), str::to_string);
            json!({"name": text(&f["name"]), "value": text(&f["value"]),
                   "inline": f.get("inline").and_then(Value::as_bool).unwrap_or(true)})
        })
        .collect();
    if !fields.is_empty() {
        embed["fields"] = json!(fields);
    }
    embed
}

pub struct SendDiscordEmbed;

impl Block for SendDiscordEmbed {
    const META: BlockMeta = BlockMeta::standard(
        "c76293f4-9ae8-454d-a029-0a3f8c5bc499",
        "SendDiscordEmbedBlock",
        "Sends a rich embed message to a Discord channel.",
        &[Category::Social],
    );
    type Input = EmbedInput;
    type Output = SentOutput;

    async fn run(&self, input: EmbedInput, cx: &mut Cx<'_, SentOutput>) -> Result<(), BlockError> {
        let client = super::client(cx, &input.credentials).await?;
        let found = text_channel(
            cx,
            &client,
            &input.channel_identifier,
            &input.server_name,
            false,
        )
        .await?;
        let Some(channel) = found else {
            cx.emit(SentOutput::Status(format!(
                "Channel not found: {}",
                input.channel_identifier
            )));
            return Ok(());
        };
        let message = post_message(
            cx,
            &client,
            &id_of(&channel),
            &json!({"embeds": [embed(&input)]}),
        )
        .await?;
        cx.emit(SentOutput::Status("Embed sent successfully".into()));
        cx.emit(SentOutput::MessageId(id_of(&message)));
        Ok(())
    }
}

fn yes() -> bool {
    true
}

discord_bot_input!(
    pub struct ReplyInput {
        /// The channel ID where the message to reply to is located
        pub channel_id: String,
        /// The ID of the message to reply to
        pub message_id: String,
        /// The content of the reply
        pub reply_content: String,
        /// Whether to mention the original message author
        #[serde(default = "yes")]
        pub mention_author: bool,
    }
);

#[derive(Serialize, JsonSchema)]
#[serde(tag = "pin", content = "value", rename_all = "snake_case")]
pub enum ReplyOutput {
    /// Operation status
    Status(String),
    /// ID of the reply message
    ReplyId(String),
}

pub struct ReplyToDiscordMessage;

impl Block for ReplyToDiscordMessage {
    const META: BlockMeta = BlockMeta::standard(
        "7226cb99-6e7b-4672-b6b2-acec95336eec",
        "ReplyToDiscordMessageBlock",
        "Replies to a specific Discord message.",
        &[Category::Social],
    );
    type Input = ReplyInput;
    type Output = ReplyOutput;

    async fn run(&self, input: ReplyInput, cx: &mut Cx<'_, ReplyOutput>) -> Result<(), BlockError> {
        let numeric = |id: &str| id.trim().parse::<u64>().is_ok();
        if !numeric(&input.channel_id) || !numeric(&input.message_id) {
            cx.emit(ReplyOutput::Status(
                "Invalid ID format: not a Discord ID".into(),
            ));
            return Ok(());
        }
        let client = super::client(cx, &input.credentials).await?;
        let original = format!(
            "{}/messages/{}",
            path("channels", &input.channel_id),
            crate::api::segment(input.message_id.trim())
        );
        if get_found(cx, &client, &original).await?.is_none() {
            cx.emit(ReplyOutput::Status(format!(
                "Message with ID {} not found",
                input.message_id
            )));
            return Ok(());
        }
        let body = json!({
            "content": input.reply_content,
            "message_reference": {"message_id": input.message_id.trim(),
                                  "channel_id": input.channel_id.trim()},
            // discord.py's default mentions, the replied-to author as asked.
            "allowed_mentions": {"parse": ["everyone", "users", "roles"],
                                 "replied_user": input.mention_author},
        });
        let reply = post_message(cx, &client, &input.channel_id, &body).await?;
        cx.emit(ReplyOutput::Status("Reply sent successfully".into()));
        cx.emit(ReplyOutput::ReplyId(id_of(&reply)));
        Ok(())
    }
}
