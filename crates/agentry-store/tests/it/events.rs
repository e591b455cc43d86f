//! A run's events derived from its rows: what a resuming client reads after a sequence number,
//! page by page, and the last number a take-over continues from.

use agentry_core::ExecutionStatus;
use agentry_store::{Batch, DEFAULT_USER_ID, NodeRow, OutputRow, RunUpdate, Store};
use chrono::Utc;
use serde_json::{Value, json};

use crate::support::{queued_run, test_db};

fn node(exec: &str, id: &str, node_id: &str, status: ExecutionStatus, event_seq: i64) -> NodeRow {
    NodeRow {
        id: id.into(),
        graph_exec_id: exec.into(),
        user_id: DEFAULT_USER_ID.into(),
        node_id: node_id.into(),
        block_id: format!("block-{node_id}"),
        status,
        input_data: "{}".into(),
        stats: None,
        attempt: 1,
        seq: 0,
        add_time: Utc::now(),
        start_time: Some(Utc::now()),
        end_time: None,
        event_seq,
    }
}

fn output(
    exec: &str,
    node_exec: &str,
    value: i64,
    event_seq: i64,
    graph: Option<&str>,
) -> OutputRow {
    OutputRow {
        node_exec_id: node_exec.into(),
        graph_exec_id: exec.into(),
        user_id: DEFAULT_USER_ID.into(),
        name: "result".into(),
        data: json!(value).into(),
        seq: 0,
        event_seq,
        graph_output: graph.map(str::to_string),
    }
}

fn run(exec: &str, status: ExecutionStatus, event_seq: i64) -> RunUpdate {
    RunUpdate {
        told: false,
        id: exec.into(),
        status,
        started_at: (status == ExecutionStatus::Running).then(Utc::now),
        ended_at: status.is_final().then(Utc::now),
        stats: None,
        error: None,
        event_seq: Some(event_seq),
    }
}

/// A run of two nodes, A then B (an output node), committed in two batches. The events told
/// live were numbered 1 (run RUNNING), 2 (A RUNNING), 3 (A's value), 4 (A COMPLETED),
/// 5 (B RUNNING), 6 (graph output), 7 (B's value), 8 (B COMPLETED), 9 (run COMPLETED).
async fn two_node_run(s: &Store) -> String {
    let exec = queued_run(s, "g", 3).await;
    s.apply_batch(&Batch {
        nodes: vec![node(&exec, "a1", "A", ExecutionStatus::Running, 2)],
        runs: vec![run(&exec, ExecutionStatus::Running, 1)],
        ..Batch::default()
    })
    .await
    .unwrap();
    s.apply_batch(&Batch {
        nodes: vec![
            node(&exec, "a1", "A", ExecutionStatus::Completed, 4),
            node(&exec, "b1", "B", ExecutionStatus::Running, 5),
            node(&exec, "b1", "B", ExecutionStatus::Completed, 8),
        ],
        outputs: vec![
            output(&exec, "a1", 10, 3, None),
            output(&exec, "b1", 20, 7, Some("Out")),
        ],
        runs: vec![run(&exec, ExecutionStatus::Completed, 9)],
        ..Batch::default()
    })
    .await
    .unwrap();
    exec
}

fn seqs(events: &[Value]) -> Vec<i64> {
    events.iter().map(|e| e["seq"].as_i64().unwrap()).collect()
}

#[tokio::test]
async fn a_replay_tells_each_row_as_it_is_now_in_order() {
    let db = test_db().await;
    let s = &db.store;
    let exec = two_node_run(s).await;
    let all = s.events_since(DEFAULT_USER_ID, &exec, 0).await.unwrap();
    // RUNNING statuses the rows have since left are not told again.
    assert_eq!(seqs(&all), [3, 4, 6, 7, 8, 9]);
    let envelope = json!({"user_id": DEFAULT_USER_ID, "graph_id": "g", "graph_version": 3,
        "graph_exec_id": exec});
    for event in &all {
        for (key, value) in envelope.as_object().unwrap() {
            assert_eq!(&event[key], value, "{event}");
        }
    }
    assert_eq!(all[0]["kind"], "node_output");
    assert_eq!(
        (
            &all[0]["node_id"],
            &all[0]["block_id"],
            &all[0]["value"],
            &all[0]["index"]
        ),
        (&json!("A"), &json!("block-A"), &json!(10), &json!(0))
    );
    assert_eq!(all[1]["kind"], "node_status");
    assert_eq!(
        (&all[1]["node_exec_id"], &all[1]["status"]),
        (&json!("a1"), &json!("COMPLETED"))
    );
    assert_eq!(all[2]["kind"], "graph_output");
    assert_eq!(
        (&all[2]["name"], &all[2]["value"]),
        (&json!("Out"), &json!(20))
    );
    assert_eq!(all[5]["kind"], "run_status");
    assert_eq!(all[5]["status"], "COMPLETED");

    // After a number: exactly the later events, the graph output told before its value kept
    // apart from it.
    let after = s.events_since(DEFAULT_USER_ID, &exec, 6).await.unwrap();
    assert_eq!(seqs(&after), [7, 8, 9]);
    assert_eq!(s.last_event_seq(&exec).await.unwrap(), 9);
    // Another user's run tells them nothing.
    assert!(
        s.events_since("someone-else", &exec, 0)
            .await
            .unwrap()
            .is_empty()
    );
}

#[tokio::test]
async fn pages_hold_the_first_events_after_a_number_and_miss_none() {
    let db = test_db().await;
    let s = &db.store;
    let exec = two_node_run(s).await;
    let all = s.events_since(DEFAULT_USER_ID, &exec, 0).await.unwrap();
    for limit in [1, 2, 4] {
        let mut read = Vec::new();
        let mut after = 0;
        loop {
            let page = s
                .events_page(DEFAULT_USER_ID, &exec, after, limit)
                .await
                .unwrap();
            assert!(page.len() as u64 <= limit);
            read.extend(page.iter().cloned());
            if (page.len() as u64) < limit {
                break;
            }
            after = page.last().unwrap()["seq"].as_i64().unwrap();
        }
        assert_eq!(read, all, "pages of {limit}");
    }
    // One event, by its number (how a relayed reference is read back).
    let one = s.events_page(DEFAULT_USER_ID, &exec, 5, 1).await.unwrap();
    assert_eq!(seqs(&one), [6]);
}

#[tokio::test]
async fn a_refused_status_change_still_numbers_the_runs_row() {
    let db = test_db().await;
    let s = &db.store;
    let exec = two_node_run(s).await;
    // A run ended elsewhere, whose worker then tells its own end: the transition is refused,
    // but a client resuming after 9 still learns the status the row holds.
    let mut late = run(&exec, ExecutionStatus::Terminated, 10);
    late.error = Some("stopped".into());
    s.apply_batch(&Batch {
        runs: vec![late],
        ..Batch::default()
    })
    .await
    .unwrap();
    let after = s.events_since(DEFAULT_USER_ID, &exec, 9).await.unwrap();
    assert_eq!(seqs(&after), [10]);
    assert_eq!(after[0]["status"], "COMPLETED");
    assert_eq!(s.last_event_seq(&exec).await.unwrap(), 10);
}

/// A replay read while batches commit is one snapshot: each node's value comes with the
/// node's status, never alone. (Read one table after the other, a node whose row and value
/// committed between the two reads showed only its value, numbered past its status, and a
/// subscriber then dropped the live status as already told.)
#[tokio::test]
async fn a_replay_read_while_batches_commit_tells_each_value_with_its_nodes_status() {
    let db = test_db().await;
    let s = db.store.clone();
    let exec = queued_run(&s, "g", 1).await;
    const NODES: i64 = 300;
    let writer = {
        let (s, exec) = (s.clone(), exec.clone());
        tokio::spawn(async move {
            for i in 1..=NODES {
                let id = format!("n{i}");
                s.apply_batch(&Batch {
                    nodes: vec![node(&exec, &id, "N", ExecutionStatus::Running, 2 * i)],
                    outputs: vec![output(&exec, &id, i, 2 * i + 1, None)],
                    ..Batch::default()
                })
                .await
                .unwrap();
            }
        })
    };
    let mut reads = 0;
    while !writer.is_finished() || reads == 0 {
        let events = s.events_since(DEFAULT_USER_ID, &exec, 0).await.unwrap();
        let told: std::collections::HashSet<&str> = events
            .iter()
            .filter(|e| e["kind"] == "node_status")
            .filter_map(|e| e["node_exec_id"].as_str())
            .collect();
        for event in events.iter().filter(|e| e["kind"] == "node_output") {
            let node = event["node_exec_id"].as_str().unwrap();
            assert!(
                told.contains(node),
                "read {reads}: {node}'s value without its status: {:?}",
                seqs(&events)
            );
        }
        reads += 1;
    }
    writer.await.unwrap();
    let all = s.events_since(DEFAULT_USER_ID, &exec, 0).await.unwrap();
    assert_eq!(all.len() as i64, 2 * NODES, "{reads} reads");
}
