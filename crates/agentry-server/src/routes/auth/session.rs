//! What the sign-in routes share: the session answer (tokens in the body, or HttpOnly cookies
//! plus a CSRF token for the web UI), the refresh token of a request, and password checks
//! moved off the async workers.

use std::sync::Arc;

use agentry_store::entity::user;
use axum::http::header::SET_COOKIE;
use axum::http::{HeaderMap, HeaderValue, StatusCode};
use axum::response::{IntoResponse, Response};
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

pub use crate::auth::enrol::hash;
use crate::auth::middleware::{CSRF_COOKIE, CSRF_HEADER, REFRESH_COOKIE, SESSION_COOKIE, cookie};
use crate::auth::{Accounts, Role, secret};
use crate::error::{ApiError, ApiResult, Code};
use crate::extract::Json;

/// The refresh cookie is sent to the sign-in routes only, never with ordinary API calls.
const REFRESH_COOKIE_PATH: &str = "/api/auth";

/// How a session is handed over: in the answer (default) or as cookies.
#[derive(Clone, Copy, Debug, Default, Deserialize, ToSchema, PartialEq, Eq)]
#[serde(rename_all = "lowercase")]
pub enum SessionKind {
    #[default]
    Token,
    /// HttpOnly SameSite=Strict cookies; state-changing requests then send `X-CSRF-Token`.
    Cookie,
}

/// The signed-in user.
#[derive(Debug, Serialize, ToSchema)]
pub struct UserInfo {
    pub id: String,
    pub email: String,
    pub role: Role,
}

impl From<&user::Model> for UserInfo {
    fn from(u: &user::Model) -> Self {
        UserInfo {
            id: u.id.clone(),
            email: u.email.clone(),
            role: Role::parse(&u.role).unwrap_or(Role::User),
        }
    }
}

/// A new session. In cookie mode the tokens are in cookies and `csrf_token` is set instead.
#[derive(Serialize, ToSchema)]
pub struct SessionInfo {
    #[serde(skip_serializing_if = "Option::is_none")]
    access_token: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    refresh_token: Option<String>,
    /// Seconds the access token is valid.
    expires_in: u64,
    user: UserInfo,
    /// Cookie mode: send this in `X-CSRF-Token` on POST, PUT, PATCH and DELETE.
    #[serde(skip_serializing_if = "Option::is_none")]
    csrf_token: Option<String>,
}

/// Checks `password` against `hash`; without a hash (unknown email) spends the same time
/// against the dummy hash and answers false.
pub async fn verify(
    accounts: &Arc<Accounts>,
    password: String,
    hash: Option<String>,
) -> ApiResult<bool> {
    let accounts = accounts.clone();
    tokio::task::spawn_blocking(move || match hash {
        Some(hash) => secret::verify_password(&password, &hash),
        None => {
            accounts.verify_dummy(&password);
            false
        }
    })
    .await
    .map_err(ApiError::internal)
}

/// Issues a session for `user` and answers it as `kind` asks.
pub async fn answer(
    accounts: &Accounts,
    user: &user::Model,
    kind: SessionKind,
) -> ApiResult<Response> {
    let issued = accounts.issue(user).await?;
    let mut info = SessionInfo {
        access_token: Some(issued.access_token.clone()),
        refresh_token: Some(issued.refresh_token.clone()),
        expires_in: issued.expires_in,
        user: user.into(),
        csrf_token: None,
    };
    let mut headers = HeaderMap::new();
    if kind == SessionKind::Cookie {
        let csrf = secret::random_token(24);
        let secure = if accounts.settings.cookie_secure {
            "; Secure"
        } else {
            ""
        };
        let refresh_age = accounts.settings.refresh_ttl.as_secs();
        let cookies = [
            format!(
                "{SESSION_COOKIE}={}; HttpOnly; SameSite=Strict; Path=/; Max-Age={}{secure}",
                issued.access_token, issued.expires_in
            ),
            format!(
                "{REFRESH_COOKIE}={}; HttpOnly; SameSite=Strict; Path={REFRESH_COOKIE_PATH}; Max-Age={refresh_age}{secure}",
                issued.refresh_token
            ),
            // Readable by the page's script (not HttpOnly): it copies it into X-CSRF-Token.
            format!("{CSRF_COOKIE}={csrf}; SameSite=Strict; Path=/; Max-Age={refresh_age}{secure}"),
        ];
        for cookie in cookies {
            headers.append(
                SET_COOKIE,
                HeaderValue::from_str(&cookie).map_err(ApiError::internal)?,
            );
        }
        info.access_token = None;
        info.refresh_token = None;
        info.csrf_token = Some(csrf);
    }
    Ok((StatusCode::OK, headers, Json(info)).into_response())
}

/// `Set-Cookie` headers that remove the session cookies.
pub fn clear_cookies() -> ApiResult<HeaderMap> {
    let mut out = HeaderMap::new();
    for (name, path) in [
        (SESSION_COOKIE, "/"),
        (REFRESH_COOKIE, REFRESH_COOKIE_PATH),
        (CSRF_COOKIE, "/"),
    ] {
        let clear = format!("{name}=; SameSite=Strict; Path={path}; Max-Age=0");
        out.append(
            SET_COOKIE,
            HeaderValue::from_str(&clear).map_err(ApiError::internal)?,
        );
    }
    Ok(out)
}

/// The refresh token of a request: the body's, or the cookie's. The cookie comes with any
/// request the browser makes to `/api/auth`, so using it needs the CSRF header too.
pub fn refresh_token_of(
    headers: &HeaderMap,
    body: Option<String>,
) -> ApiResult<(String, SessionKind)> {
    if let Some(token) = body {
        return Ok((token, SessionKind::Token));
    }
    let Some(token) = cookie(headers, REFRESH_COOKIE) else {
        return Err(ApiError::new(
            Code::InvalidRefreshToken,
            "send `refresh_token`",
        ));
    };
    let sent = headers.get(CSRF_HEADER).and_then(|v| v.to_str().ok());
    let csrf_ok = match (cookie(headers, CSRF_COOKIE), sent) {
        (Some(c), Some(h)) => !c.is_empty() && secret::same(c, h),
        _ => false,
    };
    if !csrf_ok {
        return Err(ApiError::new(
            Code::CsrfFailed,
            "send the `agentry_csrf` cookie's value in `X-CSRF-Token`",
        ));
    }
    Ok((token.to_string(), SessionKind::Cookie))
}
