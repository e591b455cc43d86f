//! Graph versions: every save is a version, activation, ownership and deletion.

use agentry_store::{DEFAULT_USER_ID, Error};

use crate::support::{graph, test_db};

#[tokio::test]
async fn versions_are_kept_and_one_is_active() {
    let db = test_db().await;
    let s = &db.store;
    let id = uuid::Uuid::new_v4().to_string();
    s.insert_graph_version(DEFAULT_USER_ID, &graph(&id, 1), "h1")
        .await
        .unwrap();
    s.insert_graph_version(DEFAULT_USER_ID, &graph(&id, 2), "h2")
        .await
        .unwrap();
    let active = s.get_graph(DEFAULT_USER_ID, &id, None).await.unwrap();
    assert_eq!(active.version, 2);
    assert_eq!(active.graph.extra["custom_field"]["kept"], true);
    let versions = s.graph_versions(DEFAULT_USER_ID, &id).await.unwrap();
    assert_eq!(
        versions.iter().map(|v| v.version).collect::<Vec<_>>(),
        [2, 1]
    );
    assert!(!versions[1].is_active);

    let one = s
        .set_active_graph_version(DEFAULT_USER_ID, &id, 1)
        .await
        .unwrap();
    assert!(one.is_active);
    assert_eq!(
        s.get_graph(DEFAULT_USER_ID, &id, None)
            .await
            .unwrap()
            .version,
        1
    );

    let dup = s
        .insert_graph_version(DEFAULT_USER_ID, &graph(&id, 2), "h2")
        .await;
    assert!(matches!(dup, Err(Error::Conflict(_))));
    let found = s
        .find_graph_by_hash(DEFAULT_USER_ID, &id, "h2")
        .await
        .unwrap();
    assert_eq!(found.map(|g| g.version), Some(2));
}

#[tokio::test]
async fn other_users_see_nothing() {
    let db = test_db().await;
    let s = &db.store;
    s.ensure_user("other", "o@x", "Other").await.unwrap();
    let id = uuid::Uuid::new_v4().to_string();
    s.insert_graph_version(DEFAULT_USER_ID, &graph(&id, 1), "h")
        .await
        .unwrap();
    assert!(matches!(
        s.get_graph("other", &id, None).await,
        Err(Error::NotFound(_))
    ));
    assert!(s.list_graphs("other").await.unwrap().is_empty());
    assert!(matches!(
        s.delete_graph("other", &id).await,
        Err(Error::NotFound(_))
    ));
    assert_eq!(s.delete_graph(DEFAULT_USER_ID, &id).await.unwrap(), 1);
    assert!(s.get_graph(DEFAULT_USER_ID, &id, None).await.is_err());
}
