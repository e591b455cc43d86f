//! One bounded cache of graph versions and their compiled plans, by (graph id, version).
//!
//! A saved version never changes (an edit saves the next version), so an entry is never stale
//! and nothing outside the engine invalidates it: a graph's active version moving is not a
//! change of any version. Deleting a graph goes through `Engine::delete_graph`, which deletes
//! the versions and drops their entries together. The cache is bounded (least recently used
//! entries go first), so a process that runs many graphs holds only the recent ones.

use std::sync::{Arc, Mutex, OnceLock};

use agentry_core::validate;
use agentry_core::{Registry, io_schema};
use agentry_store::GraphRecord;
use hashlink::LruCache;

use crate::plan::Plan;

/// Versions kept when `Config::graph_cache` is 0.
const DEFAULT_CAPACITY: usize = 1024;

/// A graph version as saved, and its plan (`None` when it uses blocks this process lacks).
pub struct CachedGraph {
    pub record: Arc<GraphRecord>,
    pub plan: Option<Arc<Plan>>,
    /// Whether the version may run, and the graph inputs it requires (`run_check`).
    run_check: OnceLock<Result<Vec<String>, validate::Error>>,
}

impl CachedGraph {
    /// The version checked for running (`Mode::Run`) and the graph inputs it requires, worked
    /// out on its first run and kept: a saved version never changes, nor does the process's
    /// registry, and the check was 3 % of a 3-node run's instructions (docs/benchmarks.md).
    pub(crate) fn run_check(&self, registry: &Registry) -> Result<&[String], validate::Error> {
        self.run_check
            .get_or_init(|| {
                let graph = &self.record.graph;
                validate::validate(graph, registry, validate::Mode::Run)?;
                Ok(io_schema::required_inputs(graph, registry))
            })
            .as_ref()
            .map(Vec::as_slice)
            .map_err(Clone::clone)
    }
}

pub(crate) struct GraphCache {
    entries: Mutex<LruCache<(String, i32), Arc<CachedGraph>>>,
}

impl GraphCache {
    pub(crate) fn new(capacity: usize) -> GraphCache {
        let capacity = if capacity == 0 {
            DEFAULT_CAPACITY
        } else {
            capacity
        };
        GraphCache {
            entries: Mutex::new(LruCache::new(capacity)),
        }
    }

    pub(crate) fn get(&self, graph_id: &str, version: i32) -> Option<Arc<CachedGraph>> {
        let key = (graph_id.to_string(), version);
        self.entries
            .lock()
            .expect("graph cache lock")
            .get(&key)
            .cloned()
    }

    /// Compiles the version's plan once and keeps both; answers what is now cached.
    pub(crate) fn insert(&self, record: GraphRecord, registry: &Registry) -> Arc<CachedGraph> {
        let plan = Plan::compile(&record.graph, registry).map(Arc::new);
        let key = (record.id.clone(), record.version);
        let entry = Arc::new(CachedGraph {
            record: Arc::new(record),
            plan,
            run_check: OnceLock::new(),
        });
        self.entries
            .lock()
            .expect("graph cache lock")
            .insert(key, entry.clone());
        entry
    }

    /// Drops every cached version of a graph (it was deleted).
    pub(crate) fn remove_graph(&self, graph_id: &str) {
        let mut entries = self.entries.lock().expect("graph cache lock");
        let keys: Vec<_> = entries
            .iter()
            .filter(|((id, _), _)| id == graph_id)
            .map(|(key, _)| key.clone())
            .collect();
        for key in keys {
            entries.remove(&key);
        }
    }

    #[cfg(test)]
    fn len(&self) -> usize {
        self.entries.lock().expect("graph cache lock").len()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn record(id: &str, version: i32) -> GraphRecord {
        let graph: agentry_core::Graph = serde_json::from_value(serde_json::json!({
            "id": id, "version": version, "name": "g", "nodes": [], "links": []
        }))
        .unwrap();
        GraphRecord {
            id: id.into(),
            version,
            user_id: "u".into(),
            is_active: true,
            content_hash: String::new(),
            created_at: chrono::Utc::now(),
            graph,
        }
    }

    #[test]
    fn holds_at_most_its_capacity_least_recently_used_first_out() {
        let registry = Registry::default();
        let cache = GraphCache::new(2);
        cache.insert(record("a", 1), &registry);
        cache.insert(record("b", 1), &registry);
        assert!(cache.get("a", 1).is_some());
        cache.insert(record("c", 1), &registry);
        assert_eq!(cache.len(), 2);
        assert!(cache.get("b", 1).is_none(), "b was the least recently used");
        assert!(cache.get("a", 1).is_some());
        assert!(cache.get("c", 1).unwrap().plan.is_some());
    }

    #[test]
    fn removing_a_graph_drops_all_its_versions_only() {
        let registry = Registry::default();
        let cache = GraphCache::new(8);
        cache.insert(record("a", 1), &registry);
        cache.insert(record("a", 2), &registry);
        cache.insert(record("b", 1), &registry);
        cache.remove_graph("a");
        assert!(cache.get("a", 1).is_none() && cache.get("a", 2).is_none());
        assert!(cache.get("b", 1).is_some());
    }
}
