//! Child runs for AgentExecutorBlock: a sub-graph runs as its own run, recorded with its parent,
//! and is stopped when the node that started it is cancelled (the parent stopped or timed out).
//!
//! A child runs in its parent's process at once, on its parent's worker slot: a parent that
//! waits for its children never waits for a slot its own tree holds, so recursion cannot
//! deadlock the pool nor take other users' slots. Trees are bounded instead by `max_depth`
//! (how deep sub-agents nest) and `max_child_runs` (how many runs one tree may start).

use std::future::Future;
use std::pin::Pin;
use std::sync::Arc;
use std::sync::atomic::{AtomicU64, Ordering};
use std::time::Duration;

use agentry_core::{BlockError, SubAgents, SubRunRequest, SubRunResult};

use crate::limits::{self, RunLimits};
use crate::{Engine, Result};

/// Where a run sits in its tree of sub-agents.
#[derive(Debug, Clone)]
pub struct Lineage {
    /// 0 for a top-level run, 1 for its children, and so on.
    pub depth: u32,
    /// The child runs the whole tree started so far (counted from this process's start of
    /// the tree, or of its take-over).
    pub started: Arc<AtomicU64>,
}

impl Lineage {
    pub fn root() -> Lineage {
        Lineage {
            depth: 0,
            started: Arc::default(),
        }
    }

    fn child(&self) -> Lineage {
        Lineage {
            depth: self.depth + 1,
            started: self.started.clone(),
        }
    }
}

/// A run being enqueued as the child of another.
pub struct ChildOf {
    pub parent_exec_id: String,
    pub lineage: Lineage,
}

impl Engine {
    /// The lineage of a run read back from the store (a taken-over run): its depth is the
    /// length of its chain of parents.
    pub(crate) async fn lineage_of(&self, parent_id: Option<String>) -> Result<Lineage> {
        let mut lineage = Lineage::root();
        let mut next = parent_id;
        while let Some(id) = next {
            lineage.depth += 1;
            // A chain longer than any allowed depth is cut: it only has to be over the cap.
            if lineage.depth > 1_000 {
                break;
            }
            next = self
                .store()
                .run_row_without_inputs(&id)
                .await?
                .and_then(|row| row.parent_id);
        }
        Ok(lineage)
    }
}

/// The longest a sub-agent may run; the parent's own timeout usually ends it first.
const CHILD_LIMIT: Duration = Duration::from_secs(7 * 24 * 3600);

/// Runs sub-graphs for one parent run.
pub struct ChildRuns {
    pub engine: Engine,
    pub user_id: String,
    pub parent_exec_id: String,
    /// The parent's graph id and version.
    pub graph: (String, i32),
    pub lineage: Lineage,
    /// The parent's caps: depth and tree size are checked against them.
    pub caps: RunLimits,
}

impl ChildRuns {
    /// The lineage of the next child, or the cap it would pass.
    fn next_child(&self) -> Result<Lineage, BlockError> {
        let child = self.lineage.child();
        let max_depth = self.caps.max_depth;
        if max_depth > 0 && child.depth > max_depth {
            return Err(BlockError::Input(limits::exceeded(
                "max_depth",
                &format!("a sub-agent would run at depth {}", child.depth),
                u64::from(max_depth),
            )));
        }
        let started = child.started.fetch_add(1, Ordering::Relaxed) + 1;
        let max_children = self.caps.max_child_runs;
        if max_children > 0 && started > max_children {
            return Err(BlockError::Input(limits::exceeded(
                "max_child_runs",
                &format!("its tree of sub-agents would start run {started}"),
                max_children,
            )));
        }
        Ok(child)
    }
}

/// Stops the child when dropped before it ended.
struct StopOnDrop {
    engine: Engine,
    user_id: String,
    exec_id: Option<String>,
}

impl Drop for StopOnDrop {
    fn drop(&mut self) {
        if let Some(exec_id) = self.exec_id.take() {
            let engine = self.engine.clone();
            let user_id = self.user_id.clone();
            tokio::spawn(async move {
                if let Err(e) = engine.stop(&user_id, &exec_id).await {
                    tracing::warn!(exec = %exec_id, error = %e, "stopping a sub-agent run failed");
                }
            });
        }
    }
}

impl SubAgents for ChildRuns {
    fn run(
        &self,
        request: SubRunRequest,
    ) -> Pin<Box<dyn Future<Output = Result<SubRunResult, BlockError>> + Send + '_>> {
        Box::pin(async move {
            let lineage = self.next_child()?;
            // The caller's graph lets a store agent's own sub-agents resolve.
            let graph = self
                .engine
                .runnable(
                    &self.user_id,
                    &request.graph_id,
                    request.graph_version,
                    Some((&self.graph.0, self.graph.1)),
                )
                .await
                .map_err(|e| {
                    BlockError::System(format!(
                        "sub-agent graph {} version {}: {e}",
                        request.graph_id, request.graph_version
                    ))
                })?
                .map_err(|refusal| {
                    BlockError::Input(format!("the sub-agent cannot run: {refusal}"))
                })?;
            let exec_id = self
                .engine
                .enqueue_run(
                    &self.user_id,
                    &graph,
                    crate::RunInputs::from_map(&request.inputs),
                    Some(ChildOf {
                        parent_exec_id: self.parent_exec_id.clone(),
                        lineage,
                    }),
                    crate::NodeInputs::new(),
                    None,
                )
                .await
                .map_err(|e| BlockError::Input(format!("the sub-agent cannot run: {e}")))?
                .row
                .id;
            let mut guard = StopOnDrop {
                engine: self.engine.clone(),
                user_id: self.user_id.clone(),
                exec_id: Some(exec_id.clone()),
            };
            let result = self.engine.wait(&exec_id, CHILD_LIMIT).await;
            guard.exec_id = None;
            let result = result.ok_or_else(|| {
                BlockError::System(format!("sub-agent run {exec_id} did not end"))
            })?;
            Ok(SubRunResult {
                exec_id,
                status: result.status,
                outputs: result.outputs.into_tree(),
                error: result.error,
            })
        })
    }
}
