//! Agentry's engine: runs graph versions. Each run is one task that dispatches nodes the moment
//! their inputs are complete, persists every output through the grouping writer before it
//! travels, publishes events after commit, and honours cancel and timeouts.

mod child;
mod config;
mod control;
pub mod credits;
mod direct;
mod error;
pub mod event;
mod execute;
pub mod graph_cache;
mod graph_output;
pub mod graphs;
mod inputs;
pub mod integrations;
mod key_shapes;
pub mod limits;
pub mod listing;
mod liveness;
mod memory;
mod node_task;
pub mod notices;
pub mod plan;
pub mod reaper;
mod redaction;
pub mod relay;
mod request;
mod resume;
pub mod retention;
pub mod review;
mod run;
mod run_inputs;
mod runnable;
pub mod scheduler;
pub mod services;
mod share;
mod sub_graphs;
mod tool_nodes;
mod trace_context;
mod versions;
mod worker;
mod writer;

use std::collections::HashMap;
use std::sync::{Arc, Mutex};
use std::time::Duration;

use agentry_core::Registry;
use agentry_store::Store;

pub use agentry_store::entity::graph_execution::Model as RunRow;
use tokio::sync::watch;
use tokio_util::sync::CancellationToken;

pub use config::Config;
pub use credits::CreditPolicy;
pub use direct::BlockRun;
pub use error::{Error, Result};
pub use event::{Event, EventBus, EventKind, RunNotice};
pub use graph_output::{GraphOutputs, stored as graph_outputs};
pub use limits::RunLimits;
pub use plan::RetryPolicy;
pub use reaper::Reaper;
pub(crate) use request::node_inputs_from;
pub use request::{ExecuteRequest, NodeInputs};
pub use retention::RetentionPolicy;
pub use review::{ReviewAction, ReviewError, ReviewTally};
pub use run::{RunEnd, RunResult};
pub use run_inputs::{CreatedRun, RunInputs};
pub use scheduler::Scheduler;
pub use services::NodeServices;
pub use worker::Worker;

/// How long `shutdown` waits for the components to end after the runs (a sweep or a store call
/// in progress).
const COMPONENTS_END: Duration = Duration::from_secs(5);

struct RunHandle {
    cancel: CancellationToken,
    /// Shared, so that a waiter takes the result (graph outputs and all) without a copy.
    done: watch::Receiver<Option<Arc<RunResult>>>,
    task: tokio::task::AbortHandle,
}

struct Inner {
    store: Store,
    registry: Arc<Registry>,
    writer: writer::Writer,
    bus: EventBus,
    vault: Arc<integrations::Vault>,
    runs: Mutex<HashMap<String, RunHandle>>,
    /// Graph versions and their plans, by (id, version) (`graph_cache.rs`).
    graphs: graph_cache::GraphCache,
    /// Free run slots of this process's worker.
    slots: Arc<tokio::sync::Semaphore>,
    /// The slots each user holds, against its share.
    shares: Arc<share::UserShares>,
    /// Wakes the worker loop: a run was enqueued or a slot freed.
    wake: tokio::sync::Notify,
    /// Cancelled by `shutdown`: the claim loop stops claiming, whatever its caller's token says.
    stopping: tokio_util::sync::CancellationToken,
    /// The claim loop and each claimed run's take-over (which reads the run before it is
    /// registered in `runs`): `shutdown` waits for them, so that no run claimed before it
    /// escapes its wait and has its lease released while it still runs here.
    claims: tokio_util::task::TaskTracker,
    /// The worker, scheduler and reaper components' tasks: `shutdown` joins them.
    components: tokio_util::task::TaskTracker,
    /// Decides whether a run's end is told on its row (the server's notifier).
    notices: std::sync::RwLock<Option<Arc<dyn notices::RunNotices>>>,
    config: Config,
}

/// A handle on the engine; cheap to clone.
#[derive(Clone)]
pub struct Engine {
    inner: Arc<Inner>,
}

impl Engine {
    /// Starts the engine's writer task on the current tokio runtime.
    pub fn new(store: Store, registry: Arc<Registry>, config: Config) -> Engine {
        Engine {
            inner: Arc::new(Inner {
                writer: writer::Writer::new(store.clone()),
                vault: Arc::new(integrations::Vault::new(
                    store.clone(),
                    config.credentials.clone(),
                )),
                bus: EventBus::new(config.event_capacity),
                store,
                registry,
                runs: Mutex::new(HashMap::new()),
                graphs: graph_cache::GraphCache::new(config.graph_cache),
                slots: Arc::new(tokio::sync::Semaphore::new(config.worker_concurrency)),
                shares: share::UserShares::new(config.user_share, config.worker_concurrency),
                wake: tokio::sync::Notify::new(),
                stopping: tokio_util::sync::CancellationToken::new(),
                claims: tokio_util::task::TaskTracker::new(),
                components: tokio_util::task::TaskTracker::new(),
                notices: std::sync::RwLock::new(None),
                config,
            }),
        }
    }

    pub fn store(&self) -> &Store {
        &self.inner.store
    }

    /// Users' credentials.
    pub fn vault(&self) -> &Arc<integrations::Vault> {
        &self.inner.vault
    }

    pub fn registry(&self) -> &Arc<Registry> {
        &self.inner.registry
    }

    pub fn events(&self) -> &EventBus {
        &self.inner.bus
    }

    /// Runs started from now on tell their end on their row when `notices` says so
    /// (`notices.rs`); the last one set serves.
    pub fn set_run_notices(&self, notices: Arc<dyn notices::RunNotices>) {
        *self.inner.notices.write().expect("notices lock") = Some(notices);
    }

    /// The credits policy, when credits are on.
    pub fn credits(&self) -> Option<&Arc<CreditPolicy>> {
        self.inner.config.credits.as_ref()
    }

    /// The caps and wall time a run of this plan lives by.
    pub(crate) fn bounds(&self, plan: &plan::Plan) -> limits::Bounds {
        let config = &self.inner.config;
        limits::Bounds::for_graph(config.limits, config.run_timeout, &plan.limits)
    }

    /// Runs in progress in this process.
    pub fn running(&self) -> usize {
        self.inner.runs.lock().expect("runs lock").len()
    }

    /// This process's worker slots: (free, total); (0, 0) for a process without a worker.
    pub fn worker_slots(&self) -> (usize, usize) {
        (
            self.inner.slots.available_permits(),
            self.inner.config.worker_concurrency,
        )
    }

    /// Lets runs in progress finish for up to `grace`, then stops the rest without ending them
    /// and gives up their leases: they stay RUNNING and the next worker resumes them.
    pub async fn shutdown(&self, grace: Duration) {
        let deadline = tokio::time::Instant::now() + grace;
        // No new claims; a claim already made is registered as a run before the wait below.
        self.inner.stopping.cancel();
        self.inner.claims.close();
        if tokio::time::timeout_at(deadline, self.inner.claims.wait())
            .await
            .is_err()
        {
            tracing::warn!("claimed runs were still being read when the grace period ended");
        }
        let handles: Vec<_> = {
            let runs = self.inner.runs.lock().expect("runs lock");
            runs.values()
                .map(|h| (h.done.clone(), h.task.clone()))
                .collect()
        };
        for (mut done, _) in handles.iter().cloned() {
            let _ = tokio::time::timeout_at(deadline, done.wait_for(Option::is_some)).await;
        }
        for (_, task) in handles {
            task.abort();
        }
        self.inner.runs.lock().expect("runs lock").clear();
        // The components end on `stopping`; the renew loop once no run is held. Joined before
        // the leases go, so that no renewal follows their release.
        self.inner.components.close();
        if tokio::time::timeout(COMPONENTS_END, self.inner.components.wait())
            .await
            .is_err()
        {
            tracing::warn!("the worker, scheduler or reaper had not ended on shutdown");
        }
        if let Err(e) = self
            .inner
            .store
            .release_leases(&self.inner.config.worker_id)
            .await
        {
            tracing::warn!(error = %e, "releasing run leases on shutdown failed");
        }
        if let Err(e) = self
            .inner
            .store
            .forget_worker(&self.inner.config.worker_id)
            .await
        {
            tracing::warn!(error = %e, "forgetting this worker process failed");
        }
    }
}
