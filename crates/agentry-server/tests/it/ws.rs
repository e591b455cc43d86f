//! The WebSocket API over a real WebSocket client: heartbeat, a run's node and graph events, a
//! graph's runs, resuming after `last_seq`, and bad messages answered without closing.

use std::time::Duration;

use futures::{SinkExt, StreamExt};
use serde_json::{Value, json};
use tokio::net::TcpStream;
use tokio_tungstenite::tungstenite::Message;
use tokio_tungstenite::{MaybeTlsStream, WebSocketStream};

use crate::support::{CALCULATOR, TestApp, agent};

/// The longest a test waits for one message.
const WAIT: Duration = Duration::from_secs(10);

/// A WebSocket client of the server under test.
struct Client {
    socket: WebSocketStream<MaybeTlsStream<TcpStream>>,
}

impl Client {
    async fn connect(app: &TestApp) -> Client {
        let url = format!("ws://{}/ws", app.addr());
        let (socket, _) = tokio_tungstenite::connect_async(url)
            .await
            .expect("the server accepts WebSocket connections");
        Client { socket }
    }

    async fn send_text(&mut self, text: &str) {
        self.socket
            .send(Message::Text(text.to_string().into()))
            .await
            .expect("the socket is open");
    }

    async fn send(&mut self, message: Value) {
        self.send_text(&message.to_string()).await;
    }

    /// The next message, as JSON (bounded wait).
    async fn next(&mut self) -> Value {
        loop {
            let frame = tokio::time::timeout(WAIT, self.socket.next())
                .await
                .expect("a message within the wait")
                .expect("the socket is open")
                .expect("a frame");
            match frame {
                Message::Text(text) => {
                    let message: Value = serde_json::from_str(text.as_str()).unwrap();
                    // The user's notifications come unasked (notifications.rs tests them).
                    if message["method"] != "notification" {
                        return message;
                    }
                }
                Message::Ping(_) | Message::Pong(_) => continue,
                other => panic!("unexpected frame {other:?}"),
            }
        }
    }

    async fn subscribe_run(&mut self, exec_id: &str, last_seq: Option<u64>) -> Value {
        let mut data = json!({ "graph_exec_id": exec_id });
        if let Some(seq) = last_seq {
            data["last_seq"] = json!(seq);
        }
        self.send(json!({"method": "subscribe_graph_execution", "data": data}))
            .await;
        self.next().await
    }

    /// Messages until a `graph_execution_event` with a final status, that one included.
    async fn until_run_ends(&mut self) -> Vec<Value> {
        let mut messages = Vec::new();
        loop {
            let message = self.next().await;
            let ended = message["method"] == json!("graph_execution_event")
                && ["COMPLETED", "FAILED", "TERMINATED"]
                    .iter()
                    .any(|s| message["data"]["status"] == json!(s));
            messages.push(message);
            if ended {
                return messages;
            }
        }
    }

    /// Asserts that the next message is the heartbeat's answer (so nothing else was pending).
    async fn expect_pong(&mut self) {
        self.send(json!({"method": "heartbeat"})).await;
        assert_eq!(
            self.next().await,
            json!({"method": "heartbeat", "data": "pong", "success": true})
        );
    }
}

async fn calculator(app: &TestApp) -> String {
    let saved = app
        .create_graph(&json!({ "graph": agent("calculator-agent.json") }))
        .await;
    saved["id"].as_str().unwrap().to_string()
}

fn seqs(messages: &[Value]) -> Vec<u64> {
    messages
        .iter()
        .map(|m| m["data"]["seq"].as_u64().expect("every event carries seq"))
        .collect()
}

#[tokio::test]
async fn heartbeat_is_answered_with_pong() {
    let app = TestApp::start().await;
    let mut client = Client::connect(&app).await;
    client.expect_pong().await;
}

#[tokio::test]
async fn a_plain_get_is_refused_in_the_error_envelope() {
    let app = TestApp::start().await;
    app.get("/ws")
        .await
        .expect_error(400, "websocket_upgrade_required");
}

#[tokio::test]
async fn a_subscribed_run_streams_node_events_and_its_completion() {
    let app = TestApp::start().await;
    let graph_id = calculator(&app).await;
    let mut client = Client::connect(&app).await;
    let exec_id = app.start_run(&graph_id, 1, json!({"Input": 8})).await;
    let ack = client.subscribe_run(&exec_id, None).await;
    let channel = format!("{}|graph_exec#{exec_id}", ack_user(&ack));
    assert_eq!(
        ack,
        json!({"method": "subscribe_graph_execution", "success": true, "channel": channel,
               "data": null, "error": null})
    );

    let messages = client.until_run_ends().await;
    let seqs = seqs(&messages);
    assert!(seqs.windows(2).all(|w| w[0] < w[1]), "{seqs:?}");
    assert!(messages.iter().all(|m| m["channel"] == json!(channel)));
    let nodes: Vec<&Value> = messages
        .iter()
        .filter(|m| m["method"] == json!("node_execution_event"))
        .map(|m| &m["data"])
        .collect();
    let completed: Vec<&&Value> = nodes
        .iter()
        .filter(|n| n["status"] == json!("COMPLETED"))
        .collect();
    assert_eq!(completed.len(), 3, "{nodes:?}");
    for node in &nodes {
        assert_eq!(node["graph_exec_id"], json!(exec_id));
        assert_eq!(node["graph_id"], json!(graph_id));
        assert!(node["node_exec_id"].is_string() && node["node_id"].is_string());
    }
    let calc = completed
        .iter()
        .find(|n| n["block_id"] == json!(CALCULATOR))
        .expect("the calculator node completed");
    assert_eq!(calc["output_data"], json!({"result": [42.0]}));

    let end = &messages.last().unwrap()["data"];
    assert_eq!(end["status"], json!("COMPLETED"));
    assert_eq!(end["id"], json!(exec_id));
    assert_eq!(end["outputs"], json!({"Output": [42.0]}));
}

/// The user id inside an ack's channel (`{user}|...`).
fn ack_user(ack: &Value) -> String {
    let channel = ack["channel"].as_str().expect("a channel");
    channel.split('|').next().unwrap().to_string()
}

#[tokio::test]
async fn a_graph_subscription_receives_graph_level_events_of_its_runs() {
    let app = TestApp::start().await;
    let graph_id = calculator(&app).await;
    let mut client = Client::connect(&app).await;
    client
        .send(json!({"method": "subscribe_graph_executions", "data": {"graph_id": graph_id}}))
        .await;
    let ack = client.next().await;
    let channel = format!("{}|graph#{graph_id}|executions", ack_user(&ack));
    assert_eq!(ack["success"], json!(true), "{ack}");
    assert_eq!(ack["channel"], json!(channel));

    let exec_id = app.start_run(&graph_id, 1, json!({"Input": 8})).await;
    let messages = client.until_run_ends().await;
    for message in &messages {
        assert_eq!(
            message["method"],
            json!("graph_execution_event"),
            "{message}"
        );
        assert_eq!(message["channel"], json!(channel));
        assert_eq!(message["data"]["id"], json!(exec_id));
    }
    let end = &messages.last().unwrap()["data"];
    assert_eq!(end["outputs"], json!({"Output": [42.0]}));

    client
        .send(json!({"method": "unsubscribe", "data": {"graph_id": graph_id}}))
        .await;
    let ack = client.next().await;
    assert_eq!(ack["method"], json!("unsubscribe"));
    assert_eq!(ack["channel"], json!(channel));
}

#[tokio::test]
async fn a_resumed_subscription_sends_exactly_the_events_after_last_seq() {
    let app = TestApp::start().await;
    let graph_id = calculator(&app).await;
    let run = app
        .post_json(
            &format!("/api/graphs/{graph_id}/execute/1?wait=true"),
            &json!({"inputs": {"Input": 8}}),
        )
        .await
        .expect(200);
    let exec_id = run["id"].as_str().unwrap();

    let mut first = Client::connect(&app).await;
    first.subscribe_run(exec_id, None).await;
    let all = first.until_run_ends().await;
    first.expect_pong().await;
    assert!(all.len() >= 4, "{all:?}");

    let k = seqs(&all)[all.len() / 2];
    let mut second = Client::connect(&app).await;
    let ack = second.subscribe_run(exec_id, Some(k)).await;
    assert_eq!(ack["success"], json!(true), "{ack}");
    let resumed = second.until_run_ends().await;
    second.expect_pong().await;
    let expected: Vec<Value> = all
        .into_iter()
        .filter(|m| m["data"]["seq"].as_u64().unwrap() > k)
        .collect();
    assert_eq!(resumed, expected);
}

#[tokio::test]
async fn bad_messages_are_answered_with_errors_and_the_socket_stays_open() {
    let app = TestApp::start().await;
    let mut client = Client::connect(&app).await;
    for bad in [
        "{not json",
        r#"{"method":"fly"}"#,
        r#"{"method":"subscribe_graph_execution"}"#,
        r#"{"method":"subscribe_graph_execution","data":{"graph_id":1}}"#,
    ] {
        client.send_text(bad).await;
        let answer = client.next().await;
        assert_eq!(answer["method"], json!("error"), "{bad}: {answer}");
        assert_eq!(answer["success"], json!(false));
        assert!(answer["error"].as_str().is_some_and(|e| !e.is_empty()));
    }
    client.expect_pong().await;
}

#[tokio::test]
async fn runs_and_graphs_the_user_does_not_have_are_refused() {
    let app = TestApp::start().await;
    let mut client = Client::connect(&app).await;
    let unknown = "00000000-0000-0000-0000-000000000000";
    let answer = client.subscribe_run(unknown, None).await;
    assert_eq!(answer["method"], json!("error"), "{answer}");
    client
        .send(json!({"method": "subscribe_graph_executions", "data": {"graph_id": unknown}}))
        .await;
    let answer = client.next().await;
    assert_eq!(answer["method"], json!("error"), "{answer}");
    client.expect_pong().await;
}

/// AutoGPT's AITextGeneratorBlock and AgentOutputBlock.
const TEXT_GENERATOR: &str = "1f292d4a-41a4-4977-9684-7c8d560b9f91";
const OUTPUT_BLOCK: &str = "363ae599-353e-4804-937e-b2ee3cef3da4";

/// A model server streaming "Hello, streaming world" in three SSE chunks. The answer waits a
/// moment so that the client has subscribed to the run before the first token (partial text
/// is live only: a later subscriber gets the whole value from the node's event instead).
async fn streaming_model() -> wiremock::MockServer {
    let server = wiremock::MockServer::start().await;
    let chunk =
        |text: &str| json!({"choices": [{"index": 0, "delta": {"content": text}}]}).to_string();
    let sse = format!(
        "data: {}\n\ndata: {}\n\ndata: {}\n\ndata: {}\n\ndata: [DONE]\n\n",
        chunk("Hello, "),
        chunk("streaming "),
        chunk("world"),
        json!({"choices": [], "usage": {"prompt_tokens": 7, "completion_tokens": 3}}),
    );
    wiremock::Mock::given(wiremock::matchers::method("POST"))
        .and(wiremock::matchers::body_partial_json(
            json!({"stream": true}),
        ))
        .respond_with(
            wiremock::ResponseTemplate::new(200)
                .set_body_raw(sse, "text/event-stream")
                .set_delay(Duration::from_millis(1500)),
        )
        .mount(&server)
        .await;
    server
}

#[tokio::test]
async fn a_text_block_streams_partial_text_then_stores_the_whole_value_once() {
    use agentry_blocks::llm::provider::providers::ProviderConfig;
    use agentry_blocks::llm::provider::{JsonStyle, LlmProviders};
    let model = streaming_model().await;
    let providers = LlmProviders::builder()
        .provider(
            "openai",
            ProviderConfig::openai_compatible(
                &format!("{}/v1", model.uri()),
                Some("sk-test"),
                JsonStyle::Prompt,
            ),
        )
        .build()
        .unwrap();
    let app = TestApp::start_with_resources(agentry_core::Resources::new().with(providers)).await;
    let body = crate::support::graph(
        "streaming",
        &[
            (
                "gen",
                TEXT_GENERATOR,
                json!({"prompt": "Say hello", "model": "gpt-4o"}),
            ),
            ("out", OUTPUT_BLOCK, json!({"name": "Answer"})),
        ],
        &[("gen", "response", "out", "value")],
    );
    let saved = app.create_graph(&json!({ "graph": body })).await;
    let graph_id = saved["id"].as_str().unwrap().to_string();
    let mut client = Client::connect(&app).await;
    let exec_id = app.start_run(&graph_id, 1, json!({})).await;
    client.subscribe_run(&exec_id, None).await;

    let messages = client.until_run_ends().await;
    let deltas: Vec<&Value> = messages
        .iter()
        .filter(|m| m["method"] == json!("node_execution_text"))
        .map(|m| &m["data"])
        .collect();
    let text: String = deltas
        .iter()
        .map(|d| d["delta"].as_str().unwrap())
        .collect();
    assert_eq!(text, "Hello, streaming world", "{messages:?}");
    assert!(deltas.len() >= 3, "token by token: {deltas:?}");
    for delta in &deltas {
        assert_eq!(delta["pin"], json!("response"));
        assert_eq!(delta["graph_exec_id"], json!(exec_id));
    }
    // The partial text came before the node's output, which carries the whole value once.
    let first_delta = messages
        .iter()
        .position(|m| m["method"] == json!("node_execution_text"))
        .unwrap();
    let completed = messages
        .iter()
        .position(|m| {
            m["method"] == json!("node_execution_event")
                && m["data"]["block_id"] == json!(TEXT_GENERATOR)
                && m["data"]["status"] == json!("COMPLETED")
        })
        .expect("the generator completed");
    assert!(first_delta < completed);
    assert_eq!(
        messages[completed]["data"]["output_data"]["response"],
        json!(["Hello, streaming world"])
    );
    let end = &messages.last().unwrap()["data"];
    assert_eq!(
        end["outputs"],
        json!({"Answer": ["Hello, streaming world"]})
    );

    // Stored: the whole text, once, and no partial text anywhere.
    let run = app
        .get(&format!("/api/graphs/{graph_id}/executions/{exec_id}"))
        .await
        .expect(200);
    let gen_node = run["node_executions"]
        .as_array()
        .unwrap()
        .iter()
        .find(|n| n["block_id"] == json!(TEXT_GENERATOR))
        .unwrap();
    assert_eq!(
        gen_node["output_data"]["response"],
        json!(["Hello, streaming world"])
    );
    assert!(!run.to_string().contains("\"delta\""), "{run}");
}
