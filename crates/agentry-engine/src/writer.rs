//! The run loop's handle on the store's committer (`agentry_store::commit`): batches handed
//! over commit in order, grouped with those of every other run into one transaction.

use agentry_store::{Batch, Store};

pub use agentry_store::Commit;

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
        self.store.submit(batch)
    }
}
