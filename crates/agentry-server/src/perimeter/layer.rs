//! The perimeter's middleware: the client's address resolved once and kept in the request's
//! extensions, then its rate limits. `by_ip` runs before authentication (so guessing passwords
//! or keys is limited too); `by_principal` runs after it and counts the signed-in user or key.

use std::net::SocketAddr;

use axum::extract::{ConnectInfo, Request, State};
use axum::http::{HeaderValue, header};
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};
use serde_json::json;

use super::ClientIp;
use super::rate_limit::{Bucket, RetryAfter};
use crate::AppState;
use crate::auth::{Principal, Via};
use crate::error::{ApiError, Code};

/// The routes that take a password, a refresh token or an identity provider's answer: limited
/// per address far below everything else.
pub const SIGN_IN_PATHS: [&str; 5] = [
    "/api/auth/login",
    "/api/auth/signup",
    "/api/auth/refresh",
    "/api/auth/oidc/login",
    "/api/auth/oidc/callback",
];

/// Resolves the client's address and counts the request against its address's limits.
pub async fn by_ip(State(state): State<AppState>, mut request: Request, next: Next) -> Response {
    let perimeter = state.perimeter();
    let peer = request
        .extensions()
        .get::<ConnectInfo<SocketAddr>>()
        .map(|c| c.0.ip());
    let client = ClientIp::resolve(
        peer,
        request.headers(),
        perimeter.settings().trusted_proxies,
    );
    request.extensions_mut().insert(client);
    if let Some(ip) = client.0 {
        let limiter = perimeter.limiter();
        if let Err(retry) = limiter.check(Bucket::Ip(ip)).await {
            return too_many(Bucket::Ip(ip), retry);
        }
        if SIGN_IN_PATHS.contains(&request.uri().path())
            && let Err(retry) = limiter.check(Bucket::SignIn(ip)).await
        {
            return too_many(Bucket::SignIn(ip), retry);
        }
    }
    next.run(request).await
}

/// Counts the request against its signed-in user's limit, or its API key's (a key has its
/// own budget, so a runaway script does not lock its owner out of the web UI). The local user
/// of `--no-auth` is not limited beyond its address.
pub async fn by_principal(State(state): State<AppState>, request: Request, next: Next) -> Response {
    let refused = match request.extensions().get::<Principal>() {
        Some(principal) => {
            let bucket = match &principal.via {
                Via::ApiKey { key_id, .. } => Some(Bucket::ApiKey(key_id)),
                Via::Session { .. } => Some(Bucket::User(&principal.user_id)),
                Via::Local => None,
            };
            match bucket {
                Some(bucket) => match state.perimeter().limiter().check(bucket).await {
                    Ok(()) => None,
                    Err(retry) => Some(too_many(bucket, retry)),
                },
                None => None,
            }
        }
        None => None,
    };
    match refused {
        Some(answer) => answer,
        None => next.run(request).await,
    }
}

/// 429 in the error envelope, with `Retry-After` in whole seconds.
pub fn too_many(bucket: Bucket<'_>, retry: RetryAfter) -> Response {
    let secs = retry.secs();
    metrics::counter!("agentry_rate_limit_refusals_total", "limit" => bucket.name().to_string())
        .increment(1);
    let mut response = ApiError::new(
        Code::RateLimited,
        format!("too many requests: try again in {secs} s"),
    )
    .with_details(json!({ "limit": bucket.name(), "retry_after_secs": secs }))
    .into_response();
    response
        .headers_mut()
        .insert(header::RETRY_AFTER, HeaderValue::from(secs));
    response
}
