//! Fair claiming under per-user and per-graph caps, and the reaper's queries.

use agentry_core::ExecutionStatus;
use agentry_store::{ClaimLimits, DEFAULT_USER_ID, NewExecution, RunUpdate, Store};
use serde_json::json;

use crate::support::{queued_run, test_db};

const OTHER_USER: &str = "0b0b0b0b-0000-4000-8000-000000000002";

async fn enqueue(s: &Store, user: &str, graph: &str) -> String {
    let id = uuid::Uuid::now_v7().to_string();
    s.enqueue_execution(
        &NewExecution {
            id: id.clone(),
            user_id: user.into(),
            graph_id: graph.into(),
            graph_version: 1,
            inputs: serde_json::value::to_raw_value(&json!({})).unwrap(),
            parent_id: None,
            node_inputs: None,
        },
        None,
    )
    .await
    .unwrap();
    // Distinct enqueue times, so that "oldest first" is well defined.
    tokio::time::sleep(std::time::Duration::from_millis(3)).await;
    id
}

async fn claim(s: &Store, limits: ClaimLimits) -> Option<String> {
    s.claim_next("w", 60_000, limits)
        .await
        .unwrap()
        .map(|c| c.exec_id)
}

#[tokio::test]
async fn a_user_at_their_cap_waits_while_others_run() {
    let db = test_db().await;
    let s = &db.store;
    s.ensure_user(OTHER_USER, "b@example.com", "b")
        .await
        .unwrap();
    let a1 = enqueue(s, DEFAULT_USER_ID, "g1").await;
    let a2 = enqueue(s, DEFAULT_USER_ID, "g1").await;
    let b1 = enqueue(s, OTHER_USER, "g2").await;
    let per_user = ClaimLimits {
        per_user: 1,
        per_graph: 0,
    };
    assert_eq!(claim(s, per_user).await.as_ref(), Some(&a1));
    assert_eq!(
        claim(s, per_user).await.as_ref(),
        Some(&b1),
        "a2 is older, but its user is at the cap"
    );
    assert_eq!(
        claim(s, per_user).await,
        None,
        "both users are at their cap"
    );
    s.dequeue(&a1).await.unwrap();
    assert_eq!(claim(s, per_user).await.as_ref(), Some(&a2));
}

#[tokio::test]
async fn a_graph_at_its_cap_waits() {
    let db = test_db().await;
    let s = &db.store;
    let g1a = enqueue(s, DEFAULT_USER_ID, "g1").await;
    let _g1b = enqueue(s, DEFAULT_USER_ID, "g1").await;
    let g2 = enqueue(s, DEFAULT_USER_ID, "g2").await;
    let per_graph = ClaimLimits {
        per_user: 0,
        per_graph: 1,
    };
    assert_eq!(claim(s, per_graph).await.as_ref(), Some(&g1a));
    assert_eq!(claim(s, per_graph).await.as_ref(), Some(&g2));
    assert_eq!(claim(s, per_graph).await, None);
}

#[tokio::test]
async fn without_caps_the_user_holding_fewer_runs_goes_first() {
    let db = test_db().await;
    let s = &db.store;
    s.ensure_user(OTHER_USER, "b@example.com", "b")
        .await
        .unwrap();
    let a1 = enqueue(s, DEFAULT_USER_ID, "g").await;
    let a2 = enqueue(s, DEFAULT_USER_ID, "g").await;
    let b1 = enqueue(s, OTHER_USER, "g").await;
    let none = ClaimLimits::default();
    assert_eq!(claim(s, none).await.as_ref(), Some(&a1));
    assert_eq!(
        claim(s, none).await.as_ref(),
        Some(&b1),
        "B holds nothing, A holds one: B's newer run goes before A's backlog"
    );
    assert_eq!(claim(s, none).await.as_ref(), Some(&a2));
}

#[tokio::test]
async fn the_reaper_finds_orphans_exhausted_stale_and_overdue_runs() {
    let db = test_db().await;
    let s = &db.store;
    let later = chrono::Utc::now() + chrono::Duration::seconds(5);

    // An orphan: a QUEUED run with no queue entry.
    let orphan = queued_run(s, "g", 1).await;
    let found = s.orphaned_runs(later).await.unwrap();
    assert_eq!(
        found.iter().map(|r| r.id.as_str()).collect::<Vec<_>>(),
        [orphan.as_str()]
    );
    assert!(
        s.orphaned_runs(later - chrono::Duration::seconds(60))
            .await
            .unwrap()
            .is_empty()
    );
    s.requeue(&found).await.unwrap();
    s.requeue(&found).await.unwrap(); // Twice is harmless.
    assert!(s.orphaned_runs(later).await.unwrap().is_empty());
    assert_eq!(
        claim(s, ClaimLimits::default()).await.as_ref(),
        Some(&orphan)
    );

    // Exhausted: claimed three times, each lease expiring at once.
    let doomed = enqueue(s, DEFAULT_USER_ID, "g").await;
    for _ in 0..3 {
        let c = s
            .claim_next("w", -1, ClaimLimits::default())
            .await
            .unwrap()
            .unwrap();
        assert_eq!(c.exec_id, doomed);
    }
    assert_eq!(
        s.exhausted_runs(3).await.unwrap(),
        std::slice::from_ref(&doomed)
    );
    assert!(s.exhausted_runs(4).await.unwrap().is_empty());

    // Stale: queued and never held since before the cut-off.
    let waiting = enqueue(s, DEFAULT_USER_ID, "g").await;
    let cutoff = agentry_store::queue::now_ms() + 1000;
    let stale = s.stale_queued_runs(cutoff).await.unwrap();
    assert!(stale.contains(&waiting), "{stale:?}");
    assert!(!stale.contains(&orphan), "a held run is not stale");
    assert!(
        s.stale_queued_runs(cutoff - 60_000)
            .await
            .unwrap()
            .is_empty()
    );

    // Overdue: RUNNING since before the cut-off.
    s.update_run(&RunUpdate {
        told: false,
        id: orphan.clone(),
        status: ExecutionStatus::Running,
        started_at: Some(chrono::Utc::now()),
        ended_at: None,
        stats: None,
        error: None,
        event_seq: None,
    })
    .await
    .unwrap();
    assert_eq!(
        s.overdue_runs(later).await.unwrap(),
        std::slice::from_ref(&orphan)
    );
    assert!(
        s.overdue_runs(later - chrono::Duration::seconds(60))
            .await
            .unwrap()
            .is_empty()
    );
    assert_eq!(s.last_event_seq(&orphan).await.unwrap(), 0);
}
