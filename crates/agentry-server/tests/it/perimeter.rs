//! The perimeter over HTTP: security headers on every answer, CORS only for configured origins,
//! and rate limits per address (sign-in routes tighter) answering 429 in the error envelope with
//! `Retry-After`, counted across processes in Redis when one is configured.

use agentry_server::perimeter::{Limit, Perimeter, PerimeterSettings};
use serde_json::Value;

use crate::support::TestApp;

fn perimeter(configure: impl FnOnce(&mut PerimeterSettings)) -> Perimeter {
    let mut settings = PerimeterSettings::default();
    configure(&mut settings);
    Perimeter::new(settings, None, None, "test").unwrap()
}

#[tokio::test]
async fn every_answer_carries_the_security_headers() {
    let app = TestApp::start().await;
    for (path, status) in [("/health", 200), ("/api/graphs", 200), ("/api/nope", 404)] {
        let answer = app.http().get(app.url(path)).send().await.unwrap();
        assert_eq!(answer.status().as_u16(), status, "{path}");
        let headers = answer.headers();
        for (name, value) in [
            ("x-content-type-options", "nosniff"),
            ("referrer-policy", "no-referrer"),
            ("x-frame-options", "DENY"),
        ] {
            assert_eq!(headers[name], value, "{name} on {path}");
        }
        let csp = headers["content-security-policy"].to_str().unwrap();
        for directive in [
            "default-src 'self'",
            "frame-ancestors 'none'",
            "object-src 'none'",
        ] {
            assert!(csp.contains(directive), "{csp} on {path}");
        }
    }
}

async fn preflight(app: &TestApp, origin: &str) -> reqwest::Response {
    app.http()
        .request(reqwest::Method::OPTIONS, app.url("/api/graphs"))
        .header("origin", origin)
        .header("access-control-request-method", "POST")
        .header(
            "access-control-request-headers",
            "authorization, content-type",
        )
        .send()
        .await
        .unwrap()
}

#[tokio::test]
async fn no_cors_by_default() {
    let app = TestApp::start().await;
    let answer = preflight(&app, "https://evil.example").await;
    assert!(
        answer
            .headers()
            .get("access-control-allow-origin")
            .is_none()
    );
    let answer = app
        .http()
        .get(app.url("/api/graphs"))
        .header("origin", "https://evil.example")
        .send()
        .await
        .unwrap();
    assert!(
        answer
            .headers()
            .get("access-control-allow-origin")
            .is_none()
    );
}

#[tokio::test]
async fn cors_answers_configured_origins_only() {
    let app = TestApp::start_with_perimeter(
        false,
        perimeter(|s| {
            s.rate_limits.enabled = false;
            s.cors_origins = vec!["https://app.example.com".into()];
            s.cors_allow_credentials = true;
        }),
    )
    .await;
    let answer = preflight(&app, "https://app.example.com").await;
    let headers = answer.headers();
    assert_eq!(
        headers["access-control-allow-origin"],
        "https://app.example.com"
    );
    assert_eq!(headers["access-control-allow-credentials"], "true");
    let methods = headers["access-control-allow-methods"].to_str().unwrap();
    assert!(methods.contains("POST"), "{methods}");
    let answer = preflight(&app, "https://evil.example").await;
    assert!(
        answer
            .headers()
            .get("access-control-allow-origin")
            .is_none()
    );
}

#[test]
fn bad_cors_settings_are_refused_with_their_name() {
    let settings = PerimeterSettings {
        cors_origins: vec!["https://app.example.com/ui".into()],
        ..PerimeterSettings::default()
    };
    let Err(e) = Perimeter::new(settings, None, None, "test") else {
        panic!("accepted an origin with a path");
    };
    assert!(e.to_string().contains("cors_origins"), "{e}");
}

/// GETs `path` and returns (status, Retry-After, body).
async fn hit(app: &TestApp, path: &str) -> (u16, Option<u64>, Value) {
    let answer = app.http().get(app.url(path)).send().await.unwrap();
    let status = answer.status().as_u16();
    let retry = answer
        .headers()
        .get("retry-after")
        .map(|v| v.to_str().unwrap().parse().unwrap());
    let body = answer.json().await.unwrap_or(Value::Null);
    (status, retry, body)
}

#[tokio::test]
async fn an_address_over_its_limit_gets_429_with_retry_after() {
    let app = TestApp::start_with_perimeter(
        false,
        perimeter(|s| s.rate_limits.per_ip = Limit::new(6, 3)),
    )
    .await;
    for _ in 0..3 {
        assert_eq!(hit(&app, "/api/graphs").await.0, 200);
    }
    let (status, retry, body) = hit(&app, "/api/graphs").await;
    assert_eq!(status, 429, "{body}");
    // One request per 10 s comes back.
    let retry = retry.expect("Retry-After");
    assert!((1..=10).contains(&retry), "{retry}");
    assert_eq!(body["error"]["code"], "rate_limited");
    assert_eq!(body["error"]["details"]["limit"], "ip");
    assert_eq!(body["error"]["details"]["retry_after_secs"], retry);
    // Refused requests do nothing: a refused POST saves no graph.
    let refused = app
        .post_json("/api/graphs", &crate::support::graph("g", &[], &[]))
        .await;
    assert_eq!(refused.status, 429);
}

#[tokio::test]
async fn sign_in_routes_have_their_own_tighter_limit() {
    let app = TestApp::start_with_perimeter(
        false,
        perimeter(|s| s.rate_limits.sign_in_per_ip = Limit::new(2, 2)),
    )
    .await;
    for _ in 0..2 {
        let (status, ..) = hit(&app, "/api/auth/login").await;
        assert_ne!(status, 429);
    }
    let (status, retry, body) = hit(&app, "/api/auth/login").await;
    assert_eq!(status, 429, "{body}");
    assert!(retry.unwrap() >= 1);
    assert_eq!(body["error"]["details"]["limit"], "sign_in");
    // Other routes are still open to the same address.
    assert_eq!(hit(&app, "/api/graphs").await.0, 200);
}

#[tokio::test]
async fn limits_are_shared_through_redis_between_processes() {
    let Some(redis) = crate::support::redis_url() else {
        return;
    };
    // A prefix of this test's own, so runs never share counts.
    let prefix = format!("t-{}", uuid::Uuid::new_v4());
    let shared = || {
        let mut settings = PerimeterSettings::default();
        settings.rate_limits.per_ip = Limit::new(4, 4);
        Perimeter::new(settings, None, Some(&redis), &prefix).unwrap()
    };
    let a = TestApp::start_with_perimeter(false, shared()).await;
    let b = TestApp::start_with_perimeter(false, shared()).await;
    assert_eq!(hit(&a, "/api/graphs").await.0, 200);
    assert_eq!(hit(&b, "/api/graphs").await.0, 200);
    assert_eq!(hit(&a, "/api/graphs").await.0, 200);
    assert_eq!(hit(&b, "/api/graphs").await.0, 200);
    // Each process alone has seen two requests; together they used the four.
    let (status, retry, body) = hit(&a, "/api/graphs").await;
    assert_eq!(status, 429, "{body}");
    assert!((1..=60).contains(&retry.unwrap()));
    assert_eq!(hit(&b, "/api/graphs").await.0, 429);
}

#[tokio::test]
async fn an_unreachable_redis_falls_back_to_local_limits() {
    // Nothing listens on port 1.
    let mut settings = PerimeterSettings::default();
    settings.rate_limits.per_ip = Limit::new(2, 2);
    let p = Perimeter::new(settings, None, Some("redis://127.0.0.1:1/"), "t").unwrap();
    let app = TestApp::start_with_perimeter(false, p).await;
    assert_eq!(hit(&app, "/api/graphs").await.0, 200);
    assert_eq!(hit(&app, "/api/graphs").await.0, 200);
    assert_eq!(hit(&app, "/api/graphs").await.0, 429);
}

/// GETs `path` as `caller` and returns (status, Retry-After, body).
async fn hit_as(caller: &crate::support::Caller, path: &str) -> (u16, Option<u64>, Value) {
    let answer = caller
        .http()
        .get(caller.url(path))
        .bearer_auth(caller.token.as_deref().unwrap())
        .send()
        .await
        .unwrap();
    let status = answer.status().as_u16();
    let retry = answer
        .headers()
        .get("retry-after")
        .map(|v| v.to_str().unwrap().parse().unwrap());
    (status, retry, answer.json().await.unwrap_or(Value::Null))
}

#[tokio::test]
async fn each_user_and_each_api_key_has_its_own_limit() {
    let app = TestApp::start_with_accounts_and(
        false,
        crate::support::open_signup(),
        perimeter(|s| {
            s.rate_limits.per_user = Limit::new(6, 3);
            s.rate_limits.per_api_key = Limit::new(6, 2);
        }),
    )
    .await;
    let ada = app.sign_up("ada@example.com").await;
    let bob = app.sign_up("bob@example.com").await;
    // Sign-up's own request counted none: it carries no credential.
    let key = ada
        .post_json(
            "/api/api-keys",
            &serde_json::json!({"name": "k", "permissions": ["READ_GRAPH"]}),
        )
        .await
        .expect(200);
    for _ in 0..2 {
        assert_eq!(hit_as(&ada, "/api/graphs").await.0, 200);
    }
    let (status, retry, body) = hit_as(&ada, "/api/graphs").await;
    assert_eq!(status, 429, "{body}");
    assert!((1..=10).contains(&retry.expect("Retry-After")));
    assert_eq!(body["error"]["details"]["limit"], "user");
    // Another user, and Ada's API key, count on their own.
    assert_eq!(hit_as(&bob, "/api/graphs").await.0, 200);
    let by_key = app.as_token(key["plain_text_key"].as_str().unwrap());
    for _ in 0..2 {
        assert_eq!(hit_as(&by_key, "/api/graphs").await.0, 200);
    }
    let (status, _, body) = hit_as(&by_key, "/api/graphs").await;
    assert_eq!(status, 429, "{body}");
    assert_eq!(body["error"]["details"]["limit"], "api_key");
}

#[tokio::test]
async fn a_users_limit_is_shared_through_redis_by_two_api_processes() {
    let Some(redis) = crate::support::redis_url() else {
        return;
    };
    let prefix = format!("t-{}", uuid::Uuid::new_v4());
    let shared = || {
        let mut settings = PerimeterSettings::default();
        settings.rate_limits.per_user = Limit::new(4, 4);
        Perimeter::new(settings, None, Some(&redis), &prefix).unwrap()
    };
    let a = TestApp::start_with_accounts_and(false, crate::support::open_signup(), shared()).await;
    let b = a.beside(shared(), crate::support::open_signup()).await;
    let ada = a.sign_up("ada@example.com").await;
    let token = ada.token.clone().unwrap();
    let ada_at_b = b.as_token(&token);
    let bob = a.sign_up("bob@example.com").await;
    for _ in 0..2 {
        assert_eq!(hit_as(&ada, "/api/graphs").await.0, 200);
        assert_eq!(hit_as(&ada_at_b, "/api/graphs").await.0, 200);
    }
    // Each process has seen two of Ada's requests; together they used her four.
    let (status, retry, body) = hit_as(&ada_at_b, "/api/graphs").await;
    assert_eq!(status, 429, "{body}");
    assert_eq!(body["error"]["details"]["limit"], "user");
    assert!((1..=60).contains(&retry.expect("Retry-After")));
    assert_eq!(hit_as(&ada, "/api/graphs").await.0, 429);
    // Another user's count is their own.
    assert_eq!(hit_as(&bob, "/api/graphs").await.0, 200);
}
