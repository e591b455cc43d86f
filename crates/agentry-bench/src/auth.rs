//! W8: what authentication adds to a request. The same cheap signed-in route (`GET
//! /api/blocks`, pre-serialised bytes) is called in-process through the whole router and its
//! layers, without sign-in (`--no-auth`), with a bearer access token (HS256 JWT check plus the
//! cached user state) and with an API key (HMAC-SHA256 plus the cached key). Rate limits are off
//! in all three, so the difference is the authentication alone. Rounds alternate between the
//! modes, and the median round is reported, because the machine is shared.

use std::sync::Arc;
use std::time::Instant;

use agentry_engine::{Config, Engine};
use agentry_server::AppState;
use agentry_server::auth::{Accounts, AuthSettings, secret};
use agentry_server::perimeter::{Perimeter, PerimeterSettings};
use agentry_store::entity::api_key;
use agentry_store::{NewAccount, Store};
use anyhow::ensure;
use axum::body::Body;
use axum::http::{Request, StatusCode, header};
use tower::ServiceExt as _;

const PER_ROUND: u32 = 5_000;
const ROUNDS: usize = 7;

pub(crate) fn no_limits() -> anyhow::Result<Perimeter> {
    let mut settings = PerimeterSettings::default();
    settings.rate_limits.enabled = false;
    Ok(Perimeter::new(settings, None, None, "bench")?)
}

/// Mean microseconds per request over one round.
async fn round(router: &axum::Router, credential: Option<&str>) -> anyhow::Result<f64> {
    let started = Instant::now();
    for _ in 0..PER_ROUND {
        let mut request = Request::get("/api/blocks").header(header::HOST, "127.0.0.1:8006");
        if let Some(credential) = credential {
            request = request.header(header::AUTHORIZATION, format!("Bearer {credential}"));
        }
        let answer = router.clone().oneshot(request.body(Body::empty())?).await?;
        ensure!(answer.status() == StatusCode::OK, "{}", answer.status());
    }
    Ok(started.elapsed().as_secs_f64() * 1e6 / f64::from(PER_ROUND))
}

fn median(mut values: Vec<f64>) -> f64 {
    values.sort_by(f64::total_cmp);
    values[values.len() / 2]
}

pub async fn w8(report: &mut Vec<String>) -> anyhow::Result<()> {
    let dir = tempfile::tempdir()?;
    let url = format!("sqlite://{}?mode=rwc", dir.path().join("auth.db").display());
    let store = Store::open(&url).await?;
    let engine = Engine::new(
        store.clone(),
        Arc::new(agentry_blocks::registry()),
        Config::default(),
    );
    let accounts = Accounts::new(store.clone(), AuthSettings::default()).await?;
    let user = store
        .create_account(
            NewAccount {
                email: "bench@example.com",
                password_hash: &secret::hash_password("bench passphrase 1"),
                role: "admin",
            },
            true,
        )
        .await?;
    let token = accounts
        .issue(&user)
        .await
        .map_err(|e| anyhow::anyhow!(e.message))?
        .access_token;
    let (id, key) = secret::new_api_key();
    store
        .add_api_key(api_key::Model {
            id,
            user_id: user.id.clone(),
            name: "bench".into(),
            key_hash: accounts.api_key_hash(&key),
            permissions: "READ_BLOCK".into(),
            created_at: chrono::Utc::now(),
            last_used_at: None,
            revoked_at: None,
        })
        .await?;
    let open = agentry_server::router(AppState::new(engine.clone()).with_perimeter(no_limits()?));
    let signed = agentry_server::router(
        AppState::with_accounts(engine.clone(), accounts).with_perimeter(no_limits()?),
    );
    // Warm-up: caches filled, allocator settled.
    round(&open, None).await?;
    round(&signed, Some(&token)).await?;
    round(&signed, Some(&key)).await?;
    let (mut none, mut jwt, mut api) = (Vec::new(), Vec::new(), Vec::new());
    for _ in 0..ROUNDS {
        none.push(round(&open, None).await?);
        jwt.push(round(&signed, Some(&token)).await?);
        api.push(round(&signed, Some(&key)).await?);
    }
    let (none, jwt, api) = (median(none), median(jwt), median(api));
    report.push(format!(
        "| W8 auth cost | GET /api/blocks in-process, {PER_ROUND} requests × {ROUNDS} rounds (median) | \
         access token +{:.1} µs ({jwt:.1} µs), API key +{:.1} µs ({api:.1} µs) | no sign-in {none:.1} µs |",
        jwt - none,
        api - none
    ));
    engine.store().clone().close().await?;
    Ok(())
}
