//! Writing a graph back in AutoGPT's export shape: link copies on nodes, node owner ids,
//! and the computed input and output schemas.

use serde_json::Value;

use crate::graph::Graph;
use crate::io_schema::{input_schema, output_schema};
use crate::registry::Registry;

/// The graph as AutoGPT writes it, with every field it was imported with.
pub fn export(graph: &Graph, registry: &Registry) -> Value {
    let mut g = graph.clone();
    g.fill_node_links();
    g.stamp_node_owner();
    for sub in g.sub_graphs.iter_mut().flatten() {
        sub.fill_node_links();
    }
    let mut value = serde_json::to_value(&g).unwrap_or(Value::Null);
    if let Value::Object(map) = &mut value {
        map.insert("input_schema".into(), input_schema(graph, registry));
        map.insert("output_schema".into(), output_schema(graph, registry));
    }
    value
}
