//! Test databases: a fresh one per test (`agentry_store::testing`), SQLite or PostgreSQL.

use agentry_store::testing::{TestDatabase, fresh_database};
use agentry_store::{DEFAULT_USER_ID, NewExecution, Store};

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

/// A new QUEUED top-level run of the default user's `graph_id` at `version`, with no inputs;
/// its id.
pub async fn queued_run(s: &Store, graph_id: &str, version: i32) -> String {
    let id = uuid::Uuid::now_v7().to_string();
    s.create_execution(NewExecution {
        id: id.clone(),
        user_id: DEFAULT_USER_ID.into(),
        graph_id: graph_id.into(),
        graph_version: version,
        inputs: serde_json::value::to_raw_value(&serde_json::json!({})).unwrap(),
        parent_id: None,
        node_inputs: None,
    })
    .await
    .unwrap();
    id
}
