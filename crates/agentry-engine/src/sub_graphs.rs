//! Sub-graphs on save: every AgentExecutorBlock node must name a graph version the user may run
//! (their own, or an approved store agent in their library).
//! Exports carry the graphs they call in `sub_graphs`, often under ids that don't match the
//! nodes' references, so a reference is matched by id, then by version and identical input and
//! output pin names; matched sub-graphs are saved first (callees before callers) and the
//! references rewritten to what was saved.

use std::collections::{BTreeMap, BTreeSet};

use agentry_core::io_schema::{input_schema, output_schema};
use agentry_core::validate;
use agentry_core::{Graph, Node, Registry};
use serde_json::{Value, json};

/// AutoGPT's AgentExecutorBlock id.
pub const AGENT_EXECUTOR: &str = "e189baac-8c20-45a1-94a7-55177ea42565";

fn keys(schema: Option<&Value>) -> BTreeSet<String> {
    schema
        .and_then(|s| s.get("properties"))
        .and_then(Value::as_object)
        .map(|p| p.keys().cloned().collect())
        .unwrap_or_default()
}

/// The index of the sub-graph an executor node calls, if it is among `subs`.
fn resolve(node: &Node, subs: &[Graph], registry: &Registry) -> Option<usize> {
    let id = node.input_default.get("graph_id").and_then(Value::as_str)?;
    let version = node
        .input_default
        .get("graph_version")
        .and_then(Value::as_i64)?;
    if let Some(i) = subs
        .iter()
        .position(|g| g.id == id && i64::from(g.version) == version)
    {
        return Some(i);
    }
    let (ins, outs) = (
        keys(node.input_default.get("input_schema")),
        keys(node.input_default.get("output_schema")),
    );
    let candidates: Vec<usize> = subs
        .iter()
        .enumerate()
        .filter(|(_, g)| {
            i64::from(g.version) == version
                && keys(Some(&input_schema(g, registry))) == ins
                && keys(Some(&output_schema(g, registry))) == outs
        })
        .map(|(i, _)| i)
        .collect();
    (candidates.len() == 1).then(|| candidates[0])
}

/// For each graph (0 = the parent, i + 1 = sub-graph i): executor node index → sub-graph index.
pub fn references(
    parent: &Graph,
    subs: &[Graph],
    registry: &Registry,
) -> Vec<BTreeMap<usize, usize>> {
    std::iter::once(parent)
        .chain(subs)
        .map(|g| {
            g.nodes
                .iter()
                .enumerate()
                .filter(|(_, n)| n.block_id == AGENT_EXECUTOR)
                .filter_map(|(i, n)| resolve(n, subs, registry).map(|s| (i, s)))
                .collect()
        })
        .collect()
}

/// Points an executor node at a saved graph version, owned by `user_id`.
pub fn point_at(node: &mut Node, user_id: &str, id: &str, version: i32) {
    node.input_default.insert("graph_id".into(), json!(id));
    node.input_default
        .insert("graph_version".into(), json!(version));
    node.input_default.insert("user_id".into(), json!(user_id));
}

/// The order in which to save sub-graphs so that each is saved after those it calls.
pub fn save_order(
    refs: &[BTreeMap<usize, usize>],
    count: usize,
) -> Result<Vec<usize>, validate::Error> {
    let mut order = Vec::with_capacity(count);
    let mut done = vec![false; count];
    while order.len() < count {
        let next =
            (0..count).find(|&i| !done[i] && refs[i + 1].values().all(|&callee| done[callee]));
        let Some(i) = next else {
            return Err(validate::Error::Invalid {
                message: "the graph's sub-graphs call each other in a cycle".into(),
                node_errors: BTreeMap::new(),
            });
        };
        done[i] = true;
        order.push(i);
    }
    Ok(order)
}

/// The graph id and version an executor node names.
fn reference(node: &Node) -> (&str, i64) {
    let id = node
        .input_default
        .get("graph_id")
        .and_then(Value::as_str)
        .unwrap_or("?");
    let version = node
        .input_default
        .get("graph_version")
        .and_then(Value::as_i64)
        .unwrap_or(0);
    (id, version)
}

/// An executor node whose graph is neither among the sub-graphs nor one the user may run.
pub fn missing_reference(node: &Node) -> validate::Error {
    let (id, version) = reference(node);
    reference_error(
        node,
        format!(
            "node {} calls graph {id} version {version}, which is neither in the file's sub_graphs, \
             nor saved as yours, nor a store agent in your library",
            node.id
        ),
    )
}

/// An executor node naming a store agent's version that cannot run (taken down, not approved).
pub fn refused_reference(node: &Node, refusal: &agentry_store::market::Refusal) -> validate::Error {
    let (id, _) = reference(node);
    reference_error(
        node,
        format!("node {} calls graph {id}: {refusal}", node.id),
    )
}

fn reference_error(node: &Node, message: String) -> validate::Error {
    let mut pins = BTreeMap::new();
    pins.insert("graph_id".to_string(), message.clone());
    let mut node_errors = BTreeMap::new();
    node_errors.insert(node.id.clone(), pins);
    validate::Error::Invalid {
        message,
        node_errors,
    }
}
