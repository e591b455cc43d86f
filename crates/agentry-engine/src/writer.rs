//! The writer task: groups the batches of every run that arrive while a commit is in flight
//! into the next transaction, so durability costs one commit per group, not per value.

use std::collections::HashMap;

use agentry_store::{Batch, Store};
use tokio::sync::{mpsc, oneshot};

type Reply = oneshot::Sender<Result<(), String>>;

/// Sends batches to the writer task.
#[derive(Clone)]
pub struct Writer {
    tx: mpsc::UnboundedSender<(Batch, Option<Reply>)>,
}

impl Writer {
    /// Starts the writer task on the current runtime.
    pub fn spawn(store: Store) -> Writer {
        let (tx, rx) = mpsc::unbounded_channel();
        tokio::spawn(run(store, rx));
        Writer { tx }
    }

    /// Makes a batch durable and waits for the commit.
    pub async fn write(&self, batch: Batch) -> Result<(), String> {
        if batch.is_empty() {
            return Ok(());
        }
        let (reply, done) = oneshot::channel();
        self.tx
            .send((batch, Some(reply)))
            .map_err(|_| "the writer has stopped".to_string())?;
        done.await
            .map_err(|_| "the writer has stopped".to_string())?
    }
}

/// Keeps only the last state of each node execution: one statement may not upsert a row twice.
fn dedupe_nodes(batch: &mut Batch) {
    if batch.nodes.len() < 2 {
        return;
    }
    let mut last: HashMap<&str, usize> = HashMap::new();
    for (i, n) in batch.nodes.iter().enumerate() {
        last.insert(n.id.as_str(), i);
    }
    let keep: Vec<bool> = batch
        .nodes
        .iter()
        .enumerate()
        .map(|(i, n)| last[n.id.as_str()] == i)
        .collect();
    let mut i = 0;
    batch.nodes.retain(|_| {
        i += 1;
        keep[i - 1]
    });
}

async fn run(store: Store, mut rx: mpsc::UnboundedReceiver<(Batch, Option<Reply>)>) {
    while let Some((first, reply)) = rx.recv().await {
        let mut batch = first;
        let mut replies: Vec<Reply> = reply.into_iter().collect();
        while let Ok((more, reply)) = rx.try_recv() {
            batch.extend(more);
            replies.extend(reply);
        }
        dedupe_nodes(&mut batch);
        let rows = batch.nodes.len() + batch.outputs.len() + batch.runs.len() + batch.events.len();
        metrics::histogram!("agentry_writer_batch_rows").record(rows as f64);
        let started = std::time::Instant::now();
        let result = store.apply_batch(&batch).await;
        metrics::histogram!("agentry_writer_commit_seconds")
            .record(started.elapsed().as_secs_f64());
        let result = result.map_err(|e| {
            tracing::error!(error = %e, "writing execution progress failed");
            e.to_string()
        });
        for reply in replies {
            let _ = reply.send(result.clone());
        }
    }
}
