//! The graph a run or a sub-agent runs, resolved through what the user may run: their own
//! graphs, an approved version of a store agent in their library (owned by its creator, run
//! with the runner's credentials and billed to the runner), and the sub-agents a store agent
//! itself calls (its creator's graphs it names in a node, which its review covered).

use std::sync::Arc;

use agentry_store::GraphRecord;
use agentry_store::market::Refusal;
use serde_json::Value;

use crate::graph_cache::CachedGraph;
use crate::sub_graphs::AGENT_EXECUTOR;
use crate::{Engine, Error, Result};

/// Whether `caller` names graph `graph_id` version `version` in one of its sub-agent nodes.
fn names(caller: &GraphRecord, graph_id: &str, version: i32) -> bool {
    caller.graph.nodes.iter().any(|n| {
        n.block_id == AGENT_EXECUTOR
            && n.input_default.get("graph_id").and_then(Value::as_str) == Some(graph_id)
            && n.input_default.get("graph_version").and_then(Value::as_i64)
                == Some(i64::from(version))
    })
}

impl Engine {
    /// A graph version `user_id` may run, or why not. `caller` is the graph id and version of
    /// the run that starts it as a sub-agent: a store agent's creator's graph it names in a
    /// node runs as part of it (the caller itself was resolved through here). The caller is
    /// read only when the user's own graphs and library do not answer.
    pub async fn runnable_graph(
        &self,
        user_id: &str,
        graph_id: &str,
        version: i32,
        caller: Option<(&str, i32)>,
    ) -> Result<std::result::Result<Arc<GraphRecord>, Refusal>> {
        let resolved = self.runnable(user_id, graph_id, version, caller).await?;
        Ok(resolved.map(|cached| cached.record.clone()))
    }

    /// As `runnable_graph`, with the version's compiled plan.
    pub(crate) async fn runnable(
        &self,
        user_id: &str,
        graph_id: &str,
        version: i32,
        caller: Option<(&str, i32)>,
    ) -> Result<std::result::Result<Arc<CachedGraph>, Refusal>> {
        match self.cached_graph(user_id, graph_id, version).await {
            Ok(record) => return Ok(Ok(record)),
            Err(Error::Store(agentry_store::Error::NotFound(_))) => {}
            Err(e) => return Err(e),
        }
        let refusal = match self
            .store()
            .store_graph_owner(user_id, graph_id, version)
            .await?
        {
            Ok(owner) => return self.cached_graph(&owner, graph_id, version).await.map(Ok),
            Err(refusal) => refusal,
        };
        let caller = match caller {
            Some((id, v)) => self.graph_of_run(id, v).await.ok(),
            None => None,
        };
        if let Some(caller) = caller
            && caller.user_id != user_id
            && names(&caller, graph_id, version)
        {
            match self.cached_graph(&caller.user_id, graph_id, version).await {
                Ok(record) => return Ok(Ok(record)),
                Err(Error::Store(agentry_store::Error::NotFound(_))) => {}
                Err(e) => return Err(e),
            }
        }
        Ok(Err(refusal))
    }

    /// The graph version a run already runs, whoever owns it (a parent run's graph, to
    /// resolve its sub-agents): it was checked when the run started.
    pub(crate) async fn graph_of_run(
        &self,
        graph_id: &str,
        version: i32,
    ) -> Result<Arc<GraphRecord>> {
        let owner = self
            .store()
            .latest_graph_version(graph_id)
            .await?
            .map(|(owner, _)| owner)
            .ok_or_else(|| {
                agentry_store::Error::NotFound(format!("graph {graph_id} version {version}"))
            })?;
        self.graph_version(&owner, graph_id, version).await
    }

    /// The graph of a claimed run: its parent's graph (if any) lets a store agent's own
    /// sub-agents resolve.
    pub(crate) async fn graph_of_claimed_run(
        &self,
        row: &agentry_store::entity::graph_execution::Model,
    ) -> Result<std::result::Result<Arc<CachedGraph>, Refusal>> {
        let resolved = self
            .runnable(&row.user_id, &row.graph_id, row.graph_version, None)
            .await?;
        let Some(parent_id) = row.parent_id.as_deref().filter(|_| resolved.is_err()) else {
            return Ok(resolved);
        };
        let Some(parent) = self.store().run_row_without_inputs(parent_id).await? else {
            return Ok(resolved);
        };
        self.runnable(
            &row.user_id,
            &row.graph_id,
            row.graph_version,
            Some((&parent.graph_id, parent.graph_version)),
        )
        .await
    }
}
