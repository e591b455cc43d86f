//! Saving graphs: validation, id assignment and versioning, shared by the API and the CLI.
//! `import` keeps a file's ids when they are free and reuses a version with identical content;
//! `create` gives fresh ids (as AutoGPT's POST /graphs); `update` saves version N+1.

use std::collections::HashMap;

use agentry_core::validate::{self, Mode};
use agentry_core::{Graph, Registry};
use agentry_store::market::Refusal;
use agentry_store::{GraphRecord, Store};
use sha2::{Digest, Sha256};

use crate::Result;
use crate::sub_graphs;

/// A stable hash of what the graph does (not of ids assigned on save or computed fields).
pub fn content_hash(graph: &Graph) -> String {
    let content = serde_json::json!({
        "name": graph.name,
        "description": graph.description,
        "nodes": graph.nodes.iter().map(|n| serde_json::json!({
            "id": n.id, "block_id": n.block_id, "input_default": n.input_default, "metadata": n.metadata,
        })).collect::<Vec<_>>(),
        "links": graph.links.iter().map(|l| serde_json::json!([
            l.source_id, l.source_name, l.sink_id, l.sink_name, l.is_static,
        ])).collect::<Vec<_>>(),
        "sub_graphs": graph.sub_graphs,
    });
    let digest = Sha256::digest(content.to_string().as_bytes());
    digest.iter().map(|b| format!("{b:02x}")).collect()
}

fn new_id() -> String {
    uuid::Uuid::new_v4().to_string()
}

/// Gives nodes and links new ids, rewriting links to match.
fn reassign_node_ids(graph: &mut Graph) {
    let mut map = HashMap::new();
    for node in &mut graph.nodes {
        let id = new_id();
        map.insert(std::mem::replace(&mut node.id, id.clone()), id);
    }
    for link in &mut graph.links {
        link.id = new_id();
        if let Some(id) = map.get(&link.source_id) {
            link.source_id = id.clone();
        }
        if let Some(id) = map.get(&link.sink_id) {
            link.sink_id = id.clone();
        }
    }
}

/// Checks blocks and structure; static links are forced as AutoGPT does on save.
fn prepare(graph: &mut Graph, registry: &Registry) -> Result<()> {
    let unknown = validate::unknown_blocks(graph, registry);
    if !unknown.is_empty() {
        return Err(validate::Error::UnknownBlocks(unknown).into());
    }
    validate::force_static_links(graph, registry);
    for link in &mut graph.links {
        if link.id.is_empty() {
            link.id = new_id();
        }
    }
    validate::validate(graph, registry, Mode::Save)?;
    Ok(())
}

/// How a save chooses ids: AutoGPT's fresh ones, or the file's when they are free.
#[derive(Clone, Copy, PartialEq, Eq)]
enum Ids {
    Fresh,
    Keep,
}

/// Saves the sub-graphs the graph's AgentExecutorBlock nodes call (callees first) and points
/// those nodes at what was saved; a call to a graph that is neither there nor one the user may
/// run (their own, or an approved store agent in their library) is refused.
async fn save_calls(
    store: &Store,
    registry: &Registry,
    user_id: &str,
    graph: &mut Graph,
    ids: Ids,
) -> Result<()> {
    let subs = graph.sub_graphs.clone().unwrap_or_default();
    let refs = sub_graphs::references(graph, &subs, registry);
    let order = sub_graphs::save_order(&refs, subs.len())?;
    let mut saved: Vec<Option<(String, i32)>> = vec![None; subs.len()];
    for i in order {
        let mut sub = subs[i].clone();
        sub.sub_graphs = None;
        point_calls(store, user_id, &mut sub, &refs[i + 1], &saved).await?;
        let record = match ids {
            Ids::Fresh => Box::pin(create_one(store, registry, user_id, sub)).await?,
            Ids::Keep => Box::pin(import_one(store, registry, user_id, sub)).await?.0,
        };
        saved[i] = Some((record.id, record.version));
    }
    point_calls(store, user_id, graph, &refs[0], &saved).await
}

async fn point_calls(
    store: &Store,
    user_id: &str,
    graph: &mut Graph,
    refs: &std::collections::BTreeMap<usize, usize>,
    saved: &[Option<(String, i32)>],
) -> Result<()> {
    for (i, node) in graph.nodes.iter_mut().enumerate() {
        if node.block_id != sub_graphs::AGENT_EXECUTOR {
            continue;
        }
        if let Some((id, version)) = refs.get(&i).and_then(|&callee| saved[callee].clone()) {
            sub_graphs::point_at(node, user_id, &id, version);
            continue;
        }
        let id = node
            .input_default
            .get("graph_id")
            .and_then(serde_json::Value::as_str)
            .unwrap_or("");
        let version = node
            .input_default
            .get("graph_version")
            .and_then(serde_json::Value::as_i64);
        // The user's own graph, or an approved store agent in their library.
        let Some(version) = version.and_then(|v| i32::try_from(v).ok()) else {
            return Err(sub_graphs::missing_reference(node).into());
        };
        match store.runnable_graph(user_id, id, version).await? {
            Ok(_) => {}
            Err(Refusal::NoAccess { .. }) => {
                return Err(sub_graphs::missing_reference(node).into());
            }
            Err(refusal) => return Err(sub_graphs::refused_reference(node, &refusal).into()),
        }
        node.input_default
            .insert("user_id".into(), serde_json::json!(user_id));
    }
    Ok(())
}

/// Saves a graph for `user_id` as AutoGPT's POST /graphs does: fresh ids, version 1, active.
/// The sub-graphs it calls are saved too.
pub async fn create(
    store: &Store,
    registry: &Registry,
    user_id: &str,
    mut graph: Graph,
) -> Result<GraphRecord> {
    prepare(&mut graph, registry)?;
    save_calls(store, registry, user_id, &mut graph, Ids::Fresh).await?;
    create_one(store, registry, user_id, graph).await
}

async fn create_one(
    store: &Store,
    registry: &Registry,
    user_id: &str,
    mut graph: Graph,
) -> Result<GraphRecord> {
    prepare(&mut graph, registry)?;
    graph.id = new_id();
    graph.version = 1;
    graph.is_active = true;
    reassign_node_ids(&mut graph);
    let hash = content_hash(&graph);
    Ok(store.insert_graph_version(user_id, &graph, &hash).await?)
}

/// Imports an exported file: keeps its ids when free, reuses an identical version, and
/// otherwise saves the next version. Returns the record and whether it was newly saved.
/// The sub-graphs it calls are imported the same way.
pub async fn import(
    store: &Store,
    registry: &Registry,
    user_id: &str,
    mut graph: Graph,
) -> Result<(GraphRecord, bool)> {
    prepare(&mut graph, registry)?;
    save_calls(store, registry, user_id, &mut graph, Ids::Keep).await?;
    import_one(store, registry, user_id, graph).await
}

async fn import_one(
    store: &Store,
    registry: &Registry,
    user_id: &str,
    mut graph: Graph,
) -> Result<(GraphRecord, bool)> {
    prepare(&mut graph, registry)?;
    if graph.id.is_empty() {
        graph.id = new_id();
    }
    match store.latest_graph_version(&graph.id).await? {
        Some((owner, latest)) if owner == user_id => {
            let hash = content_hash(&graph);
            if let Some(existing) = store.find_graph_by_hash(user_id, &graph.id, &hash).await? {
                return Ok((existing, false));
            }
            graph.version = latest + 1;
        }
        Some(_) => {
            // Someone else owns this id: the import becomes a graph of its own.
            graph.id = new_id();
            reassign_node_ids(&mut graph);
            graph.version = 1;
        }
        None => graph.version = graph.version.max(1),
    }
    graph.is_active = true;
    let hash = content_hash(&graph);
    Ok((
        store.insert_graph_version(user_id, &graph, &hash).await?,
        true,
    ))
}

/// Saves a changed graph as the next version of `graph_id` (AutoGPT's PUT /graphs/{id}).
pub async fn update(
    store: &Store,
    registry: &Registry,
    user_id: &str,
    graph_id: &str,
    mut graph: Graph,
) -> Result<GraphRecord> {
    let current = store.get_graph(user_id, graph_id, None).await?;
    let latest = store.graph_versions(user_id, graph_id).await?[0].version;
    prepare(&mut graph, registry)?;
    save_calls(store, registry, user_id, &mut graph, Ids::Fresh).await?;
    graph.id = current.id;
    graph.version = latest + 1;
    graph.is_active = true;
    reassign_node_ids(&mut graph);
    let hash = content_hash(&graph);
    Ok(store.insert_graph_version(user_id, &graph, &hash).await?)
}
