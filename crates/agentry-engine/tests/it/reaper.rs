//! Fairness and the reaper: per-user caps, back-pressure at the door, a webhook payload that
//! travels with its run to another worker, and stuck runs re-queued or failed.

use std::sync::Arc;
use std::time::Duration;

use agentry_core::{ExecutionStatus, Graph};
use agentry_engine::reaper::ReaperPolicy;
use agentry_engine::{Config, Engine, Error, NodeInputs};
use agentry_store::{ClaimLimits, DEFAULT_USER_ID, NewExecution, RunUpdate, Store};
use serde_json::{Map, Value, json};
use tokio_util::sync::CancellationToken;

use crate::support::*;

const WEBHOOK: &str = "8fa8c167-2002-47ce-aba8-97572fc5d387";

fn api_only() -> Config {
    Config {
        worker_concurrency: 0,
        poll_interval: Duration::from_millis(50),
        ..Config::default()
    }
}

async fn worker(url: &str, config: Config) -> (Engine, CancellationToken) {
    let store = Store::open(url).await.unwrap();
    let engine = Engine::new(store, Arc::new(agentry_blocks::registry()), config);
    let stop = CancellationToken::new();
    engine.spawn_worker(stop.clone());
    (engine, stop)
}

async fn saved(t: &TestEngine, g: &Graph) {
    agentry_engine::graphs::import(&t.store, t.engine.registry(), DEFAULT_USER_ID, g.clone())
        .await
        .unwrap();
}

fn calculator() -> Graph {
    graph(
        &[
            ("in", INPUT, json!({"name": "x"})),
            ("add", CALCULATOR, json!({"operation": "Add", "b": 1})),
            ("out", OUTPUT, json!({"name": "y"})),
        ],
        &[
            ("in", "result", "add", "a"),
            ("add", "result", "out", "value"),
        ],
    )
}

#[tokio::test]
async fn a_webhook_payload_travels_with_its_run_to_another_worker() {
    let api = engine_with(agentry_blocks::registry(), api_only()).await;
    let g = graph(
        &[
            ("hook", WEBHOOK, json!({})),
            ("out", OUTPUT, json!({"name": "body"})),
        ],
        &[("hook", "payload", "out", "value")],
    );
    saved(&api, &g).await;
    let mut node_inputs = NodeInputs::new();
    node_inputs.insert(
        "hook".into(),
        Map::from_iter([("payload".to_string(), json!({"event": "push"}))]),
    );
    let request = request(&api.engine, DEFAULT_USER_ID, &g, Map::new())
        .await
        .with_node_inputs(node_inputs);
    let id = api.engine.execute(request).await.unwrap().row.id;
    let (_worker, stop) = worker(&api.url, api_only_worker()).await;
    let result = api.engine.wait(&id, Duration::from_secs(20)).await.unwrap();
    stop.cancel();
    assert_eq!(result.status, ExecutionStatus::Completed);
    assert_eq!(result.outputs.tree()["body"], json!([{"event": "push"}]));
}

fn api_only_worker() -> Config {
    Config {
        poll_interval: Duration::from_millis(50),
        ..Config::default()
    }
}

#[tokio::test]
async fn a_user_cap_of_one_runs_their_runs_one_after_another() {
    let config = Config {
        claim_limits: ClaimLimits {
            per_user: 1,
            per_graph: 0,
        },
        poll_interval: Duration::from_millis(50),
        ..Config::default()
    };
    let t = engine_with(agentry_blocks::registry(), config.clone()).await;
    let g = graph(
        &[(
            "wait",
            COUNTDOWN,
            json!({"seconds": 1, "input_message": "done"}),
        )],
        &[],
    );
    saved(&t, &g).await;
    let stop = CancellationToken::new();
    t.engine.spawn_worker(stop.clone());
    let mut ids = Vec::new();
    for _ in 0..3 {
        ids.push(t.start(&g, Map::new()).await);
    }
    let mut spans = Vec::new();
    for id in &ids {
        let result = t.engine.wait(id, Duration::from_secs(30)).await.unwrap();
        assert_eq!(result.status, ExecutionStatus::Completed);
        let row = t.store.run_row(id).await.unwrap().unwrap();
        spans.push((row.started_at.unwrap(), row.ended_at.unwrap()));
    }
    stop.cancel();
    spans.sort();
    for pair in spans.windows(2) {
        assert!(
            pair[0].1 <= pair[1].0,
            "runs of one user overlapped under a cap of 1: {spans:?}"
        );
    }
}

#[tokio::test]
async fn a_user_with_too_many_queued_runs_is_told_to_wait() {
    let config = Config {
        max_queued_per_user: 2,
        ..api_only()
    };
    let t = engine_with(agentry_blocks::registry(), config).await;
    let g = calculator();
    t.start(&g, inputs(json!({"x": 1}))).await;
    t.start(&g, inputs(json!({"x": 2}))).await;
    let request = request(&t.engine, DEFAULT_USER_ID, &g, inputs(json!({"x": 3}))).await;
    let refused = t.engine.execute(request).await;
    assert!(matches!(refused, Err(Error::TooManyRuns(2))), "{refused:?}");
    assert_eq!(t.store.queue_len().await.unwrap(), 2, "nothing was written");
}

fn reaping(grace: Duration, max_queued: Option<Duration>) -> Config {
    Config {
        reaper: ReaperPolicy {
            every: Duration::from_secs(60),
            grace,
            max_attempts: 3,
            max_queued,
        },
        run_timeout: Some(Duration::from_secs(1)),
        ..api_only()
    }
}

/// The final event the reaper stored for a run.
async fn final_event(store: &Store, id: &str) -> Value {
    let events = store.events_since(DEFAULT_USER_ID, id, 0).await.unwrap();
    events.last().cloned().expect("an event was stored")
}

#[tokio::test]
async fn an_orphaned_run_is_requeued_and_then_runs() {
    let t = engine_with(agentry_blocks::registry(), reaping(Duration::ZERO, None)).await;
    let g = calculator();
    saved(&t, &g).await;
    let id = uuid::Uuid::now_v7().to_string();
    // A QUEUED run with no queue entry: nothing would ever run it.
    t.store
        .create_execution(NewExecution {
            id: id.clone(),
            user_id: DEFAULT_USER_ID.into(),
            graph_id: g.id.clone(),
            graph_version: g.version,
            inputs: serde_json::value::to_raw_value(&json!({"x": 41})).unwrap(),
            parent_id: None,
            node_inputs: None,
        })
        .await
        .unwrap();
    tokio::time::sleep(Duration::from_millis(5)).await;
    let reaped = t.engine.reap().await.unwrap();
    assert_eq!(reaped.requeued, std::slice::from_ref(&id));
    let (_worker, stop) = worker(&t.url, api_only_worker()).await;
    let result = t.engine.wait(&id, Duration::from_secs(20)).await.unwrap();
    stop.cancel();
    assert_eq!(result.status, ExecutionStatus::Completed);
    assert_eq!(result.outputs.tree()["y"], json!([42.0]));
}

#[tokio::test]
async fn stuck_runs_are_failed_with_a_reason_and_a_final_event() {
    let t = engine_with(
        agentry_blocks::registry(),
        reaping(Duration::ZERO, Some(Duration::ZERO)),
    )
    .await;
    let g = calculator();
    saved(&t, &g).await;
    // Exhausted: three workers claimed it and died (their leases expired at once).
    let exhausted = t.start(&g, inputs(json!({"x": 1}))).await;
    for _ in 0..3 {
        t.store
            .claim_next("ghost", -1, ClaimLimits::default())
            .await
            .unwrap()
            .unwrap();
    }
    // Overdue: RUNNING since long before the run timeout, on a worker that still renews.
    let overdue = t.start(&g, inputs(json!({"x": 2}))).await;
    t.store
        .update_run(&RunUpdate {
            told: false,
            id: overdue.clone(),
            status: ExecutionStatus::Running,
            started_at: Some(chrono::Utc::now() - chrono::Duration::hours(1)),
            ended_at: None,
            stats: None,
            error: None,
            event_seq: None,
        })
        .await
        .unwrap();
    t.store
        .claim_next("stuck", 3_600_000, ClaimLimits::default())
        .await
        .unwrap()
        .unwrap();
    // Stale: queued, and no worker took it within max_queued.
    let stale = t.start(&g, inputs(json!({"x": 3}))).await;
    tokio::time::sleep(Duration::from_millis(5)).await;

    let mut events = t.engine.events().subscribe();
    let mut reaped = t.engine.reap().await.unwrap();
    reaped.failed.sort();
    let mut expected = vec![exhausted.clone(), overdue.clone(), stale.clone()];
    expected.sort();
    assert_eq!(reaped.failed, expected);
    for (id, why) in [
        (&exhausted, "given up after 3 attempts"),
        (&overdue, "after its timeout"),
        (&stale, "no worker started the run"),
    ] {
        let row = t.store.run_row(id).await.unwrap().unwrap();
        assert_eq!(row.status, "FAILED");
        assert!(row.error.as_deref().unwrap_or("").contains(why), "{row:?}");
    }
    // Nobody held these two: the reaper wrote and published their final events.
    for id in [&exhausted, &stale] {
        let event = final_event(&t.store, id).await;
        assert_eq!(event["kind"], "run_status");
        assert_eq!(event["status"], "FAILED");
        let live = events.recv().await.unwrap();
        assert!(live.graph_exec_id == exhausted || live.graph_exec_id == stale);
    }
    // A live worker holds the overdue run: it sees the status, stops the run and writes the
    // rest itself, so its queue entry stays until then.
    assert!(
        t.store
            .events_since(DEFAULT_USER_ID, &overdue, 0)
            .await
            .unwrap()
            .is_empty()
    );
    assert_eq!(t.store.queue_len().await.unwrap(), 1);
    assert_eq!(
        t.engine.reap().await.unwrap(),
        Default::default(),
        "idempotent"
    );
}
