//! Waiting for a run to end (or pause for review) and stopping it, wherever it runs.

use std::sync::Arc;
use std::time::Duration;

use agentry_core::ExecutionStatus;

use crate::{Engine, Event, EventKind, Result, RunResult, graph_output, reaper};

impl Engine {
    /// Waits up to `limit` for a run to end, or to pause in REVIEW, wherever it runs. `None`
    /// when it is still going then.
    pub async fn wait(&self, exec_id: &str, limit: Duration) -> Option<RunResult> {
        self.wait_shared(exec_id, limit)
            .await
            .map(Arc::unwrap_or_clone)
    }

    /// As `wait`, with the result as the run shared it: a caller that only reads it (an answer
    /// serialised from its outputs) never copies them, even while the run or another waiter
    /// still holds it.
    pub async fn wait_shared(&self, exec_id: &str, limit: Duration) -> Option<Arc<RunResult>> {
        let deadline = tokio::time::Instant::now() + limit;
        let mut events = self.inner.bus.subscribe();
        loop {
            let local = {
                let runs = self.inner.runs.lock().expect("runs lock");
                runs.get(exec_id).map(|h| h.done.clone())
            };
            if let Some(mut done) = local {
                // Not needed for a run of this process: a receiver nobody reads would keep
                // every event of the run, values and all, until this wait ends.
                drop(events);
                let result =
                    match tokio::time::timeout_at(deadline, done.wait_for(Option::is_some)).await {
                        Ok(Ok(r)) => r.clone(),
                        _ => None,
                    };
                // Once the channel is gone (the run has ended and dropped its end), the last
                // waiter owns the result and can take it whole.
                drop(done);
                return result;
            }
            if let Some(result) = self.stored_result(exec_id).await {
                return Some(Arc::new(result));
            }
            // Queued, or running in another process: look again when something happens.
            tokio::select! {
                _ = tokio::time::sleep_until(deadline) => return None,
                _ = ended(&mut events, exec_id) => {}
                _ = tokio::time::sleep(self.inner.config.poll_interval) => {}
            }
        }
    }

    /// The result of a run that has ended, read from the store: its row without its inputs and
    /// its graph outputs as their text.
    async fn stored_result(&self, exec_id: &str) -> Option<RunResult> {
        let row = self
            .inner
            .store
            .run_row_without_inputs(exec_id)
            .await
            .ok()??;
        let status = Some(row.status.0).filter(|s| pauses_or_ends(*s))?;
        let outputs = graph_output::read(
            &self.inner.store,
            &self.inner.registry,
            &row.user_id,
            exec_id,
        )
        .await
        .ok()?;
        Some(RunResult {
            status,
            outputs,
            error: row.error,
            row: crate::run::RunEnd {
                started_at: row.started_at,
                ended_at: row.ended_at,
                stats: row.stats,
            },
        })
    }

    /// Stops a run: a running one is cancelled (its nodes end TERMINATED); a queued one is
    /// marked TERMINATED. Returns the run's status afterwards.
    pub async fn stop(&self, user_id: &str, exec_id: &str) -> Result<ExecutionStatus> {
        // The run's row only: its node executions and outputs play no part in stopping it.
        let row = self.inner.store.get_run(user_id, exec_id).await?;
        let handle = {
            let runs = self.inner.runs.lock().expect("runs lock");
            runs.get(exec_id)
                .map(|h| (h.cancel.clone(), h.done.clone()))
        };
        if let Some((cancel, mut done)) = handle {
            cancel.cancel();
            let _ =
                tokio::time::timeout(Duration::from_secs(10), done.wait_for(Option::is_some)).await;
        } else {
            if !row.status.is_final() {
                // Queued, or running in another process, which sees the status and stops it.
                let holder = reaper::Holder::MaybeAlive;
                self.end_elsewhere(exec_id, ExecutionStatus::Terminated, None, holder)
                    .await?;
            }
        }
        Ok(self.inner.store.run_status(exec_id).await?)
    }
}

/// A run in this status has ended, or waits for a human review with no worker holding it.
fn pauses_or_ends(status: ExecutionStatus) -> bool {
    status.is_final() || status == ExecutionStatus::Review
}

/// Resolves when the bus says `exec_id` reached a final status (or lagged: look again).
async fn ended(events: &mut tokio::sync::broadcast::Receiver<Event>, exec_id: &str) {
    loop {
        match events.recv().await {
            Ok(e) if e.graph_exec_id == exec_id => {
                if let EventKind::RunStatus { status, .. } = e.kind
                    && pauses_or_ends(status)
                {
                    return;
                }
            }
            Ok(_) => {}
            Err(tokio::sync::broadcast::error::RecvError::Lagged(_)) => return,
            Err(_) => std::future::pending::<()>().await,
        }
    }
}
