//! Lookups: DiscordUserInfoBlock (`GET /v10/users/{id}`), DiscordChannelInfoBlock (a channel
//! by id, or by name across the bot's servers) and DiscordGetCurrentUserBlock (the OAuth2
//! user, `GET /oauth2/@me`).

use agentry_core::{Block, BlockError, BlockMeta, Category, CredentialsMeta, Cx};
use chrono::{DateTime, Timelike, Utc};
use schemars::JsonSchema;
use serde::{Deserialize, Serialize};
use serde_json::Value;

use super::{channel_type, channels_named, discord_bot_input, get_found, path};

/// Milliseconds from the Unix epoch to Discord's (2015-01-01), the base of snowflake times.
const DISCORD_EPOCH_MS: i64 = 1_420_070_400_000;

/// When a snowflake id was made, as Python's `datetime.isoformat()` writes it.
pub fn snowflake_time(id: u64) -> String {
    let ms = (id >> 22) as i64 + DISCORD_EPOCH_MS;
    let at = DateTime::<Utc>::from_timestamp_millis(ms).unwrap_or_default();
    if at.nanosecond() == 0 {
        at.format("%Y-%m-%dT%H:%M:%S+00:00").to_string()
    } else {
        at.format("%Y-%m-%dT%H:%M:%S%.6f+00:00").to_string()
    }
}

/// A user's avatar as discord.py's `avatar.url`, or the default avatar Discord assigns.
pub fn avatar_url(user: &Value, sized: bool) -> String {
    let id = user["id"].as_str().unwrap_or_default();
    match user["avatar"].as_str().filter(|a| !a.is_empty()) {
        Some(hash) => {
            let ext = if hash.starts_with("a_") { "gif" } else { "png" };
            let size = if sized { "?size=1024" } else { "" };
            format!("https://cdn.discordapp.com/avatars/{id}/{hash}.{ext}{size}")
        }
        None => {
            let discriminator = user["discriminator"].as_str().unwrap_or("0");
            let index = if discriminator == "0" {
                (id.parse::<u64>().unwrap_or_default() >> 22) % 6
            } else {
                discriminator.parse::<u64>().unwrap_or_default() % 5
            };
            format!("https://cdn.discordapp.com/embed/avatars/{index}.png")
        }
    }
}

discord_bot_input!(
    pub struct UserInput {
        /// The Discord user ID to get information about
        pub user_id: String,
    }
);

#[derive(Serialize, JsonSchema)]
#[serde(tag = "pin", content = "value", rename_all = "snake_case")]
pub enum UserOutput {
    /// The user's ID (passed through for chaining)
    UserId(String),
    /// The user's username
    Username(String),
    /// The user's display name
    DisplayName(String),
    /// The user's discriminator (if applicable)
    Discriminator(String),
    /// URL to the user's avatar
    AvatarUrl(String),
    /// Whether the user is a bot
    IsBot(bool),
    /// When the account was created
    CreatedAt(String),
}

pub struct DiscordUserInfo;

impl Block for DiscordUserInfo {
    const META: BlockMeta = BlockMeta::standard(
        "9aeed32a-6ebf-49b8-a0a3-e2e509d86120",
        "DiscordUserInfoBlock",
        "Gets information about a Discord user by their ID.",
        &[Category::Social],
    );
    type Input = UserInput;
    type Output = UserOutput;

    async fn run(&self, input: UserInput, cx: &mut Cx<'_, UserOutput>) -> Result<(), BlockError> {
        let Ok(id) = input.user_id.trim().parse::<u64>() else {
            return Err(BlockError::Input(format!(
                "Invalid user ID format: {}",
                input.user_id
            )));
        };
        let client = super::client(cx, &input.credentials).await?;
        let user = get_found(cx, &client, &path("users", &input.user_id))
            .await?
            .ok_or_else(|| {
                BlockError::Input(format!("User with ID {} not found", input.user_id))
            })?;
        let name = user["username"].as_str().unwrap_or_default().to_string();
        let display = user["global_name"]
            .as_str()
            .filter(|n| !n.is_empty())
            .map(str::to_string);
        let display = display.unwrap_or_else(|| name.clone());
        cx.emit(UserOutput::UserId(id.to_string()));
        cx.emit(UserOutput::Username(name));
        cx.emit(UserOutput::DisplayName(display));
        cx.emit(UserOutput::Discriminator(
            user["discriminator"].as_str().unwrap_or("0").into(),
        ));
        cx.emit(UserOutput::AvatarUrl(avatar_url(&user, true)));
        cx.emit(UserOutput::IsBot(user["bot"].as_bool().unwrap_or(false)));
        cx.emit(UserOutput::CreatedAt(snowflake_time(id)));
        Ok(())
    }
}

discord_bot_input!(
    pub struct ChannelInput {
        /// Channel name or channel ID to look up
        pub channel_identifier: String,
        /// Server name (optional, helps narrow down search)
        #[serde(default)]
        pub server_name: String,
    }
);

#[derive(Serialize, JsonSchema)]
#[serde(tag = "pin", content = "value", rename_all = "snake_case")]
pub enum ChannelOutput {
    /// The channel's ID
    ChannelId(String),
    /// The channel's name
    ChannelName(String),
    /// The server's ID
    ServerId(String),
    /// The server's name
    ServerName(String),
    /// Type of channel (text, voice, etc)
    ChannelType(String),
}

pub struct DiscordChannelInfo;

impl Block for DiscordChannelInfo {
    const META: BlockMeta = BlockMeta::standard(
        "592f815e-35c3-4fed-96cd-a69966b45c8f",
        "DiscordChannelInfoBlock",
        "Resolves Discord channel names to IDs and vice versa.",
        &[Category::Social],
    );
    type Input = ChannelInput;
    type Output = ChannelOutput;

    async fn run(
        &self,
        input: ChannelInput,
        cx: &mut Cx<'_, ChannelOutput>,
    ) -> Result<(), BlockError> {
        let client = super::client(cx, &input.credentials).await?;
        let text = |v: &Value, k: &str| v[k].as_str().unwrap_or_default().to_string();
        let (channel, server_id, server_name) =
            if input.channel_identifier.trim().parse::<u64>().is_ok() {
                let found =
                    get_found(cx, &client, &path("channels", &input.channel_identifier)).await?;
                let Some(channel) = found else {
                    return Err(not_found(&input.channel_identifier));
                };
                // A channel outside any server is a direct message.
                let (server_id, server_name) = match channel["guild_id"].as_str() {
                    Some(guild) => {
                        let server = client.get_json(cx, &path("guilds", guild), &[]).await?;
                        (guild.to_string(), text(&server, "name"))
                    }
                    None => (String::new(), "Direct Message".to_string()),
                };
                (channel, server_id, server_name)
            } else {
                let mut named = channels_named(
                    cx,
                    &client,
                    &input.channel_identifier,
                    &input.server_name,
                    false,
                )
                .await?;
                if named.is_empty() {
                    return Err(not_found(&input.channel_identifier));
                }
                let first = named.remove(0);
                (
                    first.channel,
                    text(&first.server, "id"),
                    text(&first.server, "name"),
                )
            };
        cx.emit(ChannelOutput::ChannelId(text(&channel, "id")));
        cx.emit(ChannelOutput::ChannelName(
            channel["name"].as_str().unwrap_or("Private Channel").into(),
        ));
        cx.emit(ChannelOutput::ServerId(server_id));
        cx.emit(ChannelOutput::ServerName(server_name));
        cx.emit(ChannelOutput::ChannelType(
            channel_type(channel["type"].as_i64().unwrap_or(-1)).into(),
        ));
        Ok(())
    }
}

fn not_found(identifier: &str) -> BlockError {
    BlockError::Input(format!("Channel not found: {identifier}"))
}

#[derive(Deserialize, JsonSchema)]
pub struct CurrentUserInput {
    /// Discord OAuth2 credentials
    #[serde(default)]
    #[schemars(extend(
        "credentials_provider" = ["discord"],
        "credentials_types" = ["oauth2"],
        "credentials_scopes" = ["identify"]
    ))]
    pub credentials: CredentialsMeta,
}

#[derive(Serialize, JsonSchema)]
#[serde(tag = "pin", content = "value", rename_all = "snake_case")]
pub enum CurrentUserOutput {
    /// The authenticated user's Discord ID
    UserId(String),
    /// The user's username
    Username(String),
    /// URL to the user's avatar image
    AvatarUrl(String),
    /// URL to the user's banner image (if set)
    BannerUrl(String),
    /// The user's accent color as an integer
    AccentColor(i64),
}

pub struct DiscordGetCurrentUser;

impl Block for DiscordGetCurrentUser {
    const META: BlockMeta = BlockMeta::standard(
        "8c7e39b8-4e9d-4f3a-b4e1-2a8c9d5f6e3b",
        "DiscordGetCurrentUserBlock",
        "Gets information about the currently authenticated Discord user using OAuth2 \
         credentials.",
        &[Category::Social],
    );
    type Input = CurrentUserInput;
    type Output = CurrentUserOutput;

    async fn run(
        &self,
        input: CurrentUserInput,
        cx: &mut Cx<'_, CurrentUserOutput>,
    ) -> Result<(), BlockError> {
        let client = super::client(cx, &input.credentials).await?;
        let me = client.get_json(cx, "/oauth2/@me", &[]).await?;
        let user = &me["user"];
        let id = user["id"].as_str().unwrap_or_default().to_string();
        let banner = user["banner"]
            .as_str()
            .filter(|b| !b.is_empty())
            .map(|b| format!("https://cdn.discordapp.com/banners/{id}/{b}.png"));
        cx.emit(CurrentUserOutput::UserId(id));
        cx.emit(CurrentUserOutput::Username(
            user["username"].as_str().unwrap_or_default().into(),
        ));
        cx.emit(CurrentUserOutput::AvatarUrl(avatar_url(user, false)));
        cx.emit(CurrentUserOutput::BannerUrl(banner.unwrap_or_default()));
        cx.emit(CurrentUserOutput::AccentColor(
            user["accent_color"].as_i64().unwrap_or(0),
        ));
        Ok(())
    }
}
