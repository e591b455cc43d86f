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
use crate::{Backend, Error, Result, Store};

mod sqlite;

/// A batch and who waits for its commit.
struct Job {
    batch: Batch,
    reply: oneshot::Sender<Result<()>>,
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
        match self.tx.send(Job { batch, reply }) {
            Ok(()) => Commit(State::Waiting(done)),
            Err(_) => Commit(State::Done(Some(Err(Error::CommitterStopped)))),
        }
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
    let rows: usize = jobs
        .iter()
        .map(|j| {
            let b = &j.batch;
            b.nodes.len() + b.outputs.len() + b.runs.len()
        })
        .sum();
    metrics::histogram!("agentry_writer_batch_rows").record(rows as f64);
    metrics::histogram!("agentry_writer_commit_seconds").record(started.elapsed().as_secs_f64());
}

/// The committer of PostgreSQL and in-memory SQLite: each group as one script on the pool.
async fn run_on_pool(store: Store, mut rx: mpsc::UnboundedReceiver<Job>) {
    while let Some(first) = rx.recv().await {
        let jobs = group(first, &mut rx);
        let started = Instant::now();
        let mut all = Batch::default();
        for job in &jobs {
            all.extend(job.batch.clone());
        }
        dedupe_nodes(&mut all);
        let result = store.apply_script(&all).await;
        record_metrics(&jobs, started);
        match result {
            Ok(()) => {
                for job in jobs {
                    let _ = job.reply.send(Ok(()));
                }
            }
            Err(e) if jobs.len() == 1 => {
                tracing::error!(error = %e, "committing execution progress failed");
                let _ = jobs.into_iter().next().map(|j| j.reply.send(Err(e)));
            }
            Err(_) => {
                for job in jobs {
                    let mut batch = job.batch;
                    dedupe_nodes(&mut batch);
                    let result = store.apply_script(&batch).await;
                    if let Err(e) = &result {
                        tracing::error!(error = %e, "committing execution progress failed");
                    }
                    let _ = job.reply.send(result);
                }
            }
        }
    }
}

/// Keeps only the last state of each node execution: one statement may not upsert a row twice.
fn dedupe_nodes(batch: &mut Batch) {
    if batch.nodes.len() < 2 {
        return;
    }
    let mut last = std::collections::HashMap::new();
    for (i, n) in batch.nodes.iter().enumerate() {
        last.insert(n.id.clone(), i);
    }
    let mut i = 0;
    batch.nodes.retain(|n| {
        i += 1;
        last[&n.id] == i - 1
    });
}

impl Backend {
    /// Whether a URL names an in-memory SQLite database (one connection holds it).
    pub(crate) fn in_memory(url: &str) -> bool {
        url.contains(":memory:") || url.contains("mode=memory")
    }
}
