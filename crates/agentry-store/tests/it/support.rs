//! Test databases: a fresh one per test (`agentry_store::testing`), SQLite or PostgreSQL.

use agentry_store::Store;
use agentry_store::testing::{TestDatabase, fresh_database};

pub struct TestDb {
    pub store: Store,
    pub url: String,
    _db: TestDatabase,
}

pub async fn test_db() -> TestDb {
    let db = fresh_database().await;
    let url = db.url().to_string();
    let store = Store::open(&url).await.expect("open the test database");
    TestDb {
        store,
        url,
        _db: db,
    }
}

pub fn graph(id: &str, version: i32) -> agentry_core::Graph {
    serde_json::from_value(serde_json::json!({
        "id": id, "version": version, "name": "g", "description": "d",
        "nodes": [{"id": "n1", "block_id": "b", "input_default": {"x": 1}, "metadata": {}}],
        "links": [], "custom_field": {"kept": true}
    }))
    .unwrap()
}
