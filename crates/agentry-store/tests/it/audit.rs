//! The audit log and OIDC sign-in state on both backends: entries filtered and paged newest
//! first, NUL in a tried email kept as U+FFFD; OIDC logins taken once; identities linked once.

use agentry_store::{AuditAction, AuditOutcome, AuditQuery, NewAuditEvent, OidcLogin};
use serde_json::json;

use crate::support::test_db;

fn event(actor: Option<&str>, action: AuditAction, outcome: AuditOutcome) -> NewAuditEvent {
    NewAuditEvent {
        actor_user_id: actor.map(str::to_string),
        action,
        outcome,
        target: None,
        ip: Some("127.0.0.1".into()),
        details: json!({}),
    }
}

#[tokio::test]
async fn entries_are_filtered_and_paged_newest_first() {
    let db = test_db().await;
    let s = &db.store;
    let mut ids = Vec::new();
    for i in 0..5 {
        let mut e = event(Some("alice"), AuditAction::SignIn, AuditOutcome::Success);
        e.details = json!({ "n": i });
        ids.push(s.record_audit(e).await.unwrap());
    }
    let mut failed = event(None, AuditAction::SignIn, AuditOutcome::Failure);
    failed.details = json!({ "email": "a\u{0}b@example.com" });
    let failed_id = s.record_audit(failed).await.unwrap();
    let mut role = event(
        Some("admin"),
        AuditAction::RoleChange,
        AuditOutcome::Success,
    );
    role.target = Some(("user".into(), "alice".into()));
    let role_id = s.record_audit(role).await.unwrap();

    let page = |before: Option<String>, limit| AuditQuery {
        before,
        limit,
        ..AuditQuery::default()
    };
    let first = s.audit_events(&page(None, 3)).await.unwrap();
    let got: Vec<_> = first.iter().map(|e| e.id.clone()).collect();
    assert_eq!(
        got,
        vec![role_id.clone(), failed_id.clone(), ids[4].clone()]
    );
    let second = s
        .audit_events(&page(Some(got[2].clone()), 3))
        .await
        .unwrap();
    let got2: Vec<_> = second.iter().map(|e| e.id.clone()).collect();
    assert_eq!(got2, vec![ids[3].clone(), ids[2].clone(), ids[1].clone()]);

    let failures = s
        .audit_events(&AuditQuery {
            outcome: Some(AuditOutcome::Failure),
            limit: 10,
            ..AuditQuery::default()
        })
        .await
        .unwrap();
    assert_eq!(failures.len(), 1);
    assert_eq!(failures[0].actor_user_id, None);
    assert_eq!(
        failures[0].details,
        json!({ "email": "a\u{FFFD}b@example.com" })
    );
    assert_eq!(failures[0].ip.as_deref(), Some("127.0.0.1"));

    // What alice did, and what was done to her.
    let alice = s
        .audit_events(&AuditQuery {
            user_id: Some("alice".into()),
            limit: 100,
            ..AuditQuery::default()
        })
        .await
        .unwrap();
    assert_eq!(alice.len(), 6);
    assert_eq!(alice[0].id, role_id);
    assert_eq!(alice[0].action, AuditAction::RoleChange);

    let role_changes = s
        .audit_events(&AuditQuery {
            action: Some(AuditAction::RoleChange),
            since: Some(chrono::Utc::now() - chrono::Duration::minutes(1)),
            until: Some(chrono::Utc::now() + chrono::Duration::minutes(1)),
            limit: 10,
            ..AuditQuery::default()
        })
        .await
        .unwrap();
    assert_eq!(role_changes.len(), 1);
    let none_yet = s
        .audit_events(&AuditQuery {
            until: Some(chrono::Utc::now() - chrono::Duration::minutes(1)),
            limit: 10,
            ..AuditQuery::default()
        })
        .await
        .unwrap();
    assert!(none_yet.is_empty());
}

#[tokio::test]
async fn oidc_logins_are_taken_once_and_identities_linked_once() {
    let db = test_db().await;
    let s = &db.store;
    let login = OidcLogin {
        state: "st".into(),
        nonce: "no".into(),
        pkce_verifier: "ve".into(),
    };
    s.put_oidc_login(&login).await.unwrap();
    assert_eq!(s.take_oidc_login("st").await.unwrap(), Some(login));
    assert_eq!(s.take_oidc_login("st").await.unwrap(), None);
    assert_eq!(s.take_oidc_login("other").await.unwrap(), None);

    let issuer = "https://id.example.com";
    assert_eq!(s.oidc_identity_user(issuer, "sub-1").await.unwrap(), None);
    s.link_oidc_identity("alice", issuer, "sub-1", "a@example.com")
        .await
        .unwrap();
    assert_eq!(
        s.oidc_identity_user(issuer, "sub-1")
            .await
            .unwrap()
            .as_deref(),
        Some("alice")
    );
    assert!(matches!(
        s.link_oidc_identity("bob", issuer, "sub-1", "b@example.com")
            .await,
        Err(agentry_store::Error::Conflict(_))
    ));
    assert_eq!(
        s.oidc_identity_user("https://other.example", "sub-1")
            .await
            .unwrap(),
        None
    );
}
