//! Schedules, presets and webhooks: user-scoped CRUD, the scheduler's due rows and its
//! compare-and-set advance, stable webhook ids, and leadership.

use agentry_store::webhooks::ProviderWebhook;
use agentry_store::{DEFAULT_USER_ID, NewPreset, NewSchedule, PresetChange};
use serde_json::json;

use crate::support::test_db;

fn schedule(user: &str, next_run_at: i64) -> NewSchedule {
    NewSchedule {
        user_id: user.into(),
        graph_id: "g".into(),
        graph_version: 1,
        name: "nightly".into(),
        cron: "0 3 * * *".into(),
        timezone: "UTC".into(),
        inputs: json!({"x": 1}),
        next_run_at,
    }
}

#[tokio::test]
async fn schedules_are_user_scoped_and_advance_once() {
    let db = test_db().await;
    let s = &db.store;
    s.ensure_user("other", "o@x", "O").await.unwrap();
    let due = s
        .create_schedule(schedule(DEFAULT_USER_ID, 1_000))
        .await
        .unwrap();
    let later = s.create_schedule(schedule("other", 9_000)).await.unwrap();
    assert_eq!(due.inputs, json!({"x": 1}));

    let mine = s.list_schedules(DEFAULT_USER_ID, None).await.unwrap();
    assert_eq!(mine.iter().map(|m| &m.id).collect::<Vec<_>>(), [&due.id]);
    assert!(
        s.list_schedules(DEFAULT_USER_ID, Some("h"))
            .await
            .unwrap()
            .is_empty()
    );
    assert!(s.get_schedule(DEFAULT_USER_ID, &later.id).await.is_err());

    let ids: Vec<String> = s
        .due_schedules(5_000, 10)
        .await
        .unwrap()
        .into_iter()
        .map(|m| m.id)
        .collect();
    assert_eq!(ids, vec![due.id.clone()]);
    assert!(s.advance_schedule(&due.id, 1_000, 60_000).await.unwrap());
    assert!(
        !s.advance_schedule(&due.id, 1_000, 60_000).await.unwrap(),
        "a second scheduler must not fire the same time again"
    );
    assert!(s.due_schedules(5_000, 10).await.unwrap().is_empty());

    assert!(s.delete_schedule("other", &due.id).await.is_err());
    s.delete_schedule(DEFAULT_USER_ID, &due.id).await.unwrap();
    assert!(s.get_schedule(DEFAULT_USER_ID, &due.id).await.is_err());
}

#[tokio::test]
async fn presets_crud_is_user_scoped() {
    let db = test_db().await;
    let s = &db.store;
    let p = s
        .create_preset(NewPreset {
            user_id: DEFAULT_USER_ID.into(),
            graph_id: "g".into(),
            graph_version: 2,
            name: "p".into(),
            description: "d".into(),
            inputs: json!({"a": 1}),
            is_active: true,
        })
        .await
        .unwrap();
    let (page, total) = s
        .list_presets(DEFAULT_USER_ID, Some("g"), 1, 10)
        .await
        .unwrap();
    assert_eq!((page.len(), total), (1, 1));
    assert_eq!(s.list_presets("other", None, 1, 10).await.unwrap().1, 0);

    let changed = s
        .update_preset(
            DEFAULT_USER_ID,
            &p.id,
            PresetChange {
                name: Some("q".into()),
                inputs: Some(json!({"a": 2})),
                ..PresetChange::default()
            },
        )
        .await
        .unwrap();
    assert_eq!(
        (changed.name.as_str(), changed.description.as_str()),
        ("q", "d")
    );
    assert_eq!(changed.inputs, json!({"a": 2}));
    assert!(
        s.update_preset("other", &p.id, PresetChange::default())
            .await
            .is_err()
    );
    assert!(s.delete_preset("other", &p.id).await.is_err());
    s.delete_preset(DEFAULT_USER_ID, &p.id).await.unwrap();
    assert!(s.get_preset(DEFAULT_USER_ID, &p.id).await.is_err());
}

#[tokio::test]
async fn a_webhook_id_is_stable_per_graph_and_node() {
    let db = test_db().await;
    let s = &db.store;
    let a = s.ensure_webhook(DEFAULT_USER_ID, "g", "n1").await.unwrap();
    let again = s.ensure_webhook(DEFAULT_USER_ID, "g", "n1").await.unwrap();
    let b = s.ensure_webhook(DEFAULT_USER_ID, "g", "n2").await.unwrap();
    assert_eq!(a.id, again.id);
    assert_ne!(a.id, b.id);
    assert_eq!(
        s.graph_webhooks(DEFAULT_USER_ID, "g").await.unwrap().len(),
        2
    );
    assert!(s.graph_webhooks("other", "g").await.unwrap().is_empty());
    let found = s.webhook_by_id(&a.id).await.unwrap().unwrap();
    assert_eq!(
        (found.user_id.as_str(), found.node_id.as_str()),
        (DEFAULT_USER_ID, "n1")
    );
    assert!(s.webhook_by_id("nope").await.unwrap().is_none());
}

#[tokio::test]
async fn a_provider_hooks_config_moves_on_only_from_what_was_read() {
    let db = test_db().await;
    let s = &db.store;
    s.ensure_user("other", "o@x", "O").await.unwrap();
    let hook = ProviderWebhook {
        id: "h1".into(),
        user_id: DEFAULT_USER_ID.into(),
        graph_id: "g".into(),
        node_id: "n1".into(),
        provider: "airtable".into(),
        resource: "app1/tbl1".into(),
        events: "[]".into(),
        credentials: "{}".into(),
        provider_webhook_id: "ach1".into(),
        secret_key_id: "k".into(),
        secret_sealed: "s".into(),
        config: r#"{"cursor":1}"#.into(),
    };
    s.put_provider_webhook(hook).await.unwrap();
    let first = r#"{"cursor":1}"#;
    let next = r#"{"cursor":4}"#;
    // Another user's swap changes nothing.
    assert!(
        !s.swap_webhook_config("other", "h1", Some(first), next)
            .await
            .unwrap()
    );
    assert!(
        s.swap_webhook_config(DEFAULT_USER_ID, "h1", Some(first), next)
            .await
            .unwrap()
    );
    // A second delivery that read the old cursor finds it moved.
    assert!(
        !s.swap_webhook_config(DEFAULT_USER_ID, "h1", Some(first), r#"{"cursor":9}"#)
            .await
            .unwrap()
    );
    assert!(
        !s.swap_webhook_config(DEFAULT_USER_ID, "h1", None, r#"{"cursor":9}"#)
            .await
            .unwrap()
    );
    let found = s.webhook_by_id("h1").await.unwrap().unwrap();
    assert_eq!(found.config.as_deref(), Some(next));
}

#[tokio::test]
async fn one_leader_at_a_time() {
    let db = test_db().await;
    let key = agentry_store::leader::SCHEDULER_LOCK;
    let mut first = db.store.leadership(key);
    assert!(first.check().await.unwrap());
    assert!(first.check().await.unwrap(), "the leader keeps leading");
    let mut second = db.store.leadership(key);
    if db.store.backend() == agentry_store::Backend::Postgres {
        assert!(!second.check().await.unwrap(), "the lock is held");
        first.release().await;
        assert!(
            second.check().await.unwrap(),
            "released locks are taken over"
        );
        second.release().await;
    } else {
        assert!(second.check().await.unwrap(), "SQLite: always the leader");
    }
}
