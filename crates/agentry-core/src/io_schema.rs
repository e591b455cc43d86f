//! The graph's computed input and output schemas, built from its input and output nodes.

use serde_json::{Map, Value, json};

use crate::block::BlockType;
use crate::graph::{Graph, Node};
use crate::registry::Registry;

fn nodes_of<'g>(
    graph: &'g Graph,
    registry: &'g Registry,
    ty: BlockType,
) -> impl Iterator<Item = &'g Node> + 'g {
    graph.nodes.iter().filter(move |n| {
        registry
            .info(&n.block_id)
            .is_some_and(|b| b.block_type == ty)
    })
}

/// The graph-level name of an input or output node (`input_default.name`).
pub fn io_name(node: &Node) -> Option<&str> {
    node.input_default.get("name").and_then(Value::as_str)
}

fn flag(node: &Node, key: &str) -> Value {
    Value::Bool(
        node.input_default
            .get(key)
            .and_then(Value::as_bool)
            .unwrap_or(false),
    )
}

fn base_property(node: &Node, name: &str) -> Map<String, Value> {
    let mut prop = Map::new();
    prop.insert("advanced".into(), flag(node, "advanced"));
    prop.insert("secret".into(), flag(node, "secret"));
    let title = node
        .input_default
        .get("title")
        .and_then(Value::as_str)
        .unwrap_or(name);
    prop.insert("title".into(), json!(title));
    if let Some(d) = node
        .input_default
        .get("description")
        .filter(|d| !d.is_null())
    {
        prop.insert("description".into(), d.clone());
    }
    prop
}

/// JSON Schema of the inputs a run takes: one property per input node, required when it has no default.
pub fn input_schema(graph: &Graph, registry: &Registry) -> Value {
    let mut props = Map::new();
    let mut required = Vec::new();
    for node in nodes_of(graph, registry, BlockType::Input) {
        let Some(name) = io_name(node) else { continue };
        let mut prop = base_property(node, name);
        if let Some(value_schema) = registry
            .info(&node.block_id)
            .and_then(|b| b.input_pin("value"))
        {
            for key in ["type", "anyOf", "format", "enum"] {
                if let Some(v) = value_schema.get(key) {
                    prop.insert(key.into(), v.clone());
                }
            }
        }
        if let Some(options) = node
            .input_default
            .get("placeholder_values")
            .and_then(Value::as_array)
            && !options.is_empty()
        {
            prop.insert("enum".into(), Value::Array(options.clone()));
        }
        match node.input_default.get("value") {
            Some(v) if !v.is_null() => {
                prop.insert("default".into(), v.clone());
            }
            _ => required.push(json!(name)),
        }
        props.insert(name.to_string(), Value::Object(prop));
    }
    json!({"type": "object", "properties": props, "required": required})
}

/// JSON Schema of the outputs a run yields: one property per output node.
pub fn output_schema(graph: &Graph, registry: &Registry) -> Value {
    let mut props = Map::new();
    let mut required = Vec::new();
    for node in nodes_of(graph, registry, BlockType::Output) {
        let Some(name) = io_name(node) else { continue };
        props.insert(name.to_string(), Value::Object(base_property(node, name)));
        required.push(json!(name));
    }
    json!({"type": "object", "properties": props, "required": required})
}

/// Names of the graph inputs that a run must provide (no default).
pub fn required_inputs(graph: &Graph, registry: &Registry) -> Vec<String> {
    input_schema(graph, registry)["required"]
        .as_array()
        .map(|r| {
            r.iter()
                .filter_map(Value::as_str)
                .map(str::to_string)
                .collect()
        })
        .unwrap_or_default()
}
