//! CreateDiscordThreadBlock: a public or private thread in a text channel (`POST
//! /v10/channels/{id}/threads`), with an optional first message.

use agentry_core::{Block, BlockError, BlockMeta, Category, Cx};
use reqwest::Method;
use schemars::JsonSchema;
use serde::{Deserialize, Serialize};
use serde_json::json;

use super::{channels_named, discord_bot_input, get_found, id_of, path};

/// AutoGPT's `ThreadArchiveDuration`: minutes, as text.
#[derive(Debug, Clone, Copy, Default, Deserialize, Serialize, JsonSchema)]
pub enum ThreadArchiveDuration {
    #[serde(rename = "60")]
    OneHour,
    #[serde(rename = "1440")]
    OneDay,
    #[serde(rename = "4320")]
    ThreeDays,
    #[default]
    #[serde(rename = "10080")]
    OneWeek,
}

impl ThreadArchiveDuration {
    pub fn minutes(self) -> i64 {
        match self {
            ThreadArchiveDuration::OneHour => 60,
            ThreadArchiveDuration::OneDay => 1440,
            ThreadArchiveDuration::ThreeDays => 4320,
            ThreadArchiveDuration::OneWeek => 10080,
        }
    }
}

discord_bot_input!(
    pub struct Input {
        /// Channel ID or channel name to create the thread in
        pub channel_name: String,
        /// Server name (only needed if using channel name)
        #[serde(default)]
        pub server_name: String,
        /// The name of the thread to create
        pub thread_name: String,
        /// Whether to create a private thread (requires Boost Level 2+) or public thread
        #[serde(default)]
        pub is_private: bool,
        /// Duration before the thread is automatically archived
        #[serde(default)]
        pub auto_archive_duration: ThreadArchiveDuration,
        /// Optional initial message to send in the thread
        #[serde(default)]
        pub message_content: String,
    }
);

#[derive(Serialize, JsonSchema)]
#[serde(tag = "pin", content = "value", rename_all = "snake_case")]
pub enum Output {
    /// Operation status
    Status(String),
    /// ID of the created thread
    ThreadId(String),
    /// Name of the created thread
    ThreadName(String),
}

pub struct CreateDiscordThread;

impl Block for CreateDiscordThread {
    const META: BlockMeta = BlockMeta::standard(
        "e8f3c9a2-7b5d-4f1e-9c6a-3d8e2b4f7a1c",
        "CreateDiscordThreadBlock",
        "Creates a new thread in a Discord channel.",
        &[Category::Social],
    );
    type Input = Input;
    type Output = Output;

    async fn run(&self, input: Input, cx: &mut Cx<'_, Output>) -> Result<(), BlockError> {
        let client = super::client(cx, &input.credentials).await?;
        let channel = if input.channel_name.trim().parse::<u64>().is_ok() {
            let found = get_found(cx, &client, &path("channels", &input.channel_name)).await?;
            let Some(channel) = found else {
                let status = format!("Channel with ID {} not found", input.channel_name.trim());
                cx.emit(Output::Status(status));
                return Ok(());
            };
            channel
        } else {
            let mut named =
                channels_named(cx, &client, &input.channel_name, &input.server_name, true).await?;
            match named.len() {
                0 => {
                    cx.emit(Output::Status(format!(
                        "Channel not found: {}",
                        input.channel_name
                    )));
                    return Ok(());
                }
                1 => named.remove(0).channel,
                _ => {
                    cx.emit(Output::Status(format!(
                        "Multiple channels named '{}' found. Please specify server_name to \
                         disambiguate.",
                        input.channel_name
                    )));
                    return Ok(());
                }
            }
        };
        // 11: a public thread, 12: a private one.
        let kind = if input.is_private { 12 } else { 11 };
        let body = json!({"name": input.thread_name, "type": kind,
                          "auto_archive_duration": input.auto_archive_duration.minutes()});
        let at = format!("{}/threads", path("channels", &id_of(&channel)));
        let thread = client.send_json(cx, Method::POST, &at, &body).await?;
        if !input.message_content.is_empty() {
            let messages = format!("{}/messages", path("channels", &id_of(&thread)));
            client
                .send_json(
                    cx,
                    Method::POST,
                    &messages,
                    &json!({"content": input.message_content}),
                )
                .await?;
        }
        cx.emit(Output::Status("Thread created successfully".into()));
        cx.emit(Output::ThreadId(id_of(&thread)));
        cx.emit(Output::ThreadName(
            thread["name"].as_str().unwrap_or_default().into(),
        ));
        Ok(())
    }
}
