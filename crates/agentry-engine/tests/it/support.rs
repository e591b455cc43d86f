//! Test fixtures: an engine on a fresh database (`agentry_store::testing`: SQLite, or
//! PostgreSQL when `TEST_DATABASE_URL` is set), and a compact graph builder.

use std::sync::Arc;
use std::time::Duration;

use agentry_core::{Graph, Registry};
use agentry_engine::{Config, Engine, ExecuteRequest, RunResult};
use agentry_store::testing::{TestDatabase, fresh_database};
use agentry_store::{DEFAULT_USER_ID, Store};
use serde_json::{Map, Value, json};

pub const INPUT: &str = "c0a8e994-ebf1-4a9c-a4d8-89d09c86741b";
pub const OUTPUT: &str = "363ae599-353e-4804-937e-b2ee3cef3da4";
pub const CALCULATOR: &str = "b1ab9b19-67a6-406d-abf5-2dba76d00c79";
pub const STEP: &str = "f66a3543-28d3-4ab5-8945-9b336371e2ce";
pub const STORE_VALUE: &str = "1ff065e9-88e8-4358-9d82-8dc91f622ba9";
pub const COUNTDOWN: &str = "d67a9c52-5e4e-11e2-bcfd-0800200c9a71";
pub const NOTE: &str = "cc10ff7b-7753-4ff2-9af6-9399b1a7eddc";

pub struct TestEngine {
    pub engine: Engine,
    pub store: Store,
    /// The database's URL, for a second engine on the same database.
    pub url: String,
    _db: TestDatabase,
}

pub async fn engine_with(registry: Registry, config: Config) -> TestEngine {
    let db = fresh_database().await;
    let store = Store::open(db.url()).await.unwrap();
    let engine = Engine::new(store.clone(), Arc::new(registry), config);
    TestEngine {
        engine,
        store,
        url: db.url().to_string(),
        _db: db,
    }
}

pub async fn engine() -> TestEngine {
    engine_with(agentry_blocks::registry(), Config::default()).await
}

/// Builds a graph: nodes as (id, block id, input_default), links as (source, pin, sink, pin).
pub fn graph(nodes: &[(&str, &str, Value)], links: &[(&str, &str, &str, &str)]) -> Graph {
    let registry = agentry_blocks::registry();
    let nodes: Vec<Value> = nodes
        .iter()
        .map(
            |(id, block, defaults)| json!({"id": id, "block_id": block, "input_default": defaults}),
        )
        .collect();
    let links: Vec<Value> = links
        .iter()
        .enumerate()
        .map(|(i, (src, sp, sink, kp))| {
            json!({"id": format!("l{i}"), "source_id": src, "source_name": sp, "sink_id": sink, "sink_name": kp})
        })
        .collect();
    let mut g: Graph = serde_json::from_value(json!({
        "id": uuid::Uuid::new_v4().to_string(), "version": 1, "name": "test",
        "nodes": nodes, "links": links
    }))
    .unwrap();
    agentry_core::validate::force_static_links(&mut g, &registry);
    g
}

pub fn inputs(v: Value) -> Map<String, Value> {
    v.as_object().cloned().unwrap_or_default()
}

/// Saves `g` as `user`'s unless it is saved already (runs go by saved versions), and answers a
/// request to run it.
pub async fn request(
    engine: &Engine,
    user: &str,
    g: &Graph,
    inputs: Map<String, Value>,
) -> ExecuteRequest {
    if engine.graph_version(user, &g.id, g.version).await.is_err() {
        engine
            .store()
            .insert_graph_version(user, g, "")
            .await
            .unwrap();
    }
    ExecuteRequest::new(user, &g.id, g.version, inputs)
}

impl TestEngine {
    pub async fn start(&self, g: &Graph, inputs: Map<String, Value>) -> String {
        let request = request(&self.engine, DEFAULT_USER_ID, g, inputs).await;
        self.engine.execute(request).await.unwrap().row.id
    }

    pub async fn run(&self, g: &Graph, inputs: Map<String, Value>) -> (String, RunResult) {
        let id = self.start(g, inputs).await;
        let result = self
            .engine
            .wait(&id, Duration::from_secs(30))
            .await
            .expect("run ends within 30 s");
        (id, result)
    }
}
