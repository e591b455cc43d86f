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
        inputs: serde_json::value::to_raw_value(&json!({"x": 1})).unwrap(),
        parent_id: None,
        node_inputs: None,
    }
}

/// The run's inputs go to the row as the caller's text, never parsed on the way: quotes,
/// backslashes, apostrophes (SQL's quote), unicode and the client's whitespace all survive
/// as the same JSON, and the row answered does not carry a second copy of them.
#[tokio::test]
async fn run_inputs_are_written_from_their_text() {
    let db = test_db().await;
    let s = &db.store;
    let text = r#"{ "q": "it's a \"quote\" \\ back\nslash", "u": "\u00e9t\u00e9 ☃",
        "n": [1, 2.5, -3e2, null, true], "o": {"nested": {"deep": []}} }"#;
    let run = NewExecution {
        inputs: serde_json::value::RawValue::from_string(text.into()).unwrap(),
        ..new_run()
    };
    let row = s.enqueue_execution(&run, None).await.unwrap();
    assert_eq!(
        row.inputs,
        serde_json::Value::Null,
        "the caller holds the inputs"
    );
    let stored = s.get_execution(DEFAULT_USER_ID, &run.id).await.unwrap();
    let expected: serde_json::Value = serde_json::from_str(text).unwrap();
    assert_eq!(stored.run.inputs, expected);
    assert_eq!(
        stored.run.inputs["q"],
        json!("it's a \"quote\" \\ back\nslash")
    );
    assert_eq!(stored.run.inputs["u"], json!("été ☃"));
    assert_eq!(stored.run.status.as_str(), "QUEUED");
    // Read back for an answer that has their text already: the row without them.
    let meta = s
        .get_run_without_inputs(DEFAULT_USER_ID, &run.id)
        .await
        .unwrap();
    assert_eq!(meta.inputs, serde_json::Value::Null);
    assert_eq!(
        (meta.id.as_str(), meta.status.as_str(), meta.created_at),
        (run.id.as_str(), "QUEUED", stored.run.created_at)
    );
    let other = "0b0b0b0b-0000-4000-8000-000000000009";
    assert!(matches!(
        s.get_run_without_inputs(other, &run.id).await,
        Err(agentry_store::Error::NotFound(_))
    ));
}

#[tokio::test]
async fn a_run_is_claimed_once_until_its_lease_expires() {
    let db = test_db().await;
    let s = &db.store;
    let run = new_run();
    s.enqueue_execution(&run, None).await.unwrap();
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
    s.enqueue_execution(&run, Some(lease)).await.unwrap();
    assert!(
        s.claim_next("other", 60_000, ClaimLimits::default())
            .await
            .unwrap()
            .is_none()
    );
    let older = new_run();
    s.enqueue_execution(&older, None).await.unwrap();
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
    s.enqueue_traced_execution(&traced, None, Some(traceparent.into()))
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
    s.enqueue_execution(&untraced, None).await.unwrap();
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
    s.enqueue_execution(&run, None).await.unwrap();
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
