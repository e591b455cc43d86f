//! Tool calling between SmartDecisionMaker and the nodes linked from its `tools` pin: the tool
//! functions the engine describes, the `ToolNodes` capability that runs a tool node as a real
//! node execution of the run, the routing of `tools_^_{sink}_~_{field}` pins, and the
//! readiness rule of the `conversation_history` / `last_tool_output` pair (AutoGPT's
//! `get_missing_links` and `get_missing_input` of `smart_decision_maker.py`).

use std::future::Future;
use std::pin::Pin;

use serde_json::{Map, Value};

use crate::block::BlockError;
use crate::pin::{TOOL_SPLIT, base_name, select_output};
use crate::status::ExecutionStatus;

/// AutoGPT's SmartDecisionMakerBlock id.
pub const SMART_DECISION_MAKER_ID: &str = "3b191d9f-356f-482d-8238-ba04b6d18381";
/// The prefix of a routed tool-call pin.
pub const TOOL_PIN_PREFIX: &str = "tools_^_";
/// Separates the sink node from the sink pin in a routed tool-call pin.
pub const TOOL_FIELD_SPLIT: &str = "_~_";

/// One node linked from a SmartDecisionMaker's `tools` pin, as a function the model may call.
#[derive(Debug, Clone, PartialEq)]
pub struct ToolFunction {
    /// The tool node's id in the graph.
    pub node_id: String,
    /// The function name the model sees (letters, digits, `_` and `-`, lowercased).
    pub name: String,
    pub description: String,
    /// JSON schema of the arguments.
    pub parameters: Value,
    /// Argument name → the sink pin it feeds, in the order the links were found.
    pub fields: Vec<(String, String)>,
    /// When set, the whole arguments object goes to this pin (an MCP tool's `tool_arguments`).
    pub whole_arguments_pin: Option<String>,
}

impl ToolFunction {
    /// The sink pins and values a call with `arguments` delivers; missing arguments are null,
    /// as AutoGPT yields `None` for them.
    pub fn inputs(&self, arguments: &Map<String, Value>) -> Vec<(String, Value)> {
        if let Some(pin) = &self.whole_arguments_pin {
            return vec![(pin.clone(), Value::Object(arguments.clone()))];
        }
        self.fields
            .iter()
            .map(|(arg, pin)| {
                (
                    pin.clone(),
                    arguments.get(arg).cloned().unwrap_or(Value::Null),
                )
            })
            .collect()
    }

    /// The OpenAI-style description: `{"type":"function","function":{…}}`.
    pub fn to_json(&self) -> Value {
        serde_json::json!({
            "type": "function",
            "function": {
                "name": self.name,
                "description": self.description,
                "parameters": self.parameters,
                "_sink_node_id": self.node_id,
            }
        })
    }
}

/// How a tool node's execution ended, with everything it yielded in order.
#[derive(Debug, Clone)]
pub struct ToolRun {
    pub node_exec_id: String,
    pub status: ExecutionStatus,
    pub outputs: Vec<(String, Value)>,
}

type BoxFuture<'a, T> = Pin<Box<dyn Future<Output = T> + Send + 'a>>;

/// The engine's door to the tool nodes of the running node (SmartDecisionMaker's agent mode).
pub trait ToolNodes: Send + Sync {
    /// The functions built from the nodes linked from this node's `tools` pin.
    fn describe(&self) -> Vec<ToolFunction>;
    /// Runs tool node `node_id` on `inputs` (merged with its defaults) as a node execution of
    /// the run, persisted and visible like any other, and returns it once its end is committed.
    /// Its outputs also travel along its own links, as every node execution's do.
    fn run(
        &self,
        node_id: &str,
        inputs: Map<String, Value>,
    ) -> BoxFuture<'_, Result<ToolRun, BlockError>>;
}

/// AutoGPT's `cleanup`: a name usable as a function or argument name.
pub fn clean_name(s: &str) -> String {
    s.chars()
        .map(|c| {
            if c.is_ascii_alphanumeric() || c == '_' || c == '-' {
                c.to_ascii_lowercase()
            } else {
                '_'
            }
        })
        .collect()
}

/// The routed pin a tool call's argument is emitted on.
pub fn tool_pin(sink_node_id: &str, sink_pin: &str) -> String {
    format!("{TOOL_PIN_PREFIX}{sink_node_id}{TOOL_FIELD_SPLIT}{sink_pin}")
}

/// True when a link leaving a node is one of its tool links.
pub fn is_tool_link(source_name: &str) -> bool {
    base_name(source_name) == "tools"
        && (source_name == "tools" || source_name.contains(TOOL_SPLIT))
}

/// Which value a link takes from output `(pin, value)`. A routed tool pin
/// `tools_^_{sink}_~_{field}` goes only along tool links whose sink node and pin are that
/// sink and field, whatever the link's own selector says after `tools` (`tools`,
/// `tools_^_{sink_node_id}_~_{field}` or the block-name form `tools_^_{block}_~_{field}`).
pub fn select_for_link<'v>(
    pin: &str,
    value: &'v Value,
    source_name: &str,
    sink_id: &str,
    sink_name: &str,
) -> Option<&'v Value> {
    if let Some(rest) = pin.strip_prefix(TOOL_PIN_PREFIX)
        && is_tool_link(source_name)
    {
        let (node, field) = rest.split_once(TOOL_FIELD_SPLIT)?;
        return (node == sink_id && field == sink_name).then_some(value);
    }
    select_output(pin, value, source_name)
}

/// Input pins of `block_id` that may be linked yet never hold a node back on their own.
pub fn optional_link(block_id: &str, sink_name: &str) -> bool {
    block_id == SMART_DECISION_MAKER_ID
        && matches!(sink_name, "conversation_history" | "last_tool_output")
}

/// A rule on a waiting execution's received inputs: `false` keeps it waiting.
pub type ReadyRule = fn(&Map<String, Value>) -> bool;

/// The extra readiness rule of `block_id`'s received inputs, when it has one.
pub fn readiness(block_id: &str) -> Option<ReadyRule> {
    (block_id == SMART_DECISION_MAKER_ID).then_some(decision_ready as ReadyRule)
}

/// A SmartDecisionMaker execution waits for `last_tool_output` while its history has a tool
/// call without an answer, and for `conversation_history` when a tool output came without one.
fn decision_ready(received: &Map<String, Value>) -> bool {
    let history = received
        .get("conversation_history")
        .and_then(Value::as_array)
        .map(Vec::as_slice)
        .unwrap_or_default();
    let pending = !pending_tool_calls(history).is_empty();
    let has_output = received
        .get("last_tool_output")
        .is_some_and(|v| !v.is_null());
    pending == has_output
}

/// Tool call ids of a conversation that have no answer yet, in the order they were asked
/// (OpenAI `tool_calls` / `role: tool`, and Anthropic `tool_use` / `tool_result` items).
pub fn pending_tool_calls(history: &[Value]) -> Vec<String> {
    let mut counts: Vec<(String, i64)> = Vec::new();
    let mut bump = |id: &str, by: i64| match counts.iter_mut().find(|(k, _)| k == id) {
        Some((_, n)) => *n += by,
        None => counts.push((id.to_string(), by)),
    };
    for entry in history {
        let role = entry.get("role").and_then(Value::as_str);
        let content = entry.get("content").and_then(Value::as_array);
        if role == Some("assistant") {
            for call in entry
                .get("tool_calls")
                .and_then(Value::as_array)
                .into_iter()
                .flatten()
            {
                if let Some(id) = call.get("id").and_then(Value::as_str) {
                    bump(id, 1);
                }
            }
            for item in content.into_iter().flatten() {
                if item.get("type").and_then(Value::as_str) == Some("tool_use")
                    && let Some(id) = item.get("id").and_then(Value::as_str)
                {
                    bump(id, 1);
                }
            }
        }
        if role == Some("tool")
            && let Some(id) = entry.get("tool_call_id").and_then(Value::as_str)
        {
            bump(id, -1);
        }
        if role == Some("user") {
            for item in content.into_iter().flatten() {
                if item.get("type").and_then(Value::as_str) == Some("tool_result")
                    && let Some(id) = item.get("tool_use_id").and_then(Value::as_str)
                {
                    bump(id, -1);
                }
            }
        }
    }
    counts
        .into_iter()
        .filter(|(_, n)| *n > 0)
        .map(|(id, _)| id)
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn tool_pins_go_only_to_their_sink() {
        let v = json!("Paris");
        let pin = tool_pin("n1", "city");
        // Every link form reaches the right sink and pin.
        for selector in ["tools", "tools_^_n1_~_city", "tools_^_weatherblock_~_city"] {
            assert_eq!(select_for_link(&pin, &v, selector, "n1", "city"), Some(&v));
            assert_eq!(select_for_link(&pin, &v, selector, "n2", "city"), None);
            assert_eq!(select_for_link(&pin, &v, selector, "n1", "country"), None);
        }
        // Ordinary pins are untouched; a tool pin never leaks onto another link.
        assert_eq!(
            select_for_link("finished", &v, "finished", "x", "y"),
            Some(&v)
        );
        assert_eq!(select_for_link(&pin, &v, "finished", "n1", "city"), None);
    }

    #[test]
    fn pending_calls_and_readiness() {
        let asked = json!({"role": "assistant", "content": null,
            "tool_calls": [{"id": "call_1", "type": "function",
                            "function": {"name": "f", "arguments": "{}"}}]});
        let answered = json!({"role": "tool", "tool_call_id": "call_1", "content": "ok"});
        assert_eq!(
            pending_tool_calls(std::slice::from_ref(&asked)),
            vec!["call_1"]
        );
        assert!(pending_tool_calls(&[asked.clone(), answered.clone()]).is_empty());
        let anthropic =
            json!({"role": "assistant", "content": [{"type": "tool_use", "id": "toolu_1"}]});
        assert_eq!(pending_tool_calls(&[anthropic]), vec!["toolu_1"]);

        let ready = readiness(SMART_DECISION_MAKER_ID).unwrap();
        let received = |v: Value| v.as_object().cloned().unwrap();
        assert!(ready(&received(json!({"prompt": "p"}))));
        assert!(!ready(&received(
            json!({"conversation_history": [asked.clone()]})
        )));
        assert!(ready(&received(
            json!({"conversation_history": [asked], "last_tool_output": 3})
        )));
        assert!(!ready(&received(json!({"last_tool_output": 3}))));
        assert!(readiness("other").is_none());
        assert!(optional_link(SMART_DECISION_MAKER_ID, "last_tool_output"));
        assert!(!optional_link(SMART_DECISION_MAKER_ID, "prompt"));
    }

    #[test]
    fn arguments_become_sink_inputs() {
        let f = ToolFunction {
            node_id: "n".into(),
            name: "t".into(),
            description: String::new(),
            parameters: json!({}),
            fields: vec![("a".into(), "A".into()), ("b".into(), "b".into())],
            whole_arguments_pin: None,
        };
        let args = json!({"a": 1}).as_object().cloned().unwrap();
        assert_eq!(
            f.inputs(&args),
            vec![("A".into(), json!(1)), ("b".into(), Value::Null)]
        );
        assert_eq!(clean_name("Get Weather (v2)"), "get_weather__v2_");
    }
}
