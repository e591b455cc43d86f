//! What a connection follows: one run (`subscribe_graph_execution`) or every run of one graph
//! (`subscribe_graph_executions`). Each folds a run's events, in `seq` order and each once, into
//! the state AutoGPT's messages carry (a node's outputs so far, the graph outputs so far).

use std::collections::HashMap;

use agentry_core::ExecutionStatus;
use agentry_engine::{Event, EventKind};
use chrono::{DateTime, Utc};
use serde_json::{Map, Value};

use super::protocol;

/// One run as its events describe it so far.
#[derive(Default)]
pub struct RunView {
    /// The last event folded (0: none).
    pub seq: u64,
    /// Node executions not yet ended, by id.
    nodes: HashMap<String, NodeView>,
    /// Graph outputs by name; emptied when the run ends.
    outputs: Map<String, Value>,
    pub finished: bool,
}

#[derive(Default)]
struct NodeView {
    block_id: String,
    status: Option<ExecutionStatus>,
    output_data: Map<String, Value>,
}

/// What one event tells a client.
pub enum Update {
    Node(Value),
    Graph(Value),
    /// Partial text of a running node (live only, outside the `seq` order).
    Text(Value),
}

fn push_value(map: &mut Map<String, Value>, key: &str, value: Value) {
    if let Value::Array(list) = map
        .entry(key.to_string())
        .or_insert_with(|| Value::Array(Vec::new()))
    {
        list.push(value);
    }
}

impl RunView {
    /// A view that starts after `seq`: the client has every event up to it.
    fn after(seq: u64) -> Self {
        RunView {
            seq,
            ..RunView::default()
        }
    }

    /// Folds `event`. `None` when it was folded before or tells nothing (a graph output, which
    /// reaches clients in the output node's event and in the run's final event). `quiet` folds
    /// a node's output without building its message (a later message of the same node carries
    /// it): replaying a node's n outputs then costs n, not n².
    pub fn apply(&mut self, event: &Event, quiet: bool) -> Option<Update> {
        if let EventKind::NodeTextDelta {
            node_exec_id,
            node_id,
            pin,
            delta,
        } = &event.kind
        {
            // Not stored and not numbered: passed on as it comes (it may overtake the node's
            // RUNNING event, which waits for its commit), until the run has ended.
            return (!self.finished).then(|| {
                Update::Text(protocol::text_data(
                    event,
                    node_exec_id,
                    node_id,
                    pin,
                    delta,
                ))
            });
        }
        if event.seq <= self.seq {
            return None;
        }
        self.seq = event.seq;
        match &event.kind {
            EventKind::NodeStatus {
                node_exec_id,
                node_id,
                block_id,
                status,
            } => {
                let node = self.nodes.entry(node_exec_id.clone()).or_default();
                node.status = Some(*status);
                node.block_id.clone_from(block_id);
                let data = protocol::node_data(
                    event,
                    node_exec_id,
                    node_id,
                    block_id,
                    *status,
                    &node.output_data,
                );
                if status.is_final() {
                    self.nodes.remove(node_exec_id);
                }
                Some(Update::Node(data))
            }
            EventKind::NodeOutput {
                node_exec_id,
                node_id,
                block_id,
                pin,
                value,
                ..
            } => {
                let node = self.nodes.entry(node_exec_id.clone()).or_default();
                // A replay tells a node's outputs before its status now: the block is theirs.
                if node.block_id.is_empty() {
                    node.block_id.clone_from(block_id);
                }
                push_value(&mut node.output_data, pin, value.tree().into_owned());
                if quiet {
                    return None;
                }
                let status = node.status.unwrap_or(ExecutionStatus::Running);
                Some(Update::Node(protocol::node_data(
                    event,
                    node_exec_id,
                    node_id,
                    &node.block_id,
                    status,
                    &node.output_data,
                )))
            }
            EventKind::GraphOutput { name, value } => {
                push_value(&mut self.outputs, name, value.tree().into_owned());
                None
            }
            EventKind::NodeTextDelta { .. } => None,
            EventKind::RunStatus { status, error, .. } => {
                let data = protocol::graph_data(event, *status, error.as_deref(), &self.outputs);
                if status.is_final() {
                    self.finished = true;
                    self.nodes.clear();
                    self.outputs = Map::new();
                }
                Some(Update::Graph(data))
            }
        }
    }
}

/// A `subscribe_graph_execution`: every event of one run after the client's `last_seq`.
///
/// The run's events are read from `last_seq` on, never from its start. A node execution that
/// began before `last_seq` is first seen mid-way: its earlier outputs are read from the store
/// (`history_needed`), so its messages still carry every value it yielded; the run's final
/// event carries the graph outputs read from the run's record (`outputs_needed`).
pub struct RunSubscription {
    pub view: RunView,
    channel: String,
    /// Started after `last_seq`: what came before is read from the store when needed.
    resumed: bool,
}

/// A node execution a resumed subscription has not seen start: which of its outputs to read
/// from the store (those before `before`, or all when `None`).
pub struct History {
    pub node_exec_id: String,
    pub before: Option<i32>,
}

impl RunSubscription {
    pub fn new(channel: String, after: u64) -> Self {
        RunSubscription {
            view: RunView::after(after),
            channel,
            resumed: after > 0,
        }
    }

    /// Whether `event` ends the run while the view lacks graph outputs from before `last_seq`.
    pub fn outputs_needed(&self, event: &Event) -> bool {
        self.resumed
            && event.seq > self.view.seq
            && matches!(&event.kind, EventKind::RunStatus { status, .. } if status.is_final())
    }

    /// The run's graph outputs, all of them, read from its record.
    pub fn set_outputs(&mut self, outputs: Map<String, Value>) {
        self.view.outputs = outputs;
    }

    /// The outputs `event`'s node execution yielded before the subscription's start, when the
    /// client needs them and the view lacks them.
    pub fn history_needed(&self, event: &Event) -> Option<History> {
        if !self.resumed || event.seq <= self.view.seq {
            return None;
        }
        let (node_exec_id, before) = match &event.kind {
            EventKind::NodeOutput {
                node_exec_id,
                index: Some(index),
                ..
            } if *index > 0 => (node_exec_id, Some(*index)),
            EventKind::NodeStatus {
                node_exec_id,
                status,
                ..
            } if status.is_final() => (node_exec_id, None),
            _ => return None,
        };
        (!self.view.nodes.contains_key(node_exec_id)).then(|| History {
            node_exec_id: node_exec_id.clone(),
            before,
        })
    }

    /// Puts a node execution's earlier outputs into the view.
    pub fn prefill(&mut self, node_exec_id: &str, outputs: &[(String, Value)]) {
        let node = self.view.nodes.entry(node_exec_id.to_string()).or_default();
        for (pin, value) in outputs {
            push_value(&mut node.output_data, pin, value.clone());
        }
    }

    /// Folds `event` without a message (the next event, of the same node, carries its value).
    pub fn fold(&mut self, event: &Event) {
        self.view.apply(event, true);
    }

    /// Folds `event`; the message to send, if the client does not have it yet.
    pub fn apply(&mut self, event: &Event) -> Option<String> {
        let update = self.view.apply(event, false)?;
        Some(match update {
            Update::Node(data) => protocol::push(protocol::NODE_EVENT, &self.channel, data),
            Update::Graph(data) => protocol::push(protocol::GRAPH_EVENT, &self.channel, data),
            Update::Text(data) => protocol::push(protocol::NODE_TEXT_EVENT, &self.channel, data),
        })
    }
}

/// A `subscribe_graph_executions`: the graph-level events of every run of one graph.
pub struct GraphSubscription {
    pub runs: HashMap<String, RunView>,
    channel: String,
    /// When the subscription began: a run created since is wholly the client's concern.
    pub since: DateTime<Utc>,
}

impl GraphSubscription {
    pub fn new(channel: String) -> Self {
        GraphSubscription {
            runs: HashMap::new(),
            channel,
            since: Utc::now(),
        }
    }

    /// Folds `event` into its run's view (created if new); the message to send, if any.
    pub fn apply(&mut self, event: &Event) -> Option<String> {
        let view = self.runs.entry(event.graph_exec_id.clone()).or_default();
        match view.apply(event, false)? {
            Update::Graph(data) => Some(protocol::push(protocol::GRAPH_EVENT, &self.channel, data)),
            Update::Node(_) | Update::Text(_) => None,
        }
    }

    /// Folds `event` without telling the client (history from before the subscription).
    pub fn absorb(&mut self, event: &Event) {
        let view = self.runs.entry(event.graph_exec_id.clone()).or_default();
        view.apply(event, true);
    }
}

#[cfg(test)]
mod tests {
    use serde_json::json;

    use super::*;

    fn event(seq: u64, kind: EventKind) -> Event {
        Event {
            user_id: "u".into(),
            graph_id: "g".into(),
            graph_version: 1,
            graph_exec_id: "e".into(),
            seq,
            kind,
        }
    }

    fn status(seq: u64, status: ExecutionStatus) -> Event {
        event(
            seq,
            EventKind::NodeStatus {
                node_exec_id: "n1".into(),
                node_id: "node".into(),
                block_id: "block".into(),
                status,
            },
        )
    }

    fn run_events() -> Vec<Event> {
        vec![
            event(
                1,
                EventKind::RunStatus {
                    status: ExecutionStatus::Running,
                    error: None,
                    notice: None,
                },
            ),
            status(2, ExecutionStatus::Running),
            event(
                3,
                EventKind::NodeOutput {
                    node_exec_id: "n1".into(),
                    node_id: "node".into(),
                    block_id: String::new(),
                    pin: "result".into(),
                    value: json!(42.0).into(),
                    index: Some(0),
                },
            ),
            event(
                4,
                EventKind::GraphOutput {
                    name: "Output".into(),
                    value: json!(42.0).into(),
                },
            ),
            status(5, ExecutionStatus::Completed),
            event(
                6,
                EventKind::RunStatus {
                    status: ExecutionStatus::Completed,
                    error: None,
                    notice: None,
                },
            ),
        ]
    }

    fn data(message: &str) -> Value {
        serde_json::from_str::<Value>(message).unwrap()["data"].clone()
    }

    #[test]
    fn a_run_folds_outputs_into_autogpt_shapes() {
        let mut sub = RunSubscription::new("c".into(), 0);
        let sent: Vec<String> = run_events().iter().filter_map(|e| sub.apply(e)).collect();
        assert_eq!(
            sent.len(),
            5,
            "the graph output is not a message of its own"
        );
        let done = data(&sent[3]);
        assert_eq!(done["status"], json!("COMPLETED"));
        assert_eq!(done["block_id"], json!("block"));
        assert_eq!(done["output_data"], json!({"result": [42.0]}));
        let run = data(&sent[4]);
        assert_eq!(run["outputs"], json!({"Output": [42.0]}));
        assert_eq!(run["seq"], json!(6));
        assert!(sub.view.finished);
    }

    #[test]
    fn each_event_is_told_once_and_only_after_last_seq() {
        let mut sub = RunSubscription::new("c".into(), 3);
        let events = run_events();
        let mut first = Vec::new();
        for event in &events {
            // The node began before `last_seq`: its earlier output comes from the store.
            if let Some(history) = sub.history_needed(event) {
                assert_eq!(
                    (history.node_exec_id.as_str(), history.before),
                    ("n1", None)
                );
                sub.prefill(&history.node_exec_id, &[("result".into(), json!(42.0))]);
            }
            first.extend(sub.apply(event));
        }
        let again: Vec<String> = events.iter().filter_map(|e| sub.apply(e)).collect();
        let seqs: Vec<Value> = first.iter().map(|m| data(m)["seq"].clone()).collect();
        assert_eq!(seqs, vec![json!(5), json!(6)]);
        assert!(again.is_empty());
        assert_eq!(data(&first[0])["output_data"], json!({"result": [42.0]}));
    }

    #[test]
    fn a_node_resumed_mid_way_asks_for_the_outputs_before_its_index() {
        let sub = RunSubscription::new("c".into(), 10);
        let output = event(
            11,
            EventKind::NodeOutput {
                node_exec_id: "n1".into(),
                node_id: "node".into(),
                block_id: String::new(),
                pin: "p".into(),
                value: json!(1).into(),
                index: Some(7),
            },
        );
        let history = sub
            .history_needed(&output)
            .expect("outputs 0..7 are missing");
        assert_eq!(history.before, Some(7));
        let fresh = event(
            11,
            EventKind::NodeOutput {
                node_exec_id: "n2".into(),
                node_id: "node".into(),
                block_id: String::new(),
                pin: "p".into(),
                value: json!(1).into(),
                index: Some(0),
            },
        );
        assert!(
            sub.history_needed(&fresh).is_none(),
            "a first output has no history"
        );
    }

    #[test]
    fn a_graph_subscription_tells_graph_level_events_only() {
        let mut sub = GraphSubscription::new("c".into());
        let sent: Vec<String> = run_events().iter().filter_map(|e| sub.apply(e)).collect();
        assert_eq!(sent.len(), 2);
        assert!(
            sent.iter()
                .all(|m| m.contains(protocol::GRAPH_EVENT) && !m.contains(protocol::NODE_EVENT))
        );
    }
}
