//! Credits in the engine: off by default (nothing charged, nothing read); on, each node
//! execution that ran is charged once with its end, a run stops before the balance would go
//! below zero or past a per-run or per-schedule cap, a run does not start at zero, and a run
//! resumed by another worker is not charged twice for any node.

use std::collections::HashMap;
use std::sync::Arc;
use std::time::Duration;

use agentry_core::ExecutionStatus;
use agentry_engine::{Config, CreditPolicy, Engine, Error};
use agentry_store::{CreditEntry, CreditKind, DEFAULT_USER_ID, Store};
use serde_json::json;
use tokio_util::sync::CancellationToken;

use crate::support::*;

fn priced(costs: &[(&str, i64)], max_per_run: i64) -> Config {
    Config {
        credits: Some(Arc::new(CreditPolicy {
            block_costs: costs
                .iter()
                .map(|(b, c)| (b.to_string(), *c))
                .collect::<HashMap<_, _>>(),
            max_credits_per_run: max_per_run,
            ..CreditPolicy::default()
        })),
        ..Config::default()
    }
}

async fn grant(store: &Store, amount: i64) {
    let entry = CreditEntry {
        user_id: DEFAULT_USER_ID.into(),
        key: format!("grant-{}", uuid::Uuid::new_v4()),
        kind: CreditKind::Grant,
        amount,
        graph_exec_id: None,
        node_exec_id: None,
        metadata: json!({}),
    };
    store.add_credit(&entry, None).await.unwrap();
}

/// Three calculators in a chain, each adding one, and the graph's output.
fn chain() -> agentry_core::Graph {
    graph(
        &[
            (
                "c1",
                CALCULATOR,
                json!({"operation": "Add", "a": 0, "b": 1}),
            ),
            ("c2", CALCULATOR, json!({"operation": "Add", "b": 1})),
            ("c3", CALCULATOR, json!({"operation": "Add", "b": 1})),
            ("out", OUTPUT, json!({"name": "sum"})),
        ],
        &[
            ("c1", "result", "c2", "a"),
            ("c2", "result", "c3", "a"),
            ("c3", "result", "out", "value"),
        ],
    )
}

async fn usage(store: &Store) -> Vec<(i64, Option<String>)> {
    let mut rows: Vec<_> = store
        .credit_transactions(DEFAULT_USER_ID, None, 100)
        .await
        .unwrap()
        .into_iter()
        .filter(|r| r.kind == "USAGE")
        .map(|r| (r.amount, r.node_exec_id))
        .collect();
    rows.reverse();
    rows
}

#[tokio::test]
async fn with_credits_off_nothing_is_charged_or_refused() {
    let t = engine().await;
    let (_, result) = t.run(&chain(), Default::default()).await;
    assert_eq!(result.status, ExecutionStatus::Completed);
    assert!(usage(&t.store).await.is_empty());
    assert_eq!(t.store.credit_balance(DEFAULT_USER_ID).await.unwrap(), 0);
}

#[tokio::test]
async fn each_node_is_charged_and_the_run_stops_before_the_balance_goes_below_zero() {
    let t = engine_with(agentry_blocks::registry(), priced(&[(CALCULATOR, 10)], 0)).await;
    grant(&t.store, 25).await;
    let (id, result) = t.run(&chain(), Default::default()).await;
    assert_eq!(result.status, ExecutionStatus::Failed);
    let error = result.error.unwrap();
    assert!(error.contains("insufficient credits"), "{error}");
    assert!(
        error.contains("the balance is 5 and node c3 costs 10"),
        "{error}"
    );
    let charged = usage(&t.store).await;
    assert_eq!(charged.iter().map(|c| c.0).collect::<Vec<_>>(), [-10, -10]);
    assert_eq!(t.store.credit_balance(DEFAULT_USER_ID).await.unwrap(), 5);
    // Each charge names a node execution that completed.
    let record = t.store.get_execution(DEFAULT_USER_ID, &id).await.unwrap();
    for (_, node_exec) in &charged {
        let node = record
            .nodes
            .iter()
            .find(|n| Some(&n.row.id) == node_exec.as_ref())
            .unwrap();
        assert_eq!(node.row.status, "COMPLETED");
    }
}

#[tokio::test]
async fn a_run_does_not_start_at_a_zero_balance() {
    let t = engine_with(agentry_blocks::registry(), priced(&[], 0)).await;
    let request = request(&t.engine, DEFAULT_USER_ID, &chain(), Default::default()).await;
    let refused = t.engine.execute(request).await;
    assert!(
        matches!(refused, Err(Error::InsufficientCredits { balance: 0 })),
        "{refused:?}"
    );
}

#[tokio::test]
async fn a_run_stops_at_its_spending_cap() {
    let t = engine_with(agentry_blocks::registry(), priced(&[(CALCULATOR, 10)], 15)).await;
    grant(&t.store, 100).await;
    let (_, result) = t.run(&chain(), Default::default()).await;
    assert_eq!(result.status, ExecutionStatus::Failed);
    assert!(result.error.unwrap().contains("max_credits_per_run"));
    assert_eq!(t.store.credit_balance(DEFAULT_USER_ID).await.unwrap(), 90);
}

#[tokio::test]
async fn a_schedule_stops_spending_at_its_cap() {
    let t = engine_with(agentry_blocks::registry(), priced(&[(CALCULATOR, 10)], 0)).await;
    grant(&t.store, 100).await;
    t.store
        .set_schedule_cap(DEFAULT_USER_ID, "sch1", Some(45))
        .await
        .unwrap();
    let g = chain();
    let request = request(&t.engine, DEFAULT_USER_ID, &g, Default::default())
        .await
        .for_schedule("sch1");
    let start = || async {
        t.engine
            .execute(request.clone())
            .await
            .map(|run| run.row.id)
    };
    let first = start().await.unwrap();
    let result = t
        .engine
        .wait(&first, Duration::from_secs(30))
        .await
        .unwrap();
    assert_eq!(result.status, ExecutionStatus::Completed);
    let second = start().await.unwrap();
    let result = t
        .engine
        .wait(&second, Duration::from_secs(30))
        .await
        .unwrap();
    assert_eq!(result.status, ExecutionStatus::Failed);
    assert!(result.error.unwrap().contains("schedule sch1 may spend 45"));
    assert_eq!(
        t.store
            .schedule_spend(DEFAULT_USER_ID, "sch1")
            .await
            .unwrap(),
        40
    );
}

fn quick(config: Config) -> Config {
    Config {
        lease: Duration::from_millis(600),
        poll_interval: Duration::from_millis(100),
        ..config
    }
}

#[tokio::test]
async fn a_run_resumed_on_another_worker_is_charged_once_per_node() {
    let config = || quick(priced(&[(COUNTDOWN, 5)], 0));
    let first = engine_with(agentry_blocks::registry(), config()).await;
    grant(&first.store, 100).await;
    let ids: Vec<String> = (0..4).map(|i| format!("s{i}")).collect();
    let mut nodes = Vec::new();
    let mut links = Vec::new();
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
    // Stop the first worker once a step has been charged, while the next one is in flight.
    for _ in 0..300 {
        if !usage(&first.store).await.is_empty() {
            break;
        }
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
    tokio::time::sleep(Duration::from_millis(300)).await;
    first.engine.shutdown(Duration::ZERO).await;
    let charged_before = usage(&first.store).await.len();
    assert!((1..4).contains(&charged_before), "{charged_before}");

    let store = Store::open(&first.url).await.unwrap();
    let second = Engine::new(store, Arc::new(agentry_blocks::registry()), config());
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
    stop.cancel();

    let record = first
        .store
        .get_execution(DEFAULT_USER_ID, &id)
        .await
        .unwrap();
    let completed: Vec<&str> = record
        .nodes
        .iter()
        .filter(|n| n.row.status == "COMPLETED" && n.row.node_id.starts_with('s'))
        .map(|n| n.row.id.as_str())
        .collect();
    assert_eq!(completed.len(), 4, "each step completed once");
    let charged = usage(&first.store).await;
    let mut charged_execs: Vec<&str> = charged
        .iter()
        .filter(|c| c.0 == -5)
        .filter_map(|c| c.1.as_deref())
        .collect();
    charged_execs.sort();
    let mut expected = completed.clone();
    expected.sort();
    assert_eq!(
        charged_execs, expected,
        "one charge per completed step, none for the interrupted one"
    );
    assert_eq!(
        first.store.run_spend(DEFAULT_USER_ID, &id).await.unwrap(),
        20
    );
    assert_eq!(
        first.store.credit_balance(DEFAULT_USER_ID).await.unwrap(),
        80
    );
}
