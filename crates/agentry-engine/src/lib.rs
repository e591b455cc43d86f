//! Agentry's engine: runs graph versions. Each run is one task that dispatches nodes the moment
//! their inputs are complete, persists every output through the grouping writer before it
//! travels, publishes events after commit, and honours cancel and timeouts.

mod direct;
mod error;
pub mod event;
pub mod graphs;
mod inputs;
mod node_task;
pub mod plan;
mod run;
mod writer;

use std::collections::HashMap;
use std::sync::{Arc, Mutex};
use std::time::Duration;

use agentry_core::validate::{self, Mode};
use agentry_core::{ExecutionStatus, Graph, Registry, io_schema};
use agentry_store::{GraphRecord, NewExecution, RunUpdate, Store};
use chrono::Utc;
use serde_json::{Map, Value};
use tokio::sync::watch;
use tokio_util::sync::CancellationToken;

pub use direct::BlockRun;
pub use error::{Error, Result};
pub use event::{Event, EventBus, EventKind};
pub use plan::RetryPolicy;
pub use run::RunResult;

/// Engine settings.
#[derive(Debug, Clone)]
pub struct Config {
    /// A run still going after this long is failed; `None` means no limit.
    pub run_timeout: Option<Duration>,
    /// Events buffered per subscriber before a slow one starts missing them.
    pub event_capacity: usize,
}

impl Default for Config {
    fn default() -> Self {
        Config {
            run_timeout: Some(Duration::from_secs(24 * 3600)),
            event_capacity: 4096,
        }
    }
}

struct RunHandle {
    cancel: CancellationToken,
    done: watch::Receiver<Option<RunResult>>,
}

struct Inner {
    store: Store,
    registry: Arc<Registry>,
    writer: writer::Writer,
    bus: EventBus,
    plans: plan::PlanCache,
    runs: Mutex<HashMap<String, RunHandle>>,
    /// Graph versions are immutable: cache them by (id, version).
    graphs: Mutex<HashMap<(String, i32), Arc<GraphRecord>>>,
    config: Config,
}

/// A handle on the engine; cheap to clone.
#[derive(Clone)]
pub struct Engine {
    inner: Arc<Inner>,
}

/// A request to run a graph version.
pub struct ExecuteRequest<'a> {
    pub user_id: &'a str,
    pub graph: &'a Graph,
    pub inputs: Map<String, Value>,
}

impl Engine {
    /// Starts the engine's writer task on the current tokio runtime.
    pub fn new(store: Store, registry: Arc<Registry>, config: Config) -> Engine {
        Engine {
            inner: Arc::new(Inner {
                writer: writer::Writer::spawn(store.clone()),
                bus: EventBus::new(config.event_capacity),
                store,
                registry,
                plans: plan::PlanCache::default(),
                runs: Mutex::new(HashMap::new()),
                graphs: Mutex::new(HashMap::new()),
                config,
            }),
        }
    }

    pub fn store(&self) -> &Store {
        &self.inner.store
    }

    pub fn registry(&self) -> &Arc<Registry> {
        &self.inner.registry
    }

    pub fn events(&self) -> &EventBus {
        &self.inner.bus
    }

    /// One version of a user's graph, from the cache when possible.
    pub async fn graph_version(
        &self,
        user_id: &str,
        graph_id: &str,
        version: i32,
    ) -> Result<Arc<GraphRecord>> {
        let key = (graph_id.to_string(), version);
        let cached = self
            .inner
            .graphs
            .lock()
            .expect("graphs lock")
            .get(&key)
            .cloned();
        if let Some(record) = cached {
            if record.user_id == user_id {
                return Ok(record);
            }
            return Err(agentry_store::Error::NotFound(format!(
                "graph {graph_id} version {version}"
            ))
            .into());
        }
        let record = Arc::new(
            self.inner
                .store
                .get_graph(user_id, graph_id, Some(version))
                .await?,
        );
        self.inner
            .graphs
            .lock()
            .expect("graphs lock")
            .insert(key, record.clone());
        Ok(record)
    }

    /// Drops cached versions of a graph (after it is deleted or its active version changes).
    pub fn forget_graph(&self, graph_id: &str) {
        self.inner
            .graphs
            .lock()
            .expect("graphs lock")
            .retain(|(id, _), _| id != graph_id);
    }

    /// Validates the graph for running, records the run in QUEUED and starts it.
    pub async fn execute(&self, req: ExecuteRequest<'_>) -> Result<String> {
        let registry = &self.inner.registry;
        validate::validate(req.graph, registry, Mode::Run)?;
        let missing: Vec<String> = io_schema::required_inputs(req.graph, registry)
            .into_iter()
            .filter(|name| req.inputs.get(name).is_none_or(Value::is_null))
            .collect();
        if !missing.is_empty() {
            return Err(Error::MissingInputs(missing));
        }
        let plan = self
            .inner
            .plans
            .get_or_compile(req.graph, registry)
            .expect("validated graphs compile");
        let exec_id = uuid::Uuid::now_v7().to_string();
        self.inner
            .store
            .create_execution(NewExecution {
                id: exec_id.clone(),
                user_id: req.user_id.to_string(),
                graph_id: req.graph.id.clone(),
                graph_version: req.graph.version,
                inputs: Value::Object(req.inputs.clone()),
                parent_id: None,
            })
            .await?;
        let cancel = CancellationToken::new();
        let (done_tx, done_rx) = watch::channel(None);
        self.inner.runs.lock().expect("runs lock").insert(
            exec_id.clone(),
            RunHandle {
                cancel: cancel.clone(),
                done: done_rx,
            },
        );
        let spec = run::RunSpec {
            exec_id: exec_id.clone(),
            user_id: req.user_id.to_string(),
            plan,
            inputs: req.inputs,
            timeout: self.inner.config.run_timeout,
        };
        let inner = self.inner.clone();
        tokio::spawn(async move {
            let id = spec.exec_id.clone();
            let result = run::drive(spec, inner.writer.clone(), inner.bus.clone(), cancel).await;
            let _ = done_tx.send(Some(result));
            inner.runs.lock().expect("runs lock").remove(&id);
        });
        Ok(exec_id)
    }

    /// Waits up to `limit` for a run started by this process to end. `None` when it is still
    /// running then, or when this process is not running it.
    pub async fn wait(&self, exec_id: &str, limit: Duration) -> Option<RunResult> {
        let mut done = {
            let runs = self.inner.runs.lock().expect("runs lock");
            runs.get(exec_id)?.done.clone()
        };
        let result = tokio::time::timeout(limit, done.wait_for(Option::is_some)).await;
        match result {
            Ok(Ok(r)) => r.clone(),
            _ => None,
        }
    }

    /// Stops a run: a running one is cancelled (its nodes end TERMINATED); a queued one is
    /// marked TERMINATED. Returns the run's status afterwards.
    pub async fn stop(&self, user_id: &str, exec_id: &str) -> Result<ExecutionStatus> {
        let record = self.inner.store.get_execution(user_id, exec_id).await?;
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
            let status = ExecutionStatus::parse(&record.run.status);
            if status.is_some_and(|s| !s.is_final()) {
                self.inner
                    .store
                    .update_run(&RunUpdate {
                        id: exec_id.to_string(),
                        status: ExecutionStatus::Terminated,
                        started_at: None,
                        ended_at: Some(Utc::now()),
                        stats: None,
                        error: None,
                    })
                    .await?;
            }
        }
        Ok(self.inner.store.run_status(exec_id).await?)
    }

    /// Runs in progress in this process.
    pub fn running(&self) -> usize {
        self.inner.runs.lock().expect("runs lock").len()
    }

    /// Cancels every run in progress and waits for them to record their end.
    pub async fn shutdown(&self, grace: Duration) {
        let handles: Vec<_> = {
            let runs = self.inner.runs.lock().expect("runs lock");
            runs.values()
                .map(|h| (h.cancel.clone(), h.done.clone()))
                .collect()
        };
        let deadline = tokio::time::Instant::now() + grace;
        for (_, mut done) in handles.iter().cloned() {
            let _ = tokio::time::timeout_at(deadline, done.wait_for(Option::is_some)).await;
        }
        for (cancel, mut done) in handles {
            cancel.cancel();
            let _ =
                tokio::time::timeout(Duration::from_secs(5), done.wait_for(Option::is_some)).await;
        }
    }
}
