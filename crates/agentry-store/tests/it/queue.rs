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

/// New runs are written by the committer, in a transaction with whatever else is queued
/// there: each answers the row the database holds (times, lease, node inputs), hands its
/// inputs back as the same text, and one that breaks a constraint (a run id taken) fails
/// alone, changing nothing, while the runs beside it commit.
#[tokio::test]
async fn new_runs_commit_together_and_a_bad_one_fails_alone() {
    let db = test_db().await;
    let s = &db.store;
    let taken = new_run();
    s.enqueue_execution(&taken, None).await.unwrap();
    let lease = || Lease {
        worker_id: "here".into(),
        until_ms: now_ms() + 60_000,
    };
    let mut runs: Vec<NewExecution> = (0..8)
        .map(|i| NewExecution {
            node_inputs: (i % 2 == 0).then(|| json!({"node": {"payload": i}})),
            ..new_run()
        })
        .collect();
    runs.insert(4, taken.clone());
    let answers = futures::future::join_all(runs.iter().enumerate().map(|(i, run)| {
        let lease = (i % 3 == 0).then(lease);
        s.enqueue_traced_execution(run.clone(), lease, Some(format!("trace-{i}")))
    }))
    .await;
    for (run, answer) in runs.iter().zip(answers) {
        if run.id == taken.id {
            assert!(
                answer.is_err(),
                "a second run with id {} was written",
                run.id
            );
            continue;
        }
        let (row, back) = answer.unwrap();
        assert_eq!(
            back.inputs.get(),
            run.inputs.get(),
            "the inputs come back as given"
        );
        let stored = s
            .get_run_without_inputs(DEFAULT_USER_ID, &run.id)
            .await
            .unwrap();
        assert_eq!(row, stored, "the row answered is the row stored");
        assert_eq!(stored.node_inputs, run.node_inputs);
        let full = s.get_execution(DEFAULT_USER_ID, &run.id).await.unwrap();
        assert_eq!(full.run.inputs, json!({"x": 1}));
    }
    // The taken id's run is as its first enqueue left it.
    let first = s.get_execution(DEFAULT_USER_ID, &taken.id).await.unwrap();
    assert_eq!(first.run.status.as_str(), "QUEUED");
    // Leased runs stay with their holder; the other seven (the first run and six unleased)
    // are claimable, each once.
    let mut claimed = std::collections::HashSet::new();
    while let Some(claim) = s
        .claim_next("elsewhere", 60_000, ClaimLimits::default())
        .await
        .unwrap()
    {
        assert!(claimed.insert(claim.exec_id.clone()), "claimed twice");
        let i = runs.iter().position(|r| r.id == claim.exec_id);
        if let Some(i) = i.filter(|_| claim.exec_id != taken.id) {
            assert_ne!(
                i % 3,
                0,
                "run {i} was leased to `here` and claimed elsewhere"
            );
            assert_eq!(claim.trace_context, Some(format!("trace-{i}")));
        }
    }
    assert_eq!(claimed.len(), 1 + 8 - 3, "{claimed:?}");
    // The three leased runs are held by `here`, by name.
    assert_eq!(s.release_leases("here").await.unwrap(), 3);
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
