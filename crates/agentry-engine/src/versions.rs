//! The engine's reads and deletes of graph versions, through the graph cache (`graph_cache.rs`).

use std::sync::Arc;

use agentry_store::GraphRecord;

use crate::{Engine, Result, graph_cache};

impl Engine {
    /// One version of a user's graph, from the cache when possible. Its `is_active` is as it
    /// was when cached: the graph's active version is the store's to answer.
    pub async fn graph_version(
        &self,
        user_id: &str,
        graph_id: &str,
        version: i32,
    ) -> Result<Arc<GraphRecord>> {
        Ok(self
            .cached_graph(user_id, graph_id, version)
            .await?
            .record
            .clone())
    }

    /// One version of a user's graph with its plan, from the cache when possible.
    pub(crate) async fn cached_graph(
        &self,
        user_id: &str,
        graph_id: &str,
        version: i32,
    ) -> Result<Arc<graph_cache::CachedGraph>> {
        if let Some(cached) = self.inner.graphs.get(graph_id, version) {
            if cached.record.user_id == user_id {
                return Ok(cached);
            }
            return Err(agentry_store::Error::NotFound(format!(
                "graph {graph_id} version {version}"
            ))
            .into());
        }
        let record = self
            .inner
            .store
            .get_graph(user_id, graph_id, Some(version))
            .await?;
        Ok(self.inner.graphs.insert(record, &self.inner.registry))
    }

    /// Deletes every version of a user's graph, and drops them from the cache: a version
    /// never changes, so deleting is the one reason a cached version goes. Answers how many
    /// versions were deleted.
    pub async fn delete_graph(&self, user_id: &str, graph_id: &str) -> Result<u64> {
        let count = self.inner.store.delete_graph(user_id, graph_id).await?;
        self.inner.graphs.remove_graph(graph_id);
        Ok(count)
    }

    /// Deletes a version that is not the active one (a new version whose activation was
    /// undone) and forgets the graph's cached versions: its number may be saved again.
    pub async fn delete_inactive_graph_version(
        &self,
        user_id: &str,
        graph_id: &str,
        version: i32,
    ) -> Result<()> {
        self.inner
            .store
            .delete_inactive_graph_version(user_id, graph_id, version)
            .await?;
        self.inner.graphs.remove_graph(graph_id);
        Ok(())
    }
}
