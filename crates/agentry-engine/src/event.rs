//! Execution events, published after the change they describe is committed.
//! In one process they travel on a `tokio::sync::broadcast` channel; `relay` carries them to
//! other processes.

use agentry_core::{Datum, ExecutionStatus};
use serde::{Deserialize, Serialize};
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, OnceLock};

use tokio::sync::{broadcast, mpsc};

/// What happened.
#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum EventKind {
    /// A node execution changed status.
    NodeStatus {
        node_exec_id: String,
        node_id: String,
        block_id: String,
        status: ExecutionStatus,
    },
    /// A node execution yielded a value.
    NodeOutput {
        node_exec_id: String,
        node_id: String,
        /// The node's block (empty in events of older binaries): a client that replays a
        /// node's outputs before its status learns the block from them.
        #[serde(default, skip_serializing_if = "String::is_empty")]
        block_id: String,
        pin: String,
        /// Shared with the output row and the routed copies: an event does not copy a value.
        value: Datum,
        /// Which of the execution's outputs this is (0 for its first); absent in events stored
        /// before it was recorded. A client resuming mid-node gets the earlier ones from the store.
        #[serde(default, skip_serializing_if = "Option::is_none")]
        index: Option<i32>,
    },
    /// Partial text a running node is producing for `pin` (a model's tokens as they arrive).
    /// Live only: published with `seq` 0, never stored, never replayed; the node's output
    /// event carries the whole value once it is yielded.
    NodeTextDelta {
        node_exec_id: String,
        node_id: String,
        pin: String,
        delta: String,
    },
    /// An output node yielded a graph output.
    GraphOutput { name: String, value: Datum },
    /// The run changed status.
    RunStatus {
        status: ExecutionStatus,
        error: Option<String>,
        /// At a run's end (COMPLETED or FAILED), what became of its notification
        /// (`notices.rs`). This process's only: never serialized, so an event relayed to
        /// another process or read back from the rows has none (the row then decides), and
        /// clients see the event as before.
        #[serde(skip)]
        notice: Option<RunNotice>,
    },
}

/// What a run's end tells of its user's notification.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum RunNotice {
    /// A sub-agent's run: its parent's run is what its user is told of.
    Sub,
    /// A top-level run told on its row as it committed (`RunUpdate::told`); `at` is its
    /// `ended_at`.
    Told { at: chrono::DateTime<chrono::Utc> },
    /// A top-level run not told yet: the notifier tells it as the user's preferences say.
    Untold,
}

/// One event of one run, with a per-run sequence number so that a client can resume. The
/// events a replay derives from the rows (`Store::events_since`) deserialize back into it.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct Event {
    pub user_id: String,
    pub graph_id: String,
    pub graph_version: i32,
    pub graph_exec_id: String,
    pub seq: u64,
    #[serde(flatten)]
    pub kind: EventKind,
}

/// The in-process event bus; with a relay attached, events also go to the other processes.
#[derive(Clone)]
pub struct EventBus {
    tx: broadcast::Sender<Event>,
    remote: Arc<OnceLock<crate::relay::Outbox>>,
    /// Signals dropped because the relay's outbox was full.
    dropped: Arc<AtomicU64>,
}

impl EventBus {
    pub fn new(capacity: usize) -> Self {
        let (tx, _) = broadcast::channel(capacity);
        EventBus {
            tx,
            remote: Arc::default(),
            dropped: Arc::default(),
        }
    }

    /// Publishes an event of this process: here, and to the other processes.
    pub fn publish(&self, event: Event) {
        if self.remote.get().is_some() {
            self.signal(crate::relay::Signal::Event(Box::new(event.clone())));
        }
        self.publish_local(event);
    }

    /// Publishes an event here only (one that came from another process).
    pub fn publish_local(&self, event: Event) {
        // No subscriber is not an error: events are for whoever listens now.
        let _ = self.tx.send(event);
    }

    /// Sends every later event, and every signal, to the other processes as well; `false`
    /// when a relay was attached already.
    pub(crate) fn forward_to(&self, outbox: crate::relay::Outbox) -> bool {
        self.remote.set(outbox).is_ok()
    }

    /// Tells the other processes, when a relay is attached.
    pub(crate) fn signal(&self, signal: crate::relay::Signal) {
        if let Some(remote) = self.remote.get()
            && let Err(mpsc::error::TrySendError::Full(_)) = remote.try_send(signal)
        {
            // The transport is slower than this process's runs: drop rather than queue
            // without bound. Told on the first drop and every 10,000th after.
            let dropped = self.dropped.fetch_add(1, Ordering::Relaxed);
            if dropped.is_multiple_of(10_000) {
                tracing::warn!(
                    dropped = dropped + 1,
                    "the relay falls behind; signals dropped (other processes re-read the store)"
                );
            }
        }
    }

    /// A sink for one node execution's partial text: each piece becomes a `NodeTextDelta`
    /// event with `seq` 0, published here at once. With a relay attached, the pieces also go
    /// to the other processes (whose WebSocket clients may be watching), coalesced into one
    /// signal per `RELAY_TEXT_EVERY` or `RELAY_TEXT_BYTES`, since a model's tokens are too many
    /// and too small to send one by one. A tail shorter than that is not relayed: the node's
    /// output event, which follows, carries the whole value.
    pub(crate) fn live_text(
        &self,
        run: &agentry_core::ExecutionInfo,
    ) -> crate::node_task::LiveText {
        let bus = self.clone();
        let run = run.clone();
        let pending = std::sync::Mutex::new(PendingText::default());
        Arc::new(move |pin: &str, delta: &str| {
            let event = |delta: String, pin: &str| Event {
                user_id: run.user_id.clone(),
                graph_id: run.graph_id.clone(),
                graph_version: run.graph_version,
                graph_exec_id: run.graph_exec_id.clone(),
                seq: 0,
                kind: EventKind::NodeTextDelta {
                    node_exec_id: run.node_exec_id.clone(),
                    node_id: run.node_id.clone(),
                    pin: pin.to_string(),
                    delta,
                },
            };
            if bus.remote.get().is_some() {
                let ready = pending.lock().expect("text lock").push(pin, delta);
                if let Some((pin, text)) = ready {
                    bus.signal(crate::relay::Signal::Event(Box::new(event(text, &pin))));
                }
            }
            bus.publish_local(event(delta.to_string(), pin));
        })
    }

    pub fn subscribe(&self) -> broadcast::Receiver<Event> {
        self.tx.subscribe()
    }
}

/// How often partial text is relayed to other processes, at most.
const RELAY_TEXT_EVERY: std::time::Duration = std::time::Duration::from_millis(100);
/// Partial text relayed at once when this much is waiting, whatever the time.
const RELAY_TEXT_BYTES: usize = 1024;

/// Partial text waiting to be relayed, for one pin at a time.
#[derive(Default)]
struct PendingText {
    pin: String,
    text: String,
    since: Option<std::time::Instant>,
}

impl PendingText {
    /// Adds a piece; answers the text to relay now (with its pin) when it is due. A piece for
    /// another pin sends what was waiting for the previous one first.
    fn push(&mut self, pin: &str, delta: &str) -> Option<(String, String)> {
        if !self.text.is_empty() && self.pin != pin {
            let previous = self.take();
            self.start(pin, delta);
            return previous;
        }
        if self.text.is_empty() {
            self.start(pin, delta);
        } else {
            self.text.push_str(delta);
        }
        let due = self.text.len() >= RELAY_TEXT_BYTES
            || self.since.is_some_and(|t| t.elapsed() >= RELAY_TEXT_EVERY);
        if due { self.take() } else { None }
    }

    fn start(&mut self, pin: &str, delta: &str) {
        self.pin = pin.to_string();
        self.text = delta.to_string();
        self.since = Some(std::time::Instant::now());
    }

    fn take(&mut self) -> Option<(String, String)> {
        self.since = None;
        Some((self.pin.clone(), std::mem::take(&mut self.text)))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn partial_text_is_relayed_in_order_in_coalesced_pieces() {
        let mut pending = PendingText::default();
        let mut relayed = Vec::new();
        let piece = "y".repeat(300);
        for i in 0..10 {
            let pin = if i < 7 { "response" } else { "reasoning" };
            relayed.extend(pending.push(pin, &format!("{i}{piece}")));
        }
        // Four 301-byte pieces make a kilobyte: two sends for "response", then the switch
        // to "reasoning" sends the rest of "response" first.
        let response: String = relayed
            .iter()
            .filter(|(pin, _)| pin == "response")
            .map(|(_, text)| text.as_str())
            .collect();
        let expected: String = (0..7).map(|i| format!("{i}{piece}")).collect();
        assert_eq!(response, expected);
        assert!(relayed.len() < 7, "coalesced: {}", relayed.len());
        assert!(relayed.iter().all(|(_, text)| !text.is_empty()));
        // What is still waiting is the start of "reasoning", never sent twice.
        assert_eq!(pending.pin, "reasoning");
        assert!(pending.text.starts_with('7'));
    }
}
