//! The benchmark graphs, built in AutoGPT's format from real blocks.

use agentry_core::Graph;
use serde_json::{Value, json};

pub const INPUT: &str = "c0a8e994-ebf1-4a9c-a4d8-89d09c86741b";
pub const OUTPUT: &str = "363ae599-353e-4804-937e-b2ee3cef3da4";
pub const CALCULATOR: &str = "b1ab9b19-67a6-406d-abf5-2dba76d00c79";
const COUNTDOWN: &str = "d67a9c52-5e4e-11e2-bcfd-0800200c9a71";
const CREATE_DICT: &str = "b924ddf4-de4f-4b56-9a85-358930dcbc91";

fn node(id: &str, block: &str, defaults: Value) -> Value {
    json!({"id": id, "block_id": block, "input_default": defaults, "metadata": {}})
}

fn link(i: usize, src: &str, sp: &str, sink: &str, kp: &str) -> Value {
    json!({"id": format!("l{i}"), "source_id": src, "source_name": sp, "sink_id": sink, "sink_name": kp, "is_static": false})
}

fn graph(name: &str, nodes: Vec<Value>, links: Vec<Value>) -> Graph {
    serde_json::from_value(json!({
        "id": uuid::Uuid::new_v4().to_string(), "version": 1, "name": name, "description": "",
        "nodes": nodes, "links": links,
    }))
    .expect("benchmark graphs are valid")
}

/// W1: input → `steps` calculator nodes (each adds 1) → output. With 0 steps, input → output.
pub fn chain(steps: usize) -> Graph {
    let mut nodes = vec![node("in", INPUT, json!({"name": "x"}))];
    let mut links = Vec::new();
    let mut prev = ("in".to_string(), "result");
    for i in 0..steps {
        let id = format!("c{i}");
        nodes.push(node(&id, CALCULATOR, json!({"operation": "Add", "b": 1})));
        links.push(link(links.len(), &prev.0, prev.1, &id, "a"));
        prev = (id, "result");
    }
    nodes.push(node("out", OUTPUT, json!({"name": "y"})));
    links.push(link(links.len(), &prev.0, prev.1, "out", "value"));
    graph(&format!("chain-{steps}"), nodes, links)
}

/// W2: `branches` countdown timers of `seconds` each, joined by one CreateDictionary node.
pub fn parallel_waits(branches: usize, seconds: u64) -> Graph {
    let mut nodes = vec![
        node("join", CREATE_DICT, json!({})),
        node("out", OUTPUT, json!({"name": "joined"})),
    ];
    let mut links = vec![link(0, "join", "dictionary", "out", "value")];
    for i in 0..branches {
        let id = format!("wait{i}");
        nodes.push(node(
            &id,
            COUNTDOWN,
            json!({"seconds": seconds, "input_message": i}),
        ));
        links.push(link(
            links.len(),
            &id,
            "output_message",
            "join",
            &format!("values_#_{i}"),
        ));
    }
    graph("parallel-waits", nodes, links)
}

/// W3: the three-node graph: input → calculator → output.
pub fn three_nodes() -> Graph {
    chain(1)
}
