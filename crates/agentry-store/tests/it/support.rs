//! Test databases: a fresh SQLite file per test, or the database `TEST_DATABASE_URL` names.

use agentry_store::Store;

pub struct TestDb {
    pub store: Store,
    pub url: String,
    _dir: Option<tempfile::TempDir>,
}

pub async fn test_db() -> TestDb {
    if let Ok(url) = std::env::var("TEST_DATABASE_URL") {
        let store = Store::open(&url).await.expect("open TEST_DATABASE_URL");
        return TestDb {
            store,
            url,
            _dir: None,
        };
    }
    let dir = tempfile::tempdir().unwrap();
    let url = format!("sqlite://{}?mode=rwc", dir.path().join("t.db").display());
    let store = Store::open(&url).await.expect("open sqlite");
    TestDb {
        store,
        url,
        _dir: Some(dir),
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
