//! The reaper: the sweep leader's periodic sweep for runs that would otherwise never end (and,
//! on the same leader, the retention sweep, `retention.rs`).
//!
//! Leases already hand a dead worker's runs to another worker; the reaper covers the rest:
//!
//! - a QUEUED or RUNNING run with no queue entry (written by an older version, or by hand) is
//!   put back in the queue, once it is older than `grace`;
//! - a run claimed `max_attempts` times whose lease expired again (every worker that took it
//!   died) is FAILED;
//! - a QUEUED run that no worker took within `max_queued` is FAILED;
//! - a RUNNING run older than the run timeout plus `grace` (its worker is alive but the run is
//!   stuck) is FAILED; the worker holding it sees that and stops it within a second.
//!
//! A run that no live worker holds gets its final event stored and published, as a run that
//! ends normally; for a run a live worker holds, only its status changes, and that worker
//! stops it and writes the rest (its events' sequence is its own).

use std::time::Duration;

use agentry_core::ExecutionStatus;
use agentry_store::{Batch, RunUpdate};
use chrono::Utc;
use tokio_util::sync::CancellationToken;

use crate::{Engine, Event, EventKind};

/// When the reaper acts; see the module documentation.
#[derive(Debug, Clone)]
pub struct ReaperPolicy {
    /// How often the leader sweeps.
    pub every: Duration,
    /// How long a run may lack a queue entry, or outlive the run timeout, before it is reaped.
    pub grace: Duration,
    /// Claims after which a run whose lease expires again is failed.
    pub max_attempts: i32,
    /// How long a run may wait in the queue; `None` means for ever.
    pub max_queued: Option<Duration>,
}

impl Default for ReaperPolicy {
    fn default() -> Self {
        ReaperPolicy {
            every: Duration::from_secs(60),
            grace: Duration::from_secs(300),
            max_attempts: 5,
            max_queued: Some(Duration::from_secs(24 * 3600)),
        }
    }
}

/// Whether a live worker may be running a run that is ended from outside.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Holder {
    /// Nobody runs it: its lease expired, or it never started.
    None,
    /// A worker may run it and write its events.
    MaybeAlive,
}

/// What one sweep did, by run id.
#[derive(Debug, Default, Clone, PartialEq, Eq)]
pub struct Reaped {
    pub requeued: Vec<String>,
    pub failed: Vec<String>,
}

/// The advisory lock class of the sweep leader (reaper and retention), beside the scheduler's
/// (`agentry_store::leader::SCHEDULER_LOCK`): one process in a deployment sweeps.
pub const REAPER_LOCK: i32 = 0x6167_7402;

/// How long a follower waits before it asks to lead again.
const FOLLOWER_RETRY: Duration = Duration::from_secs(5);

/// The reaper component: while this process leads the sweeps, reaps stuck runs every
/// `ReaperPolicy::every` and prunes old run data every `RetentionPolicy::every`.
pub struct Reaper {
    engine: Engine,
}

impl Reaper {
    /// Sweeps while this process leads; ends (giving leadership up) when `shutdown` is
    /// cancelled or the engine shuts down.
    pub async fn run(self, shutdown: CancellationToken) {
        let engine = self.engine;
        let config = &engine.inner.config;
        let mut leadership = engine.store().leadership(REAPER_LOCK);
        let mut last_reap: Option<tokio::time::Instant> = None;
        let mut last_prune: Option<tokio::time::Instant> = None;
        loop {
            let wait = match leadership.check().await {
                Ok(true) => {
                    if last_reap.is_none_or(|t| t.elapsed() >= config.reaper.every) {
                        last_reap = Some(tokio::time::Instant::now());
                        if let Err(e) = engine.reap().await {
                            tracing::error!(error = %e, "the reaper's sweep failed");
                        }
                    }
                    if last_prune.is_none_or(|t| t.elapsed() >= config.retention.every) {
                        last_prune = Some(tokio::time::Instant::now());
                        if let Err(e) = engine.prune().await {
                            tracing::error!(error = %e, "the retention sweep failed");
                        }
                    }
                    // Awake for the sooner of the two sweeps.
                    let next = |last: Option<tokio::time::Instant>, every: Duration| {
                        last.map_or(Duration::ZERO, |t| every.saturating_sub(t.elapsed()))
                    };
                    next(last_reap, config.reaper.every)
                        .min(next(last_prune, config.retention.every))
                        .min(FOLLOWER_RETRY)
                }
                Ok(false) => FOLLOWER_RETRY,
                Err(e) => {
                    tracing::warn!(error = %e, "sweep leader check failed");
                    FOLLOWER_RETRY
                }
            };
            tokio::select! {
                _ = shutdown.cancelled() => break,
                _ = engine.inner.stopping.cancelled() => break,
                _ = tokio::time::sleep(wait) => {}
            }
        }
        leadership.release().await;
    }
}

impl Engine {
    /// The reaper component of this engine (`Reaper::run`).
    pub fn reaper(&self) -> Reaper {
        Reaper {
            engine: self.clone(),
        }
    }

    /// Runs the reaper component on a task `shutdown` joins (`Engine::shutdown`).
    pub fn spawn_reaper(&self, shutdown: CancellationToken) -> tokio::task::JoinHandle<()> {
        self.inner.components.spawn(self.reaper().run(shutdown))
    }

    /// One sweep of the reaper (the sweep leader calls it every `ReaperPolicy::every`).
    pub async fn reap(&self) -> crate::Result<Reaped> {
        let policy = &self.inner.config.reaper;
        let store = &self.inner.store;
        let now = Utc::now();
        let grace = chrono::Duration::from_std(policy.grace).unwrap_or(chrono::Duration::MAX);
        let mut reaped = Reaped::default();

        let orphans = store.orphaned_runs(now - grace).await?;
        store.requeue(&orphans).await?;
        reaped.requeued = orphans.into_iter().map(|r| r.id).collect();
        if !reaped.requeued.is_empty() {
            self.inner.wake.notify_one();
            self.signal(crate::relay::Signal::Enqueued);
        }

        let mut doomed: Vec<(String, String, Holder)> = Vec::new();
        for id in store.exhausted_runs(policy.max_attempts).await? {
            let why = format!(
                "the run was given up after {} attempts: every worker that took it stopped",
                policy.max_attempts
            );
            doomed.push((id, why, Holder::None));
        }
        if let Some(max) = policy.max_queued {
            let before = agentry_store::queue::now_ms() - max.as_millis() as i64;
            for id in store.stale_queued_runs(before).await? {
                let why = format!("no worker started the run within {} s", max.as_secs());
                doomed.push((id, why, Holder::None));
            }
        }
        if let Some(timeout) = self.inner.config.run_timeout {
            let limit = chrono::Duration::from_std(timeout).unwrap_or(chrono::Duration::MAX);
            for id in store.overdue_runs(now - limit - grace).await? {
                let why = format!(
                    "the run was still RUNNING {} s after its timeout",
                    policy.grace.as_secs()
                );
                doomed.push((id, why, Holder::MaybeAlive));
            }
        }
        metrics::counter!("agentry_reaper_actions_total", "action" => "requeued")
            .increment(reaped.requeued.len() as u64);
        doomed.dedup_by(|a, b| a.0 == b.0);
        for (id, why, holder) in doomed {
            tracing::warn!(exec = %id, reason = %why, "reaper: failing a stuck run");
            if self
                .end_elsewhere(&id, ExecutionStatus::Failed, Some(why), holder)
                .await?
            {
                reaped.failed.push(id);
                metrics::counter!("agentry_reaper_actions_total", "action" => "failed")
                    .increment(1);
            }
        }
        Ok(reaped)
    }

    /// Ends a run that this process does not run. Without a live holder: status, final event
    /// and queue entry in one commit, then the event is published. With one: the status only;
    /// the holder sees it within a second and ends the run itself. `false` when the run had
    /// already ended.
    pub(crate) async fn end_elsewhere(
        &self,
        exec_id: &str,
        status: ExecutionStatus,
        error: Option<String>,
        holder: Holder,
    ) -> crate::Result<bool> {
        let store = &self.inner.store;
        let Some(row) = store.run_row_without_inputs(exec_id).await? else {
            return Ok(false);
        };
        if row.status.is_final() {
            store.dequeue(exec_id).await?;
            return Ok(false);
        }
        let mut update = RunUpdate {
            told: false,
            id: exec_id.to_string(),
            status,
            started_at: None,
            ended_at: Some(Utc::now()),
            stats: None,
            error: error.clone(),
            event_seq: None,
        };
        if holder == Holder::MaybeAlive && row.status == ExecutionStatus::Running {
            let updated = store.update_run(&update).await?;
            // Its worker would see the row within a quarter second; the signal is at once.
            self.signal(crate::relay::Signal::Stop {
                graph_exec_id: exec_id.to_string(),
            });
            return Ok(updated);
        }
        let seq = store.last_event_seq(exec_id).await? + 1;
        let event = Event {
            user_id: row.user_id.clone(),
            graph_id: row.graph_id.clone(),
            graph_version: row.graph_version,
            graph_exec_id: exec_id.to_string(),
            seq: seq as u64,
            kind: EventKind::RunStatus {
                status,
                error: error.clone(),
                notice: None,
            },
        };
        // The run row carries the event's number: a replay derives the event from it.
        update.event_seq = Some(seq);
        let batch = Batch {
            runs: vec![update],
            dequeue: vec![exec_id.to_string()],
            ..Batch::default()
        };
        store.apply_batch(&batch).await?;
        self.inner.bus.publish(event);
        Ok(true)
    }
}
