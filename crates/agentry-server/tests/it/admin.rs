//! Administration over HTTP: listing accounts, changing roles, disabling an account (its
//! access tokens and API keys stop at the next request), the last-admin rule, and the audit
//! records of each.

use serde_json::json;

use crate::support::{PASSWORD, TestApp, open_signup};

#[tokio::test]
async fn admins_list_and_change_accounts_and_others_may_not() {
    let app = TestApp::start_with_accounts(open_signup()).await;
    let admin = app.sign_up("root@example.com").await;
    let grace = app.sign_up("grace@example.com").await;

    let users = admin.get("/api/admin/users").await.expect(200);
    let emails: Vec<&str> = users
        .as_array()
        .unwrap()
        .iter()
        .map(|u| u["email"].as_str().unwrap())
        .collect();
    assert_eq!(emails, ["root@example.com", "grace@example.com"]);
    grace
        .get("/api/admin/users")
        .await
        .expect_error(403, "admin_required");
    grace
        .patch_json(
            &format!("/api/admin/users/{}", grace.id()),
            &json!({"role": "admin"}),
        )
        .await
        .expect_error(403, "admin_required");
    grace
        .get("/api/admin/audit")
        .await
        .expect_error(403, "admin_required");

    // The only admin cannot demote or disable itself.
    admin
        .patch_json(
            &format!("/api/admin/users/{}", admin.id()),
            &json!({"role": "user"}),
        )
        .await
        .expect_error(409, "last_admin");
    admin
        .patch_json(
            &format!("/api/admin/users/{}", admin.id()),
            &json!({"disabled": true}),
        )
        .await
        .expect_error(409, "last_admin");

    let promoted = admin
        .patch_json(
            &format!("/api/admin/users/{}", grace.id()),
            &json!({"role": "admin"}),
        )
        .await
        .expect(200);
    assert_eq!(promoted["role"], "admin");
    // The role holds for the tokens already issued.
    grace.get("/api/admin/users").await.expect(200);
    admin
        .patch_json("/api/admin/users/no-such-user", &json!({"role": "user"}))
        .await
        .expect_error(404, "not_found");

    let audit = admin
        .get("/api/admin/audit?action=role_change")
        .await
        .expect(200);
    let event = &audit["events"][0];
    assert_eq!(event["actor_user_id"], json!(admin.id()));
    assert_eq!(event["target_id"], json!(grace.id()));
    assert_eq!(event["details"], json!({"from": "user", "to": "admin"}));
}

#[tokio::test]
async fn a_disabled_account_stops_at_once_tokens_and_keys_alike() {
    let app = TestApp::start_with_accounts(open_signup()).await;
    let admin = app.sign_up("root@example.com").await;
    let grace = app.sign_up("grace@example.com").await;
    let key = grace
        .post_json(
            "/api/api-keys",
            &json!({"name": "ci", "permissions": ["READ_GRAPH"]}),
        )
        .await
        .expect(200);
    let by_key = app.as_token(key["plain_text_key"].as_str().unwrap());
    by_key.get("/api/graphs").await.expect(200);
    grace.get("/api/graphs").await.expect(200);

    admin
        .patch_json(
            &format!("/api/admin/users/{}", grace.id()),
            &json!({"disabled": true}),
        )
        .await
        .expect(200);
    grace
        .get("/api/graphs")
        .await
        .expect_error(401, "account_disabled");
    by_key
        .get("/api/graphs")
        .await
        .expect_error(401, "account_disabled");
    app.post_json(
        "/api/auth/login",
        &json!({"email": "grace@example.com", "password": PASSWORD}),
    )
    .await
    .expect_error(401, "account_disabled");

    // Enabled again: the key works again; sessions ended by the disable stay ended.
    admin
        .patch_json(
            &format!("/api/admin/users/{}", grace.id()),
            &json!({"disabled": false}),
        )
        .await
        .expect(200);
    by_key.get("/api/graphs").await.expect(200);
    grace
        .get("/api/graphs")
        .await
        .expect_error(401, "session_ended");

    let audit = admin.get("/api/admin/audit").await.expect(200);
    let actions: Vec<&str> = audit["events"]
        .as_array()
        .unwrap()
        .iter()
        .map(|e| e["action"].as_str().unwrap())
        .collect();
    for action in ["user_disable", "user_enable", "api_key_create"] {
        assert!(actions.contains(&action), "{action} not in {actions:?}");
    }
}
