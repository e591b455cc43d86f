//! The commit path of execution progress: every `Batch` of every run goes through one
//! committer, which puts whatever is queued when it becomes free into one transaction (group
//! commit) and answers each caller once that transaction is durable.
//!
//! On a SQLite file the committer is one thread that owns one connection and its prepared
//! statements: a batch costs one hand-off to that thread and back, with no SQL rendered or
//! parsed on the way (reads stay on the pool; WAL lets them run beside the writer). On
//! PostgreSQL (and in-memory SQLite, whose database lives on the pool's one connection) the
//! committer is a task that sends the group as one script, one round trip.
//!
//! When a group fails, its batches are committed again one by one, so that one bad batch (a
//! constraint it breaks) fails only its own caller.

use std::future::Future;
use std::pin::Pin;
use std::task::{Context, Poll};
use std::time::Instant;

use tokio::sync::{mpsc, oneshot};

use crate::executions::Batch;
use crate::queue::Enqueued;
use crate::{Backend, Error, Result, Store};

mod sqlite;

/// What the committer writes, and who waits for its commit.
enum Job {
    /// A run's progress.
    Progress {
        batch: Batch,
        reply: oneshot::Sender<Result<()>>,
    },
    /// A new run and its queue entry, handed back with the result.
    Enqueue {
        run: Enqueued,
        reply: oneshot::Sender<(Enqueued, Result<()>)>,
    },
}

impl Job {
    fn answer(self, result: Result<()>) {
        match self {
            Job::Progress { reply, .. } => {
                let _ = reply.send(result);
            }
            Job::Enqueue { run, reply } => {
                let _ = reply.send((run, result));
            }
        }
    }

    /// Rows it writes, for the batch size metric.
    fn rows(&self) -> usize {
        match self {
            Job::Progress { batch: b, .. } => b.nodes.len() + b.outputs.len() + b.runs.len(),
            Job::Enqueue { .. } => 2,
        }
    }
}

/// Hands batches to the committer; cheap to clone.
#[derive(Clone)]
pub(crate) struct Committer {
    tx: mpsc::UnboundedSender<Job>,
}

/// At most this many batches go into one transaction, so one transaction stays short.
const MAX_GROUP: usize = 512;

impl Committer {
    /// Starts the committer for `store`'s database: a thread on a SQLite file, a task else.
    pub(crate) fn start(store: &Store, url: &str) -> Result<Committer> {
        let (tx, rx) = mpsc::unbounded_channel();
        match sqlite::file_path(url, store.backend) {
            Some(path) => {
                let conn = sqlite::open(&path)?;
                std::thread::Builder::new()
                    .name("agentry-commit".into())
                    .spawn(move || sqlite::run(conn, rx))
                    .map_err(Error::CommitterStart)?;
            }
            None => {
                let store = store.clone();
                tokio::spawn(run_on_pool(store, rx));
            }
        }
        Ok(Committer { tx })
    }

    /// Hands `batch` over now (batches commit in the order they are handed over).
    pub(crate) fn submit(&self, batch: Batch) -> Commit {
        if batch.is_empty() {
            return Commit(State::Done(Some(Ok(()))));
        }
        let (reply, done) = oneshot::channel();
        match self.tx.send(Job::Progress { batch, reply }) {
            Ok(()) => Commit(State::Waiting(done)),
            Err(_) => Commit(State::Done(Some(Err(Error::CommitterStopped)))),
        }
    }

    /// Hands a new run over now, in order with the batches.
    fn enqueue(&self, run: Enqueued) -> Result<oneshot::Receiver<(Enqueued, Result<()>)>> {
        let (reply, done) = oneshot::channel();
        self.tx
            .send(Job::Enqueue { run, reply })
            .map_err(|_| Error::CommitterStopped)?;
        Ok(done)
    }
}

/// One batch's commit: resolves once the transaction holding it is durable.
#[must_use = "a batch is durable only once its commit has resolved"]
pub struct Commit(State);

enum State {
    Waiting(oneshot::Receiver<Result<()>>),
    Done(Option<Result<()>>),
}

impl Future for Commit {
    type Output = Result<()>;
    fn poll(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<Result<()>> {
        match &mut self.0 {
            State::Waiting(done) => Pin::new(done)
                .poll(cx)
                .map(|r| r.unwrap_or(Err(Error::CommitterStopped))),
            State::Done(result) => Poll::Ready(result.take().unwrap_or(Ok(()))),
        }
    }
}

impl Store {
    /// Hands a batch to the committer without waiting: node upserts, output inserts, run
    /// status changes (applied only where AutoGPT's transition rules allow), events, reviews
    /// and dequeues, in one transaction with whatever else is queued. Batches commit in the
    /// order they were submitted.
    pub fn submit(&self, batch: Batch) -> Commit {
        match &self.committer {
            Some(committer) => committer.submit(batch),
            None => Commit(State::Done(Some(Err(Error::CommitterStopped)))),
        }
    }

    /// Writes a new run and its queue entry through the committer; answers the run back with
    /// the commit's result once it is durable (`queue.rs`).
    pub(crate) async fn submit_enqueue(&self, run: Enqueued) -> Result<(Enqueued, Result<()>)> {
        let committer = self.committer.as_ref().ok_or(Error::CommitterStopped)?;
        committer
            .enqueue(run)?
            .await
            .map_err(|_| Error::CommitterStopped)
    }

    /// Makes a batch durable; returns once it has committed.
    pub async fn apply_batch(&self, batch: &Batch) -> Result<()> {
        self.submit(batch.clone()).await
    }
}

/// Takes the jobs queued behind `first`, up to `MAX_GROUP`.
fn group(first: Job, rx: &mut mpsc::UnboundedReceiver<Job>) -> Vec<Job> {
    let mut jobs = vec![first];
    while jobs.len() < MAX_GROUP {
        match rx.try_recv() {
            Ok(job) => jobs.push(job),
            Err(_) => break,
        }
    }
    jobs
}

fn record_metrics(jobs: &[Job], started: Instant) {
    let rows: usize = jobs.iter().map(Job::rows).sum();
    metrics::histogram!("agentry_writer_batch_rows").record(rows as f64);
    metrics::histogram!("agentry_writer_commit_seconds").record(started.elapsed().as_secs_f64());
}

/// The committer of PostgreSQL and in-memory SQLite: each group as one script on the pool,
/// new runs first (a run's progress is only ever submitted after its enqueue has committed).
async fn run_on_pool(store: Store, mut rx: mpsc::UnboundedReceiver<Job>) {
    while let Some(first) = rx.recv().await {
        let jobs = group(first, &mut rx);
        let started = Instant::now();
        let mut enqueues = Vec::new();
        let mut all = Batch::default();
        for job in &jobs {
            match job {
                Job::Progress { batch, .. } => all.extend(batch.clone()),
                Job::Enqueue { run, .. } => enqueues.extend(run.statements(store.backend)),
            }
        }
        dedupe_nodes(&mut all);
        let result = store.apply_script(&enqueues, &all).await;
        record_metrics(&jobs, started);
        match result {
            Ok(()) => {
                for job in jobs {
                    job.answer(Ok(()));
                }
            }
            Err(e) if jobs.len() == 1 => {
                tracing::error!(error = %e, "committing execution progress failed");
                if let Some(job) = jobs.into_iter().next() {
                    job.answer(Err(e));
                }
            }
            Err(_) => {
                for mut job in jobs {
                    let result = match &mut job {
                        Job::Progress { batch, .. } => {
                            dedupe_nodes(batch);
                            store.apply_script(&[], batch).await
                        }
                        Job::Enqueue { run, .. } => {
                            store.run_script(&run.statements(store.backend)).await
                        }
                    };
                    if let Err(e) = &result {
                        tracing::error!(error = %e, "committing execution progress failed");
                    }
                    job.answer(result);
                }
            }
        }
    }
}

/// Keeps only the last state of each node execution: one statement may not upsert a row twice.
fn dedupe_nodes(batch: &mut Batch) {
    let keep = last_states(&batch.nodes);
    let mut keep = keep.into_iter();
    batch.nodes.retain(|_| keep.next().unwrap_or(true));
}

/// For each row, whether it is the last state of its node execution among `nodes`: an earlier
/// one is overwritten by the later one's upsert (a pure node's RUNNING and COMPLETED usually
/// travel in one batch), so writing it would be a statement for nothing. The last row carries
/// every column the first would have inserted.
pub(crate) fn last_states(nodes: &[crate::NodeRow]) -> Vec<bool> {
    if nodes.len() < 2 {
        return vec![true; nodes.len()];
    }
    let mut last = std::collections::HashMap::with_capacity(nodes.len());
    for (i, n) in nodes.iter().enumerate() {
        last.insert(n.id.as_str(), i);
    }
    nodes
        .iter()
        .enumerate()
        .map(|(i, n)| last[n.id.as_str()] == i)
        .collect()
}

impl Backend {
    /// Whether a URL names an in-memory SQLite database (one connection holds it).
    pub(crate) fn in_memory(url: &str) -> bool {
        url.contains(":memory:") || url.contains("mode=memory")
    }
}
