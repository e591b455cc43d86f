//! The credits ledger: running balances, transaction keys applied once (a node's charge replayed
//! in a second batch, a webhook delivered twice), floors, and concurrent changes of one user.

use agentry_core::ExecutionStatus;
use agentry_store::{Applied, Batch, CreditEntry, CreditKind, NodeRow};
use chrono::Utc;
use serde_json::json;

use crate::support::test_db;

fn grant(user: &str, key: &str, amount: i64) -> CreditEntry {
    CreditEntry {
        user_id: user.into(),
        key: key.into(),
        kind: CreditKind::Grant,
        amount,
        graph_exec_id: None,
        node_exec_id: None,
        metadata: json!({"comment": "test"}),
    }
}

#[tokio::test]
async fn every_row_carries_the_balance_after_it() {
    let t = test_db().await;
    let s = &t.store;
    assert_eq!(s.credit_balance("u1").await.unwrap(), 0);
    assert_eq!(
        s.add_credit(&grant("u1", "g1", 100), None).await.unwrap(),
        Applied::Added { balance: 100 }
    );
    let spend = CreditEntry::node_charge("u1", "run1", "ne1", 30, json!({}));
    assert_eq!(
        s.add_credit(&spend, None).await.unwrap(),
        Applied::Added { balance: 70 }
    );
    // Another user's ledger is its own.
    s.add_credit(&grant("u2", "g1", 5), None).await.unwrap();
    let rows = s.credit_transactions("u1", None, 10).await.unwrap();
    let seen: Vec<(i64, i64, &str)> = rows
        .iter()
        .map(|r| (r.amount, r.running_balance, r.kind.as_str()))
        .collect();
    assert_eq!(seen, [(-30, 70, "USAGE"), (100, 100, "GRANT")]);
    let older = s
        .credit_transactions("u1", Some(rows[0].id), 10)
        .await
        .unwrap();
    assert_eq!(older.len(), 1);
    assert_eq!(s.run_spend("u1", "run1").await.unwrap(), 30);
    assert_eq!(s.credit_balance("u2").await.unwrap(), 5);
}

#[tokio::test]
async fn a_transaction_key_is_applied_once() {
    let t = test_db().await;
    let s = &t.store;
    s.add_credit(&grant("u1", "g1", 100), None).await.unwrap();
    assert_eq!(
        s.add_credit(&grant("u1", "g1", 100), None).await.unwrap(),
        Applied::AlreadyApplied { balance: 100 }
    );
    assert_eq!(
        s.credit_transactions("u1", None, 10).await.unwrap().len(),
        1
    );
}

#[tokio::test]
async fn a_floor_refuses_what_would_pass_it() {
    let t = test_db().await;
    let s = &t.store;
    s.add_credit(&grant("u1", "g1", 10), None).await.unwrap();
    let big = CreditEntry::node_charge("u1", "r", "n", 11, json!({}));
    assert_eq!(
        s.add_credit(&big, Some(0)).await.unwrap(),
        Applied::Refused { balance: 10 }
    );
    let exact = CreditEntry::node_charge("u1", "r", "n2", 10, json!({}));
    assert_eq!(
        s.add_credit(&exact, Some(0)).await.unwrap(),
        Applied::Added { balance: 0 }
    );
}

fn node(exec: &str, id: &str) -> NodeRow {
    NodeRow {
        id: id.into(),
        graph_exec_id: exec.into(),
        user_id: "u1".into(),
        node_id: "n1".into(),
        block_id: "b".into(),
        status: ExecutionStatus::Completed,
        input_data: "{}".into(),
        stats: None,
        attempt: 1,
        seq: 0,
        add_time: Utc::now(),
        start_time: Some(Utc::now()),
        end_time: Some(Utc::now()),
        event_seq: 0,
    }
}

#[tokio::test]
async fn a_node_charge_committed_twice_is_charged_once() {
    let t = test_db().await;
    let s = &t.store;
    s.add_credit(&grant("u1", "g1", 50), None).await.unwrap();
    let batch = Batch {
        nodes: vec![node("run1", "ne1")],
        charges: vec![CreditEntry::node_charge(
            "u1",
            "run1",
            "ne1",
            7,
            json!({"block": "b"}),
        )],
        ..Batch::default()
    };
    s.apply_batch(&batch).await.unwrap();
    // Another worker committing the same node's end again (a resumed run) changes nothing.
    s.apply_batch(&batch).await.unwrap();
    assert_eq!(s.credit_balance("u1").await.unwrap(), 43);
    assert_eq!(s.run_spend("u1", "run1").await.unwrap(), 7);
    // Two charges of one user in one batch both count, in order.
    let batch = Batch {
        charges: vec![
            CreditEntry::node_charge("u1", "run1", "ne2", 3, json!({})),
            CreditEntry::node_charge("u1", "run1", "ne3", 3, json!({})),
        ],
        ..Batch::default()
    };
    s.apply_batch(&batch).await.unwrap();
    let rows = s.credit_transactions("u1", None, 10).await.unwrap();
    assert_eq!(rows[0].running_balance, 37);
    assert_eq!(rows[1].running_balance, 40);
    // A charge may take the balance below zero: the node has run.
    let batch = Batch {
        charges: vec![CreditEntry::node_charge("u1", "run1", "ne4", 40, json!({}))],
        ..Batch::default()
    };
    s.apply_batch(&batch).await.unwrap();
    assert_eq!(s.credit_balance("u1").await.unwrap(), -3);
}

#[tokio::test]
async fn concurrent_changes_of_one_user_keep_the_ledger_consistent() {
    let t = test_db().await;
    let s = t.store.clone();
    let mut tasks = Vec::new();
    for i in 0..16 {
        let s1 = s.clone();
        tasks.push(tokio::spawn(async move {
            let entry = grant("u1", &format!("g{i}"), i + 1);
            s1.add_credit(&entry, None).await.unwrap()
        }));
        let s2 = s.clone();
        tasks.push(tokio::spawn(async move {
            let batch = Batch {
                charges: vec![CreditEntry::node_charge(
                    "u1",
                    "r",
                    &format!("n{i}"),
                    1,
                    json!({}),
                )],
                ..Batch::default()
            };
            s2.apply_batch(&batch).await.unwrap();
            Applied::Added { balance: 0 }
        }));
    }
    for t in tasks {
        t.await.unwrap();
    }
    let expected: i64 = (1..=16).sum::<i64>() - 16;
    assert_eq!(s.credit_balance("u1").await.unwrap(), expected);
    let mut rows = s.credit_transactions("u1", None, 100).await.unwrap();
    rows.reverse();
    let mut balance = 0;
    for r in &rows {
        balance += r.amount;
        assert_eq!(r.running_balance, balance, "row {} of {rows:?}", r.id);
    }
}

#[tokio::test]
async fn a_checkout_is_fulfilled_once() {
    let t = test_db().await;
    let s = &t.store;
    assert!(s.fulfil_checkout("cs_unknown").await.unwrap().is_none());
    s.open_checkout("u1", "cs_1", 500).await.unwrap();
    assert_eq!(
        s.fulfil_checkout("cs_1").await.unwrap(),
        Some(Applied::Added { balance: 500 })
    );
    assert_eq!(
        s.fulfil_checkout("cs_1").await.unwrap(),
        Some(Applied::AlreadyApplied { balance: 500 })
    );
    assert_eq!(
        s.checkout("cs_1").await.unwrap().unwrap().status,
        "FULFILLED"
    );
}

#[tokio::test]
async fn a_schedule_spends_what_its_runs_spent() {
    let t = test_db().await;
    let s = &t.store;
    assert_eq!(s.schedule_cap("u1", "sch").await.unwrap(), None);
    s.set_schedule_cap("u1", "sch", Some(20)).await.unwrap();
    s.set_schedule_cap("u1", "sch", Some(25)).await.unwrap();
    assert_eq!(s.schedule_cap("u1", "sch").await.unwrap(), Some(25));
    assert_eq!(s.schedule_cap("u2", "sch").await.unwrap(), None);
    s.link_run_to_schedule("u1", "r1", "sch").await.unwrap();
    s.link_run_to_schedule("u1", "r2", "sch").await.unwrap();
    for (run, node) in [("r1", "a"), ("r2", "b"), ("r3", "c")] {
        let charge = CreditEntry::node_charge("u1", run, node, 4, json!({}));
        s.add_credit(&charge, None).await.unwrap();
    }
    assert_eq!(s.schedule_spend("u1", "sch").await.unwrap(), 8);
    assert_eq!(
        s.run_schedule("u1", "r1").await.unwrap().as_deref(),
        Some("sch")
    );
    s.set_schedule_cap("u1", "sch", None).await.unwrap();
    assert_eq!(s.schedule_cap("u1", "sch").await.unwrap(), None);
}
