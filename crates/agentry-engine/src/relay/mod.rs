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
    /// Sends `messages` in order, in as few round trips as the transport allows; the default
    /// sends them one by one, all of them even when one fails (the first error is returned).
    fn send_all(&self, messages: Vec<String>) -> BoxFuture<'_, Result<(), String>> {
        Box::pin(async move {
            let mut failed = Ok(());
            for message in messages {
                if let Err(e) = self.send(message).await
                    && failed.is_ok()
                {
                    failed = Err(e);
                }
            }
            failed
        })
    }
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
pub(crate) type Outbox = mpsc::Sender<Signal>;

/// The most signals waiting to go out. A signal past it is dropped (everything a signal says
/// is in the database too, so a dropped one only delays), where an unbounded queue grew by every
/// event of every run whenever the transport was slower than the runs: on PostgreSQL, one
/// NOTIFY round trip per event fell behind and held about 44 MiB after 10,000 runs (W10,
/// docs/benchmarks.md).
pub(crate) const OUTBOX: usize = 8192;

/// The most signals sent in one round trip.
const BATCH: usize = 256;

/// How long to wait before reconnecting a lost relay.
const RECONNECT: Duration = Duration::from_secs(1);

impl Engine {
    /// Connects this engine to the other processes of the deployment through `relay`: its
    /// events, enqueues and stops go out, theirs come in. Call once, at start-up.
    pub fn attach_relay(&self, relay: Arc<dyn Relay>) {
        let (tx, rx) = mpsc::channel(OUTBOX);
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

/// Sends what the engine hands over, in order, whatever has queued up in one round trip; a
/// failed send is logged and dropped (the store has it).
async fn send_loop(relay: Arc<dyn Relay>, origin: String, mut rx: mpsc::Receiver<Signal>) {
    let mut signals = Vec::with_capacity(BATCH);
    while rx.recv_many(&mut signals, BATCH).await > 0 {
        let max = relay.max_message();
        let messages: Vec<String> = signals
            .drain(..)
            .filter_map(|signal| encode(&origin, signal, max))
            .collect();
        if messages.is_empty() {
            continue;
        }
        if let Err(e) = relay.send_all(messages).await {
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

    /// Records the batches it is handed.
    #[derive(Default)]
    struct Recorder(std::sync::Mutex<Vec<Vec<String>>>);

    impl Relay for Recorder {
        fn send(&self, message: String) -> BoxFuture<'_, Result<(), String>> {
            self.send_all(vec![message])
        }
        fn send_all(&self, messages: Vec<String>) -> BoxFuture<'_, Result<(), String>> {
            self.0.lock().unwrap().push(messages);
            Box::pin(async { Ok(()) })
        }
        fn receive(&self) -> BoxFuture<'_, Result<BoxStream<'static, String>, String>> {
            Box::pin(async { Err("sends only".to_string()) })
        }
    }

    fn stop(i: usize) -> Signal {
        Signal::Stop {
            graph_exec_id: i.to_string(),
        }
    }

    #[tokio::test]
    async fn queued_signals_go_out_in_batches_in_order() {
        let relay = Arc::new(Recorder::default());
        let (tx, rx) = mpsc::channel(OUTBOX);
        for i in 0..600 {
            tx.try_send(stop(i)).unwrap();
        }
        drop(tx);
        send_loop(relay.clone(), "me".into(), rx).await;
        let batches = relay.0.lock().unwrap().clone();
        assert_eq!(
            batches.iter().map(Vec::len).collect::<Vec<_>>(),
            [BATCH, BATCH, 600 - 2 * BATCH]
        );
        let sent: Vec<String> = batches
            .concat()
            .iter()
            .map(
                |m| match serde_json::from_str::<Envelope>(m).unwrap().signal {
                    Signal::Stop { graph_exec_id } => graph_exec_id,
                    other => panic!("{other:?}"),
                },
            )
            .collect();
        assert_eq!(sent, (0..600).map(|i| i.to_string()).collect::<Vec<_>>());
    }

    #[test]
    fn a_full_outbox_drops_signals_instead_of_growing() {
        let bus = crate::EventBus::new(16);
        let (tx, mut rx) = mpsc::channel(OUTBOX);
        assert!(bus.forward_to(tx));
        for i in 0..OUTBOX + 100 {
            bus.signal(stop(i));
        }
        let mut queued = 0;
        while let Ok(signal) = rx.try_recv() {
            assert!(
                matches!(signal, Signal::Stop { graph_exec_id } if graph_exec_id == queued.to_string())
            );
            queued += 1;
        }
        assert_eq!(
            queued, OUTBOX,
            "the first signals wait; the rest were dropped"
        );
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
