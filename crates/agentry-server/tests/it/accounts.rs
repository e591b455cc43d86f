//! Accounts over HTTP: sign-up (the first account is the admin), sign-in with the same answer
//! for an unknown email and a wrong password, refresh tokens spent once, sign-out here and
//! everywhere, password change, closed sign-up, the web UI's cookie session with its CSRF
//! check, and the audit records these leave.

use serde_json::{Value, json};

use crate::support::{Auth, PASSWORD, TestApp, open_signup};

async fn login(app: &TestApp, email: &str, password: &str) -> crate::support::Reply {
    app.post_json(
        "/api/auth/login",
        &json!({"email": email, "password": password}),
    )
    .await
}

#[tokio::test]
async fn the_first_account_is_the_admin_and_sessions_have_autogpt_shape() {
    let app = TestApp::start_with_accounts(open_signup()).await;
    // Nothing answers without a credential.
    app.get("/api/graphs")
        .await
        .expect_error(401, "unauthenticated");

    let ada = app.sign_up("Ada@Example.com").await;
    let grace = app.sign_up("grace@example.com").await;
    let me = ada.get("/api/auth/user").await.expect(200);
    assert_eq!(
        me,
        json!({"id": ada.id(), "email": "ada@example.com", "role": "admin"})
    );
    let me = grace.get("/api/auth/user").await.expect(200);
    assert_eq!(me["role"], "user");

    let session = login(&app, "ada@example.com", PASSWORD).await.expect(200);
    for field in ["access_token", "refresh_token", "expires_in", "user"] {
        assert!(session.get(field).is_some(), "{field} missing in {session}");
    }
    assert_eq!(session["user"]["id"], json!(ada.id()));
    assert!(
        session["refresh_token"]
            .as_str()
            .unwrap()
            .starts_with("agr_")
    );

    // An unknown email and a wrong password are told apart by nothing.
    let unknown = login(&app, "nobody@example.com", PASSWORD)
        .await
        .expect_error(401, "invalid_credentials");
    let wrong = login(&app, "ada@example.com", "not the password at all")
        .await
        .expect_error(401, "invalid_credentials");
    assert_eq!(unknown, wrong);

    // A taken email, a weak password, a malformed email.
    app.post_json(
        "/api/auth/signup",
        &json!({"email": "ada@example.com", "password": PASSWORD}),
    )
    .await
    .expect_error(409, "email_taken");
    app.post_json(
        "/api/auth/signup",
        &json!({"email": "eve@example.com", "password": "short"}),
    )
    .await
    .expect_error(400, "weak_password");
    app.post_json(
        "/api/auth/signup",
        &json!({"email": "eve", "password": PASSWORD}),
    )
    .await
    .expect_error(400, "invalid_email");
    // A forged token.
    app.as_token("eyJhbGciOiJIUzI1NiJ9.e30.bad")
        .get("/api/graphs")
        .await
        .expect_error(401, "invalid_token");
}

#[tokio::test]
async fn refresh_tokens_are_spent_once_and_sign_out_ends_sessions() {
    let app = TestApp::start_with_accounts(open_signup()).await;
    app.sign_up("ada@example.com").await;
    let first = login(&app, "ada@example.com", PASSWORD).await.expect(200);
    let refresh = first["refresh_token"].as_str().unwrap();
    let next = app
        .post_json("/api/auth/refresh", &json!({"refresh_token": refresh}))
        .await
        .expect(200);
    assert_ne!(next["refresh_token"], first["refresh_token"]);
    app.post_json("/api/auth/refresh", &json!({"refresh_token": refresh}))
        .await
        .expect_error(401, "invalid_refresh_token");

    // Sign-out here revokes this session's refresh token.
    let session = app.as_token(next["access_token"].as_str().unwrap());
    let next_refresh = next["refresh_token"].as_str().unwrap();
    session
        .post_json("/api/auth/logout", &json!({"refresh_token": next_refresh}))
        .await
        .expect(204);
    app.post_json("/api/auth/refresh", &json!({"refresh_token": next_refresh}))
        .await
        .expect_error(401, "invalid_refresh_token");

    // Sign-out everywhere ends every access token and refresh token at once.
    let a = login(&app, "ada@example.com", PASSWORD).await.expect(200);
    let b = login(&app, "ada@example.com", PASSWORD).await.expect(200);
    let a_caller = app.as_token(a["access_token"].as_str().unwrap());
    let b_caller = app.as_token(b["access_token"].as_str().unwrap());
    b_caller.get("/api/graphs").await.expect(200);
    a_caller
        .post_json("/api/auth/logout", &json!({"scope": "global"}))
        .await
        .expect(204);
    b_caller
        .get("/api/graphs")
        .await
        .expect_error(401, "session_ended");
    app.post_json(
        "/api/auth/refresh",
        &json!({"refresh_token": b["refresh_token"]}),
    )
    .await
    .expect_error(401, "invalid_refresh_token");
}

#[tokio::test]
async fn a_password_change_ends_other_sessions() {
    let app = TestApp::start_with_accounts(open_signup()).await;
    let ada = app.sign_up("ada@example.com").await;
    let other = login(&app, "ada@example.com", PASSWORD).await.expect(200);
    ada.post_json(
        "/api/auth/password",
        &json!({"current_password": "wrong one entirely", "new_password": "a new long passphrase"}),
    )
    .await
    .expect_error(401, "invalid_credentials");
    let fresh = ada
        .post_json(
            "/api/auth/password",
            &json!({"current_password": PASSWORD, "new_password": "a new long passphrase"}),
        )
        .await
        .expect(200);
    ada.get("/api/graphs")
        .await
        .expect_error(401, "session_ended");
    app.post_json(
        "/api/auth/refresh",
        &json!({"refresh_token": other["refresh_token"]}),
    )
    .await
    .expect_error(401, "invalid_refresh_token");
    app.as_token(fresh["access_token"].as_str().unwrap())
        .get("/api/graphs")
        .await
        .expect(200);
    login(&app, "ada@example.com", PASSWORD)
        .await
        .expect_error(401, "invalid_credentials");
    login(&app, "ada@example.com", "a new long passphrase")
        .await
        .expect(200);
}

#[tokio::test]
async fn sign_up_is_closed_after_the_first_account_unless_allowed() {
    let app = TestApp::start_with_accounts(Auth::Accounts(Default::default())).await;
    let admin = app.sign_up("root@example.com").await;
    assert_eq!(
        admin.get("/api/auth/user").await.expect(200)["role"],
        "admin"
    );
    app.post_json(
        "/api/auth/signup",
        &json!({"email": "eve@example.com", "password": PASSWORD}),
    )
    .await
    .expect_error(403, "signup_closed");
}

/// The cookie of `name` among a response's `Set-Cookie` headers.
fn set_cookie(response: &reqwest::Response, name: &str) -> Option<String> {
    response
        .headers()
        .get_all("set-cookie")
        .iter()
        .filter_map(|v| v.to_str().ok())
        .find(|c| c.starts_with(&format!("{name}=")))
        .map(str::to_string)
}

fn value_of(cookie: &str) -> &str {
    cookie.split(';').next().unwrap().split_once('=').unwrap().1
}

#[tokio::test]
async fn cookie_sessions_need_the_csrf_header_to_change_anything() {
    let app = TestApp::start_with_accounts(open_signup()).await;
    app.sign_up("ada@example.com").await;
    let answer = app
        .http()
        .post(app.url("/api/auth/login"))
        .json(&json!({"email": "ada@example.com", "password": PASSWORD, "session": "cookie"}))
        .send()
        .await
        .unwrap();
    assert_eq!(answer.status().as_u16(), 200);
    let session = set_cookie(&answer, "agentry_session").expect("a session cookie");
    assert!(
        session.contains("HttpOnly") && session.contains("SameSite=Strict"),
        "{session}"
    );
    let csrf_cookie = set_cookie(&answer, "agentry_csrf").expect("a CSRF cookie");
    let refresh = set_cookie(&answer, "agentry_refresh").expect("a refresh cookie");
    assert!(refresh.contains("Path=/api/auth"), "{refresh}");
    let body: Value = answer.json().await.unwrap();
    assert!(
        body.get("access_token").is_none(),
        "tokens stay in cookies: {body}"
    );
    let csrf = body["csrf_token"].as_str().unwrap().to_string();
    assert_eq!(value_of(&csrf_cookie), csrf);

    let cookies = format!(
        "agentry_session={}; agentry_csrf={csrf}",
        value_of(&session)
    );
    let graph = crate::support::agent("calculator-agent.json");
    let read = app
        .http()
        .get(app.url("/api/graphs"))
        .header("cookie", &cookies)
        .send()
        .await
        .unwrap();
    assert_eq!(read.status().as_u16(), 200);
    let forged = app
        .http()
        .post(app.url("/api/graphs"))
        .header("cookie", &cookies)
        .json(&json!({"graph": graph}))
        .send()
        .await
        .unwrap();
    assert_eq!(forged.status().as_u16(), 403);
    let error: Value = forged.json().await.unwrap();
    assert_eq!(error["error"]["code"], "csrf_failed");
    let sent = app
        .http()
        .post(app.url("/api/graphs"))
        .header("cookie", &cookies)
        .header("x-csrf-token", &csrf)
        .json(&json!({"graph": graph}))
        .send()
        .await
        .unwrap();
    assert_eq!(sent.status().as_u16(), 200);
}

#[tokio::test]
async fn sign_ins_and_their_failures_are_audited() {
    let app = TestApp::start_with_accounts(open_signup()).await;
    let admin = app.sign_up("root@example.com").await;
    login(&app, "root@example.com", PASSWORD).await.expect(200);
    login(&app, "root@example.com", "a wrong password here")
        .await
        .expect_error(401, "invalid_credentials");
    let page = admin
        .get("/api/admin/audit?action=sign_in")
        .await
        .expect(200);
    let outcomes: Vec<&str> = page["events"]
        .as_array()
        .unwrap()
        .iter()
        .map(|e| e["outcome"].as_str().unwrap())
        .collect();
    assert_eq!(outcomes, ["failure", "success"]);
    // The failure names the email tried, never the password.
    let text = page.to_string();
    assert!(text.contains("root@example.com") && !text.contains("a wrong password here"));
    let signups = admin
        .get("/api/admin/audit?action=sign_up")
        .await
        .expect(200);
    assert_eq!(signups["events"].as_array().unwrap().len(), 1);
}
