//! Runs: creation, batched writes, status rules, and reading back after a restart.

use agentry_core::ExecutionStatus;
use agentry_store::{Batch, DEFAULT_USER_ID, NewExecution, NodeRow, OutputRow, RunUpdate, Store};
use chrono::Utc;
use serde_json::json;

use crate::support::test_db;

/// Creates the default user's run `exec` of graph "g" with `inputs`.
async fn create_run(s: &agentry_store::Store, exec: &str, inputs: serde_json::Value) {
    s.create_execution(NewExecution {
        id: exec.to_string(),
        user_id: DEFAULT_USER_ID.into(),
        graph_id: "g".into(),
        graph_version: 1,
        inputs: serde_json::value::to_raw_value(&inputs).unwrap(),
        parent_id: None,
        node_inputs: None,
    })
    .await
    .unwrap();
}

fn node_row(exec: &str, id: &str, status: ExecutionStatus, seq: i64) -> NodeRow {
    NodeRow {
        id: id.into(),
        graph_exec_id: exec.into(),
        user_id: DEFAULT_USER_ID.into(),
        node_id: "n1".into(),
        block_id: "b".into(),
        status,
        input_data: json!({"a": 1}).to_string().into(),
        stats: None,
        attempt: 1,
        seq,
        add_time: Utc::now(),
        start_time: Some(Utc::now()),
        end_time: None,
        event_seq: 0,
    }
}

#[tokio::test]
async fn batches_persist_and_survive_a_restart() {
    let db = test_db().await;
    let exec = uuid::Uuid::new_v4().to_string();
    let s = &db.store;
    create_run(s, &exec, json!({"Input": 8})).await;
    let ne = uuid::Uuid::new_v4().to_string();
    let started = Batch {
        nodes: vec![node_row(&exec, &ne, ExecutionStatus::Running, 0)],
        runs: vec![RunUpdate {
            told: false,
            id: exec.clone(),
            status: ExecutionStatus::Running,
            started_at: Some(Utc::now()),
            ended_at: None,
            stats: None,
            error: None,
            event_seq: None,
        }],
        ..Default::default()
    };
    s.apply_batch(&started).await.unwrap();
    let mut done = node_row(&exec, &ne, ExecutionStatus::Completed, 0);
    done.end_time = Some(Utc::now());
    let outputs = (0..3)
        .map(|i| OutputRow {
            node_exec_id: ne.clone(),
            graph_exec_id: exec.clone(),
            user_id: DEFAULT_USER_ID.into(),
            name: "result".into(),
            data: json!(i).into(),
            seq: i,
            event_seq: 0,
            graph_output: None,
        })
        .collect();
    s.apply_batch(&Batch {
        nodes: vec![done],
        outputs,
        ..Default::default()
    })
    .await
    .unwrap();

    // A transition AutoGPT forbids is refused and changes nothing.
    let bad = RunUpdate {
        told: false,
        id: exec.clone(),
        status: ExecutionStatus::Review,
        started_at: None,
        ended_at: None,
        stats: None,
        error: None,
        event_seq: None,
    };
    assert!(
        s.update_run(&RunUpdate {
            told: false,
            status: ExecutionStatus::Completed,
            ..bad.clone()
        })
        .await
        .unwrap()
    );
    assert!(
        !s.update_run(&RunUpdate {
            told: false,
            status: ExecutionStatus::Running,
            ..bad
        })
        .await
        .unwrap()
    );

    // Everything is durable: a second handle on the same database reads it back.
    let reopened = Store::open(&db.url).await.unwrap();
    let rec = reopened
        .get_execution(DEFAULT_USER_ID, &exec)
        .await
        .unwrap();
    assert_eq!(rec.run.status.as_str(), "COMPLETED");
    assert_eq!(rec.nodes.len(), 1);
    assert_eq!(rec.nodes[0].row.status.as_str(), "COMPLETED");
    assert_eq!(
        rec.nodes[0].outputs,
        vec![
            ("result".to_string(), json!(0)),
            ("result".into(), json!(1)),
            ("result".into(), json!(2))
        ]
    );
    assert!(reopened.get_execution("someone-else", &exec).await.is_err());
    let (runs, total) = s
        .list_executions(DEFAULT_USER_ID, Some("g"), 1, 10)
        .await
        .unwrap();
    assert!(total >= 1);
    assert!(runs.iter().any(|r| r.id == exec));
}

/// A node execution's several states in one batch (a pure node's RUNNING and COMPLETED travel
/// together) are written as its last one, which the committers write alone: the row holds
/// every field of that state, its first state's insert-only fields (sequence, add time) too,
/// and the outputs of the batch that refer to it are stored.
#[tokio::test]
async fn a_node_executions_states_in_one_batch_leave_its_last() {
    let db = test_db().await;
    let exec = uuid::Uuid::new_v4().to_string();
    let s = &db.store;
    create_run(s, &exec, json!({})).await;
    let (first, second) = (
        uuid::Uuid::new_v4().to_string(),
        uuid::Uuid::new_v4().to_string(),
    );
    let running = node_row(&exec, &first, ExecutionStatus::Running, 4);
    let mut completed = running.clone();
    completed.status = ExecutionStatus::Completed;
    completed.end_time = Some(Utc::now());
    completed.stats = Some(json!({"walltime": 0.5}));
    completed.event_seq = 7;
    let output = OutputRow {
        node_exec_id: first.clone(),
        graph_exec_id: exec.clone(),
        user_id: DEFAULT_USER_ID.into(),
        name: "result".into(),
        data: json!("done").into(),
        seq: 0,
        event_seq: 6,
        graph_output: None,
    };
    s.apply_batch(&Batch {
        nodes: vec![
            running.clone(),
            node_row(&exec, &second, ExecutionStatus::Running, 5),
            completed.clone(),
        ],
        outputs: vec![output],
        ..Default::default()
    })
    .await
    .unwrap();
    let rec = s.get_execution(DEFAULT_USER_ID, &exec).await.unwrap();
    assert_eq!(rec.nodes.len(), 2);
    let row = &rec.nodes.iter().find(|n| n.row.id == first).unwrap();
    assert_eq!(row.row.status.as_str(), "COMPLETED");
    assert_eq!(row.row.seq, 4);
    assert_eq!(row.row.event_seq, 7);
    assert_eq!(row.row.stats, Some(json!({"walltime": 0.5})));
    assert!(row.row.end_time.is_some());
    assert_eq!(
        row.row.add_time.timestamp_micros(),
        running.add_time.timestamp_micros()
    );
    assert_eq!(row.outputs, vec![("result".to_string(), json!("done"))]);
    let other = rec.nodes.iter().find(|n| n.row.id == second).unwrap();
    assert_eq!(other.row.status.as_str(), "RUNNING");
}

#[tokio::test]
async fn hostile_values_round_trip_exactly() {
    let db = test_db().await;
    let s = &db.store;
    let exec = uuid::Uuid::new_v4().to_string();
    create_run(s, &exec, json!({})).await;
    let nasty = json!({
        "quote": "it's \"quoted\"",
        "sql": "'); DROP TABLE node_outputs; --",
        "backslash": "C:\\path\\n\\u0000",
        "unicode": "héllo 世界 🎉",
        "control": "line\nbreak\ttab\r",
        "nul": "a\u{0}b",
    });
    let ne = uuid::Uuid::new_v4().to_string();
    let mut row = node_row(&exec, &ne, ExecutionStatus::Completed, 0);
    row.input_data = nasty.to_string().into();
    let batch = Batch {
        nodes: vec![row],
        outputs: vec![OutputRow {
            node_exec_id: ne.clone(),
            graph_exec_id: exec.clone(),
            user_id: DEFAULT_USER_ID.into(),
            name: "it's a pin".into(),
            data: nasty.clone().into(),
            seq: 0,
            event_seq: 0,
            graph_output: None,
        }],
        runs: vec![RunUpdate {
            told: false,
            id: exec.clone(),
            status: ExecutionStatus::Failed,
            started_at: None,
            ended_at: Some(Utc::now()),
            stats: None,
            error: Some("failed: 'quoted' \\ text".into()),
            event_seq: None,
        }],
        ..Default::default()
    };
    s.apply_batch(&batch).await.unwrap();
    let rec = s.get_execution(DEFAULT_USER_ID, &exec).await.unwrap();
    assert_eq!(rec.nodes[0].row.input_data, nasty);
    assert_eq!(
        rec.nodes[0].outputs,
        vec![("it's a pin".to_string(), nasty)]
    );
    assert_eq!(rec.run.status.as_str(), "FAILED");
    assert_eq!(rec.run.error.as_deref(), Some("failed: 'quoted' \\ text"));
    assert!(rec.run.ended_at.is_some());
}

#[tokio::test]
async fn committed_times_are_compact_and_read_back_to_the_microsecond() {
    use chrono::TimeZone;
    let db = test_db().await;
    let s = &db.store;
    let exec = uuid::Uuid::now_v7().to_string();
    create_run(s, &exec, json!({})).await;
    let added = Utc.timestamp_micros(1_796_300_000_123_456).unwrap();
    let ended = Utc.timestamp_micros(1_796_300_001_000_001).unwrap();
    let ne = uuid::Uuid::now_v7().to_string();
    let mut row = node_row(&exec, &ne, ExecutionStatus::Completed, 0);
    (row.add_time, row.start_time, row.end_time) = (added, Some(added), Some(ended));
    s.apply_batch(&Batch {
        nodes: vec![row],
        runs: vec![RunUpdate {
            told: false,
            id: exec.clone(),
            status: ExecutionStatus::Running,
            started_at: Some(added),
            ended_at: None,
            stats: None,
            error: None,
            event_seq: None,
        }],
        ..Default::default()
    })
    .await
    .unwrap();
    let rec = s.get_execution(DEFAULT_USER_ID, &exec).await.unwrap();
    assert_eq!(rec.run.started_at, Some(added));
    let node = &rec.nodes[0].row;
    assert_eq!((node.add_time, node.end_time), (added, Some(ended)));
    if agentry_store::Backend::of(&db.url).unwrap() == agentry_store::Backend::Sqlite {
        // The committer's form: SQLite's own, UTC, 26 bytes.
        let path = db.url.trim_start_matches("sqlite://");
        let path = path.split('?').next().unwrap();
        let conn = rusqlite::Connection::open(path).unwrap();
        let stored: String = conn
            .query_row(
                "SELECT end_time FROM node_executions WHERE id = ?1",
                [&ne],
                |r| r.get(0),
            )
            .unwrap();
        assert_eq!(stored, "2026-12-03 12:13:21.000001");
        // It sorts with SeaQuery's rendered times (`… +00:00`), as retention compares them.
        let before: bool = conn
            .query_row(
                "SELECT end_time < '2026-12-03 12:13:21.000002 +00:00' \
                 AND end_time > '2026-12-03 12:13:21.000000 +00:00' \
                 FROM node_executions WHERE id = ?1",
                [&ne],
                |r| r.get(0),
            )
            .unwrap();
        assert!(before);
    }
}

#[tokio::test]
async fn named_outputs_are_read_as_their_text_in_order_for_their_user() {
    let db = test_db().await;
    let s = &db.store;
    let exec = uuid::Uuid::new_v4().to_string();
    create_run(s, &exec, json!({"big": [1, 2, 3]})).await;
    // Two output nodes (block "out") and one other; the second output node's name is not a
    // string; the first yields twice, on its output pin and once on another.
    let mut nodes = Vec::new();
    let mut outputs = Vec::new();
    let cases = [
        ("out", json!({"name": "answer", "value": 1})),
        ("out", json!({"name": 7, "value": 2})),
        ("other", json!({"name": "answer", "value": 3})),
        ("out", json!({"name": "second", "value": 4})),
    ];
    for (seq, (block, input)) in cases.iter().enumerate() {
        let id = uuid::Uuid::new_v4().to_string();
        let mut row = node_row(&exec, &id, ExecutionStatus::Completed, seq as i64);
        row.block_id = (*block).into();
        row.input_data = input.to_string().into();
        nodes.push(row);
        let yielded: &[(&str, &str)] = if seq == 0 {
            &[
                ("output", r#"{"b": 2,  "a": [1, 2]}"#),
                ("name", "\"answer\""),
                ("output", "\"é\""),
            ]
        } else {
            &[("output", "[true]")]
        };
        for (i, (pin, text)) in yielded.iter().enumerate() {
            let raw = serde_json::value::RawValue::from_string(text.to_string()).unwrap();
            outputs.push(OutputRow {
                node_exec_id: id.clone(),
                graph_exec_id: exec.clone(),
                user_id: DEFAULT_USER_ID.into(),
                name: (*pin).into(),
                data: agentry_core::Datum::from_text(raw),
                seq: i as i32,
                event_seq: 0,
                graph_output: None,
            });
        }
    }
    s.apply_batch(&Batch {
        nodes,
        outputs,
        ..Default::default()
    })
    .await
    .unwrap();
    let read = s
        .named_outputs(DEFAULT_USER_ID, &exec, &["out".to_string()], "output")
        .await
        .unwrap();
    let read: Vec<(Option<String>, String)> = read
        .into_iter()
        .map(|(name, value)| (name, value.text().into_owned()))
        .collect();
    // The values as they were written (key order and spacing kept), node by node.
    assert_eq!(
        read,
        vec![
            (Some("answer".into()), r#"{"b": 2,  "a": [1, 2]}"#.into()),
            (Some("answer".into()), "\"é\"".into()),
            (None, "[true]".into()),
            (Some("second".into()), "[true]".into()),
        ]
    );
    // Another user reads nothing; no block ids read nothing.
    let others = s
        .named_outputs("someone-else", &exec, &["out".to_string()], "output")
        .await
        .unwrap();
    assert!(others.is_empty());
    assert!(
        s.named_outputs(DEFAULT_USER_ID, &exec, &[], "output")
            .await
            .unwrap()
            .is_empty()
    );
    // The run's row without its inputs: everything else is there.
    let row = s.run_row_without_inputs(&exec).await.unwrap().unwrap();
    assert_eq!(row.inputs, serde_json::Value::Null);
    assert_eq!(row.user_id, DEFAULT_USER_ID);
    assert_eq!(row.graph_id, "g");
    assert!(
        s.run_row_without_inputs("no-such-run")
            .await
            .unwrap()
            .is_none()
    );
}
