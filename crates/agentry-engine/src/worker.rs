//! The worker side of the engine: starting runs in this process, claiming queued runs (and runs
//! whose worker died) from the durable queue, renewing leases, and resuming taken-over runs.

use std::collections::HashMap;
use std::sync::Arc;
use std::time::Duration;

use agentry_core::{Datum, ExecutionStatus};
use agentry_store::{Claim, RunUpdate};
use chrono::Utc;
use serde_json::Value;
use tokio::sync::watch;
use tokio_util::sync::CancellationToken;
use tracing::Instrument as _;

use crate::plan::Plan;
use crate::{Engine, RunHandle, run};

/// How often a worker looks for runs it holds that were stopped elsewhere.
const CANCEL_CHECK: Duration = Duration::from_millis(250);

/// The worker component: claims runs from the queue while this process has free slots (after
/// taking over the leases of dead predecessors on this host), and renews the leases of the
/// runs it holds.
pub struct Worker {
    engine: Engine,
}

impl Worker {
    /// Runs the claim loop and the renew loop until both end: the claim loop when `shutdown`
    /// is cancelled or the engine shuts down; the renew loop after that, once no run is held
    /// (runs still finishing keep their leases renewed).
    pub async fn run(self, shutdown: CancellationToken) {
        let heartbeat = self.engine.clone();
        let stop = shutdown.clone();
        let renew = tokio::spawn(async move { heartbeat.renew_loop(stop).await });
        let engine = self.engine.clone();
        // On the claims tracker: `Engine::shutdown` waits for the claim loop (and the
        // take-overs it starts) before it waits for runs.
        let claims = self.engine.inner.claims.spawn(async move {
            engine.take_over_dead_predecessors().await;
            engine.claim_loop(shutdown).await
        });
        for (task, what) in [(claims, "claim"), (renew, "renew")] {
            if let Err(e) = task.await {
                tracing::error!(error = %e, "the worker's {what} loop failed");
            }
        }
    }
}

impl Engine {
    /// What a run of `plan` is asked to do, with this engine's bounds for it; callers add
    /// node inputs, a resume state, a lineage or a trace parent, then `start_run` it.
    pub(crate) fn run_spec(
        &self,
        exec_id: String,
        user_id: String,
        plan: Arc<Plan>,
        inputs: HashMap<String, Datum>,
    ) -> run::RunSpec {
        let bounds = self.bounds(&plan);
        run::RunSpec {
            services: Arc::new(crate::services::NodeServices::bare(
                self.inner.config.resources.clone(),
                bounds.caps,
            )),
            bounds,
            redact_stored_data: self.inner.config.redact_graphs.contains(&plan.graph_id),
            exec_id,
            user_id,
            plan,
            inputs,
            node_inputs: crate::NodeInputs::new(),
            resume: None,
            lineage: crate::child::Lineage::root(),
            trace_parent: None,
            credits: None,
            notices: self.inner.notices.read().expect("notices lock").clone(),
        }
    }

    /// Runs `spec` in this process; `slot` is its worker slot (`None` for a child run, which
    /// holds its parent's). The run gets this engine's services: sub-agents, memory,
    /// credentials and reviews.
    pub(crate) fn start_run(&self, spec: run::RunSpec, slot: Option<crate::share::Slot>) {
        let cancel = CancellationToken::new();
        let (done_tx, done_rx) = watch::channel(None);
        let exec_id = spec.exec_id.clone();
        let user_id = spec.user_id.clone();
        let trace_parent = spec.trace_parent.clone();
        let services = crate::services::NodeServices {
            sub_agents: Some(Arc::new(crate::child::ChildRuns {
                engine: self.clone(),
                user_id: user_id.clone(),
                parent_exec_id: exec_id.clone(),
                graph: (spec.plan.graph_id.clone(), spec.plan.graph_version),
                lineage: spec.lineage.clone(),
                caps: spec.bounds.caps,
            })),
            reviews: Some(self.inner.store.clone()),
            ..self.user_services(&user_id, spec.bounds.caps)
        };
        let spec = run::RunSpec {
            services: Arc::new(services),
            ..spec
        };
        let credits = self.inner.config.credits.clone();
        let inner = self.inner.clone();
        let run_cancel = cancel.clone();
        let key = exec_id.clone();
        // Registered before the task starts, so that `wait` and `stop` always find it.
        let mut runs = self.inner.runs.lock().expect("runs lock");
        // Every log line and trace span of the run carries its ids (JSON logs, OTLP).
        let span = tracing::info_span!("run", graph_exec_id = %exec_id, user_id = %user_id);
        // Claimed from the queue: continue the trace of the request that enqueued the run.
        if let Some(traceparent) = &trace_parent {
            crate::trace_context::adopt(&span, traceparent);
        }
        let task = tokio::spawn(
            async move {
                let mut spec = spec;
                if let Some(policy) = credits {
                    spec.credits = Some(
                        crate::credits::RunCredits::load(
                            policy,
                            inner.store.clone(),
                            &spec.user_id,
                            &spec.exec_id,
                        )
                        .await
                        .unwrap_or_else(|e| {
                            // The balance gate still guards each node; only the caps see 0 spent.
                            tracing::warn!(error = %e, "reading the run's spending failed");
                            crate::credits::RunCredits::fresh(
                                inner.store.clone(),
                                inner.config.credits.clone().expect("credits on"),
                            )
                        }),
                    );
                }
                let result =
                    run::drive(spec, inner.writer.clone(), inner.bus.clone(), run_cancel).await;
                tracing::info!(status = %result.status, "run ended");
                let _ = done_tx.send(Some(Arc::new(result)));
                // Dropped before the handle goes, so that the last waiter owns the result.
                drop(done_tx);
                inner.runs.lock().expect("runs lock").remove(&exec_id);
                drop(slot);
                inner.wake.notify_one();
            }
            .instrument(span),
        );
        runs.insert(
            key,
            RunHandle {
                cancel,
                done: done_rx,
                task: task.abort_handle(),
            },
        );
    }

    /// The worker component of this engine (`Worker::run`).
    pub fn worker(&self) -> Worker {
        Worker {
            engine: self.clone(),
        }
    }

    /// Runs the worker component on a task `shutdown` joins (`Engine::shutdown`).
    pub fn spawn_worker(&self, shutdown: CancellationToken) -> tokio::task::JoinHandle<()> {
        self.inner.components.spawn(self.worker().run(shutdown))
    }

    /// Records this process as a worker and frees the leases of dead worker processes on the
    /// same host (a restart after a crash), so their runs resume now instead of when the
    /// leases expire. Workers on other hosts are never judged from here: their runs wait for
    /// expiry (`Config::lease`).
    async fn take_over_dead_predecessors(&self) {
        if !self.inner.config.take_over_on_host {
            return;
        }
        let store = &self.inner.store;
        let Some(me) = crate::liveness::current(&self.inner.config.worker_id) else {
            return;
        };
        if let Err(e) = store.register_worker(&me).await {
            tracing::warn!(error = %e, "recording this worker process failed");
            return;
        }
        let others = match store.workers_on_host(&me.host, &me.worker_id).await {
            Ok(others) => others,
            Err(e) => {
                tracing::warn!(error = %e, "listing this host's worker processes failed");
                return;
            }
        };
        for dead in others
            .iter()
            .filter(|other| !crate::liveness::is_alive(other, &me))
        {
            match store.release_dead_worker(&dead.worker_id).await {
                Ok(runs) => {
                    tracing::info!(worker = %dead.worker_id, pid = dead.pid, runs, "took over the leases of a dead worker process on this host");
                }
                Err(e) => {
                    tracing::warn!(worker = %dead.worker_id, error = %e, "releasing a dead worker's leases failed");
                }
            }
        }
    }

    async fn claim_loop(&self, shutdown: CancellationToken) {
        let config = &self.inner.config;
        let lease_ms = config.lease.as_millis() as i64;
        let stopping = &self.inner.stopping;
        loop {
            let permit = tokio::select! {
                _ = shutdown.cancelled() => return,
                _ = stopping.cancelled() => return,
                permit = self.inner.slots.clone().acquire_owned() => match permit {
                    Ok(p) => p,
                    Err(_) => return,
                },
            };
            let full = self.inner.shares.full();
            match self
                .inner
                .store
                .claim_next_except(&config.worker_id, lease_ms, config.claim_limits, &full)
                .await
            {
                Ok(Some(claim)) => {
                    // `full` was read before the claim: a run of the same user may have taken
                    // its last share since. Then the claimed run goes back to the queue, and the
                    // next claim passes over the user.
                    let Some(share) = self.inner.shares.try_take(&claim.user_id) else {
                        drop(permit);
                        if let Err(e) = self
                            .inner
                            .store
                            .hand_back(&config.worker_id, &claim.exec_id)
                            .await
                        {
                            tracing::error!(error = %e, "handing back a claimed run failed");
                        }
                        continue;
                    };
                    let slot = crate::share::Slot::new(permit, share);
                    let engine = self.clone();
                    self.inner
                        .claims
                        .spawn(async move { engine.take_over(claim, slot).await });
                    continue;
                }
                Ok(None) => drop(permit),
                Err(e) => {
                    drop(permit);
                    tracing::error!(error = %e, "claiming a queued run failed");
                }
            }
            tokio::select! {
                _ = shutdown.cancelled() => return,
                _ = stopping.cancelled() => return,
                _ = self.inner.wake.notified() => {}
                _ = tokio::time::sleep(config.poll_interval) => {}
            }
        }
    }

    /// Renews the leases of the runs this process holds, and stops those that another
    /// process stopped (a stop is a row update; checking it here bounds its delay). Ends
    /// once `shutdown` is cancelled (or the engine shuts down) and no run is held.
    async fn renew_loop(&self, shutdown: CancellationToken) {
        let config = &self.inner.config;
        let renew_every = (config.lease / 3).max(Duration::from_millis(50));
        let mut last_renew = tokio::time::Instant::now();
        loop {
            tokio::time::sleep(CANCEL_CHECK).await;
            let held: Vec<String> = self
                .inner
                .runs
                .lock()
                .expect("runs lock")
                .keys()
                .cloned()
                .collect();
            // After the stop signal the leases of runs still finishing here (the shutdown's
            // grace) are renewed until they end: an expired lease would let another worker
            // run their nodes a second time.
            if held.is_empty() {
                if shutdown.is_cancelled() || self.inner.stopping.is_cancelled() {
                    return;
                }
                continue;
            }
            match self.inner.store.ended_among(&held).await {
                Ok(stopped) => {
                    let runs = self.inner.runs.lock().expect("runs lock");
                    for id in stopped {
                        if let Some(run) = runs.get(&id) {
                            tracing::info!(exec = %id, "stopped by another process");
                            run.cancel.cancel();
                        }
                    }
                }
                Err(e) => tracing::warn!(error = %e, "checking for stopped runs failed"),
            }
            if last_renew.elapsed() >= renew_every {
                last_renew = tokio::time::Instant::now();
                let lease_ms = config.lease.as_millis() as i64;
                if let Err(e) = self
                    .inner
                    .store
                    .renew_leases(&config.worker_id, &held, lease_ms)
                    .await
                {
                    tracing::warn!(error = %e, "renewing run leases failed");
                }
            }
        }
    }

    /// Starts a claimed run: fresh when it never ran, resumed when a worker died running it.
    async fn take_over(&self, claim: Claim, slot: crate::share::Slot) {
        // A claim after an earlier one: the worker that held the run stopped holding it.
        if claim.attempts > 1 {
            metrics::counter!("agentry_leases_taken_over_total").increment(1);
        }
        let store = &self.inner.store;
        let row = match store.run_row(&claim.exec_id).await {
            Ok(Some(row)) => row,
            Ok(None) => {
                let _ = store.dequeue(&claim.exec_id).await;
                return;
            }
            Err(e) => {
                tracing::error!(exec = %claim.exec_id, error = %e, "reading a claimed run failed");
                return;
            }
        };
        if row.status.is_final() {
            let _ = store.dequeue(&claim.exec_id).await;
            return;
        }
        // The runner's own graph; otherwise (a store agent's run) the creator's graph, through
        // the runner's library.
        let cached = match self
            .cached_graph(&row.user_id, &row.graph_id, row.graph_version)
            .await
        {
            Ok(cached) => Some(cached),
            Err(_) => self
                .graph_of_claimed_run(&row)
                .await
                .ok()
                .and_then(Result::ok),
        };
        let plan = cached.and_then(|cached| cached.plan.clone());
        let Some(plan) = plan else {
            self.fail_unrunnable(
                &claim.exec_id,
                "its graph version is gone or uses unknown blocks",
            )
            .await;
            return;
        };
        // A run that started before (its worker died, or its reviews were decided and it was
        // queued again) resumes from what it made durable.
        let started_before = row.status == ExecutionStatus::Running || row.started_at.is_some();
        let resume = if started_before {
            match store.resume_state(&claim.exec_id).await {
                Ok(state) => Some(state),
                Err(e) => {
                    tracing::error!(exec = %claim.exec_id, error = %e, "reading a run to resume failed");
                    return;
                }
            }
        } else {
            None
        };
        if resume.is_some() {
            tracing::info!(exec = %claim.exec_id, attempt = claim.attempts, "resuming a run taken over from another worker");
        }
        let inputs = match row.inputs {
            Value::Object(m) => m.into_iter().map(|(k, v)| (k, Datum::from(v))).collect(),
            _ => HashMap::new(),
        };
        let node_inputs = crate::node_inputs_from(row.node_inputs);
        let lineage = match self.lineage_of(row.parent_id).await {
            Ok(lineage) => lineage,
            Err(e) => {
                tracing::error!(exec = %claim.exec_id, error = %e, "reading a run's parents failed");
                return;
            }
        };
        let mut spec = self.run_spec(claim.exec_id, row.user_id, plan, inputs);
        spec.node_inputs = node_inputs;
        spec.resume = resume;
        spec.lineage = lineage;
        spec.trace_parent = claim.trace_context;
        self.start_run(spec, Some(slot));
    }

    async fn fail_unrunnable(&self, exec_id: &str, why: &str) {
        let update = RunUpdate {
            told: false,
            id: exec_id.to_string(),
            status: ExecutionStatus::Failed,
            started_at: None,
            ended_at: Some(Utc::now()),
            stats: None,
            error: Some(format!("the run cannot start: {why}")),
            event_seq: None,
        };
        let store = &self.inner.store;
        if store.update_run(&update).await.is_ok() {
            let _ = store.dequeue(exec_id).await;
        }
    }
}
