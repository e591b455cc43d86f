//! Replaying long runs over the WebSocket API: a subscription with `last_seq` near the end gets
//! only the tail (with the outputs its nodes yielded before, read from the store), several
//! clients replaying a whole long run leave the server answering, and a client that drops its
//! connection mid-run and resumes from its last `seq` misses nothing and gets nothing twice.

use std::time::Duration;

use futures::{SinkExt, StreamExt};
use serde_json::{Value, json};
use tokio_tungstenite::tungstenite::Message;

use crate::support::{COUNTDOWN, TestApp, graph};

const EXTRACT: &str = "3146e4fe-2cdd-4f29-bd12-0c9d5bb4deb0";
const WAIT: Duration = Duration::from_secs(60);
/// Values each of the three nodes yields on `positive` (under `max_outputs_per_node`).
const PER_NODE: usize = 7_000;

type Socket =
    tokio_tungstenite::WebSocketStream<tokio_tungstenite::MaybeTlsStream<tokio::net::TcpStream>>;

async fn subscribe(app: &TestApp, exec_id: &str, last_seq: u64) -> Socket {
    let url = format!("ws://{}/ws", app.addr());
    let (mut socket, _) = tokio_tungstenite::connect_async(url).await.unwrap();
    let request = json!({"method": "subscribe_graph_execution",
        "data": {"graph_exec_id": exec_id, "last_seq": last_seq}});
    socket
        .send(Message::Text(request.to_string().into()))
        .await
        .unwrap();
    socket
}

async fn next(socket: &mut Socket) -> Value {
    loop {
        let frame = tokio::time::timeout(WAIT, socket.next())
            .await
            .expect("a message within the wait")
            .expect("the socket is open")
            .expect("a frame");
        if let Message::Text(text) = frame {
            let message: Value = serde_json::from_str(text.as_str()).unwrap();
            // The user's notifications come unasked (notifications.rs tests them).
            if message["method"] != "notification" {
                return message;
            }
        }
    }
}

/// Every message after the ack, until the run's final event.
async fn until_run_ends(socket: &mut Socket) -> Vec<Value> {
    let ack = next(socket).await;
    assert_eq!(ack["success"], json!(true), "{ack}");
    let mut messages = Vec::new();
    loop {
        let message = next(socket).await;
        let ended = message["method"] == json!("graph_execution_event")
            && message["data"]["status"] == json!("COMPLETED");
        messages.push(message);
        if ended {
            return messages;
        }
    }
}

/// A finished run of three nodes yielding 7,000 values each: about 21,000 events.
async fn long_run(app: &TestApp) -> String {
    let text = "a".repeat(PER_NODE);
    let defaults = json!({"text": text, "pattern": "a", "find_all": true});
    let body = graph(
        "long",
        &[
            ("e1", EXTRACT, defaults.clone()),
            ("e2", EXTRACT, defaults.clone()),
            ("e3", EXTRACT, defaults),
        ],
        &[],
    );
    let saved = app.create_graph(&json!({ "graph": body })).await;
    let id = saved["id"].as_str().unwrap();
    let run = app
        .post_json(
            &format!("/api/graphs/{id}/execute/1?wait=true"),
            &json!({"inputs": {}}),
        )
        .await
        .expect(200);
    assert_eq!(run["status"], json!("COMPLETED"), "{run}");
    run["id"].as_str().unwrap().to_string()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_resumed_subscription_to_a_long_run_gets_only_the_tail() {
    let app = TestApp::start_with_worker().await;
    let exec_id = long_run(&app).await;

    let mut whole = subscribe(&app, &exec_id, 0).await;
    let all = until_run_ends(&mut whole).await;
    let last = all.last().unwrap()["data"]["seq"].as_u64().unwrap();
    assert!(last > 3 * PER_NODE as u64, "{last} events");
    // A replay sends a node's consecutive outputs as one message per page, not one each.
    assert!(all.len() < 500, "{} messages", all.len());
    let positives: usize = all
        .iter()
        .filter(|m| m["data"]["status"] == json!("COMPLETED") && m["data"]["node_id"].is_string())
        .map(|m| {
            m["data"]["output_data"]["positive"]
                .as_array()
                .map_or(0, Vec::len)
        })
        .sum();
    assert_eq!(
        positives,
        3 * PER_NODE,
        "each node's end carries all its values"
    );

    let from = last - 3;
    let mut tail = subscribe(&app, &exec_id, from).await;
    let messages = until_run_ends(&mut tail).await;
    assert!(messages.len() <= 3, "{messages:?}");
    assert!(
        messages
            .iter()
            .all(|m| m["data"]["seq"].as_u64().unwrap() > from)
    );
    // The last node's end, seen after `last_seq`, still carries what it yielded before.
    let node_end = messages
        .iter()
        .find(|m| m["method"] == json!("node_execution_event"))
        .expect("the last node's end is in the tail");
    assert_eq!(
        node_end["data"]["output_data"]["positive"]
            .as_array()
            .map(Vec::len),
        Some(PER_NODE)
    );
    let run_end = messages.last().unwrap();
    assert_eq!(run_end["data"]["status"], json!("COMPLETED"), "{run_end}");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn several_clients_replaying_a_long_run_leave_the_server_answering() {
    let app = TestApp::start_with_worker().await;
    let exec_id = long_run(&app).await;
    // Clients that subscribe from the start and never read: their replay waits on them.
    let mut idle = Vec::new();
    for _ in 0..6 {
        idle.push(subscribe(&app, &exec_id, 0).await);
    }
    let mut reading = subscribe(&app, &exec_id, 0).await;
    for _ in 0..5 {
        app.get("/health").await.expect(200);
    }
    let all = until_run_ends(&mut reading).await;
    assert!(!all.is_empty());
    app.get("/health").await.expect(200);
    drop(idle);
}

/// The next message of the run (after the ack), up to and including the first that `stop` picks.
async fn until(socket: &mut Socket, stop: impl Fn(&Value) -> bool) -> Vec<Value> {
    let mut messages = Vec::new();
    loop {
        let message = next(socket).await;
        let done = stop(&message);
        messages.push(message);
        if done {
            return messages;
        }
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_client_that_drops_mid_run_resumes_from_its_last_seq() {
    let app = TestApp::start().await;
    // Two timers in a row: the second still runs when the first has ended.
    let body = graph(
        "timers",
        &[
            (
                "first",
                COUNTDOWN,
                json!({"seconds": 0, "input_message": "one"}),
            ),
            ("second", COUNTDOWN, json!({"seconds": 2})),
        ],
        &[("first", "output_message", "second", "input_message")],
    );
    let saved = app.create_graph(&json!({ "graph": body })).await;
    let graph_id = saved["id"].as_str().unwrap();
    let run = app
        .post_json(
            &format!("/api/graphs/{graph_id}/execute/1"),
            &json!({"inputs": {}}),
        )
        .await
        .expect(200);
    let exec_id = run["id"].as_str().unwrap().to_string();

    // One client follows the whole run; another drops once the first timer has ended.
    let mut whole = subscribe(&app, &exec_id, 0).await;
    let mut dropping = subscribe(&app, &exec_id, 0).await;
    // Saving gives the nodes ids of their own: the first node to end is the first timer.
    let first_done = |m: &Value| {
        m["method"] == json!("node_execution_event") && m["data"]["status"] == json!("COMPLETED")
    };
    let ack = next(&mut dropping).await;
    assert_eq!(ack["success"], json!(true), "{ack}");
    let seen = until(&mut dropping, first_done).await;
    let last_seq = seen.last().unwrap()["data"]["seq"].as_u64().unwrap();
    let first_node = seen.last().unwrap()["data"]["node_id"].clone();
    drop(dropping);

    // Mid-run: the second timer has not ended.
    let status = app
        .get(&format!("/api/graphs/{graph_id}/executions/{exec_id}"))
        .await
        .expect(200);
    assert_eq!(status["status"], json!("RUNNING"), "{status}");
    let mut resumed = subscribe(&app, &exec_id, last_seq).await;
    let after = until_run_ends(&mut resumed).await;
    let all = until_run_ends(&mut whole).await;

    let seqs: Vec<u64> = after
        .iter()
        .map(|m| m["data"]["seq"].as_u64().unwrap())
        .collect();
    assert!(
        seqs.iter().all(|s| *s > last_seq),
        "{seqs:?} after {last_seq}"
    );
    assert!(
        seqs.windows(2).all(|w| w[0] < w[1]),
        "nothing twice: {seqs:?}"
    );
    // What the resumed client got is exactly what the client that stayed got after `last_seq`.
    let expected: Vec<Value> = all
        .into_iter()
        .filter(|m| m["data"]["seq"].as_u64().unwrap() > last_seq)
        .collect();
    assert_eq!(after, expected);
    let second_end = after
        .iter()
        .find(|m| first_done(m) && m["data"]["node_id"] != first_node)
        .expect("the second timer's end reaches the resumed client");
    assert_eq!(
        second_end["data"]["output_data"],
        json!({"output_message": ["one"]})
    );
    assert_eq!(after.last().unwrap()["data"]["status"], json!("COMPLETED"));
}
