//! SendDiscordFileBlock against a wiremock Discord HTTP API: the multipart message it sends
//! (`payload_json` and `files[0]`), what it tells on `status`, and Discord's error answers.

use serde_json::{Value, json};
use wiremock::matchers::{header, method, path};
use wiremock::{Mock, MockServer, ResponseTemplate};

use super::SendDiscordFile;
use crate::error_answers::{assert_error_answers, run_against};
use crate::testing::{api_key, meta};

const TOKEN: &str = "bot.token.files";

fn input(more: Value) -> Value {
    let mut input = json!({"credentials": meta("discord", "api_key"),
        "channel_identifier": "general",
        "file": "data:text/plain;base64,VGVzdCBmaWxlIGNvbnRlbnQ=",
        "filename": "test.txt", "message_content": "Here's the file!"});
    for (k, v) in more.as_object().unwrap() {
        input[k] = v.clone();
    }
    input
}

/// A bot in "Home" with #general (id 100).
async fn discord() -> MockServer {
    let server = MockServer::start().await;
    Mock::given(method("GET"))
        .and(path("/v10/users/@me/guilds"))
        .respond_with(
            ResponseTemplate::new(200).set_body_json(json!([{"id": "1", "name": "Home"}])),
        )
        .mount(&server)
        .await;
    Mock::given(method("GET"))
        .and(path("/v10/guilds/1/channels"))
        .respond_with(ResponseTemplate::new(200).set_body_json(json!([
            {"id": "100", "type": 0, "name": "general", "guild_id": "1"}])))
        .mount(&server)
        .await;
    server
}

#[tokio::test]
async fn uploads_the_file_as_multipart_with_the_message() {
    let server = discord().await;
    Mock::given(method("POST"))
        .and(path("/v10/channels/100/messages"))
        .and(header("authorization", format!("Bot {TOKEN}").as_str()))
        .respond_with(
            ResponseTemplate::new(200).set_body_json(json!({"id": "123456789012345678",
            "channel_id": "100", "content": "Here's the file!", "attachments": [{"id": "9",
            "filename": "test.txt", "size": 17, "url": "https://cdn.discordapp.com/x/test.txt"}]})),
        )
        .mount(&server)
        .await;
    let out = run_against(
        &server,
        SendDiscordFile,
        input(json!({})),
        api_key("discord", TOKEN),
    )
    .await;
    // AutoGPT's own test_output for this block.
    assert_eq!(
        out,
        vec![
            ("status".to_string(), json!("File sent successfully")),
            ("message_id".to_string(), json!("123456789012345678"))
        ]
    );
    let requests = server.received_requests().await.unwrap();
    let upload = requests.last().unwrap();
    let kind = upload.headers["content-type"].to_str().unwrap().to_string();
    assert!(kind.starts_with("multipart/form-data; boundary="), "{kind}");
    let body = String::from_utf8_lossy(&upload.body);
    assert!(body.contains("name=\"payload_json\""), "{body}");
    let payload = body
        .split("name=\"payload_json\"")
        .nth(1)
        .and_then(|rest| rest.split("\r\n\r\n").nth(1))
        .and_then(|rest| rest.split("\r\n--").next())
        .unwrap();
    assert_eq!(
        serde_json::from_str::<Value>(payload).unwrap(),
        json!({"attachments": [{"id": 0, "filename": "test.txt"}], "content": "Here's the file!"})
    );
    assert!(
        body.contains("name=\"files[0]\"; filename=\"test.txt\""),
        "{body}"
    );
    assert!(body.contains("Content-Type: text/plain"), "{body}");
    assert!(body.contains("\r\n\r\nTest file content\r\n"), "{body}");
}

#[tokio::test]
async fn unknown_channels_and_refused_uploads_are_told_on_status() {
    let server = discord().await;
    Mock::given(method("GET"))
        .and(path("/v10/channels/404"))
        .respond_with(
            ResponseTemplate::new(404)
                .set_body_json(json!({"message": "Unknown Channel", "code": 10003})),
        )
        .mount(&server)
        .await;
    Mock::given(method("POST"))
        .and(path("/v10/channels/100/messages"))
        .respond_with(
            ResponseTemplate::new(413)
                .set_body_json(json!({"message": "Request entity too large", "code": 40005})),
        )
        .mount(&server)
        .await;
    let cred = || api_key("discord", TOKEN);
    let out = run_against(
        &server,
        SendDiscordFile,
        input(json!({"channel_identifier": "404"})),
        cred(),
    )
    .await;
    assert_eq!(
        out,
        vec![("status".to_string(), json!("Channel not found: 404"))]
    );
    let out = run_against(
        &server,
        SendDiscordFile,
        input(json!({"channel_identifier": "nowhere"})),
        cred(),
    )
    .await;
    assert_eq!(
        out,
        vec![("status".to_string(), json!("Channel not found: nowhere"))]
    );
    let out = run_against(&server, SendDiscordFile, input(json!({})), cred()).await;
    assert_eq!(
        out,
        vec![(
            "status".to_string(),
            json!("Error sending file: Request entity too large")
        )]
    );
    let out = run_against(
        &server,
        SendDiscordFile,
        input(json!({"file": "data:text/plain;base64,"})),
        cred(),
    )
    .await;
    assert_eq!(
        out,
        vec![(
            "status".to_string(),
            json!("Error: Could not read file content")
        )]
    );
}

#[tokio::test]
async fn meets_discords_error_answers() {
    assert_error_answers(
        || SendDiscordFile,
        input(json!({})),
        api_key("discord", TOKEN),
        "discord",
        json!({"message": "401: Unauthorized", "code": 0}),
        "401: Unauthorized",
    )
    .await;
}
