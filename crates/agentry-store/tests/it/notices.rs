//! Notifications: stored ones and run notices derived from the run row (`notifications/derived.rs`)
//! listed together, counted, marked read, each run told once and only to its user.

use agentry_core::ExecutionStatus;
use agentry_store::notifications::{NewNotification, derived};
use agentry_store::{DEFAULT_USER_ID, NewExecution, RunUpdate, Store};
use chrono::Utc;
use serde_json::json;

use crate::support::{graph, queued_run, test_db};

async fn run(s: &Store, graph_id: &str, parent: Option<&str>, end: ExecutionStatus) -> String {
    let id = uuid::Uuid::now_v7().to_string();
    s.create_execution(NewExecution {
        id: id.clone(),
        user_id: DEFAULT_USER_ID.into(),
        graph_id: graph_id.into(),
        graph_version: 1,
        inputs: serde_json::value::to_raw_value(&json!({})).unwrap(),
        parent_id: parent.map(Into::into),
        node_inputs: None,
    })
    .await
    .unwrap();
    for status in [ExecutionStatus::Running, end] {
        let ended = status != ExecutionStatus::Running;
        assert!(
            s.update_run(&RunUpdate {
                told: false,
                id: id.clone(),
                status,
                started_at: Some(Utc::now()),
                ended_at: ended.then(Utc::now),
                stats: None,
                error: (status == ExecutionStatus::Failed).then(|| "boom".to_string()),
                event_seq: None,
            })
            .await
            .unwrap()
        );
    }
    id
}

fn stored(key: &str) -> NewNotification {
    NewNotification {
        user_id: DEFAULT_USER_ID.into(),
        kind: "LOW_BALANCE".into(),
        dedupe_key: key.into(),
        title: "Low".into(),
        body: "Your balance is low.".into(),
        data: json!({"balance": 1}),
        email_state: "none".into(),
    }
}

#[tokio::test]
async fn run_notices_are_derived_listed_with_stored_ones_and_marked_read() {
    let db = test_db().await;
    let s = &db.store;
    let graph_id = uuid::Uuid::new_v4().to_string();
    s.insert_graph_version(DEFAULT_USER_ID, &graph(&graph_id, 1), "h")
        .await
        .unwrap();

    let ok = run(s, &graph_id, None, ExecutionStatus::Completed).await;
    let told = s.tell_run(DEFAULT_USER_ID, &ok).await.unwrap().unwrap();
    assert!(derived::is_derived(&told));
    assert_eq!(
        (told.id.as_str(), told.kind.as_str()),
        (ok.as_str(), "RUN_FINISHED")
    );
    assert_eq!(
        told.data,
        json!({"graph_id": graph_id, "graph_version": 1, "graph_exec_id": ok,
               "graph_name": "g", "status": "COMPLETED", "error": null})
    );
    // Told once; never another user's run, a sub-agent's run, or a run still going.
    assert!(s.tell_run(DEFAULT_USER_ID, &ok).await.unwrap().is_none());
    assert!(s.run_told(DEFAULT_USER_ID, &ok).await.unwrap());
    assert!(!s.run_told("someone-else", &ok).await.unwrap());
    assert!(s.tell_run("someone-else", &ok).await.unwrap().is_none());
    let child = run(s, &graph_id, Some(&ok), ExecutionStatus::Completed).await;
    assert!(s.tell_run(DEFAULT_USER_ID, &child).await.unwrap().is_none());
    let going = queued_run(s, &graph_id, 1).await;
    assert!(s.tell_run(DEFAULT_USER_ID, &going).await.unwrap().is_none());
    // A run told by a stored notification (emailed) is not told again from its row.
    let emailed = run(s, &graph_id, None, ExecutionStatus::Completed).await;
    s.add_notification(NewNotification {
        kind: "RUN_FINISHED".into(),
        ..stored(&derived::run_key(&emailed))
    })
    .await
    .unwrap()
    .unwrap();
    assert!(
        s.tell_run(DEFAULT_USER_ID, &emailed)
            .await
            .unwrap()
            .is_none()
    );

    let low = s.add_notification(stored("low:1")).await.unwrap().unwrap();
    let bad = run(s, "not-a-graph", None, ExecutionStatus::Failed).await;
    let failed = s.tell_run(DEFAULT_USER_ID, &bad).await.unwrap().unwrap();
    assert_eq!(failed.kind, "RUN_FAILED");
    assert_eq!(failed.data["error"], "boom");
    // A graph the user has no version of is named by its id.
    assert_eq!(failed.data["graph_name"], "not-a-graph");

    // Newest first, by id, stored and derived together; pages by `before`.
    let ids = |list: Vec<agentry_store::notifications::notification::Model>| {
        list.into_iter().map(|n| n.id).collect::<Vec<_>>()
    };
    let all = s
        .notifications(DEFAULT_USER_ID, false, None, 10)
        .await
        .unwrap();
    let emailed_row = all
        .iter()
        .find(|n| n.dedupe_key == derived::run_key(&emailed));
    let emailed_id = emailed_row.unwrap().id.clone();
    assert_eq!(
        ids(all),
        vec![bad.clone(), low.id.clone(), emailed_id.clone(), ok.clone()]
    );
    assert_eq!(
        ids(s
            .notifications(DEFAULT_USER_ID, false, Some(&low.id), 2)
            .await
            .unwrap()),
        vec![emailed_id, ok.clone()]
    );
    assert!(
        s.notifications("someone-else", false, None, 10)
            .await
            .unwrap()
            .is_empty()
    );
    assert_eq!(s.unread_notifications(DEFAULT_USER_ID).await.unwrap(), 4);

    // Read marks: by id (another user's marks change nothing), then all.
    assert_eq!(
        s.mark_notifications_read("someone-else", Some(std::slice::from_ref(&ok)), Utc::now())
            .await
            .unwrap(),
        0
    );
    assert_eq!(
        s.mark_notifications_read(
            DEFAULT_USER_ID,
            Some(&[ok.clone(), low.id.clone()]),
            Utc::now()
        )
        .await
        .unwrap(),
        2
    );
    assert_eq!(s.unread_notifications(DEFAULT_USER_ID).await.unwrap(), 2);
    let unread = s
        .notifications(DEFAULT_USER_ID, true, None, 10)
        .await
        .unwrap();
    assert_eq!(unread.len(), 2);
    assert!(unread.iter().all(|n| n.read_at.is_none() && n.id != ok));
    assert_eq!(
        s.mark_notifications_read(DEFAULT_USER_ID, None, Utc::now())
            .await
            .unwrap(),
        2
    );
    assert_eq!(s.unread_notifications(DEFAULT_USER_ID).await.unwrap(), 0);
    let all = s
        .notifications(DEFAULT_USER_ID, false, None, 10)
        .await
        .unwrap();
    assert_eq!(all.len(), 4);
    assert!(all.iter().all(|n| n.read_at.is_some()));
}
