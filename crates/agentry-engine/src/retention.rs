//! Retention: the sweep leader (`Reaper`) deletes the node data of runs that ended more than
//! `RetentionPolicy::after` ago, a small batch at a time, pausing between batches so that the
//! writer's transactions never queue behind it. Run rows stay; with `keep_outputs` the output
//! nodes' data stays too, so a pruned run still answers its graph outputs.

use std::time::Duration;

use agentry_store::Pruned;
use chrono::Utc;

use crate::Engine;

/// What the pruner keeps and how hard it works.
#[derive(Debug, Clone)]
pub struct RetentionPolicy {
    /// Node data of runs that ended longer ago than this is deleted; `None`: kept for ever.
    pub after: Option<Duration>,
    /// Runs pruned per transaction.
    pub batch: u64,
    /// Keep the output nodes' executions and values (the run's graph outputs).
    pub keep_outputs: bool,
    /// How often the leader looks for runs to prune.
    pub every: Duration,
}

impl Default for RetentionPolicy {
    fn default() -> Self {
        RetentionPolicy {
            after: None,
            batch: 100,
            keep_outputs: true,
            every: Duration::from_secs(300),
        }
    }
}

/// Batches one sweep prunes at most; the next sweep goes on where this one stopped.
const MAX_BATCHES: usize = 100;
/// The writer's turn between two batches.
const PAUSE: Duration = Duration::from_millis(20);

impl Engine {
    /// One retention sweep (the sweep leader calls it every `RetentionPolicy::every`).
    pub async fn prune(&self) -> crate::Result<Pruned> {
        let policy = &self.inner.config.retention;
        let mut total = Pruned::default();
        let Some(after) = policy.after else {
            return Ok(total);
        };
        let cutoff =
            Utc::now() - chrono::Duration::from_std(after).unwrap_or(chrono::Duration::MAX);
        let keep: Vec<String> = if policy.keep_outputs {
            crate::graph_output::output_blocks(self.registry())
        } else {
            Vec::new()
        };
        for _ in 0..MAX_BATCHES {
            let pruned = self
                .store()
                .prune_run_data(cutoff, policy.batch.max(1), &keep)
                .await?;
            total.add(pruned);
            if pruned.runs < policy.batch.max(1) {
                break;
            }
            tokio::time::sleep(PAUSE).await;
        }
        if total.runs > 0 {
            tracing::info!(
                runs = total.runs,
                node_executions = total.node_executions,
                outputs = total.outputs,
                "retention: pruned the node data of runs that ended before {cutoff}"
            );
            metrics::counter!("agentry_retention_pruned_runs_total").increment(total.runs);
        }
        Ok(total)
    }
}
