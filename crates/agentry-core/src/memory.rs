//! `Memory`: durable key-value and vector memory the engine offers to blocks, bound to one user.
//!
//! Like `SubAgents`, it is a capability: the engine implements it over the store (one value
//! per user, scope and key; vectors per user and collection) and hands it to a block through
//! `Context::memory`. Core only defines the contract, the cosine ranking and a test fake.

use std::future::Future;
use std::pin::Pin;

use serde::{Deserialize, Serialize};
use serde_json::{Map, Value};

use crate::block::BlockError;

/// A boxed future a memory call returns.
pub type MemoryFuture<'a, T> = Pin<Box<dyn Future<Output = Result<T, BlockError>> + Send + 'a>>;

/// One text added to a vector collection.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct VectorEntry {
    pub text: String,
    pub metadata: Map<String, Value>,
    pub embedding: Vec<f32>,
}

/// A search result: the entry, its id and its cosine similarity to the query.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, schemars::JsonSchema)]
pub struct VectorHit {
    pub id: String,
    pub text: String,
    pub metadata: Map<String, Value>,
    pub score: f32,
}

/// Durable memory of the user a block runs for. Every call is already scoped to that user.
pub trait Memory: Send + Sync {
    /// The value stored under (`scope`, `key`), if any.
    fn get<'a>(&'a self, scope: &'a str, key: &'a str) -> MemoryFuture<'a, Option<Value>>;
    /// Stores `value` under (`scope`, `key`), replacing what was there.
    fn put<'a>(&'a self, scope: &'a str, key: &'a str, value: Value) -> MemoryFuture<'a, ()>;
    /// Adds an entry to `collection`; returns its id.
    fn add_vector<'a>(
        &'a self,
        collection: &'a str,
        entry: VectorEntry,
    ) -> MemoryFuture<'a, String>;
    /// The `top_k` entries of `collection` most similar to `query`, best first.
    fn search_vectors<'a>(
        &'a self,
        collection: &'a str,
        query: &'a [f32],
        top_k: usize,
    ) -> MemoryFuture<'a, Vec<VectorHit>>;
}

/// Cosine similarity; 0 when either vector is zero or their lengths differ.
pub fn cosine(a: &[f32], b: &[f32]) -> f32 {
    if a.len() != b.len() || a.is_empty() {
        return 0.0;
    }
    let (mut dot, mut na, mut nb) = (0f64, 0f64, 0f64);
    for (x, y) in a.iter().zip(b) {
        let (x, y) = (f64::from(*x), f64::from(*y));
        dot += x * y;
        na += x * x;
        nb += y * y;
    }
    if na == 0.0 || nb == 0.0 {
        return 0.0;
    }
    (dot / (na.sqrt() * nb.sqrt())) as f32
}

/// Ranks `(id, entry)` pairs by similarity to `query`, best first, keeping `top_k`. Ties keep
/// their given order (oldest first when the caller passes them oldest first).
pub fn rank(
    entries: impl IntoIterator<Item = (String, VectorEntry)>,
    query: &[f32],
    top_k: usize,
) -> Vec<VectorHit> {
    let mut hits: Vec<VectorHit> = entries
        .into_iter()
        .map(|(id, e)| VectorHit {
            score: cosine(&e.embedding, query),
            id,
            text: e.text,
            metadata: e.metadata,
        })
        .collect();
    hits.sort_by(|a, b| b.score.total_cmp(&a.score));
    hits.truncate(top_k);
    hits
}

/// An in-process `Memory` for tests of blocks: one user, nothing persisted.
#[derive(Debug, Default)]
pub struct InMemory {
    values: std::sync::Mutex<std::collections::HashMap<(String, String), Value>>,
    vectors: std::sync::Mutex<Vec<(String, String, VectorEntry)>>,
}

impl Memory for InMemory {
    fn get<'a>(&'a self, scope: &'a str, key: &'a str) -> MemoryFuture<'a, Option<Value>> {
        let found = self
            .values
            .lock()
            .expect("memory lock")
            .get(&(scope.to_string(), key.to_string()))
            .cloned();
        Box::pin(async move { Ok(found) })
    }
    fn put<'a>(&'a self, scope: &'a str, key: &'a str, value: Value) -> MemoryFuture<'a, ()> {
        self.values
            .lock()
            .expect("memory lock")
            .insert((scope.to_string(), key.to_string()), value);
        Box::pin(async { Ok(()) })
    }
    fn add_vector<'a>(
        &'a self,
        collection: &'a str,
        entry: VectorEntry,
    ) -> MemoryFuture<'a, String> {
        let mut vectors = self.vectors.lock().expect("memory lock");
        let id = format!("v{}", vectors.len() + 1);
        vectors.push((collection.to_string(), id.clone(), entry));
        Box::pin(async move { Ok(id) })
    }
    fn search_vectors<'a>(
        &'a self,
        collection: &'a str,
        query: &'a [f32],
        top_k: usize,
    ) -> MemoryFuture<'a, Vec<VectorHit>> {
        let entries: Vec<(String, VectorEntry)> = self
            .vectors
            .lock()
            .expect("memory lock")
            .iter()
            .filter(|(c, _, _)| c == collection)
            .map(|(_, id, e)| (id.clone(), e.clone()))
            .collect();
        let hits = rank(entries, query, top_k);
        Box::pin(async move { Ok(hits) })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn entry(text: &str, embedding: Vec<f32>) -> VectorEntry {
        VectorEntry {
            text: text.into(),
            metadata: Map::new(),
            embedding,
        }
    }

    #[test]
    fn cosine_of_parallel_orthogonal_and_opposite_vectors() {
        assert!((cosine(&[1.0, 0.0], &[2.0, 0.0]) - 1.0).abs() < 1e-6);
        assert!(cosine(&[1.0, 0.0], &[0.0, 3.0]).abs() < 1e-6);
        assert!((cosine(&[1.0, 1.0], &[-1.0, -1.0]) + 1.0).abs() < 1e-6);
        assert_eq!(cosine(&[0.0, 0.0], &[1.0, 0.0]), 0.0);
        assert_eq!(cosine(&[1.0], &[1.0, 0.0]), 0.0);
    }

    #[test]
    fn rank_orders_by_similarity_and_keeps_top_k() {
        let hits = rank(
            vec![
                ("a".into(), entry("east", vec![1.0, 0.0])),
                ("b".into(), entry("north", vec![0.0, 1.0])),
                ("c".into(), entry("north-east", vec![1.0, 1.0])),
            ],
            &[0.1, 1.0],
            2,
        );
        let ids: Vec<&str> = hits.iter().map(|h| h.id.as_str()).collect();
        assert_eq!(ids, ["b", "c"]);
        assert!(hits[0].score > hits[1].score);
    }

    #[tokio::test]
    async fn in_memory_keeps_scopes_and_collections_apart() {
        let m = InMemory::default();
        m.put("agent#g", "k", Value::from(1)).await.unwrap();
        assert_eq!(m.get("agent#g", "k").await.unwrap(), Some(Value::from(1)));
        assert_eq!(m.get("global", "k").await.unwrap(), None);
        m.add_vector("docs", entry("x", vec![1.0])).await.unwrap();
        assert!(
            m.search_vectors("other", &[1.0], 5)
                .await
                .unwrap()
                .is_empty()
        );
        assert_eq!(m.search_vectors("docs", &[1.0], 5).await.unwrap().len(), 1);
    }
}
