//! Credentials and OAuth2 login states: each user sees only their own rows, a login state is
//! taken once and not after it expires, and rotation reseals only rows under an old key.

use agentry_store::{Error, NewCredential, NewOauthState, Sealed};

use crate::support::test_db;

fn credential(id: &str, user: &str, key: &str) -> NewCredential {
    NewCredential {
        id: id.into(),
        user_id: user.into(),
        provider: "openai".into(),
        kind: "api_key".into(),
        title: Some("mine".into()),
        username: None,
        host: None,
        scopes: None,
        expires_at: None,
        secret: Sealed {
            key_id: key.into(),
            sealed: format!("sealed-{id}"),
        },
    }
}

#[tokio::test]
async fn credentials_belong_to_their_user() {
    let db = test_db().await;
    let s = &db.store;
    s.insert_credential(credential("c1", "alice", "k1"))
        .await
        .unwrap();
    s.insert_credential(NewCredential {
        provider: "github".into(),
        ..credential("c2", "alice", "k1")
    })
    .await
    .unwrap();
    s.insert_credential(credential("c3", "bob", "k1"))
        .await
        .unwrap();

    let all: Vec<_> = s.list_credentials("alice", None).await.unwrap();
    assert_eq!(
        all.iter().map(|c| c.id.as_str()).collect::<Vec<_>>(),
        ["c1", "c2"]
    );
    let github = s.list_credentials("alice", Some("github")).await.unwrap();
    assert_eq!(github.len(), 1);
    assert_eq!(github[0].id, "c2");

    assert!(matches!(
        s.get_credential("bob", "c1").await,
        Err(Error::NotFound(_))
    ));
    assert!(matches!(
        s.delete_credential("bob", "c1").await,
        Err(Error::NotFound(_))
    ));
    assert_eq!(
        s.get_credential("alice", "c1").await.unwrap().sealed,
        "sealed-c1"
    );

    let updated = s
        .update_credential_secret(
            "alice",
            "c1",
            Sealed {
                key_id: "k2".into(),
                sealed: "new".into(),
            },
            Some(1234),
            Some(vec!["read".into()]),
        )
        .await
        .unwrap();
    assert_eq!(
        (updated.key_id.as_str(), updated.expires_at),
        ("k2", Some(1234))
    );

    s.delete_credential("alice", "c1").await.unwrap();
    assert!(matches!(
        s.get_credential("alice", "c1").await,
        Err(Error::NotFound(_))
    ));
    assert_eq!(s.list_credentials("bob", None).await.unwrap().len(), 1);
}

#[tokio::test]
async fn rotation_reseals_only_rows_under_old_keys_and_not_changed_ones() {
    let db = test_db().await;
    let s = &db.store;
    for (id, key) in [("a", "old"), ("b", "new"), ("c", "old"), ("d", "old")] {
        s.insert_credential(credential(id, "alice", key))
            .await
            .unwrap();
    }
    let first = s.credentials_to_reseal("new", None, 2).await.unwrap();
    assert_eq!(
        first.iter().map(|c| c.id.as_str()).collect::<Vec<_>>(),
        ["a", "c"]
    );
    let rest = s.credentials_to_reseal("new", Some("c"), 2).await.unwrap();
    assert_eq!(
        rest.iter().map(|c| c.id.as_str()).collect::<Vec<_>>(),
        ["d"]
    );

    let resealed = |v: &str| Sealed {
        key_id: "new".into(),
        sealed: v.into(),
    };
    assert!(
        s.reseal_credential(&first[0], resealed("a2"))
            .await
            .unwrap()
    );
    // A refresh wrote "c" after it was read: the stale reseal must not overwrite it.
    s.update_credential_secret("alice", "c", resealed("fresh"), None, None)
        .await
        .unwrap();
    assert!(
        !s.reseal_credential(&first[1], resealed("c2"))
            .await
            .unwrap()
    );
    assert_eq!(
        s.get_credential("alice", "c").await.unwrap().sealed,
        "fresh"
    );
    assert_eq!(s.get_credential("alice", "a").await.unwrap().sealed, "a2");
}

#[tokio::test]
async fn a_login_state_is_taken_once_by_its_user_before_it_expires() {
    let db = test_db().await;
    let s = &db.store;
    let state = |token: &str, expires_at_ms: i64| NewOauthState {
        token: token.into(),
        user_id: "alice".into(),
        provider: "github".into(),
        scopes: vec!["repo".into()],
        verifier: Sealed {
            key_id: "k1".into(),
            sealed: "v".into(),
        },
        expires_at_ms,
    };
    s.insert_oauth_state(state("t1", 10_000)).await.unwrap();
    s.insert_oauth_state(state("t2", 10_000)).await.unwrap();
    s.insert_oauth_state(state("old", 1_000)).await.unwrap();

    assert!(
        s.take_oauth_state("bob", "github", "t1", 5_000)
            .await
            .is_err()
    );
    assert!(
        s.take_oauth_state("alice", "notion", "t1", 5_000)
            .await
            .is_err()
    );
    let taken = s
        .take_oauth_state("alice", "github", "t1", 5_000)
        .await
        .unwrap();
    assert_eq!(taken.scopes, serde_json::json!(["repo"]));
    assert!(
        s.take_oauth_state("alice", "github", "t1", 5_000)
            .await
            .is_err()
    );
    assert!(
        s.take_oauth_state("alice", "github", "old", 5_000)
            .await
            .is_err()
    );
    assert!(
        s.take_oauth_state("alice", "github", "t2", 20_000)
            .await
            .is_err()
    );
}
