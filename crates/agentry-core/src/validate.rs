//! Graph validation, as AutoGPT: unknown blocks, links to pins that don't exist, and required
//! inputs that have neither a link nor a default. Problems name the node and pin at fault.

use std::collections::{BTreeMap, HashSet};

use serde::Serialize;
use serde_json::Value;

use crate::block::BlockType;
use crate::catalog::autogpt_block_name;
use crate::graph::{Graph, Node};
use crate::pin::{TOOL_SPLIT, base_name};
use crate::registry::{BlockInfo, Registry};

/// When validation runs: on save only input, output and agent nodes must be complete;
/// on run every node must be (AutoGPT's `for_run`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Mode {
    Save,
    Run,
}

/// A block id the graph uses that this build of Agentry does not have.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct UnknownBlock {
    pub block_id: String,
    /// AutoGPT's class name when the id is a known AutoGPT block.
    pub name: Option<String>,
    /// Nodes that use it (in the graph or its sub-graphs).
    pub node_ids: Vec<String>,
}

/// Per-node problems: node id → pin name → message.
pub type NodeErrors = BTreeMap<String, BTreeMap<String, String>>;

#[derive(Debug, Clone, PartialEq, thiserror::Error)]
pub enum Error {
    #[error("{}", unknown_message(.0))]
    UnknownBlocks(Vec<UnknownBlock>),
    #[error("{message}")]
    Invalid {
        message: String,
        node_errors: NodeErrors,
    },
}

fn unknown_message(blocks: &[UnknownBlock]) -> String {
    let list: Vec<String> = blocks
        .iter()
        .map(|b| match &b.name {
            Some(n) => format!("{n} ({})", b.block_id),
            None => format!("unknown block {}", b.block_id),
        })
        .collect();
    format!(
        "the graph uses {} block(s) this Agentry does not have: {}",
        blocks.len(),
        list.join(", ")
    )
}

/// Every block id the graph and its sub-graphs use that the registry lacks.
pub fn unknown_blocks(graph: &Graph, registry: &Registry) -> Vec<UnknownBlock> {
    let mut found: BTreeMap<String, UnknownBlock> = BTreeMap::new();
    let graphs = std::iter::once(graph).chain(graph.sub_graphs.iter().flatten());
    for g in graphs {
        for node in &g.nodes {
            if registry.info(&node.block_id).is_none() {
                found
                    .entry(node.block_id.clone())
                    .or_insert_with(|| UnknownBlock {
                        block_id: node.block_id.clone(),
                        name: autogpt_block_name(&node.block_id).map(str::to_string),
                        node_ids: Vec::new(),
                    })
                    .node_ids
                    .push(node.id.clone());
            }
        }
    }
    found.into_values().collect()
}

/// Forces links from static-output blocks to be static, as AutoGPT does on save (§3.4).
pub fn force_static_links(graph: &mut Graph, registry: &Registry) {
    let static_nodes: HashSet<String> = graph
        .nodes
        .iter()
        .filter(|n| registry.info(&n.block_id).is_some_and(|b| b.static_output))
        .map(|n| n.id.clone())
        .collect();
    for link in &mut graph.links {
        if static_nodes.contains(&link.source_id) {
            link.is_static = true;
        }
    }
    for sub in graph.sub_graphs.iter_mut().flatten() {
        force_static_links(sub, registry);
    }
}

/// Pin names of an AgentExecutorBlock node, from the sub-graph schemas stored in its defaults.
fn agent_pins(node: &Node, schema_key: &str) -> Vec<String> {
    node.input_default
        .get(schema_key)
        .and_then(|s| s.get("properties"))
        .and_then(Value::as_object)
        .map(|p| p.keys().cloned().collect())
        .unwrap_or_default()
}

fn has_input_pin(node: &Node, block: &BlockInfo, pin: &str) -> bool {
    if block.block_type == BlockType::Agent {
        return block.input_pin(pin).is_some()
            || agent_pins(node, "input_schema").iter().any(|p| p == pin);
    }
    block.input_pin(pin).is_some()
}

fn has_output_pin(node: &Node, block: &BlockInfo, pin: &str) -> bool {
    if block.block_type == BlockType::Agent {
        return pin == "error" || agent_pins(node, "output_schema").iter().any(|p| p == pin);
    }
    block.has_output_pin(pin)
}

fn provided(value: Option<&Value>) -> bool {
    value.is_some_and(|v| !v.is_null())
}

/// Validates one graph (not its sub-graphs) against the registry.
pub fn validate(graph: &Graph, registry: &Registry, mode: Mode) -> Result<(), Error> {
    let unknown = unknown_blocks(graph, registry);
    if !unknown.is_empty() {
        return Err(Error::UnknownBlocks(unknown));
    }
    let mut errors: NodeErrors = BTreeMap::new();
    let mut add = |node: &str, pin: &str, msg: String| {
        errors
            .entry(node.to_string())
            .or_default()
            .insert(pin.to_string(), msg);
    };

    let mut ids = HashSet::new();
    for node in &graph.nodes {
        if !ids.insert(node.id.as_str()) {
            add(&node.id, "id", format!("node id {} is used twice", node.id));
        }
    }

    for link in &graph.links {
        let source = graph.node(&link.source_id);
        let sink = graph.node(&link.sink_id);
        let (Some(source), Some(sink)) = (source, sink) else {
            let missing = if source.is_none() {
                &link.source_id
            } else {
                &link.sink_id
            };
            add(
                missing,
                "link",
                format!(
                    "link {} points to node {missing}, which is not in the graph",
                    link.id
                ),
            );
            continue;
        };
        let source_block = registry.info(&source.block_id).expect("checked above");
        let sink_block = registry.info(&sink.block_id).expect("checked above");
        let source_pin = base_name(&link.source_name);
        let is_tool_link = source_pin == "tools" || link.source_name.contains(TOOL_SPLIT);
        if !is_tool_link && !has_output_pin(source, source_block, source_pin) {
            add(
                &source.id,
                &link.source_name,
                format!(
                    "{} has no output pin `{source_pin}` (link {})",
                    source_block.name, link.id
                ),
            );
        }
        let sink_pin = base_name(&link.sink_name);
        if !has_input_pin(sink, sink_block, sink_pin) {
            add(
                &sink.id,
                &link.sink_name,
                format!(
                    "{} has no input pin `{sink_pin}` (link {})",
                    sink_block.name, link.id
                ),
            );
        }
    }

    for node in &graph.nodes {
        let block = registry.info(&node.block_id).expect("checked above");
        let check = match block.block_type {
            BlockType::Note => false,
            BlockType::Input | BlockType::Output | BlockType::Agent => true,
            _ => mode == Mode::Run,
        };
        if !check {
            continue;
        }
        let linked = |pin: &str| {
            graph
                .links
                .iter()
                .any(|l| l.sink_id == node.id && base_name(&l.sink_name) == pin)
        };
        for pin in block.required_inputs() {
            if !provided(node.input_default.get(pin)) && !linked(pin) {
                add(
                    &node.id,
                    pin,
                    format!(
                        "{}: required input `{pin}` has no value and no link",
                        block.name
                    ),
                );
            }
        }
        if block.block_type == BlockType::Agent {
            let required: Vec<String> = node
                .input_default
                .get("input_schema")
                .and_then(|s| s.get("required"))
                .and_then(Value::as_array)
                .map(|r| {
                    r.iter()
                        .filter_map(Value::as_str)
                        .map(str::to_string)
                        .collect()
                })
                .unwrap_or_default();
            let defaults = node.input_default.get("inputs");
            for pin in required {
                if !linked(&pin) && !provided(defaults.and_then(|d| d.get(&pin))) {
                    add(
                        &node.id,
                        &pin,
                        format!("sub-agent input `{pin}` has no value and no link"),
                    );
                }
            }
        }
    }

    if errors.is_empty() {
        return Ok(());
    }
    let mut lines: Vec<String> = Vec::new();
    for (node, pins) in &errors {
        for msg in pins.values() {
            lines.push(format!("node {node}: {msg}"));
        }
    }
    let shown = lines.iter().take(5).cloned().collect::<Vec<_>>().join("; ");
    let more = lines.len().saturating_sub(5);
    let message = if more > 0 {
        format!("the graph is invalid: {shown}; and {more} more")
    } else {
        format!("the graph is invalid: {shown}")
    };
    Err(Error::Invalid {
        message,
        node_errors: errors,
    })
}
