//! Discord (AutoGPT's `discord/`) over Discord's HTTP API. AutoGPT's bot blocks log a
//! `discord.py` gateway client in for each call; here the same calls are the REST requests it
//! makes (`/v10/...`, `Authorization: Bot <token>`), so no gateway connection is held, except
//! by ReadDiscordMessagesBlock (`gateway`), which waits on the gateway for the next message.
//! Credentials: provider `discord`, a bot token (`api_key`) for the bot blocks, OAuth2
//! (`identify`) for DiscordGetCurrentUserBlock.

pub mod files;
pub mod gateway;
pub mod info;
pub mod messages;
pub mod threads;

use agentry_core::credentials::CredentialKind;
use agentry_core::{BlockError, CredentialsMeta, Cx, Registry};
use serde::Serialize;
use serde_json::Value;

use crate::api::{AuthStyle, Client, Service, segment};
use crate::error::IntegrationError;

pub const PROVIDER: &str = "discord";

pub const API: Service = Service {
    provider: PROVIDER,
    key: "discord",
    default_base: "https://discord.com/api",
    kinds: &[CredentialKind::ApiKey, CredentialKind::Oauth2],
    auth: AuthStyle::Prefixed {
        api_key: "Bot ",
        oauth2: "Bearer ",
        headers: &[],
    },
};

/// A Discord bot block's `Input`: the bot token credentials as AutoGPT's
/// `DiscordBotCredentialsField()` declares them, then the block's fields.
macro_rules! discord_bot_input {
    (pub struct $name:ident { $($body:tt)* }) => {
        #[derive(serde::Deserialize, schemars::JsonSchema)]
        pub struct $name {
            /// Discord bot token
            #[serde(default)]
            #[schemars(extend(
                "credentials_provider" = ["discord"],
                "credentials_types" = ["api_key"]
            ))]
            pub credentials: agentry_core::CredentialsMeta,
            $($body)*
        }
    };
}
pub(crate) use discord_bot_input;

pub fn register(r: &mut Registry) {
    r.register(messages::SendDiscordMessage);
    r.register(messages::SendDiscordDM);
    r.register(messages::SendDiscordEmbed);
    r.register(messages::ReplyToDiscordMessage);
    r.register(info::DiscordUserInfo);
    r.register(info::DiscordChannelInfo);
    r.register(info::DiscordGetCurrentUser);
    r.register(threads::CreateDiscordThread);
    r.register(files::SendDiscordFile);
    r.register(gateway::ReadDiscordMessages);
}

/// The Discord client for the credential `credentials` names (or the platform's).
pub async fn client<O: Serialize>(
    cx: &mut Cx<'_, O>,
    credentials: &CredentialsMeta,
) -> Result<Client, BlockError> {
    crate::api::connect(cx, API, credentials).await
}

/// `/v10/{what}/{id}`, the id a path segment.
pub fn path(what: &str, id: &str) -> String {
    format!("/v10/{what}/{}", segment(id.trim()))
}

/// `GET path`, or `None` when Discord answers 404 (an unknown channel, user or message).
pub async fn get_found<O: Serialize>(
    cx: &mut Cx<'_, O>,
    client: &Client,
    path: &str,
) -> Result<Option<Value>, BlockError> {
    match client.get_json(cx, path, &[]).await {
        Ok(found) => Ok(Some(found)),
        Err(IntegrationError::Rejected { status: 404, .. }) => Ok(None),
        Err(e) => Err(e.into()),
    }
}

/// discord.py's `ChannelType` names.
pub fn channel_type(kind: i64) -> &'static str {
    match kind {
        0 => "text",
        1 => "private",
        2 => "voice",
        3 => "group",
        4 => "category",
        5 => "news",
        10 => "news_thread",
        11 => "public_thread",
        12 => "private_thread",
        13 => "stage_voice",
        14 => "directory",
        15 => "forum",
        16 => "media",
        _ => "unknown",
    }
}

/// A channel the bot can see in one of its servers, with that server.
pub struct Found {
    pub channel: Value,
    pub server: Value,
}

/// Every channel named `name` in the bot's servers (only `server_name`'s when given), text
/// channels only when `text_only` (discord.py's `guild.text_channels`: text and news).
pub async fn channels_named<O: Serialize>(
    cx: &mut Cx<'_, O>,
    client: &Client,
    name: &str,
    server_name: &str,
    text_only: bool,
) -> Result<Vec<Found>, BlockError> {
    let servers = client.get_json(cx, "/v10/users/@me/guilds", &[]).await?;
    let mut found = Vec::new();
    for server in servers.as_array().into_iter().flatten() {
        let server_name = server_name.trim();
        if !server_name.is_empty() && server["name"] != server_name {
            continue;
        }
        let id = server["id"].as_str().unwrap_or_default();
        let channels = client
            .get_json(cx, &format!("{}/channels", path("guilds", id)), &[])
            .await?;
        for channel in channels.as_array().into_iter().flatten() {
            let text = matches!(channel["type"].as_i64(), Some(0 | 5));
            if channel["name"] == name && (text || !text_only) {
                found.push(Found {
                    channel: channel.clone(),
                    server: server.clone(),
                });
            }
        }
    }
    Ok(found)
}

/// The text channel `identifier` names: by id when it is a number Discord knows, else the
/// first text channel of that name in the bot's servers.
pub async fn text_channel<O: Serialize>(
    cx: &mut Cx<'_, O>,
    client: &Client,
    identifier: &str,
    server_name: &str,
    by_name_when_unknown_id: bool,
) -> Result<Option<Value>, BlockError> {
    if identifier.trim().parse::<u64>().is_ok() {
        let by_id = get_found(cx, client, &path("channels", identifier)).await?;
        if by_id.is_some() || !by_name_when_unknown_id {
            return Ok(by_id);
        }
    }
    let mut named = channels_named(cx, client, identifier, server_name, true).await?;
    Ok((!named.is_empty()).then(|| named.remove(0).channel))
}

/// A message's id, as text.
pub fn id_of(v: &Value) -> String {
    v["id"].as_str().unwrap_or_default().to_string()
}

#[cfg(test)]
#[path = "discord_tests.rs"]
mod tests;

#[cfg(test)]
#[path = "error_tests.rs"]
mod error_tests;
