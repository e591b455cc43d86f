//! Discord blocks meeting Discord's error answers (`{"message", "code"}` bodies): refused
//! tokens, unknown resources, rate limits and outages.

use serde_json::{Value, json};

use super::tests::{TOKEN, with_creds};
use super::*;
use crate::error_answers::{assert_error_answers, assert_error_answers_but_404};
use crate::testing::{api_key, oauth2, with_credential};

/// The block meets Discord's error answers (404 too, unless it reads one as "not found").
async fn refused<B: agentry_core::Block>(make: impl Fn() -> B, input: Value, with_404: bool) {
    let body = json!({"message": "401: Unauthorized", "code": 0});
    let credential = api_key("discord", TOKEN);
    let message = "401: Unauthorized";
    if with_404 {
        assert_error_answers(
            make,
            with_creds(input),
            credential,
            "discord",
            body,
            message,
        )
        .await;
    } else {
        assert_error_answers_but_404(
            make,
            with_creds(input),
            credential,
            "discord",
            body,
            message,
        )
        .await;
    }
}

#[tokio::test]
async fn every_block_meets_discords_error_answers() {
    let body = json!({"message": "401: Unauthorized", "code": 0});
    refused(
        || messages::SendDiscordMessage,
        json!({"channel_name": "general", "message_content": "x"}),
        true,
    )
    .await;
    refused(
        || messages::SendDiscordDM,
        json!({"user_id": "42", "message_content": "x"}),
        false,
    )
    .await;
    refused(
        || messages::SendDiscordEmbed,
        json!({"channel_identifier": "general"}),
        true,
    )
    .await;
    refused(
        || messages::ReplyToDiscordMessage,
        json!({"channel_id": "1", "message_id": "2", "reply_content": "x"}),
        false,
    )
    .await;
    refused(|| info::DiscordUserInfo, json!({"user_id": "42"}), false).await;
    refused(
        || info::DiscordChannelInfo,
        json!({"channel_identifier": "general"}),
        true,
    )
    .await;
    refused(
        || threads::CreateDiscordThread,
        json!({"channel_name": "general", "thread_name": "t"}),
        true,
    )
    .await;
    let credential = oauth2("discord", "discord_oauth_token", &["identify"]);
    assert_error_answers(
        || info::DiscordGetCurrentUser,
        with_credential(json!({}), &credential),
        credential.clone(),
        "discord",
        body.clone(),
        "401: Unauthorized",
    )
    .await;
}
