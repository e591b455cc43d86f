//! Discord blocks against a wiremock Discord HTTP API (answers shaped as Discord's reference
//! shows them, the bot token as `Bot <token>`), and each block meeting Discord's error answers.

use serde_json::{Value, json};
use wiremock::matchers::{body_json, header, method, path};
use wiremock::{Mock, MockServer, ResponseTemplate};

use super::*;
use crate::testing::{answer_authorized, api_key, oauth2, run_as, with_credential};

pub(super) const TOKEN: &str = "bot.token.test";

pub(super) fn with_creds(input: Value) -> Value {
    with_credential(input, &api_key("discord", TOKEN))
}

async fn answer(server: &MockServer, verb: &str, at: &str, status: u16, body: Value) {
    answer_authorized(server, verb, at, &format!("Bot {TOKEN}"), status, body).await;
}

async fn run<B: agentry_core::Block>(
    server: &MockServer,
    block: B,
    input: Value,
) -> Vec<(String, Value)> {
    run_as(server, block, input, api_key("discord", TOKEN)).await
}

/// A bot in one server ("Home", id 1) with #general (text) and #voice (voice).
async fn server_with_channels() -> MockServer {
    let server = MockServer::start().await;
    answer(
        &server,
        "GET",
        "/v10/users/@me/guilds",
        200,
        json!([{"id": "1", "name": "Home"}]),
    )
    .await;
    answer(
        &server,
        "GET",
        "/v10/guilds/1/channels",
        200,
        json!([
            {"id": "100", "type": 0, "name": "general", "guild_id": "1"},
            {"id": "200", "type": 2, "name": "voice", "guild_id": "1"}
        ]),
    )
    .await;
    answer(
        &server,
        "GET",
        "/v10/channels/100",
        200,
        json!({"id": "100", "type": 0, "name": "general", "guild_id": "1"}),
    )
    .await;
    answer(
        &server,
        "GET",
        "/v10/channels/404",
        404,
        json!({"message": "Unknown Channel", "code": 10003}),
    )
    .await;
    answer(
        &server,
        "GET",
        "/v10/guilds/1",
        200,
        json!({"id": "1", "name": "Home"}),
    )
    .await;
    server
}

#[test]
fn long_messages_are_cut_at_2000_characters_and_snowflakes_tell_time() {
    let text = "é".repeat(4001);
    let pieces = messages::chunks(&text);
    assert_eq!(
        pieces.iter().map(|p| p.chars().count()).collect::<Vec<_>>(),
        [2000, 2000, 1]
    );
    assert!(messages::chunks("").is_empty());
    assert_eq!(
        info::snowflake_time(175928847299117063),
        "2016-04-30T11:18:25.796000+00:00"
    );
    assert_eq!(
        info::avatar_url(&json!({"id": "80351110224678912", "avatar": "a_1f"}), true),
        "https://cdn.discordapp.com/avatars/80351110224678912/a_1f.gif?size=1024"
    );
    assert_eq!(
        info::avatar_url(
            &json!({"id": "80351110224678912", "avatar": null, "discriminator": "0"}),
            false
        ),
        format!(
            "https://cdn.discordapp.com/embed/avatars/{}.png",
            (80351110224678912u64 >> 22) % 6
        )
    );
}

#[tokio::test]
async fn sends_messages_by_channel_name_and_id() {
    let server = server_with_channels().await;
    Mock::given(method("POST"))
        .and(path("/v10/channels/100/messages"))
        .and(body_json(json!({"content": "Hello, Discord!"})))
        .respond_with(
            ResponseTemplate::new(200).set_body_json(json!({"id": "555", "channel_id": "100",
            "content": "Hello, Discord!"})),
        )
        .expect(2)
        .mount(&server)
        .await;
    for channel in ["general", "100"] {
        let out = run(
            &server,
            messages::SendDiscordMessage,
            json!({"channel_name": channel, "message_content": "Hello, Discord!"}),
        )
        .await;
        assert_eq!(
            out,
            vec![
                ("status".into(), json!("Message sent")),
                ("message_id".into(), json!("555")),
                ("channel_id".into(), json!("100"))
            ]
        );
    }
    let out = run(
        &server,
        messages::SendDiscordMessage,
        json!({"channel_name": "voice", "message_content": "x"}),
    )
    .await;
    assert_eq!(
        out,
        vec![("status".into(), json!("Channel not found: voice"))]
    );
}

#[tokio::test]
async fn sends_dms_embeds_and_replies() {
    let server = server_with_channels().await;
    answer(
        &server,
        "GET",
        "/v10/users/42",
        200,
        json!({"id": "42", "username": "ada"}),
    )
    .await;
    Mock::given(method("POST"))
        .and(path("/v10/users/@me/channels"))
        .and(body_json(json!({"recipient_id": "42"})))
        .respond_with(ResponseTemplate::new(200).set_body_json(json!({"id": "900", "type": 1})))
        .mount(&server)
        .await;
    answer(
        &server,
        "POST",
        "/v10/channels/900/messages",
        200,
        json!({"id": "901"}),
    )
    .await;
    Mock::given(method("POST"))
        .and(path("/v10/channels/100/messages"))
        .and(body_json(
            json!({"embeds": [{"type": "rich", "color": 65280, "title": "Test Embed",
            "description": "This is a test embed message", "footer": {"text": "f"},
            "fields": [{"name": "a", "value": "1", "inline": true}]}]}),
        ))
        .respond_with(ResponseTemplate::new(200).set_body_json(json!({"id": "777"})))
        .expect(1)
        .mount(&server)
        .await;
    answer(
        &server,
        "GET",
        "/v10/channels/100/messages/50",
        200,
        json!({"id": "50", "content": "hi"}),
    )
    .await;
    answer(
        &server,
        "GET",
        "/v10/channels/100/messages/51",
        404,
        json!({"message": "Unknown Message", "code": 10008}),
    )
    .await;
    Mock::given(method("POST"))
        .and(path("/v10/channels/100/messages"))
        .and(body_json(json!({"content": "This is a reply!",
            "message_reference": {"message_id": "50", "channel_id": "100"},
            "allowed_mentions": {"parse": ["everyone", "users", "roles"], "replied_user": false}})))
        .respond_with(ResponseTemplate::new(200).set_body_json(json!({"id": "888"})))
        .expect(1)
        .mount(&server)
        .await;
    let out = run(
        &server,
        messages::SendDiscordDM,
        json!({"user_id": "42", "message_content": "Hi"}),
    )
    .await;
    assert_eq!(
        out,
        vec![
            ("status".into(), json!("DM sent successfully")),
            ("message_id".into(), json!("901"))
        ]
    );
    let out = run(
        &server,
        messages::SendDiscordDM,
        json!({"user_id": "ada", "message_content": "Hi"}),
    )
    .await;
    assert_eq!(
        out,
        vec![("status".into(), json!("Invalid user ID format: ada"))]
    );
    let out = run(
        &server,
        messages::SendDiscordEmbed,
        json!({"channel_identifier": "general",
        "title": "Test Embed", "description": "This is a test embed message", "color": 65280,
        "footer_text": "f", "fields": [{"name": "a", "value": "1"}, {"name": "no value"}]}),
    )
    .await;
    assert_eq!(
        out,
        vec![
            ("status".into(), json!("Embed sent successfully")),
            ("message_id".into(), json!("777"))
        ]
    );
    let out = run(
        &server,
        messages::SendDiscordEmbed,
        json!({"channel_identifier": "404"}),
    )
    .await;
    assert_eq!(
        out,
        vec![("status".into(), json!("Channel not found: 404"))]
    );
    let out = run(
        &server,
        messages::ReplyToDiscordMessage,
        json!({"channel_id": "100", "message_id": "50",
        "reply_content": "This is a reply!", "mention_author": false}),
    )
    .await;
    assert_eq!(
        out,
        vec![
            ("status".into(), json!("Reply sent successfully")),
            ("reply_id".into(), json!("888"))
        ]
    );
    let out = run(
        &server,
        messages::ReplyToDiscordMessage,
        json!({"channel_id": "100", "message_id": "51",
        "reply_content": "x"}),
    )
    .await;
    assert_eq!(
        out,
        vec![("status".into(), json!("Message with ID 51 not found"))]
    );
}

#[tokio::test]
async fn looks_up_users_and_channels_and_creates_threads() {
    let server = server_with_channels().await;
    answer(&server, "GET", "/v10/users/175928847299117063", 200, json!({"id": "175928847299117063",
        "username": "ada", "global_name": "Ada L.", "discriminator": "0", "avatar": "abc", "bot": false})).await;
    Mock::given(method("POST"))
        .and(path("/v10/channels/100/threads"))
        .and(body_json(
            json!({"name": "Plans", "type": 11, "auto_archive_duration": 1440}),
        ))
        .respond_with(
            ResponseTemplate::new(201)
                .set_body_json(json!({"id": "300", "name": "Plans", "type": 11})),
        )
        .expect(1)
        .mount(&server)
        .await;
    Mock::given(method("POST"))
        .and(path("/v10/channels/300/messages"))
        .and(body_json(json!({"content": "Kick-off"})))
        .respond_with(ResponseTemplate::new(200).set_body_json(json!({"id": "301"})))
        .expect(1)
        .mount(&server)
        .await;
    let out = run(
        &server,
        info::DiscordUserInfo,
        json!({"user_id": "175928847299117063"}),
    )
    .await;
    assert_eq!(
        out,
        vec![
            ("user_id".into(), json!("175928847299117063")),
            ("username".into(), json!("ada")),
            ("display_name".into(), json!("Ada L.")),
            ("discriminator".into(), json!("0")),
            (
                "avatar_url".into(),
                json!("https://cdn.discordapp.com/avatars/175928847299117063/abc.png?size=1024")
            ),
            ("is_bot".into(), json!(false)),
            (
                "created_at".into(),
                json!("2016-04-30T11:18:25.796000+00:00")
            ),
        ]
    );
    let expected = vec![
        ("channel_id".into(), json!("100")),
        ("channel_name".into(), json!("general")),
        ("server_id".into(), json!("1")),
        ("server_name".into(), json!("Home")),
        ("channel_type".into(), json!("text")),
    ];
    assert_eq!(
        run(
            &server,
            info::DiscordChannelInfo,
            json!({"channel_identifier": "100"})
        )
        .await,
        expected
    );
    assert_eq!(
        run(
            &server,
            info::DiscordChannelInfo,
            json!({"channel_identifier": "general"})
        )
        .await,
        expected
    );
    let out = run(
        &server,
        info::DiscordChannelInfo,
        json!({"channel_identifier": "voice"}),
    )
    .await;
    assert_eq!(out[4], ("channel_type".into(), json!("voice")));
    let out = run(
        &server,
        info::DiscordChannelInfo,
        json!({"channel_identifier": "nope"}),
    )
    .await;
    assert_eq!(
        out,
        vec![("error".into(), json!("Channel not found: nope"))]
    );
    let out = run(
        &server,
        threads::CreateDiscordThread,
        json!({"channel_name": "general",
        "thread_name": "Plans", "auto_archive_duration": "1440", "message_content": "Kick-off"}),
    )
    .await;
    assert_eq!(
        out,
        vec![
            ("status".into(), json!("Thread created successfully")),
            ("thread_id".into(), json!("300")),
            ("thread_name".into(), json!("Plans"))
        ]
    );
    let out = run(
        &server,
        threads::CreateDiscordThread,
        json!({"channel_name": "404", "thread_name": "x"}),
    )
    .await;
    assert_eq!(
        out,
        vec![("status".into(), json!("Channel with ID 404 not found"))]
    );
}

#[tokio::test]
async fn reads_the_oauth2_user() {
    let server = MockServer::start().await;
    Mock::given(method("GET"))
        .and(path("/oauth2/@me"))
        .and(header("authorization", "Bearer discord_oauth"))
        .respond_with(
            ResponseTemplate::new(200).set_body_json(json!({"application": {"id": "9"},
            "scopes": ["identify"], "user": {"id": "80351110224678912", "username": "nelly",
            "avatar": "8342729096ea3675442027381ff50dfe", "discriminator": "0",
            "banner": "06c16474723fe537c283b8efa61a30c8", "accent_color": 16711680}})),
        )
        .mount(&server)
        .await;
    let out = run_as(
        &server,
        info::DiscordGetCurrentUser,
        json!({}),
        oauth2("discord", "discord_oauth", &["identify"]),
    )
    .await;
    assert_eq!(
        out,
        vec![
            ("user_id".into(), json!("80351110224678912")),
            ("username".into(), json!("nelly")),
            (
                "avatar_url".into(),
                json!(
                    "https://cdn.discordapp.com/avatars/80351110224678912/8342729096ea3675442027381ff50dfe.png"
                )
            ),
            (
                "banner_url".into(),
                json!(
                    "https://cdn.discordapp.com/banners/80351110224678912/06c16474723fe537c283b8efa61a30c8.png"
                )
            ),
            ("accent_color".into(), json!(16711680)),
        ]
    );
}
