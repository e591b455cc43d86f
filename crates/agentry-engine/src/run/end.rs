//! The end of a run: how it ended, the final batch (in-flight nodes terminated, the run's
//! status, its queue entry removed) and the result its waiters get.

use agentry_core::ExecutionStatus;
use chrono::{DateTime, Utc};
use serde::Serialize;
use serde_json::Value;

use super::Run;
use crate::graph_output::GraphOutputs;
use crate::writer::WriteError;

pub(super) enum End {
    Finished,
    Cancelled,
    TimedOut,
    Exceeded(String),
    /// A batch of the run's progress did not commit.
    StoreFailed(WriteError),
}

/// How a run ended, with every graph output by name in the order yielded.
#[derive(Debug, Clone, Serialize)]
pub struct RunResult {
    pub status: ExecutionStatus,
    pub outputs: GraphOutputs,
    pub error: Option<String>,
    /// The run's row as its end left it, so that an answer need not read it back.
    #[serde(skip)]
    pub row: RunEnd,
}

/// The fields of a run's row that its run changes, as it wrote them last (to the microsecond,
/// as both databases keep them).
#[derive(Debug, Clone, Default)]
pub struct RunEnd {
    pub started_at: Option<DateTime<Utc>>,
    pub ended_at: Option<DateTime<Utc>>,
    pub stats: Option<Value>,
}

impl RunResult {
    /// `row` (the run as created) as the run's end left it in the store: an answer built from
    /// it says what a read of the row would, without the read.
    pub fn ended_row(&self, mut row: crate::RunRow) -> crate::RunRow {
        row.status = self.status.into();
        row.error = self.error.clone();
        row.started_at = self.row.started_at;
        row.ended_at = self.row.ended_at;
        row.stats = self.row.stats.clone();
        row
    }
}

impl Run {
    pub(super) async fn finish(mut self, end: End) -> RunResult {
        let (status, error) = match end {
            End::Finished => match self.failure.take() {
                Some(e) => (ExecutionStatus::Failed, Some(e)),
                // Nothing else can run: the run pauses, no worker holds it until a decision.
                None if self.reviewing > 0 => (ExecutionStatus::Review, None),
                None => (ExecutionStatus::Completed, None),
            },
            End::Cancelled => (ExecutionStatus::Terminated, None),
            End::TimedOut => (
                ExecutionStatus::Failed,
                Some(format!(
                    "the run timed out after {:.1} s (its wall time limit)",
                    self.spec.bounds.wall_time.unwrap_or_default().as_secs_f64()
                )),
            ),
            End::Exceeded(cap) => (ExecutionStatus::Failed, Some(cap)),
            End::StoreFailed(e) => {
                // The store's error is for the log only: the run's error says what failed.
                let source = std::error::Error::source(&e).map(ToString::to_string);
                tracing::error!(exec = %self.spec.exec_id, error = %e, source = ?source, "a run's progress did not commit");
                (ExecutionStatus::Failed, Some(e.to_string()))
            }
        };
        self.tasks.abort_all();
        let in_flight: Vec<String> = self.execs.keys().cloned().collect();
        for exec_id in in_flight {
            self.node_update(&exec_id, ExecutionStatus::Terminated, None);
        }
        self.set_status(status, error.clone());
        self.batch.dequeue.push(self.spec.exec_id.clone());
        self.submit();
        if let Err(e) = self.settle().await {
            let source = std::error::Error::source(&e).map(ToString::to_string);
            tracing::error!(exec = %self.spec.exec_id, error = %e, source = ?source, "could not record the end of a run");
        }
        tracing::debug!(exec = %self.spec.exec_id, %status, waiting = self.inputs.waiting(), "run ended");
        RunResult {
            status,
            outputs: GraphOutputs::from(self.outputs),
            error,
            row: self.row,
        }
    }
}
