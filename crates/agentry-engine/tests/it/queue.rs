//! The durable queue: runs enqueued by an API-only engine are run by a worker engine on the same
//! database, and a run whose worker stopped is resumed by another without repeating its steps.

use std::sync::Arc;
use std::time::Duration;

use agentry_core::ExecutionStatus;
use agentry_engine::{Config, Engine};
use agentry_store::{DEFAULT_USER_ID, Store};
use serde_json::json;
use tokio_util::sync::CancellationToken;

use crate::support::*;

async fn second_engine(url: &str, config: Config) -> Engine {
    let store = Store::open(url).await.unwrap();
    Engine::new(store, Arc::new(agentry_blocks::registry()), config)
}

fn quick_config() -> Config {
    Config {
        lease: Duration::from_millis(600),
        poll_interval: Duration::from_millis(100),
        ..Config::default()
    }
}

#[tokio::test]
async fn an_api_only_engine_enqueues_and_a_worker_runs() {
    let api_config = Config {
        worker_concurrency: 0,
        ..quick_config()
    };
    let api = engine_with(agentry_blocks::registry(), api_config).await;
    let path = concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/../../../shared/autogpt-agents/calculator-agent.json"
    );
    let g: agentry_core::Graph =
        serde_json::from_str(&std::fs::read_to_string(path).unwrap()).unwrap();
    agentry_engine::graphs::import(
        &api.store,
        api.engine.registry(),
        DEFAULT_USER_ID,
        g.clone(),
    )
    .await
    .unwrap();
    let id = api.start(&g, inputs(json!({"Input": 8}))).await;
    assert_eq!(
        api.store.run_status(&id).await.unwrap(),
        ExecutionStatus::Queued
    );
    assert_eq!(api.store.queue_len().await.unwrap(), 1);

    let worker = second_engine(&api.url, quick_config()).await;
    let stop = CancellationToken::new();
    worker.spawn_worker(stop.clone());
    let result = api
        .engine
        .wait(&id, Duration::from_secs(20))
        .await
        .expect("the worker runs it");
    assert_eq!(result.status, ExecutionStatus::Completed);
    assert_eq!(result.outputs.tree()["Output"], json!([42.0]));
    assert_eq!(
        api.store.queue_len().await.unwrap(),
        0,
        "the final batch removed the entry"
    );
    stop.cancel();
}

#[tokio::test]
async fn a_run_is_resumed_by_another_worker_without_repeating_steps() {
    let first = engine_with(agentry_blocks::registry(), quick_config()).await;
    // Four one-second steps in a chain.
    let mut nodes = Vec::new();
    let mut links = Vec::new();
    let ids: Vec<String> = (0..4).map(|i| format!("s{i}")).collect();
    for (i, id) in ids.iter().enumerate() {
        nodes.push((
            id.as_str(),
            COUNTDOWN,
            json!({"seconds": 1, "input_message": i}),
        ));
        if i > 0 {
            links.push((
                ids[i - 1].as_str(),
                "output_message",
                id.as_str(),
                "input_message",
            ));
        }
    }
    nodes.push(("out", OUTPUT, json!({"name": "last"})));
    links.push(("s3", "output_message", "out", "value"));
    let g = graph(&nodes, &links);
    agentry_engine::graphs::import(
        &first.store,
        first.engine.registry(),
        DEFAULT_USER_ID,
        g.clone(),
    )
    .await
    .unwrap();
    let id = first.start(&g, Default::default()).await;
    tokio::time::sleep(Duration::from_millis(2500)).await;
    // The first worker goes away mid-run: its run stays RUNNING, its lease is given up.
    first.engine.shutdown(Duration::ZERO).await;
    let before = first
        .store
        .get_execution(DEFAULT_USER_ID, &id)
        .await
        .unwrap();
    assert_eq!(before.run.status, "RUNNING");
    let done_before: Vec<String> = before
        .nodes
        .iter()
        .filter(|n| n.row.status == "COMPLETED")
        .map(|n| n.row.node_id.clone())
        .collect();
    assert!(
        done_before.len() >= 2,
        "two steps finished before the stop: {done_before:?}"
    );

    let second = second_engine(&first.url, quick_config()).await;
    let stop = CancellationToken::new();
    second.spawn_worker(stop.clone());
    let result = second
        .wait(&id, Duration::from_secs(30))
        .await
        .expect("resumed and finished");
    assert_eq!(
        result.status,
        ExecutionStatus::Completed,
        "{:?}",
        result.error
    );
    assert_eq!(
        result.outputs.tree()["last"],
        json!([0]),
        "the message travelled the whole chain"
    );
    let after = first
        .store
        .get_execution(DEFAULT_USER_ID, &id)
        .await
        .unwrap();
    for node in &done_before {
        let runs = after
            .nodes
            .iter()
            .filter(|n| &n.row.node_id == node)
            .count();
        assert_eq!(runs, 1, "completed step {node} did not run again");
    }
    for step in &ids {
        let completed = after
            .nodes
            .iter()
            .filter(|n| &n.row.node_id == step && n.row.status == "COMPLETED")
            .count();
        assert_eq!(completed, 1, "{step} completed exactly once");
    }
    stop.cancel();
}

#[tokio::test]
async fn a_stop_from_another_process_reaches_the_worker() {
    let worker = engine_with(agentry_blocks::registry(), quick_config()).await;
    let stop = CancellationToken::new();
    worker.engine.spawn_worker(stop.clone());
    let g = graph(&[("wait", COUNTDOWN, json!({"seconds": 60}))], &[]);
    let id = worker.start(&g, Default::default()).await;
    tokio::time::sleep(Duration::from_millis(300)).await;

    // Another process (API only) stops it: it only has the database in common.
    let api = second_engine(
        &worker.url,
        Config {
            worker_concurrency: 0,
            ..quick_config()
        },
    )
    .await;
    let status = api.stop(DEFAULT_USER_ID, &id).await.unwrap();
    assert_eq!(status, ExecutionStatus::Terminated);
    let result = worker
        .engine
        .wait(&id, Duration::from_secs(10))
        .await
        .expect("the worker stops it");
    assert_eq!(result.status, ExecutionStatus::Terminated);
    let rec = worker
        .store
        .get_execution(DEFAULT_USER_ID, &id)
        .await
        .unwrap();
    assert_eq!(
        rec.nodes[0].row.status, "TERMINATED",
        "its node was stopped, not left running"
    );
    assert_eq!(worker.store.queue_len().await.unwrap(), 0);
    stop.cancel();
}
