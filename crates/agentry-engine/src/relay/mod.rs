//! Signals between processes: execution events (for WebSocket clients served by another
//! process), "a run was enqueued" (wakes idle workers at once) and "stop this run" (reaches the
//! worker holding it at once). One process needs none of it.
//!
//! A `Relay` is the transport: Redis pub/sub when `redis_url` is configured, otherwise
//! PostgreSQL LISTEN/NOTIFY. Everything it carries is also in the database (events are derived
//! from the rows their batch wrote, the queue and stops are rows), so a lost signal only
//! delays: WebSocket clients re-read the store on a sequence gap, workers poll slowly, and the
//! lease loop sees stops within a quarter second.

pub mod postgres;
pub mod redis;

use std::sync::Arc;
use std::time::Duration;

use futures::StreamExt;
use futures::future::BoxFuture;
use futures::stream::BoxStream;
use serde::{Deserialize, Serialize};
use tokio::sync::mpsc;

use crate::{Engine, Event};

/// A transport of opaque messages between the processes of one deployment.
pub trait Relay: Send + Sync + 'static {
    /// Sends one message to every process receiving, this one included.
    fn send(&self, message: String) -> BoxFuture<'_, Result<(), String>>;
    /// Starts receiving. The stream ends when the connection is lost; call again to reconnect.
    fn receive(&self) -> BoxFuture<'_, Result<BoxStream<'static, String>, String>>;
    /// The largest message it carries, in bytes.
    fn max_message(&self) -> usize {
        usize::MAX
    }
}

/// What one process tells the others.
#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(tag = "signal", rename_all = "snake_case")]
pub enum Signal {
    /// An event published after its commit (boxed: the other signals are small).
    Event(Box<Event>),
    /// An event too large for the relay: derive it from the store's rows.
    StoredEvent {
        user_id: String,
        graph_exec_id: String,
        seq: u64,
    },
    /// A run was enqueued without a lease: idle workers should claim.
    Enqueued,
    /// A run was stopped or failed from outside: its worker should stop it.
    Stop { graph_exec_id: String },
}

/// A signal with the process that sent it, so that a process ignores its own.
#[derive(Debug, Serialize, Deserialize)]
struct Envelope {
    origin: String,
    #[serde(flatten)]
    signal: Signal,
}

/// The sending side, held by the event bus once a relay is attached.
pub(crate) type Outbox = mpsc::UnboundedSender<Signal>;

/// How long to wait before reconnecting a lost relay.
const RECONNECT: Duration = Duration::from_secs(1);

impl Engine {
    /// Connects this engine to the other processes of the deployment through `relay`: its
    /// events, enqueues and stops go out, theirs come in. Call once, at start-up.
    pub fn attach_relay(&self, relay: Arc<dyn Relay>) {
        let (tx, rx) = mpsc::unbounded_channel();
        if !self.inner.bus.forward_to(tx) {
            tracing::warn!("a relay is already attached; ignoring another");
            return;
        }
        let origin = self.inner.config.worker_id.clone();
        tokio::spawn(send_loop(relay.clone(), origin.clone(), rx));
        tokio::spawn(self.clone().receive_loop(relay, origin));
    }

    /// Tells the other processes, when a relay is attached.
    pub(crate) fn signal(&self, signal: Signal) {
        self.inner.bus.signal(signal);
    }

    async fn receive_loop(self, relay: Arc<dyn Relay>, origin: String) {
        loop {
            match relay.receive().await {
                Ok(mut messages) => {
                    // Anything sent while disconnected is lost: wake the worker to look.
                    self.inner.wake.notify_one();
                    while let Some(message) = messages.next().await {
                        match serde_json::from_str::<Envelope>(&message) {
                            Ok(envelope) if envelope.origin == origin => {}
                            Ok(envelope) => self.on_signal(envelope.signal).await,
                            Err(e) => tracing::warn!(error = %e, "unreadable relay message"),
                        }
                    }
                    tracing::warn!("relay connection lost; reconnecting");
                }
                Err(e) => tracing::warn!(error = %e, "relay unavailable; retrying"),
            }
            tokio::time::sleep(RECONNECT).await;
        }
    }

    async fn on_signal(&self, signal: Signal) {
        match signal {
            Signal::Event(event) => self.inner.bus.publish_local(*event),
            Signal::StoredEvent {
                user_id,
                graph_exec_id,
                seq,
            } => {
                let after = seq.saturating_sub(1) as i64;
                match self
                    .inner
                    .store
                    .events_page(&user_id, &graph_exec_id, after, 1)
                    .await
                {
                    Ok(rows) => {
                        for row in rows {
                            match serde_json::from_value::<Event>(row) {
                                Ok(event) if event.seq == seq => {
                                    self.inner.bus.publish_local(event);
                                }
                                Ok(_) => {}
                                Err(e) => tracing::warn!(error = %e, "unreadable stored event"),
                            }
                        }
                    }
                    Err(e) => tracing::warn!(error = %e, "reading a relayed event failed"),
                }
            }
            Signal::Enqueued => self.inner.wake.notify_one(),
            Signal::Stop { graph_exec_id } => {
                let runs = self.inner.runs.lock().expect("runs lock");
                if let Some(run) = runs.get(&graph_exec_id) {
                    tracing::info!(exec = %graph_exec_id, "stopped by another process");
                    run.cancel.cancel();
                }
            }
        }
    }
}

/// Sends what the engine hands over, in order; a failed send is logged and dropped (the
/// store has it).
async fn send_loop(relay: Arc<dyn Relay>, origin: String, mut rx: mpsc::UnboundedReceiver<Signal>) {
    while let Some(signal) = rx.recv().await {
        let Some(message) = encode(&origin, signal, relay.max_message()) else {
            continue;
        };
        if let Err(e) = relay.send(message).await {
            tracing::warn!(error = %e, "relay send failed");
        }
    }
}

/// The wire form of a signal; an event over `max` bytes travels as a reference to its row.
fn encode(origin: &str, signal: Signal, max: usize) -> Option<String> {
    let reference = match &signal {
        Signal::Event(e) => Some(Signal::StoredEvent {
            user_id: e.user_id.clone(),
            graph_exec_id: e.graph_exec_id.clone(),
            seq: e.seq,
        }),
        _ => None,
    };
    let envelope = Envelope {
        origin: origin.to_string(),
        signal,
    };
    let message = serde_json::to_string(&envelope).ok()?;
    if message.len() <= max {
        return Some(message);
    }
    let envelope = Envelope {
        origin: origin.to_string(),
        signal: reference?,
    };
    serde_json::to_string(&envelope).ok()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::EventKind;
    use serde_json::json;

    fn output_event(size: usize) -> Event {
        Event {
            user_id: "u".into(),
            graph_id: "g".into(),
            graph_version: 1,
            graph_exec_id: "e".into(),
            seq: 7,
            kind: EventKind::GraphOutput {
                name: "out".into(),
                value: json!("x".repeat(size)).into(),
            },
        }
    }

    #[test]
    fn small_events_travel_whole_and_large_ones_by_reference() {
        let small = encode("me", Signal::Event(Box::new(output_event(10))), 7900).unwrap();
        let back: Envelope = serde_json::from_str(&small).unwrap();
        assert_eq!(back.origin, "me");
        assert!(matches!(back.signal, Signal::Event(e) if e.seq == 7));

        let large = encode("me", Signal::Event(Box::new(output_event(10_000))), 7900).unwrap();
        assert!(large.len() < 7900);
        let back: Envelope = serde_json::from_str(&large).unwrap();
        assert!(matches!(
            back.signal,
            Signal::StoredEvent { seq: 7, ref graph_exec_id, .. } if graph_exec_id == "e"
        ));
    }

    #[test]
    fn signals_without_payload_round_trip() {
        let stop = encode(
            "a",
            Signal::Stop {
                graph_exec_id: "x".into(),
            },
            100,
        )
        .unwrap();
        assert_eq!(
            serde_json::from_str::<serde_json::Value>(&stop).unwrap(),
            json!({"origin": "a", "signal": "stop", "graph_exec_id": "x"})
        );
        let back: Envelope = serde_json::from_str(&stop).unwrap();
        assert!(matches!(back.signal, Signal::Stop { .. }));
    }
}
