//! The run loop's handle on the store's committer (`agentry_store::commit`): batches handed
//! over commit in order, grouped with those of every other run into one transaction. A failed
//! commit is a `WriteError`: its message is what the run's stored error shows; the store's
//! error, which may name tables, constraints or files, is kept as its source for the logs.

use std::future::Future;
use std::pin::Pin;
use std::task::{Context, Poll};

use agentry_store::{Batch, Store};

/// Why a batch of a run's progress did not become durable.
#[derive(Debug, thiserror::Error)]
pub enum WriteError {
    /// The committer is gone: the process is stopping.
    #[error("could not persist progress: the process is stopping")]
    Stopped(#[source] agentry_store::Error),
    /// The database failed or refused the transaction holding the batch.
    #[error("could not persist progress: the database could not write it")]
    Failed(#[source] agentry_store::Error),
}

impl From<agentry_store::Error> for WriteError {
    fn from(e: agentry_store::Error) -> WriteError {
        match e {
            agentry_store::Error::CommitterStopped => WriteError::Stopped(e),
            e => WriteError::Failed(e),
        }
    }
}

/// One batch's commit: resolves once the transaction holding it is durable.
#[must_use = "a batch is durable only once its commit has resolved"]
pub struct Commit(agentry_store::Commit);

impl Future for Commit {
    type Output = Result<(), WriteError>;
    fn poll(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<Self::Output> {
        Pin::new(&mut self.0).poll(cx).map_err(WriteError::from)
    }
}

/// Hands batches to the store's committer.
#[derive(Clone)]
pub struct Writer {
    store: Store,
}

impl Writer {
    pub fn new(store: Store) -> Writer {
        Writer { store }
    }

    /// Hands `batch` over now; the returned future resolves once it has committed.
    pub fn submit(&self, batch: Batch) -> Commit {
        Commit(self.store.submit(batch))
    }
}

#[cfg(test)]
mod tests {
    use super::WriteError;

    #[test]
    fn a_failed_commit_says_what_failed_and_keeps_the_database_s_words_as_its_source() {
        let db = agentry_store::Error::Conflict(
            "UNIQUE constraint failed: node_executions.id at /var/lib/agentry/db.sqlite".into(),
        );
        let e = WriteError::from(db);
        assert!(matches!(e, WriteError::Failed(_)));
        let shown = e.to_string();
        assert_eq!(
            shown,
            "could not persist progress: the database could not write it"
        );
        let source = std::error::Error::source(&e).unwrap().to_string();
        assert!(source.contains("node_executions"), "{source}");
        let stopped = WriteError::from(agentry_store::Error::CommitterStopped);
        assert!(matches!(stopped, WriteError::Stopped(_)));
        assert_eq!(
            stopped.to_string(),
            "could not persist progress: the process is stopping"
        );
    }
}
