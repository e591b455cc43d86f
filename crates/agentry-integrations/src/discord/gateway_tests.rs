//! ReadDiscordMessagesBlock against a mock Discord gateway on 127.0.0.1 speaking the real
//! opcodes (HELLO 10, IDENTIFY 2, HEARTBEAT 1 / ACK 11, DISPATCH 0), with wiremock serving the
//! attachment and the REST channel lookup.

use std::future::Future;

use agentry_core::testing::run_block_with;
use futures::{SinkExt, StreamExt};
use serde_json::{Value, json};
use tokio::net::{TcpListener, TcpStream};
use tokio::task::JoinHandle;
use tokio_tungstenite::WebSocketStream;
use tokio_tungstenite::tungstenite::Message;
use tokio_tungstenite::tungstenite::protocol::CloseFrame;
use wiremock::matchers::{method, path};
use wiremock::{Mock, MockServer, ResponseTemplate};

use super::{GATEWAY_KEY, INTENTS, ReadDiscordMessages};
use crate::testing::{api_key, error_of, meta, recorder_with};

const TOKEN: &str = "bot.token.gateway";
type Ws = WebSocketStream<TcpStream>;

/// A gateway on 127.0.0.1 running `script` on the one connection it accepts.
async fn gateway<F, Fut>(script: F) -> (String, JoinHandle<Vec<Value>>)
where
    F: FnOnce(Ws) -> Fut + Send + 'static,
    Fut: Future<Output = Vec<Value>> + Send,
{
    let listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
    let url = format!("ws://{}", listener.local_addr().unwrap());
    let task = tokio::spawn(async move {
        let (socket, _) = listener.accept().await.unwrap();
        let ws = tokio_tungstenite::accept_async(socket).await.unwrap();
        script(ws).await
    });
    (url, task)
}

async fn send(ws: &mut Ws, event: Value) {
    ws.send(Message::text(event.to_string())).await.unwrap();
}

/// The next text frame as JSON.
async fn receive(ws: &mut Ws) -> Value {
    loop {
        match ws.next().await.expect("a frame").unwrap() {
            Message::Text(body) => return serde_json::from_str(&body).unwrap(),
            _ => continue,
        }
    }
}

fn dispatch(t: &str, s: i64, d: Value) -> Value {
    json!({"op": 0, "t": t, "s": s, "d": d})
}

/// HELLO, then the IDENTIFY the bot sends, then READY for bot user 999.
async fn greet(ws: &mut Ws) -> Value {
    send(
        ws,
        json!({"op": 10, "s": null, "t": null, "d": {"heartbeat_interval": 20}}),
    )
    .await;
    let identify = receive(ws).await;
    send(
        ws,
        dispatch(
            "READY",
            1,
            json!({"v": 10, "session_id": "s1", "user": {"id": "999", "username": "bot", "bot": true},
                "guilds": [{"id": "1", "unavailable": true}]}),
        ),
    )
    .await;
    identify
}

fn message(id: &str, channel: &str, author: Value, attachments: Value) -> Value {
    json!({"id": id, "channel_id": channel, "guild_id": "1", "author": author,
        "content": "Hello!", "attachments": attachments, "embeds": [], "mentions": [],
        "timestamp": "2026-12-03T15:00:00.000000+00:00", "type": 0})
}

async fn run(server: &MockServer, url: String) -> Vec<(String, Value)> {
    run_block_with(
        ReadDiscordMessages,
        json!({"credentials": meta("discord", "api_key")}),
        recorder_with(server, api_key("discord", TOKEN), |s| {
            s.with_base(GATEWAY_KEY, &url)
        }),
    )
    .await
}

#[tokio::test]
async fn identifies_heartbeats_and_reads_the_first_message_of_someone_else() {
    let server = MockServer::start().await;
    Mock::given(method("GET"))
        .and(path("/attachments/example.txt"))
        .respond_with(
            ResponseTemplate::new(200).set_body_string("This is the content of the file."),
        )
        .mount(&server)
        .await;
    let file_url = format!("{}/attachments/example.txt", server.uri());
    let (url, task) = gateway(move |mut ws| async move {
        let identify = greet(&mut ws).await;
        send(
            &mut ws,
            dispatch(
                "GUILD_CREATE",
                2,
                json!({"id": "1", "name": "Home", "channels": [
                    {"id": "987654321098765432", "type": 0, "name": "general"}], "threads": []}),
            ),
        )
        .await;
        // Heartbeats carry the last sequence the bot saw: one sent before GUILD_CREATE
        // arrived carries 1; wait (acking each) for the one carrying 2.
        let heartbeat = tokio::time::timeout(std::time::Duration::from_secs(10), async {
            loop {
                let beat = receive(&mut ws).await;
                send(&mut ws, json!({"op": 11})).await;
                if beat["d"] == 2 {
                    return beat;
                }
                assert_eq!(beat, json!({"op": 1, "d": 1}));
            }
        })
        .await
        .expect("a heartbeat with sequence 2");
        let bot = json!({"id": "999", "username": "bot"});
        let user = json!({"id": "111222333444555666", "username": "test_user"});
        send(
            &mut ws,
            dispatch(
                "MESSAGE_CREATE",
                3,
                message("1", "987654321098765432", bot, json!([])),
            ),
        )
        .await;
        let attachment =
            json!([{"id": "5", "filename": "example.txt", "url": file_url, "size": 32}]);
        send(
            &mut ws,
            dispatch(
                "MESSAGE_CREATE",
                4,
                message("123456789012345678", "987654321098765432", user, attachment),
            ),
        )
        .await;
        vec![identify, heartbeat]
    })
    .await;
    let out = run(&server, url).await;
    // AutoGPT's own test_output for this block.
    assert_eq!(
        out,
        vec![
            (
                "message_content".to_string(),
                json!(
                    "Hello!\n\nFile from user: example.txt\nContent: This is the content of the file."
                )
            ),
            ("message_id".to_string(), json!("123456789012345678")),
            ("channel_id".to_string(), json!("987654321098765432")),
            ("channel_name".to_string(), json!("general")),
            ("user_id".to_string(), json!("111222333444555666")),
            ("username".to_string(), json!("test_user")),
        ]
    );
    let seen = task.await.unwrap();
    assert_eq!(seen[0]["op"], 2);
    assert_eq!(seen[0]["d"]["token"], TOKEN);
    assert_eq!(seen[0]["d"]["intents"], INTENTS);
    assert_eq!(seen[1], json!({"op": 1, "d": 2}), "the last sequence seen");
}

#[tokio::test]
async fn a_channel_the_gateway_did_not_list_is_looked_up() {
    let server = MockServer::start().await;
    Mock::given(method("GET"))
        .and(path("/v10/channels/555"))
        .respond_with(
            ResponseTemplate::new(200).set_body_json(json!({"id": "555", "type": 1,
            "recipients": [{"id": "7", "username": "dm_user"}]})),
        )
        .mount(&server)
        .await;
    Mock::given(method("GET"))
        .and(path("/v10/channels/556"))
        .respond_with(
            ResponseTemplate::new(200).set_body_json(json!({"id": "556", "type": 0,
            "name": "late-channel", "guild_id": "2"})),
        )
        .mount(&server)
        .await;
    for (channel, name) in [
        ("555", "Direct Message with dm_user"),
        ("556", "late-channel"),
    ] {
        let (url, _task) = gateway(move |mut ws| async move {
            greet(&mut ws).await;
            let user = json!({"id": "7", "username": "dm_user"});
            send(
                &mut ws,
                dispatch("MESSAGE_CREATE", 2, message("9", channel, user, json!([]))),
            )
            .await;
            let _ = ws.next().await;
            vec![]
        })
        .await;
        let out = run(&server, url).await;
        assert_eq!(out[0], ("message_content".to_string(), json!("Hello!")));
        assert_eq!(out[3], ("channel_name".to_string(), json!(name)));
    }
}

#[tokio::test]
async fn a_refused_token_and_a_dropped_connection_are_errors() {
    let server = MockServer::start().await;
    let (url, _task) = gateway(|mut ws| async move {
        send(&mut ws, json!({"op": 10, "d": {"heartbeat_interval": 20}})).await;
        receive(&mut ws).await;
        let frame = CloseFrame {
            code: 4004.into(),
            reason: "Authentication failed.".into(),
        };
        ws.close(Some(frame)).await.unwrap();
        vec![]
    })
    .await;
    let out = run(&server, url).await;
    assert_eq!(
        error_of(&out),
        "Login error occurred: Improper token has been passed."
    );
    assert!(!error_of(&out).contains(TOKEN));

    let (url, _task) = gateway(|mut ws| async move {
        greet(&mut ws).await;
        send(&mut ws, json!({"op": 9, "d": false})).await;
        vec![]
    })
    .await;
    let out = run(&server, url).await;
    assert_eq!(
        error_of(&out),
        "An error occurred: the Discord gateway invalidated the session"
    );
    let out = run(&server, "ws://127.0.0.1:9".to_string()).await;
    assert!(
        error_of(&out).starts_with("An error occurred: the Discord gateway could not be reached")
    );
}
