//! W6: live updates. How long from a node finishing to a WebSocket client holding its
//! COMPLETED event, over runs of the three-node graph, client and server in one process.

use std::collections::HashMap;
use std::sync::{Arc, Mutex};
use std::time::Instant;

use agentry_core::ExecutionStatus;
use agentry_engine::EventKind;
use agentry_store::DEFAULT_USER_ID;
use anyhow::{Context as _, ensure};
use chrono::{DateTime, Utc};
use futures::{SinkExt, StreamExt};
use serde_json::{Value, json};
use tokio_tungstenite::tungstenite::Message;

use crate::{bench_engine, graphs, post_graph, serve};

/// When the in-process bus delivered each COMPLETED event, by (run id, seq).
type Published = Arc<Mutex<HashMap<(String, u64), Instant>>>;

/// One COMPLETED event as the client received it.
struct Received {
    exec_id: String,
    seq: u64,
    node_exec_id: Option<String>,
    at: Instant,
    wall: DateTime<Utc>,
}

/// `to − from` in µs; negative when the client got there before the reference subscriber.
fn micros(from: Instant, to: Instant) -> f64 {
    match to.checked_duration_since(from) {
        Some(d) => d.as_secs_f64() * 1e6,
        None => -(from.duration_since(to).as_secs_f64() * 1e6),
    }
}

fn percentile(mut xs: Vec<f64>, p: f64) -> f64 {
    xs.sort_by(f64::total_cmp);
    xs[((xs.len() - 1) as f64 * p).round() as usize]
}

fn cell(xs: &[f64]) -> String {
    format!(
        "p50 **{:.0} µs**, p99 {:.0} µs (n = {})",
        percentile(xs.to_vec(), 0.5),
        percentile(xs.to_vec(), 0.99),
        xs.len()
    )
}

pub async fn w6(report: &mut Vec<String>) -> anyhow::Result<()> {
    let b = bench_engine().await?;
    let (addr, _server) = serve(&b.engine).await?;
    let client = reqwest::Client::new();
    let graph_id = post_graph(&client, &addr, &graphs::three_nodes()).await?;

    // The reference clock: a bus subscriber in the same process notes when each event arrives.
    let published: Published = Arc::default();
    let mut bus = b.engine.events().subscribe();
    let notes = published.clone();
    tokio::spawn(async move {
        while let Ok(event) = bus.recv().await {
            let completed = match &event.kind {
                EventKind::NodeStatus { status, .. } | EventKind::RunStatus { status, .. } => {
                    *status == ExecutionStatus::Completed
                }
                _ => false,
            };
            if completed {
                let now = Instant::now();
                notes
                    .lock()
                    .unwrap()
                    .insert((event.graph_exec_id.clone(), event.seq), now);
            }
        }
    });

    let (mut socket, _) =
        tokio_tungstenite::connect_async_with_config(format!("ws://{addr}/ws"), None, true).await?;
    socket
        .send(Message::Text(
            json!({"method": "subscribe_graph_executions", "data": {"graph_id": graph_id}})
                .to_string()
                .into(),
        ))
        .await?;

    let runs = 500;
    let mut live_nodes = Vec::new();
    let mut run_ends = Vec::new();
    for i in 0..runs {
        let started: Value = client
            .post(format!("http://{addr}/api/graphs/{graph_id}/execute/1"))
            .json(&json!({"inputs": {"x": i}}))
            .send()
            .await?
            .error_for_status()?
            .json()
            .await?;
        let exec_id = started["id"].as_str().context("run id")?.to_string();
        let subscribe =
            json!({"method": "subscribe_graph_execution", "data": {"graph_exec_id": exec_id}});
        socket
            .send(Message::Text(subscribe.to_string().into()))
            .await?;
        // Node events published before the subscription took effect reach the client from the
        // store; only those published after the ack went through the live path.
        let mut acked: Option<Instant> = None;
        let mut nodes = Vec::new();
        let (end_seq, end_at) = loop {
            let frame = tokio::time::timeout(std::time::Duration::from_secs(10), socket.next())
                .await
                .context("no message within 10 s")?
                .context("socket closed")??;
            let (at, wall) = (Instant::now(), Utc::now());
            let Message::Text(text) = frame else { continue };
            let message: Value = serde_json::from_str(text.as_str())?;
            let data = &message["data"];
            match message["method"].as_str() {
                Some("subscribe_graph_execution") => acked = Some(at),
                Some("node_execution_event") if data["status"] == "COMPLETED" => {
                    nodes.push(Received {
                        exec_id: data["graph_exec_id"].as_str().unwrap_or("").into(),
                        seq: data["seq"].as_u64().unwrap_or(0),
                        node_exec_id: data["node_exec_id"].as_str().map(String::from),
                        at,
                        wall,
                    });
                }
                Some("graph_execution_event")
                    if data["status"] == "COMPLETED"
                        && data["id"] == json!(exec_id)
                        && message["channel"]
                            .as_str()
                            .is_some_and(|c| c.contains("|graph#")) =>
                {
                    break (data["seq"].as_u64().unwrap_or(0), at);
                }
                _ => {}
            }
        };
        let unsubscribe = json!({"method": "unsubscribe", "data": {"graph_exec_id": exec_id}});
        socket
            .send(Message::Text(unsubscribe.to_string().into()))
            .await?;
        let record = b
            .engine
            .store()
            .get_execution(DEFAULT_USER_ID, &exec_id)
            .await?;
        ensure!(
            record.run.status == "COMPLETED",
            "run {exec_id} did not complete"
        );
        let ends: HashMap<&str, DateTime<Utc>> = record
            .nodes
            .iter()
            .filter_map(|n| Some((n.row.id.as_str(), n.row.end_time?)))
            .collect();
        let published = published.lock().unwrap();
        if let Some(&bus_at) = published.get(&(exec_id.clone(), end_seq)) {
            run_ends.push(micros(bus_at, end_at));
        }
        for node in nodes {
            let Some(&bus_at) = published.get(&(node.exec_id.clone(), node.seq)) else {
                continue;
            };
            if acked.is_none_or(|a| bus_at <= a) {
                continue;
            }
            let ended = node.node_exec_id.as_deref().and_then(|id| ends.get(id));
            if let Some(ended) = ended {
                let since_end = (node.wall - *ended).num_microseconds().unwrap_or(0) as f64;
                let since_bus = micros(bus_at, node.at);
                live_nodes.push((since_end, since_bus));
            }
        }
    }
    ensure!(
        !live_nodes.is_empty(),
        "no node event went through the live path"
    );
    let (since_end, since_bus): (Vec<f64>, Vec<f64>) = live_nodes.into_iter().unzip();
    report.push(format!(
        "| W6 WebSocket | node finished (stored `end_time`) → client holds its COMPLETED event, {runs} runs of the 3-node graph | {} | bus delivery → client: {}; run COMPLETED on the graph channel, bus → client: {} |",
        cell(&since_end),
        cell(&since_bus),
        cell(&run_ends)
    ));
    Ok(())
}
