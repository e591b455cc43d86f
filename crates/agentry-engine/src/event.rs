//! Execution events, published after the change they describe is committed.
//! In one process they travel on a `tokio::sync::broadcast` channel; `relay` carries them to
//! other processes.

use agentry_core::ExecutionStatus;
use serde::{Deserialize, Serialize};
use serde_json::Value;
use std::sync::{Arc, OnceLock};

use tokio::sync::broadcast;

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
        pin: String,
        value: Value,
        /// Which of the execution's outputs this is (0 for its first); absent in events stored
        /// before it was recorded. A client resuming mid-node gets the earlier ones from the store.
        #[serde(default, skip_serializing_if = "Option::is_none")]
        index: Option<i32>,
    },
    /// An output node yielded a graph output.
    GraphOutput { name: String, value: Value },
    /// The run changed status.
    RunStatus {
        status: ExecutionStatus,
        error: Option<String>,
    },
}

/// One event of one run, with a per-run sequence number so that a client can resume. Stored
/// events (`Store::events_since`) deserialize back into it.
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
}

impl EventBus {
    pub fn new(capacity: usize) -> Self {
        let (tx, _) = broadcast::channel(capacity);
        EventBus {
            tx,
            remote: Arc::default(),
        }
    }

    /// Publishes an event of this process: here, and to the other processes.
    pub fn publish(&self, event: Event) {
        if self.remote.get().is_some() {
            self.signal(crate::relay::Signal::Event(event.clone()));
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
        if let Some(remote) = self.remote.get() {
            let _ = remote.send(signal);
        }
    }

    pub fn subscribe(&self) -> broadcast::Receiver<Event> {
        self.tx.subscribe()
    }
}
