//! The execution queue: one claimant at a time, leases that expire, and removal with the run's end.

use agentry_store::{Batch, ClaimLimits, DEFAULT_USER_ID, Lease, NewExecution, queue::now_ms};
use serde_json::json;

use crate::support::test_db;

fn new_run() -> NewExecution {
    NewExecution {
        id: uuid::Uuid::now_v7().to_string(),
        user_id: DEFAULT_USER_ID.into(),
        graph_id: "g".into(),
        graph_version: 1,
        inputs: json!({"x": 1}),
        parent_id: None,
        node_inputs: None,
    }
}

#[tokio::test]
async fn a_run_is_claimed_once_until_its_lease_expires() {
    let db = test_db().await;
    let s = &db.store;
    let run = new_run();
    s.enqueue_execution(run.clone(), None).await.unwrap();
    let rec = s.get_execution(DEFAULT_USER_ID, &run.id).await.unwrap();
    assert_eq!(rec.run.status.as_str(), "QUEUED");
    assert_eq!(rec.run.inputs, json!({"x": 1}));

    let first = s
        .claim_next("w1", 60_000, ClaimLimits::default())
        .await
        .unwrap()
        .expect("claimable");
    assert_eq!(
        (first.exec_id.as_str(), first.attempts),
        (run.id.as_str(), 1)
    );
    assert!(
        s.claim_next("w2", 60_000, ClaimLimits::default())
            .await
            .unwrap()
            .is_none(),
        "leased runs are not claimed twice"
    );
    assert_eq!(
        s.renew_leases("w1", std::slice::from_ref(&run.id), 60_000)
            .await
            .unwrap(),
        1
    );
    assert_eq!(
        s.renew_leases("w2", std::slice::from_ref(&run.id), 60_000)
            .await
            .unwrap(),
        0
    );

    // The holder stops renewing: once the lease has run out another worker takes the run over.
    assert_eq!(
        s.renew_leases("w1", std::slice::from_ref(&run.id), -1)
            .await
            .unwrap(),
        1
    );
    let second = s
        .claim_next("w2", 60_000, ClaimLimits::default())
        .await
        .unwrap()
        .expect("expired lease");
    assert_eq!(
        (second.exec_id.as_str(), second.attempts),
        (run.id.as_str(), 2)
    );
    assert_eq!(
        s.renew_leases("w1", std::slice::from_ref(&run.id), 60_000)
            .await
            .unwrap(),
        0,
        "w1 lost it"
    );

    s.apply_batch(&Batch {
        dequeue: vec![run.id.clone()],
        ..Default::default()
    })
    .await
    .unwrap();
    assert_eq!(s.queue_len().await.unwrap(), 0);
}

#[tokio::test]
async fn a_run_enqueued_with_a_lease_belongs_to_its_worker() {
    let db = test_db().await;
    let s = &db.store;
    let run = new_run();
    let lease = Lease {
        worker_id: "local".into(),
        until_ms: now_ms() + 60_000,
    };
    s.enqueue_execution(run.clone(), Some(lease)).await.unwrap();
    assert!(
        s.claim_next("other", 60_000, ClaimLimits::default())
            .await
            .unwrap()
            .is_none()
    );
    let older = new_run();
    s.enqueue_execution(older.clone(), None).await.unwrap();
    assert_eq!(
        s.claim_next("other", 60_000, ClaimLimits::default())
            .await
            .unwrap()
            .unwrap()
            .exec_id,
        older.id
    );
}

#[tokio::test]
async fn the_claim_carries_the_trace_context_stored_at_enqueue() {
    let db = test_db().await;
    let s = &db.store;
    let traced = new_run();
    let traceparent = "00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01";
    s.enqueue_traced_execution(traced.clone(), None, Some(traceparent.into()))
        .await
        .unwrap();
    let claim = s
        .claim_next("w", 60_000, ClaimLimits::default())
        .await
        .unwrap()
        .expect("claimable");
    assert_eq!(claim.exec_id, traced.id);
    assert_eq!(claim.trace_context.as_deref(), Some(traceparent));

    // Without tracing the column stays empty.
    let untraced = new_run();
    s.enqueue_execution(untraced.clone(), None).await.unwrap();
    let claim = s
        .claim_next("w", 60_000, ClaimLimits::default())
        .await
        .unwrap()
        .expect("claimable");
    assert_eq!((claim.exec_id, claim.trace_context), (untraced.id, None));
}

#[tokio::test]
async fn a_run_handed_back_is_claimable_at_once_and_its_attempt_is_not_counted() {
    let db = test_db().await;
    let s = &db.store;
    let run = new_run();
    s.enqueue_execution(run.clone(), None).await.unwrap();
    let first = s
        .claim_next("w1", 60_000, ClaimLimits::default())
        .await
        .unwrap()
        .expect("claimable");
    // Another worker cannot give back what it does not hold.
    s.hand_back("w2", &first.exec_id).await.unwrap();
    assert!(
        s.claim_next("w2", 60_000, ClaimLimits::default())
            .await
            .unwrap()
            .is_none()
    );
    s.hand_back("w1", &first.exec_id).await.unwrap();
    let again = s
        .claim_next("w2", 60_000, ClaimLimits::default())
        .await
        .unwrap()
        .expect("claimable again at once");
    assert_eq!((again.exec_id, again.attempts), (run.id, 1));
}
