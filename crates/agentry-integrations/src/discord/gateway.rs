//! ReadDiscordMessagesBlock: as AutoGPT's `discord.py` client, the bot connects to Discord's
//! Gateway WebSocket (`wss://gateway.discord.gg/?v=10&encoding=json`, the base overridable as
//! `discord_gateway`), waits for HELLO (op 10), identifies (op 2), heartbeats (op 1, acked by
//! op 11) every `heartbeat_interval`, and answers the first MESSAGE_CREATE dispatch (op 0) not
//! written by the bot itself. A `.txt` or `.py` first attachment is read and appended, as
//! AutoGPT does. The channel's name comes from the GUILD_CREATE dispatches the gateway sends
//! after READY, else from `GET /v10/channels/{id}`.

use std::collections::HashMap;
use std::sync::Arc;
use std::time::Duration;

use agentry_core::{Block, BlockError, BlockMeta, Category, Cx, SecretString};
use agentry_services::http::OutboundHttp;
use futures::{SinkExt, StreamExt};
use reqwest::Method;
use schemars::JsonSchema;
use serde::Serialize;
use serde_json::{Value, json};
use tokio_tungstenite::tungstenite::Message;
use tokio_tungstenite::{Connector, connect_async_tls_with_config};

use super::{PROVIDER, discord_bot_input, get_found, path};
use crate::settings::IntegrationSettings;

pub const GATEWAY_KEY: &str = "discord_gateway";
pub const DEFAULT_GATEWAY: &str = "wss://gateway.discord.gg";

/// discord.py's `Intents.default()` parts that deliver messages (guilds, guild messages,
/// direct messages), with `message_content` on as AutoGPT sets it.
pub const INTENTS: u64 = (1 << 0) | (1 << 9) | (1 << 12) | (1 << 15);

pub struct ReadDiscordMessages;

discord_bot_input!(
    pub struct ReadInput {}
);

#[derive(Serialize, JsonSchema)]
#[serde(tag = "pin", content = "value", rename_all = "snake_case")]
pub enum ReadOutput {
    /// The content of the message received
    MessageContent(String),
    /// The ID of the message
    MessageId(String),
    /// The ID of the channel
    ChannelId(String),
    /// The name of the channel the message was received from
    ChannelName(String),
    /// The ID of the user who sent the message
    UserId(String),
    /// The username of the user who sent the message
    Username(String),
}

impl Block for ReadDiscordMessages {
    const META: BlockMeta = BlockMeta::standard(
        "df06086a-d5ac-4abb-9996-2ad0acb2eff7",
        "ReadDiscordMessagesBlock",
        "Reads messages from a Discord channel using a bot token.",
        &[Category::Social],
    );
    type Input = ReadInput;
    type Output = ReadOutput;

    async fn run(&self, input: ReadInput, cx: &mut Cx<'_, ReadOutput>) -> Result<(), BlockError> {
        let meta = crate::api::meta_for(&input.credentials, PROVIDER);
        let credential = crate::api::credential(cx, &meta).await?;
        let Some(token) = credential.secret.bearer().cloned() else {
            return Err(BlockError::Input(
                "discord needs a bot token (api_key) to read messages".into(),
            ));
        };
        let base = IntegrationSettings::from_cx(cx).base(GATEWAY_KEY, DEFAULT_GATEWAY);
        let url = format!("{}/?v=10&encoding=json", base.trim_end_matches('/'));
        let seen = next_message(&url, &token).await?;
        let message = &seen.message;
        let channel_id = text(message, "channel_id");
        let author = &message["author"];
        let username = text(author, "username");
        let channel_name = match seen.channels.get(&channel_id) {
            Some(name) => name.clone(),
            None => {
                let client = super::client(cx, &input.credentials).await?;
                let found = get_found(cx, &client, &path("channels", &channel_id)).await?;
                match found.as_ref().and_then(|c| c["name"].as_str()) {
                    Some(name) => name.to_string(),
                    // discord.py's name for a DM channel.
                    None => format!("Direct Message with {username}"),
                }
            }
        };
        let mut content = text(message, "content");
        let first = &message["attachments"][0];
        let filename = text(first, "filename");
        if filename.ends_with(".txt") || filename.ends_with(".py") {
            let http = OutboundHttp::from_cx(cx);
            let request = http.request(Method::GET, first["url"].as_str().unwrap_or(""))?;
            let fetched = http.send(request).await?;
            content.push_str(&format!(
                "\n\nFile from user: {filename}\nContent: {}",
                fetched.text()
            ));
        }
        cx.emit(ReadOutput::MessageContent(content));
        cx.emit(ReadOutput::MessageId(text(message, "id")));
        cx.emit(ReadOutput::ChannelId(channel_id));
        cx.emit(ReadOutput::ChannelName(channel_name));
        cx.emit(ReadOutput::UserId(text(author, "id")));
        cx.emit(ReadOutput::Username(username));
        Ok(())
    }
}

fn text(v: &Value, key: &str) -> String {
    v[key].as_str().unwrap_or_default().to_string()
}

/// The first message someone else wrote, and the channel names the gateway told of.
struct Seen {
    message: Value,
    channels: HashMap<String, String>,
}

fn gateway_error(what: impl std::fmt::Display) -> BlockError {
    BlockError::System(format!("An error occurred: the Discord gateway {what}"))
}

/// TLS with the aws-lc-rs provider and the webpki roots (see the workspace `Cargo.toml`).
fn tls() -> Result<Connector, BlockError> {
    let provider = Arc::new(rustls::crypto::aws_lc_rs::default_provider());
    let roots = rustls::RootCertStore {
        roots: webpki_roots::TLS_SERVER_ROOTS.to_vec(),
    };
    let config = rustls::ClientConfig::builder_with_provider(provider)
        .with_safe_default_protocol_versions()
        .map_err(gateway_error)?
        .with_root_certificates(roots)
        .with_no_client_auth();
    Ok(Connector::Rustls(Arc::new(config)))
}

async fn next_message(url: &str, token: &SecretString) -> Result<Seen, BlockError> {
    let (mut ws, _) = connect_async_tls_with_config(url, None, false, Some(tls()?))
        .await
        .map_err(|e| gateway_error(format_args!("could not be reached ({e})")))?;
    let mut channels = HashMap::new();
    let mut me = String::new();
    let mut sequence = Value::Null;
    let mut beat: Option<tokio::time::Interval> = None;
    loop {
        let frame = match beat.as_mut() {
            Some(interval) => tokio::select! {
                frame = ws.next() => frame,
                _ = interval.tick() => {
                    let heartbeat = json!({"op": 1, "d": sequence}).to_string();
                    ws.send(Message::text(heartbeat)).await.map_err(gateway_error)?;
                    continue;
                }
            },
            None => ws.next().await,
        };
        let frame = match frame {
            Some(Ok(frame)) => frame,
            Some(Err(e)) => return Err(gateway_error(e)),
            None => return Err(gateway_error("closed before a message arrived")),
        };
        let event: Value = match frame {
            Message::Text(body) => serde_json::from_str(&body).map_err(gateway_error)?,
            Message::Close(close) => return Err(closed(close.map(|c| u16::from(c.code)))),
            _ => continue,
        };
        if !event["s"].is_null() {
            sequence = event["s"].clone();
        }
        match event["op"].as_i64() {
            Some(10) => {
                let every = event["d"]["heartbeat_interval"].as_u64().unwrap_or(41_250);
                let every = Duration::from_millis(every.max(1));
                beat = Some(tokio::time::interval_at(
                    tokio::time::Instant::now() + every,
                    every,
                ));
                let identify = json!({"op": 2, "d": {
                    "token": token.expose(),
                    "intents": INTENTS,
                    "properties": {"os": std::env::consts::OS, "browser": "agentry", "device": "agentry"},
                }});
                ws.send(Message::text(identify.to_string()))
                    .await
                    .map_err(gateway_error)?;
            }
            // Discord asks for a heartbeat now.
            Some(1) => {
                let heartbeat = json!({"op": 1, "d": sequence}).to_string();
                ws.send(Message::text(heartbeat))
                    .await
                    .map_err(gateway_error)?;
            }
            Some(7) => return Err(gateway_error("asked the bot to reconnect")),
            Some(9) => return Err(gateway_error("invalidated the session")),
            Some(0) => {
                let d = &event["d"];
                match event["t"].as_str() {
                    Some("READY") => me = text(&d["user"], "id"),
                    Some("GUILD_CREATE") => {
                        let listed = d["channels"].as_array().into_iter().flatten();
                        let threads = d["threads"].as_array().into_iter().flatten();
                        for channel in listed.chain(threads) {
                            channels.insert(text(channel, "id"), text(channel, "name"));
                        }
                    }
                    Some("MESSAGE_CREATE") if text(&d["author"], "id") != me => {
                        let _ = ws.close(None).await;
                        return Ok(Seen {
                            message: d.clone(),
                            channels,
                        });
                    }
                    _ => {}
                }
            }
            _ => {}
        }
    }
}

/// What a gateway close code means, as discord.py reports it.
fn closed(code: Option<u16>) -> BlockError {
    match code {
        Some(4004) => {
            BlockError::Input("Login error occurred: Improper token has been passed.".into())
        }
        Some(4014) => BlockError::Input(
            "An error occurred: the bot may not use the message content intent; enable it in \
             the Discord developer portal"
                .into(),
        ),
        Some(code) => gateway_error(format_args!("closed the connection (code {code})")),
        None => gateway_error("closed the connection"),
    }
}

#[cfg(test)]
#[path = "gateway_tests.rs"]
mod tests;
