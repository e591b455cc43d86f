//! A graph version compiled for running: nodes by index, their blocks, links and settings.
//! Versions are immutable, so their plans are cached beside them (`graph_cache.rs`) and never invalidated.

use std::collections::{HashMap, HashSet};
use std::time::Duration;

use agentry_core::io_schema::io_name;
use agentry_core::pin::base_name;
use agentry_core::{BlockType, Graph, RegisteredBlock, Registry};
use serde_json::{Map, Value};

/// A link leaving a node.
#[derive(Debug, Clone)]
pub struct Edge {
    pub source_name: String,
    pub sink: usize,
    pub sink_name: String,
    pub is_static: bool,
}

/// Retries for system failures (upstream 5xx, 429, timeouts), set in `metadata.agentry.retry`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct RetryPolicy {
    /// Total attempts, the first included.
    pub attempts: u32,
    pub backoff: Duration,
}

impl Default for RetryPolicy {
    fn default() -> Self {
        RetryPolicy {
            attempts: 1,
            backoff: Duration::from_millis(0),
        }
    }
}

pub struct PlanNode {
    pub id: String,
    pub block: RegisteredBlock,
    pub defaults: Map<String, Value>,
    pub outgoing: Vec<Edge>,
    /// Every sink pin name that has at least one incoming link: all must hold data to run.
    pub linked_pins: Vec<String>,
    pub kind: BlockType,
    /// The graph-level name of an input or output node.
    pub io_name: Option<String>,
    pub has_error_link: bool,
    pub retry: RetryPolicy,
    pub timeout: Option<Duration>,
    /// The node's `metadata.customized_name` (a tool's function name).
    pub title: Option<String>,
    /// A block's extra readiness rule on the received inputs (SmartDecisionMaker's).
    pub ready: Option<agentry_core::tool_nodes::ReadyRule>,
}

pub struct Plan {
    pub graph_id: String,
    pub graph_version: i32,
    pub nodes: Vec<PlanNode>,
    /// Nodes that run once at start: those without inbound links, and every input node.
    pub starting: Vec<usize>,
    /// The graph's own, lower caps (`metadata.agentry.limits`).
    pub limits: crate::limits::GraphLimits,
}

fn agentry_settings(metadata: &Map<String, Value>) -> (RetryPolicy, Option<Duration>) {
    let settings = metadata.get("agentry");
    let retry = settings.and_then(|s| s.get("retry"));
    let policy = RetryPolicy {
        attempts: retry
            .and_then(|r| r.get("attempts"))
            .and_then(Value::as_u64)
            .map_or(1, |a| a.clamp(1, 20) as u32),
        backoff: Duration::from_millis(
            retry
                .and_then(|r| r.get("backoff_ms"))
                .and_then(Value::as_u64)
                .unwrap_or(200),
        ),
    };
    let timeout = settings
        .and_then(|s| s.get("timeout_secs"))
        .and_then(Value::as_f64)
        .filter(|t| *t > 0.0)
        .map(Duration::from_secs_f64);
    (policy, timeout)
}

impl Plan {
    /// Compiles a validated graph. Unknown blocks are a bug here: validation comes first.
    pub fn compile(graph: &Graph, registry: &Registry) -> Option<Plan> {
        let index: HashMap<&str, usize> = graph
            .nodes
            .iter()
            .enumerate()
            .map(|(i, n)| (n.id.as_str(), i))
            .collect();
        let mut nodes = Vec::with_capacity(graph.nodes.len());
        for node in &graph.nodes {
            let block = registry.get(&node.block_id)?.clone();
            let (retry, timeout) = agentry_settings(&node.metadata);
            nodes.push(PlanNode {
                id: node.id.clone(),
                kind: block.info.block_type,
                block,
                defaults: node.input_default.clone(),
                outgoing: Vec::new(),
                linked_pins: Vec::new(),
                io_name: io_name(node).map(str::to_string),
                has_error_link: false,
                retry,
                timeout,
                title: node
                    .metadata
                    .get("customized_name")
                    .and_then(Value::as_str)
                    .filter(|s| !s.is_empty())
                    .map(str::to_string),
                ready: agentry_core::tool_nodes::readiness(&node.block_id),
            });
        }
        let mut has_inbound = HashSet::new();
        for link in &graph.links {
            let (Some(&src), Some(&sink)) = (
                index.get(link.source_id.as_str()),
                index.get(link.sink_id.as_str()),
            ) else {
                continue;
            };
            has_inbound.insert(sink);
            if base_name(&link.source_name) == "error" {
                nodes[src].has_error_link = true;
            }
            nodes[src].outgoing.push(Edge {
                source_name: link.source_name.clone(),
                sink,
                sink_name: link.sink_name.clone(),
                is_static: link.is_static,
            });
            let optional =
                agentry_core::tool_nodes::optional_link(nodes[sink].block.info.id, &link.sink_name);
            if !optional && !nodes[sink].linked_pins.contains(&link.sink_name) {
                nodes[sink].linked_pins.push(link.sink_name.clone());
            }
        }
        let starting = nodes
            .iter()
            .enumerate()
            .filter(|(i, n)| {
                n.kind != BlockType::Note
                    && (n.kind == BlockType::Input || !has_inbound.contains(i))
            })
            .map(|(i, _)| i)
            .collect();
        Some(Plan {
            graph_id: graph.id.clone(),
            graph_version: graph.version,
            nodes,
            starting,
            limits: crate::limits::GraphLimits::from_graph(&graph.extra),
        })
    }
}
