//! Child runs for AgentExecutorBlock: a sub-graph runs as its own run, recorded with its parent,
//! and is stopped when the node that started it is cancelled (the parent stopped or timed out).

use std::future::Future;
use std::pin::Pin;
use std::time::Duration;

use agentry_core::{BlockError, SubAgents, SubRunRequest, SubRunResult};

use crate::Engine;

/// The longest a sub-agent may run; the parent's own timeout usually ends it first.
const CHILD_LIMIT: Duration = Duration::from_secs(7 * 24 * 3600);

/// Runs sub-graphs for one parent run.
pub struct ChildRuns {
    pub engine: Engine,
    pub user_id: String,
    pub parent_exec_id: String,
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
            let record = self
                .engine
                .graph_version(&self.user_id, &request.graph_id, request.graph_version)
                .await
                .map_err(|e| {
                    BlockError::Input(format!(
                        "sub-agent graph {} version {}: {e}",
                        request.graph_id, request.graph_version
                    ))
                })?;
            let exec_id = self
                .engine
                .enqueue_run(
                    &self.user_id,
                    &record.graph,
                    request.inputs,
                    Some(self.parent_exec_id.clone()),
                    crate::NodeInputs::new(),
                )
                .await
                .map_err(|e| BlockError::Input(format!("the sub-agent cannot run: {e}")))?;
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
                outputs: result.outputs,
                error: result.error,
            })
        })
    }
}
