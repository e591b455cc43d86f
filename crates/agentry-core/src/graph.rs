//! The graph model in AutoGPT's export shape: graphs, nodes, links and sub-graphs.
//! Unknown fields are kept in `extra` so that an import followed by an export loses nothing.

use serde::{Deserialize, Deserializer, Serialize};
use serde_json::{Map, Value};

fn null_as_default<'de, D, T>(d: D) -> Result<T, D::Error>
where
    D: Deserializer<'de>,
    T: Default + Deserialize<'de>,
{
    Ok(Option::<T>::deserialize(d)?.unwrap_or_default())
}

fn default_version() -> i32 {
    1
}

fn default_true() -> bool {
    true
}

/// A link from one node's output pin to another node's input pin.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Link {
    #[serde(default)]
    pub id: String,
    pub source_id: String,
    pub sink_id: String,
    pub source_name: String,
    pub sink_name: String,
    #[serde(default, deserialize_with = "null_as_default")]
    pub is_static: bool,
    #[serde(flatten)]
    pub extra: Map<String, Value>,
}

/// A node: one use of a block, with its hard-coded input values.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Node {
    pub id: String,
    pub block_id: String,
    #[serde(default, deserialize_with = "null_as_default")]
    pub input_default: Map<String, Value>,
    #[serde(default, deserialize_with = "null_as_default")]
    pub metadata: Map<String, Value>,
    /// Derived from the graph's links on export; kept here only to know the file had them.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub input_links: Option<Vec<Link>>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub output_links: Option<Vec<Link>>,
    #[serde(flatten)]
    pub extra: Map<String, Value>,
}

impl Node {
    /// The name a user gave this node in the builder, or its id.
    pub fn display_name(&self) -> &str {
        self.metadata
            .get("customized_name")
            .and_then(Value::as_str)
            .unwrap_or(&self.id)
    }
}

/// A graph version, as AutoGPT exports it.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Graph {
    #[serde(default)]
    pub id: String,
    #[serde(default = "default_version")]
    pub version: i32,
    #[serde(default = "default_true")]
    pub is_active: bool,
    #[serde(default, deserialize_with = "null_as_default")]
    pub name: String,
    #[serde(default, deserialize_with = "null_as_default")]
    pub description: String,
    #[serde(default)]
    pub nodes: Vec<Node>,
    #[serde(default)]
    pub links: Vec<Link>,
    /// Graphs called by AgentExecutorBlock nodes; only on the top-level graph.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub sub_graphs: Option<Vec<Graph>>,
    #[serde(flatten)]
    pub extra: Map<String, Value>,
}

impl Graph {
    pub fn node(&self, id: &str) -> Option<&Node> {
        self.nodes.iter().find(|n| n.id == id)
    }

    /// Refreshes the per-node `input_links`/`output_links` copies from `links`, as AutoGPT writes them.
    pub fn fill_node_links(&mut self) {
        for node in &mut self.nodes {
            node.input_links = Some(
                self.links
                    .iter()
                    .filter(|l| l.sink_id == node.id)
                    .cloned()
                    .collect(),
            );
            node.output_links = Some(
                self.links
                    .iter()
                    .filter(|l| l.source_id == node.id)
                    .cloned()
                    .collect(),
            );
        }
    }

    /// Sets `graph_id`/`graph_version` on nodes that carry them (AutoGPT exports do).
    pub fn stamp_node_owner(&mut self) {
        for node in &mut self.nodes {
            if node.extra.contains_key("graph_id") {
                node.extra
                    .insert("graph_id".into(), Value::String(self.id.clone()));
                node.extra
                    .insert("graph_version".into(), Value::from(self.version));
            }
        }
    }
}
