//! Agentry's engine: runs graph versions. Each run is one task that dispatches nodes the moment
//! their inputs are complete, persists every output through the grouping writer before it
//! travels, publishes events after commit, and honours cancel and timeouts.

mod child;
pub mod credits;
mod direct;
mod error;
pub mod event;
pub mod graph_cache;
pub mod graphs;
mod inputs;
pub mod integrations;
mod key_shapes;
pub mod limits;
pub mod listing;
mod liveness;
mod memory;
mod node_task;
pub mod plan;
pub mod reaper;
mod redaction;
pub mod relay;
mod resume;
pub mod retention;
pub mod review;
mod run;
mod runnable;
pub mod scheduler;
mod share;
mod sub_graphs;
mod tool_nodes;
mod trace_context;
mod worker;
mod writer;

use std::collections::HashMap;
use std::sync::{Arc, Mutex};
use std::time::Duration;

use agentry_core::validate::{self, Mode};
use agentry_core::{ExecutionStatus, Registry, io_schema};
use agentry_store::queue::now_ms;
use agentry_store::{GraphRecord, Lease, NewExecution, Store};

pub use agentry_store::entity::graph_execution::Model as RunRow;
use serde_json::{Map, Value};
use tokio::sync::watch;
use tokio_util::sync::CancellationToken;

pub use credits::CreditPolicy;
pub use direct::BlockRun;
pub use error::{Error, Result};
pub use event::{Event, EventBus, EventKind};
pub use limits::RunLimits;
pub use plan::RetryPolicy;
pub use retention::RetentionPolicy;
pub use review::{ReviewAction, ReviewError, ReviewTally};
pub use run::RunResult;

/// Engine settings.
#[derive(Debug, Clone)]
pub struct Config {
    /// A run still going after this long is failed; `None` means no limit.
    pub run_timeout: Option<Duration>,
    /// Every run's caps (a graph may lower them).
    pub limits: RunLimits,
    /// Events buffered per subscriber before a slow one starts missing them.
    pub event_capacity: usize,
    /// Runs this process executes at once; 0 makes it an API-only process that only enqueues.
    pub worker_concurrency: usize,
    /// Slots one user's top-level runs may hold at once in this process (`share.rs`); 0, the
    /// default, is all but a tenth of `worker_concurrency`, so another user's run always finds
    /// a free slot.
    pub user_share: usize,
    /// How long a worker's claim on a run holds without renewal.
    pub lease: Duration,
    /// Whether a starting worker frees at once the leases of dead worker processes of the same
    /// host (checked through `/proc`); off, they wait for expiry like other hosts' runs.
    pub take_over_on_host: bool,
    /// How often an idle worker looks for runs enqueued by other processes.
    pub poll_interval: Duration,
    /// This process's name in leases.
    pub worker_id: String,
    /// How many runs may be leased at once per user and per graph (0: no cap). With a cap,
    /// every run goes through the queue's claim, which enforces it.
    pub claim_limits: agentry_store::ClaimLimits,
    /// Runs a user may have queued or running before `execute` answers `TooManyRuns` (0: no
    /// limit): back-pressure at the door instead of an unbounded queue.
    pub max_queued_per_user: u64,
    /// The stuck-run sweep of the scheduler leader.
    pub reaper: reaper::ReaperPolicy,
    /// How long finished runs' node data is kept (pruned by the scheduler leader).
    pub retention: RetentionPolicy,
    /// Graph versions (with their compiled plans) kept in memory; 0 means 1024.
    pub graph_cache: usize,
    /// The services blocks may use (HTTP client, LLM providers), built by the binary.
    pub resources: Arc<agentry_core::Resources>,
    /// Graph ids whose runs store node inputs and outputs as "redacted" (`redaction.rs`).
    pub redact_graphs: Arc<std::collections::HashSet<String>>,
    /// The keys that seal users' credentials and the OAuth2 providers.
    pub credentials: integrations::CredentialSettings,
    /// Credits (`credits.rs`): `None`, the default, charges nothing and checks nothing.
    pub credits: Option<Arc<CreditPolicy>>,
}

impl Default for Config {
    fn default() -> Self {
        Config {
            redact_graphs: Arc::default(),
            graph_cache: 0,
            run_timeout: Some(Duration::from_secs(24 * 3600)),
            limits: RunLimits::default(),
            event_capacity: 4096,
            worker_concurrency: 100,
            user_share: 0,
            lease: Duration::from_secs(30),
            take_over_on_host: true,
            poll_interval: Duration::from_secs(1),
            worker_id: format!("worker-{}", uuid::Uuid::new_v4()),
            claim_limits: agentry_store::ClaimLimits::default(),
            max_queued_per_user: 0,
            reaper: reaper::ReaperPolicy::default(),
            retention: RetentionPolicy::default(),
            resources: Arc::default(),
            credentials: integrations::CredentialSettings::default(),
            credits: None,
        }
    }
}

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
    config: Config,
}

/// A handle on the engine; cheap to clone.
#[derive(Clone)]
pub struct Engine {
    inner: Arc<Inner>,
}

/// Inputs for single nodes of a run, by node id, applied to each of their executions.
pub type NodeInputs = HashMap<String, Map<String, Value>>;

/// Node inputs as stored with the run.
fn node_inputs_json(node_inputs: &NodeInputs) -> Value {
    Value::Object(
        node_inputs
            .iter()
            .map(|(node, inputs)| (node.clone(), Value::Object(inputs.clone())))
            .collect(),
    )
}

/// Node inputs read back from the run's row; anything but an object of objects is ignored.
pub(crate) fn node_inputs_from(stored: Option<Value>) -> NodeInputs {
    let Some(Value::Object(nodes)) = stored else {
        return NodeInputs::new();
    };
    nodes
        .into_iter()
        .filter_map(|(node, inputs)| match inputs {
            Value::Object(map) => Some((node, map)),
            _ => None,
        })
        .collect()
}

/// A request to run a graph version: the engine resolves the version itself (the user's own
/// graph, or an approved store agent in their library) from its cache.
#[derive(Debug, Clone)]
pub struct ExecuteRequest {
    pub user_id: String,
    pub graph_id: String,
    pub graph_version: i32,
    pub inputs: Map<String, Value>,
    /// Inputs for given starting nodes by node id (a webhook's payload for its trigger node,
    /// the credentials chosen for the run). They are stored with the run, so any worker can
    /// start or resume it.
    pub node_inputs: NodeInputs,
    /// The schedule that starts the run: the run is linked to it (with credits on, its
    /// spending counts against the schedule's cap; its failures against its streak).
    pub schedule_id: Option<String>,
}

impl ExecuteRequest {
    pub fn new(
        user_id: impl Into<String>,
        graph_id: impl Into<String>,
        graph_version: i32,
        inputs: Map<String, Value>,
    ) -> ExecuteRequest {
        ExecuteRequest {
            user_id: user_id.into(),
            graph_id: graph_id.into(),
            graph_version,
            inputs,
            node_inputs: NodeInputs::new(),
            schedule_id: None,
        }
    }

    /// With inputs for given starting nodes.
    pub fn with_node_inputs(mut self, node_inputs: NodeInputs) -> ExecuteRequest {
        self.node_inputs = node_inputs;
        self
    }

    /// As a run the schedule `schedule_id` starts.
    pub fn for_schedule(mut self, schedule_id: impl Into<String>) -> ExecuteRequest {
        self.schedule_id = Some(schedule_id.into());
        self
    }
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

    /// Resolves the graph version, validates it for running, records the run in QUEUED and
    /// starts it; answers the run's row as created.
    pub async fn execute(&self, req: ExecuteRequest) -> Result<RunRow> {
        let graph = self
            .runnable(&req.user_id, &req.graph_id, req.graph_version, None)
            .await?
            .map_err(Error::Refused)?;
        self.enqueue_run(
            &req.user_id,
            &graph,
            req.inputs,
            None,
            req.node_inputs,
            req.schedule_id.as_deref(),
        )
        .await
    }

    /// The credits policy, when credits are on.
    pub fn credits(&self) -> Option<&Arc<CreditPolicy>> {
        self.inner.config.credits.as_ref()
    }

    /// As `execute`, for a run that may be the child of another.
    pub(crate) async fn enqueue_run(
        &self,
        user_id: &str,
        cached: &graph_cache::CachedGraph,
        inputs: Map<String, Value>,
        parent: Option<child::ChildOf>,
        node_inputs: NodeInputs,
        schedule_id: Option<&str>,
    ) -> Result<RunRow> {
        let graph = &cached.record.graph;
        let registry = &self.inner.registry;
        validate::validate(graph, registry, Mode::Run)?;
        let missing: Vec<String> = io_schema::required_inputs(graph, registry)
            .into_iter()
            .filter(|name| inputs.get(name).is_none_or(Value::is_null))
            .collect();
        if !missing.is_empty() {
            return Err(Error::MissingInputs(missing));
        }
        let plan = cached.plan.clone().expect("validated graphs compile");
        let cap = self.bounds(&plan).caps.max_input_bytes;
        // Moved into the run's row, not copied: a run that starts here reads its inputs back
        // from their text once the row is written (the store's handling of the tree, and its
        // copies, are over by then), so no two trees of a huge input meet here.
        let stored_inputs = Value::Object(inputs);
        let stored_node_inputs = (!node_inputs.is_empty()).then(|| node_inputs_json(&node_inputs));
        if cap > 0 {
            let bytes = limits::json_bytes(&stored_inputs)
                + stored_node_inputs.as_ref().map_or(0, limits::json_bytes);
            if bytes > cap {
                return Err(Error::InputTooLarge { bytes, limit: cap });
            }
        }
        // As AutoGPT, a run does not start at a balance of zero or less (a child run belongs to
        // a parent that did start: its nodes are checked one by one).
        if self.inner.config.credits.is_some() && parent.is_none() {
            let balance = self.inner.store.credit_balance(user_id).await?;
            if balance <= 0 {
                return Err(Error::InsufficientCredits { balance });
            }
        }
        let exec_id = uuid::Uuid::now_v7().to_string();
        let inputs_text = stored_inputs.to_string();
        // Whatever credits say: the schedule's spending cap and its failure streak
        // (notifications) both follow its runs through this link.
        if let Some(schedule_id) = schedule_id {
            self.inner
                .store
                .link_run_to_schedule(user_id, &exec_id, schedule_id)
                .await?;
        }
        let new = NewExecution {
            id: exec_id.clone(),
            user_id: user_id.to_string(),
            graph_id: graph.id.clone(),
            graph_version: graph.version,
            inputs: stored_inputs,
            parent_id: parent.as_ref().map(|p| p.parent_exec_id.clone()),
            node_inputs: stored_node_inputs,
        };
        let config = &self.inner.config;
        if config.max_queued_per_user > 0 {
            let queued = self.inner.store.queued_for_user(user_id).await?;
            if queued >= config.max_queued_per_user {
                return Err(Error::TooManyRuns(config.max_queued_per_user));
            }
        }
        // With a free slot here (and no caps to check) the run is leased to this process from
        // the start: no claim round trip, no wake-up. Otherwise any worker claims it. A child
        // runs here at once on its parent's slot (`child.rs`).
        // A user holding its whole share of the slots queues instead (`share.rs`).
        let slot = if parent.is_some() {
            None
        } else if config.worker_concurrency > 0 && !config.claim_limits.is_capped() {
            self.inner.shares.try_take(user_id).and_then(|share| {
                let permit = self.inner.slots.clone().try_acquire_owned().ok()?;
                Some(share::Slot::new(permit, share))
            })
        } else {
            None
        };
        let run_here = parent.is_some() || slot.is_some();
        let lease = run_here.then(|| Lease {
            worker_id: self.inner.config.worker_id.clone(),
            until_ms: now_ms() + self.inner.config.lease.as_millis() as i64,
        });
        let row = self
            .inner
            .store
            .enqueue_traced_execution(new, lease, trace_context::current())
            .await?;
        match (run_here, parent) {
            (true, parent) => {
                // Written from a map by serde_json, so it reads back as one.
                let inputs = serde_json::from_str(&inputs_text).unwrap_or_default();
                let mut spec = self.run_spec(exec_id, user_id.to_string(), plan, inputs);
                spec.node_inputs = node_inputs;
                if let Some(parent) = parent {
                    spec.lineage = parent.lineage;
                }
                // Started here, inside the enqueuing span: the run span is its child already.
                self.start_run(spec, slot);
            }
            (false, _) => {
                self.inner.wake.notify_one();
                self.signal(relay::Signal::Enqueued);
            }
        }
        Ok(row)
    }

    /// Waits up to `limit` for a run to end, or to pause in REVIEW, wherever it runs. `None`
    /// when it is still going then.
    pub async fn wait(&self, exec_id: &str, limit: Duration) -> Option<RunResult> {
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
                // waiter owns the result and takes it whole.
                drop(done);
                return result.map(Arc::unwrap_or_clone);
            }
            if let Some(result) = self.stored_result(exec_id).await {
                return Some(result);
            }
            // Queued, or running in another process: look again when something happens.
            tokio::select! {
                _ = tokio::time::sleep_until(deadline) => return None,
                _ = ended(&mut events, exec_id) => {}
                _ = tokio::time::sleep(self.inner.config.poll_interval) => {}
            }
        }
    }

    /// The result of a run that has ended, read from the store.
    async fn stored_result(&self, exec_id: &str) -> Option<RunResult> {
        let row = self.inner.store.run_row(exec_id).await.ok()??;
        let status = Some(row.status.0).filter(|s| pauses_or_ends(*s))?;
        let record = self
            .inner
            .store
            .get_execution(&row.user_id, exec_id)
            .await
            .ok()?;
        Some(RunResult {
            status,
            outputs: graph_outputs(&self.inner.registry, &record),
            error: row.error,
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

/// Graph outputs by name from a stored run: every `output` of every output node, in order.
pub fn graph_outputs(
    registry: &Registry,
    record: &agentry_store::ExecutionRecord,
) -> Map<String, Value> {
    let mut outputs = Map::new();
    for node in &record.nodes {
        let is_output = registry
            .info(&node.row.block_id)
            .is_some_and(|b| b.block_type == agentry_core::BlockType::Output);
        let name = node.row.input_data.get("name").and_then(Value::as_str);
        let (true, Some(name)) = (is_output, name) else {
            continue;
        };
        for (pin, value) in &node.outputs {
            if pin == "output"
                && let Value::Array(list) = outputs
                    .entry(name.to_string())
                    .or_insert_with(|| Value::Array(Vec::new()))
            {
                list.push(value.clone());
            }
        }
    }
    outputs
}
