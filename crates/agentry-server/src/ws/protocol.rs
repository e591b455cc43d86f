//! The wire format of the WebSocket API: AutoGPT's `WSMessage` envelope, its method names and
//! channel keys, the requests a client sends and the `data` of the events the server pushes.

use agentry_core::ExecutionStatus;
use agentry_engine::Event;
use serde::{Deserialize, Serialize};
use serde_json::{Map, Value, json};

pub const SUBSCRIBE_RUN: &str = "subscribe_graph_execution";
pub const SUBSCRIBE_GRAPH: &str = "subscribe_graph_executions";
pub const UNSUBSCRIBE: &str = "unsubscribe";
pub const HEARTBEAT: &str = "heartbeat";
pub const ERROR: &str = "error";
pub const GRAPH_EVENT: &str = "graph_execution_event";
pub const NODE_EVENT: &str = "node_execution_event";
/// A notification for the connection's user (`notifications`), as AutoGPT's `notification`.
pub const NOTIFICATION: &str = "notification";
/// Ours, not AutoGPT's: partial text of a running node (a model's tokens as they arrive).
/// Clients that do not know it ignore it; the node's `node_execution_event` still carries the
/// whole value.
pub const NODE_TEXT_EVENT: &str = "node_execution_text";

/// AutoGPT's `WSMessage`. Every field is written, `null` when absent, as pydantic dumps it.
#[derive(Debug, Serialize, Deserialize)]
pub struct Envelope {
    pub method: String,
    #[serde(default)]
    pub data: Option<Value>,
    #[serde(default)]
    pub success: Option<bool>,
    #[serde(default)]
    pub channel: Option<String>,
    #[serde(default)]
    pub error: Option<String>,
}

impl Envelope {
    fn text(&self) -> String {
        serde_json::to_string(self).unwrap_or_default()
    }
}

/// What a client asks for.
#[derive(Debug, PartialEq)]
pub enum Request {
    /// Follow one run; `last_seq` (our addition) resumes after the events the client has.
    SubscribeRun {
        exec_id: String,
        last_seq: Option<u64>,
    },
    /// Follow the graph-level events of every run of one graph.
    SubscribeGraph {
        graph_id: String,
    },
    UnsubscribeRun {
        exec_id: String,
    },
    UnsubscribeGraph {
        graph_id: String,
    },
    Heartbeat,
    /// The client reports an error; it is logged, not answered (as AutoGPT does).
    ClientError(Option<Value>),
}

#[derive(Deserialize)]
struct RunTarget {
    graph_exec_id: String,
    #[serde(default)]
    last_seq: Option<u64>,
}

#[derive(Deserialize)]
struct GraphTarget {
    graph_id: String,
}

/// Reads one text frame. `Err` is the message of the `error` reply; the connection stays open.
pub fn parse(text: &str) -> Result<Request, String> {
    let envelope: Envelope = serde_json::from_str(text)
        .map_err(|_| "Invalid message format. Review the schema and retry".to_string())?;
    let data = envelope.data;
    let missing = || "Subscription data missing".to_string();
    let invalid = |_| "Invalid message data. Refer to the API schema".to_string();
    match envelope.method.as_str() {
        HEARTBEAT => Ok(Request::Heartbeat),
        ERROR => Ok(Request::ClientError(data)),
        SUBSCRIBE_RUN => {
            let target: RunTarget =
                serde_json::from_value(data.ok_or_else(missing)?).map_err(invalid)?;
            Ok(Request::SubscribeRun {
                exec_id: target.graph_exec_id,
                last_seq: target.last_seq,
            })
        }
        SUBSCRIBE_GRAPH => {
            let target: GraphTarget =
                serde_json::from_value(data.ok_or_else(missing)?).map_err(invalid)?;
            Ok(Request::SubscribeGraph {
                graph_id: target.graph_id,
            })
        }
        UNSUBSCRIBE => {
            let data = data.ok_or_else(missing)?;
            if let Ok(target) = serde_json::from_value::<RunTarget>(data.clone()) {
                return Ok(Request::UnsubscribeRun {
                    exec_id: target.graph_exec_id,
                });
            }
            let target: GraphTarget = serde_json::from_value(data).map_err(invalid)?;
            Ok(Request::UnsubscribeGraph {
                graph_id: target.graph_id,
            })
        }
        other => Err(format!(
            "Message type '{other}' is not processed by the server"
        )),
    }
}

/// The `data` of a `node_execution_text` push.
pub fn text_data(
    event: &Event,
    node_exec_id: &str,
    node_id: &str,
    pin: &str,
    delta: &str,
) -> Value {
    json!({
        "graph_id": event.graph_id,
        "graph_version": event.graph_version,
        "graph_exec_id": event.graph_exec_id,
        "node_exec_id": node_exec_id,
        "node_id": node_id,
        "pin": pin,
        "delta": delta,
    })
}

/// The channel of one run, as AutoGPT names it.
pub fn run_channel(user_id: &str, exec_id: &str) -> String {
    format!("{user_id}|graph_exec#{exec_id}")
}

/// The channel of every run of one graph, as AutoGPT names it.
pub fn graph_channel(user_id: &str, graph_id: &str) -> String {
    format!("{user_id}|graph#{graph_id}|executions")
}

/// `{"method":"heartbeat","data":"pong","success":true}`, exactly AutoGPT's answer.
pub fn pong() -> String {
    json!({"method": HEARTBEAT, "data": "pong", "success": true}).to_string()
}

/// The answer to a (un)subscription.
pub fn ack(method: &str, channel: String) -> String {
    Envelope {
        method: method.to_string(),
        data: None,
        success: Some(true),
        channel: Some(channel),
        error: None,
    }
    .text()
}

pub fn error(message: &str) -> String {
    Envelope {
        method: ERROR.to_string(),
        data: None,
        success: Some(false),
        channel: None,
        error: Some(message.to_string()),
    }
    .text()
}

/// A pushed event on `channel`.
pub fn push(method: &str, channel: &str, data: Value) -> String {
    Envelope {
        method: method.to_string(),
        data: Some(data),
        success: None,
        channel: Some(channel.to_string()),
        error: None,
    }
    .text()
}

/// AutoGPT's `NodeExecutionResult` (as its `NodeExecutionEvent`) for one node execution, plus
/// our `seq`. Inputs and timestamps are not in our events: `input_data` is `{}` and the times are
/// `null` (`GET /api/graphs/{id}/executions/{exec_id}` has them).
pub fn node_data(
    event: &Event,
    node_exec_id: &str,
    node_id: &str,
    block_id: &str,
    status: ExecutionStatus,
    output_data: &Map<String, Value>,
) -> Value {
    json!({
        "event_type": "node_execution_update",
        "user_id": event.user_id,
        "graph_id": event.graph_id,
        "graph_version": event.graph_version,
        "graph_exec_id": event.graph_exec_id,
        "node_exec_id": node_exec_id,
        "node_id": node_id,
        "block_id": block_id,
        "status": status,
        "input_data": {},
        "output_data": output_data,
        "add_time": null,
        "queue_time": null,
        "start_time": null,
        "end_time": null,
        "seq": event.seq,
    })
}

/// AutoGPT's `GraphExecution` (as its `GraphExecutionEvent`) for a run status change, with the
/// graph outputs so far, plus our `seq` and the run's `error` (as our REST answers carry it).
pub fn graph_data(
    event: &Event,
    status: ExecutionStatus,
    error: Option<&str>,
    outputs: &Map<String, Value>,
) -> Value {
    json!({
        "event_type": "graph_execution_update",
        "id": event.graph_exec_id,
        "user_id": event.user_id,
        "graph_id": event.graph_id,
        "graph_version": event.graph_version,
        "inputs": {},
        "credential_inputs": null,
        "nodes_input_masks": null,
        "preset_id": null,
        "status": status,
        "started_at": null,
        "ended_at": null,
        "stats": error.map(|e| json!({"error": e})),
        "error": error,
        "is_shared": false,
        "share_token": null,
        "outputs": outputs,
        "seq": event.seq,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn requests_are_read_from_autogpt_envelopes() {
        assert_eq!(parse(r#"{"method":"heartbeat"}"#), Ok(Request::Heartbeat));
        assert_eq!(
            parse(
                r#"{"method":"subscribe_graph_execution","data":{"graph_exec_id":"e","last_seq":3}}"#
            ),
            Ok(Request::SubscribeRun {
                exec_id: "e".into(),
                last_seq: Some(3)
            })
        );
        assert_eq!(
            parse(r#"{"method":"unsubscribe","data":{"graph_id":"g"}}"#),
            Ok(Request::UnsubscribeGraph {
                graph_id: "g".into()
            })
        );
        assert!(parse("{").is_err());
        assert!(parse(r#"{"method":"subscribe_graph_execution"}"#).is_err());
        assert!(parse(r#"{"method":"subscribe_graph_execution","data":{}}"#).is_err());
        assert!(parse(r#"{"method":"fly"}"#).is_err());
    }

    #[test]
    fn channels_are_autogpt_keys() {
        assert_eq!(run_channel("u", "e"), "u|graph_exec#e");
        assert_eq!(graph_channel("u", "g"), "u|graph#g|executions");
    }
}
