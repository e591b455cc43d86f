//! The tool nodes of a SmartDecisionMaker node: the functions described to the model, built
//! from the plan (the links leaving its `tools` pin and their sinks' input schemas), and
//! `RunTools`, which asks the run loop to execute a tool node as a real node execution
//! (`run.rs` dispatches it like any other and replies once its end is committed).

use std::collections::BTreeSet;
use std::future::Future;
use std::pin::Pin;
use std::sync::Arc;

use agentry_core::BlockError;
use agentry_core::pin::{base_name, is_nested};
use agentry_core::tool_nodes::{ToolFunction, ToolNodes, ToolRun, clean_name, is_tool_link};
use serde_json::{Map, Value, json};
use tokio::sync::{mpsc, oneshot};

use crate::plan::{Plan, PlanNode};

/// AutoGPT's AgentExecutorBlock: a sub-agent tool exposes its graph's input schema.
const AGENT_EXECUTOR_ID: &str = "e189baac-8c20-45a1-94a7-55177ea42565";
/// AutoGPT's MCPToolBlock: an MCP tool takes the selected tool's arguments as one object.
const MCP_TOOL_ID: &str = "a0a4b1c2-d3e4-4f56-a7b8-c9d0e1f2a3b4";

/// Who waits for a tool execution, and what it yielded so far.
pub type ToolWaiter = (oneshot::Sender<ToolRun>, Vec<(String, Value)>);

/// A node task's request to run a tool node of its run.
pub struct ToolRequest {
    pub node: usize,
    pub inputs: Map<String, Value>,
    pub reply: oneshot::Sender<ToolRun>,
}

/// The functions of the tool nodes linked from `node`'s `tools` pin, one per sink node, in
/// the order their links appear.
pub fn describe(plan: &Plan, node: usize) -> Vec<(usize, ToolFunction)> {
    let mut sinks: Vec<(usize, Vec<&str>)> = Vec::new();
    for edge in &plan.nodes[node].outgoing {
        if !is_tool_link(&edge.source_name) {
            continue;
        }
        match sinks.iter_mut().find(|(s, _)| *s == edge.sink) {
            Some((_, pins)) => pins.push(&edge.sink_name),
            None => sinks.push((edge.sink, vec![&edge.sink_name])),
        }
    }
    let mut taken = BTreeSet::new();
    sinks
        .into_iter()
        .map(|(sink, pins)| {
            let mut function = function_of(&plan.nodes[sink], &pins);
            // Two tools may not share a name: the model could not tell them apart.
            let base = function.name.clone();
            let mut n = 1;
            while !taken.insert(function.name.clone()) {
                n += 1;
                function.name = format!("{base}_{n}");
            }
            (sink, function)
        })
        .collect()
}

fn function_of(node: &PlanNode, pins: &[&str]) -> ToolFunction {
    let info = &node.block.info;
    let defaults = &node.defaults;
    let text = |key: &str| {
        defaults
            .get(key)
            .and_then(Value::as_str)
            .filter(|s| !s.is_empty())
    };
    let mut properties = Map::new();
    let mut required = BTreeSet::new();
    let mut fields = Vec::new();
    let mut whole_arguments_pin = None;
    let (name, description, parameters_override) = match info.id {
        AGENT_EXECUTOR_ID => {
            let schema = defaults.get("input_schema").cloned().unwrap_or(json!({}));
            let wanted: Vec<&str> = schema
                .get("required")
                .and_then(Value::as_array)
                .map(|r| r.iter().filter_map(Value::as_str).collect())
                .unwrap_or_default();
            for pin in pins {
                let arg = clean_name(pin);
                let property = schema
                    .get("properties")
                    .and_then(|p| p.get(*pin))
                    .cloned()
                    .unwrap_or_else(|| json!({"type": "string", "description": format!("The {pin} of the tool")}));
                properties.insert(arg.clone(), property);
                if wanted.contains(pin) {
                    required.insert(arg.clone());
                }
                fields.push((arg, pin.to_string()));
            }
            let name = node
                .title
                .as_deref()
                .or(text("agent_name"))
                .or(schema.get("title").and_then(Value::as_str))
                .unwrap_or(info.name)
                .to_string();
            let description = schema
                .get("description")
                .and_then(Value::as_str)
                .filter(|s| !s.is_empty())
                .map_or_else(|| format!("Runs the sub-agent {name}."), str::to_string);
            (name, description, None)
        }
        MCP_TOOL_ID if pins.contains(&"tool_arguments") => {
            whole_arguments_pin = Some("tool_arguments".to_string());
            let tool = text("selected_tool").unwrap_or("mcp_tool");
            let name = node.title.clone().unwrap_or_else(|| tool.to_string());
            let description = text("tool_description").map_or_else(
                || {
                    format!(
                        "The MCP tool `{tool}` of {}",
                        text("server_url").unwrap_or("an MCP server")
                    )
                },
                str::to_string,
            );
            let schema = defaults
                .get("tool_input_schema")
                .filter(|s| s.as_object().is_some_and(|m| !m.is_empty()))
                .cloned()
                .unwrap_or_else(|| json!({"type": "object", "properties": {}}));
            (name, description, Some(schema))
        }
        _ => {
            let wanted: Vec<&str> = info.required_inputs().collect();
            for pin in pins {
                let arg = clean_name(pin);
                let property = if is_nested(pin) {
                    json!({"type": "string", "description": format!("Value for {pin}")})
                } else {
                    info.input_pin(pin).cloned().unwrap_or_else(
                        || json!({"type": "string", "description": format!("Value for {pin}")}),
                    )
                };
                properties.insert(arg.clone(), property);
                if wanted.contains(&base_name(pin)) {
                    required.insert(arg.clone());
                }
                fields.push((arg, pin.to_string()));
            }
            let name = node.title.clone().unwrap_or_else(|| info.name.to_string());
            (name, info.description.to_string(), None)
        }
    };
    let parameters = parameters_override.unwrap_or_else(|| {
        json!({
            "type": "object",
            "properties": properties,
            "additionalProperties": false,
            "required": required.into_iter().collect::<Vec<_>>(),
        })
    });
    ToolFunction {
        node_id: node.id.clone(),
        name: clean_name(&name),
        description,
        parameters,
        fields,
        whole_arguments_pin,
    }
}

/// `ToolNodes` for one node execution: its tool functions and a line to its run loop.
pub struct RunTools {
    tools: Vec<(usize, ToolFunction)>,
    tx: mpsc::UnboundedSender<ToolRequest>,
}

impl RunTools {
    /// The tool nodes of `node`, or `None` when no link leaves its `tools` pin.
    pub fn for_node(
        plan: &Plan,
        node: usize,
        tx: &mpsc::UnboundedSender<ToolRequest>,
    ) -> Option<Arc<dyn ToolNodes>> {
        let tools = describe(plan, node);
        if tools.is_empty() {
            return None;
        }
        Some(Arc::new(RunTools {
            tools,
            tx: tx.clone(),
        }))
    }
}

impl ToolNodes for RunTools {
    fn describe(&self) -> Vec<ToolFunction> {
        self.tools.iter().map(|(_, f)| f.clone()).collect()
    }

    fn run(
        &self,
        node_id: &str,
        inputs: Map<String, Value>,
    ) -> Pin<Box<dyn Future<Output = Result<ToolRun, BlockError>> + Send + '_>> {
        let node = self
            .tools
            .iter()
            .find(|(_, f)| f.node_id == node_id)
            .map(|(i, _)| *i);
        let node_id = node_id.to_string();
        Box::pin(async move {
            let node = node.ok_or_else(|| {
                BlockError::Input(format!("node {node_id} is not one of this node's tools"))
            })?;
            let (reply, answer) = oneshot::channel();
            self.tx
                .send(ToolRequest {
                    node,
                    inputs,
                    reply,
                })
                .map_err(|_| BlockError::System("the run has ended".into()))?;
            answer.await.map_err(|_| {
                BlockError::System(format!("the run ended before tool node {node_id} did"))
            })
        })
    }
}
