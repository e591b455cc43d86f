//! `StoreMemory`: the `Memory` capability over the store, bound to the user a run or a direct
//! block call acts for, so that a block can never reach another user's memory.

use agentry_core::BlockError;
use agentry_core::memory::{Memory, MemoryFuture, VectorEntry, VectorHit};
use agentry_store::Store;
use serde_json::Value;

/// One user's durable memory.
pub struct StoreMemory {
    store: Store,
    user_id: String,
}

impl StoreMemory {
    pub fn new(store: Store, user_id: impl Into<String>) -> Self {
        StoreMemory {
            store,
            user_id: user_id.into(),
        }
    }
}

fn system(e: agentry_store::Error) -> BlockError {
    BlockError::System(format!("memory store: {e}"))
}

impl Memory for StoreMemory {
    fn get<'a>(&'a self, scope: &'a str, key: &'a str) -> MemoryFuture<'a, Option<Value>> {
        Box::pin(async move {
            self.store
                .memory_get(&self.user_id, scope, key)
                .await
                .map_err(system)
        })
    }

    fn put<'a>(&'a self, scope: &'a str, key: &'a str, value: Value) -> MemoryFuture<'a, ()> {
        Box::pin(async move {
            self.store
                .memory_put(&self.user_id, scope, key, value)
                .await
                .map_err(system)
        })
    }

    fn add_vector<'a>(
        &'a self,
        collection: &'a str,
        entry: VectorEntry,
    ) -> MemoryFuture<'a, String> {
        Box::pin(async move {
            self.store
                .vector_add(&self.user_id, collection, entry)
                .await
                .map_err(system)
        })
    }

    fn search_vectors<'a>(
        &'a self,
        collection: &'a str,
        query: &'a [f32],
        top_k: usize,
    ) -> MemoryFuture<'a, Vec<VectorHit>> {
        Box::pin(async move {
            self.store
                .vector_search(&self.user_id, collection, query, top_k)
                .await
                .map_err(system)
        })
    }
}
