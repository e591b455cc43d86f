//! Durable memory: key-value upserts and vector search, each user seeing only their own rows.

use agentry_core::memory::VectorEntry;
use serde_json::{Map, json};

use crate::support::test_db;

fn entry(text: &str, embedding: Vec<f32>, tag: &str) -> VectorEntry {
    let mut metadata = Map::new();
    metadata.insert("tag".into(), json!(tag));
    VectorEntry {
        text: text.into(),
        metadata,
        embedding,
    }
}

#[tokio::test]
async fn values_are_upserted_per_user_scope_and_key() {
    let db = test_db().await;
    let s = &db.store;
    assert_eq!(s.memory_get("alice", "global", "k").await.unwrap(), None);
    s.memory_put("alice", "global", "nul", json!("a\u{0}b"))
        .await
        .unwrap();
    s.memory_put("alice", "global", "k", json!({"n": 1}))
        .await
        .unwrap();
    s.memory_put("alice", "global", "k", json!({"n": 2, "s": "\u{0}x"}))
        .await
        .unwrap();
    s.memory_put("alice", "agent#g1", "k", json!("agent"))
        .await
        .unwrap();
    s.memory_put("bob", "global", "k", json!("bob's"))
        .await
        .unwrap();

    assert_eq!(
        s.memory_get("alice", "global", "k").await.unwrap(),
        Some(json!({"n": 2, "s": "\u{0}x"})),
        "the second put replaces the first"
    );
    assert_eq!(
        s.memory_get("alice", "agent#g1", "k").await.unwrap(),
        Some(json!("agent"))
    );
    assert_eq!(
        s.memory_get("bob", "global", "k").await.unwrap(),
        Some(json!("bob's"))
    );
    assert_eq!(s.memory_get("carol", "global", "k").await.unwrap(), None);
    s.memory_put("alice", "global", "null", json!(null))
        .await
        .unwrap();
    assert_eq!(
        s.memory_get("alice", "global", "null").await.unwrap(),
        Some(json!(null))
    );
}

#[tokio::test]
async fn vector_search_ranks_by_cosine_within_one_users_collection() {
    let db = test_db().await;
    let s = &db.store;
    let east = s
        .vector_add("alice", "docs", entry("east", vec![1.0, 0.0, 0.0], "e"))
        .await
        .unwrap();
    let north = s
        .vector_add("alice", "docs", entry("north", vec![0.0, 1.0, 0.0], "n"))
        .await
        .unwrap();
    s.vector_add(
        "alice",
        "other",
        entry("elsewhere", vec![0.0, 1.0, 0.0], "o"),
    )
    .await
    .unwrap();
    s.vector_add(
        "bob",
        "docs",
        entry("bob's north", vec![0.0, 1.0, 0.0], "b"),
    )
    .await
    .unwrap();

    let hits = s
        .vector_search("alice", "docs", &[0.1, 0.9, 0.0], 5)
        .await
        .unwrap();
    let ids: Vec<&str> = hits.iter().map(|h| h.id.as_str()).collect();
    assert_eq!(ids, [north.as_str(), east.as_str()]);
    assert_eq!(hits[0].text, "north");
    assert_eq!(hits[0].metadata.get("tag"), Some(&json!("n")));
    assert!(hits[0].score > 0.99 && hits[1].score < 0.2);

    let top1 = s
        .vector_search("alice", "docs", &[1.0, 0.0, 0.0], 1)
        .await
        .unwrap();
    assert_eq!(top1.len(), 1);
    assert_eq!(top1[0].id, east);
    assert!(
        s.vector_search("carol", "docs", &[1.0, 0.0, 0.0], 5)
            .await
            .unwrap()
            .is_empty()
    );
    let bobs = s
        .vector_search("bob", "docs", &[1.0, 0.0, 0.0], 5)
        .await
        .unwrap();
    assert_eq!(bobs.len(), 1);
    assert_eq!(bobs[0].text, "bob's north");
}
