//! `/api/auth`: sign up, sign in, refresh, sign out (here or everywhere), the signed-in user,
//! password change, and sign-in through an OpenID Connect issuer (`oidc`). A session is a
//! short-lived access token plus a refresh token; with `"session": "cookie"` in the body they
//! are set as HttpOnly SameSite=Strict cookies instead of being answered (`session`).

mod oidc;
pub mod session;

use crate::route_docs::routes;
use agentry_store::AuditAction;
use axum::extract::State;
use axum::http::{HeaderMap, StatusCode};
use axum::response::{IntoResponse, Response};
use serde::Deserialize;
use utoipa::ToSchema;
use utoipa_axum::router::OpenApiRouter;

use self::session::{
    SessionInfo, SessionKind, UserInfo, answer, clear_cookies, hash, refresh_token_of, verify,
};
use crate::AppState;
use crate::audit::Audit;
use crate::auth::enrol::{self, check_password};
use crate::auth::middleware::{REFRESH_COOKIE, cookie};
use crate::auth::{Principal, Role, secret};
use crate::error::{ApiError, ApiResult, Code};
use crate::extract::Json;
use crate::perimeter::ClientIp;

pub fn router() -> OpenApiRouter<AppState> {
    OpenApiRouter::new()
        .routes(routes!(signup))
        .routes(routes!(login))
        .routes(routes!(refresh))
        .routes(routes!(logout))
        .routes(routes!(current_user))
        .routes(routes!(change_password))
        .merge(oidc::router())
}

/// Email and password, and how to hand the session over.
#[derive(Deserialize, ToSchema)]
pub struct SignIn {
    email: String,
    password: String,
    #[serde(default)]
    session: SessionKind,
}

/// Creates an account and signs it in. The first account is an admin and may be made from a
/// loopback server only (elsewhere `agentry user create --admin` makes it); later ones need
/// `allow_signup`.
#[utoipa::path(post, path = "/api/auth/signup", tag = "auth", request_body = SignIn,
    responses((status = 200, description = "the new account's session", body = SessionInfo),
              (status = 400, description = "invalid email or weak password", body = crate::error::ErrorEnvelope),
              (status = 403, description = "sign-up is closed", body = crate::error::ErrorEnvelope),
              (status = 409, description = "the email is taken", body = crate::error::ErrorEnvelope)))]
async fn signup(
    State(state): State<AppState>,
    ip: ClientIp,
    Json(body): Json<SignIn>,
) -> ApiResult<Response> {
    let accounts = state.accounts()?;
    let first = enrol::no_account_yet(accounts.store()).await?;
    if first && !state.is_loopback() {
        return Err(ApiError::new(
            Code::SignupClosed,
            "no account exists yet: create the first admin with `agentry user create --admin EMAIL`",
        ));
    }
    if !first && !accounts.settings.allow_signup {
        return Err(ApiError::new(
            Code::SignupClosed,
            "sign-up is closed on this server: ask an administrator",
        ));
    }
    let user =
        enrol::create_account(accounts.store(), &body.email, body.password, Role::User).await?;
    state
        .audit()
        .record(
            Audit::success(AuditAction::SignUp)
                .by(&user.id)
                .on("user", &user.id)
                .from_ip(ip)
                .detail("role", user.role.clone()),
        )
        .await;
    answer(accounts, &user, body.session).await
}

/// Signs in with email and password. An unknown email and a wrong password get the same
/// answer after the same work (one look-up, one argon2 verify).
#[utoipa::path(post, path = "/api/auth/login", tag = "auth", request_body = SignIn,
    responses((status = 200, description = "a session", body = SessionInfo),
              (status = 401, description = "wrong email or password, or a disabled account", body = crate::error::ErrorEnvelope)))]
async fn login(
    State(state): State<AppState>,
    ip: ClientIp,
    Json(body): Json<SignIn>,
) -> ApiResult<Response> {
    let accounts = state.accounts()?;
    let email = body.email.trim().to_lowercase();
    let found = accounts.store().account_by_email(&email).await?;
    let hash = found.as_ref().and_then(|u| u.password_hash.clone());
    let matches = verify(accounts, body.password, hash).await?;
    let audit = Audit::failure(AuditAction::SignIn).from_ip(ip);
    let user = match found {
        Some(user) if matches => user,
        _ => {
            // The email tried, never the password: it may be the password typed in the
            // wrong field, but an admin needs it to see whom a guessing run is aimed at.
            let audit = audit.detail("email", email).detail("reason", "credentials");
            state.audit().record(audit).await;
            return Err(ApiError::new(
                Code::InvalidCredentials,
                "wrong email or password",
            ));
        }
    };
    if user.disabled {
        let audit = audit.by(&user.id).detail("reason", "disabled");
        state.audit().record(audit).await;
        return Err(ApiError::new(
            Code::AccountDisabled,
            "this account is disabled",
        ));
    }
    let audit = Audit::success(AuditAction::SignIn).by(&user.id).from_ip(ip);
    state.audit().record(audit).await;
    answer(accounts, &user, body.session).await
}

#[derive(Deserialize, ToSchema, Default)]
pub struct RefreshBody {
    /// The refresh token; in cookie mode it comes from the `agentry_refresh` cookie.
    refresh_token: Option<String>,
}

/// Trades a refresh token for a new session; the token is spent (each works once).
#[utoipa::path(post, path = "/api/auth/refresh", tag = "auth", request_body = RefreshBody,
    responses((status = 200, description = "a new session", body = SessionInfo),
              (status = 401, description = "the refresh token is not live", body = crate::error::ErrorEnvelope)))]
async fn refresh(
    State(state): State<AppState>,
    headers: HeaderMap,
    crate::extract::OptionalJson(body): crate::extract::OptionalJson<RefreshBody>,
) -> ApiResult<Response> {
    let accounts = state.accounts()?;
    let (token, kind) = refresh_token_of(&headers, body.refresh_token)?;
    let invalid = || {
        ApiError::new(
            Code::InvalidRefreshToken,
            "the refresh token is not valid: sign in again",
        )
    };
    let user_id = accounts
        .store()
        .spend_refresh_token(&secret::sha256_hex(&token))
        .await?
        .ok_or_else(invalid)?;
    let user = accounts
        .store()
        .account(&user_id)
        .await?
        .ok_or_else(invalid)?;
    if user.disabled {
        return Err(ApiError::new(
            Code::AccountDisabled,
            "this account is disabled",
        ));
    }
    answer(accounts, &user, kind).await
}

/// Which sessions a sign-out ends.
#[derive(Clone, Copy, Debug, Default, Deserialize, ToSchema, PartialEq, Eq)]
#[serde(rename_all = "lowercase")]
pub enum LogoutScope {
    /// This session: its refresh token.
    #[default]
    Local,
    /// Every session and refresh token of the user, access tokens included.
    Global,
}

#[derive(Deserialize, ToSchema, Default)]
pub struct LogoutBody {
    /// The session's refresh token to revoke (cookie mode: the cookie's).
    refresh_token: Option<String>,
    #[serde(default)]
    scope: LogoutScope,
}

/// Signs out: revokes this session's refresh token, or with `scope: "global"` ends every
/// session of the user at once ("sign out everywhere"). Clears the session cookies.
#[utoipa::path(post, path = "/api/auth/logout", tag = "auth", request_body = LogoutBody,
    responses((status = 204, description = "signed out"),
              (status = 401, description = "not signed in", body = crate::error::ErrorEnvelope)))]
async fn logout(
    State(state): State<AppState>,
    principal: Principal,
    ip: ClientIp,
    headers: HeaderMap,
    crate::extract::OptionalJson(body): crate::extract::OptionalJson<LogoutBody>,
) -> ApiResult<Response> {
    let accounts = state.accounts()?;
    let action = match body.scope {
        LogoutScope::Global => {
            accounts.store().end_sessions(&principal.user_id).await?;
            accounts.forget_user(&principal.user_id);
            AuditAction::SignOutEverywhere
        }
        LogoutScope::Local => {
            let token = body
                .refresh_token
                .or_else(|| cookie(&headers, REFRESH_COOKIE).map(str::to_string));
            if let Some(token) = token {
                accounts
                    .store()
                    .revoke_refresh_token(&principal.user_id, &secret::sha256_hex(&token))
                    .await?;
            }
            AuditAction::SignOut
        }
    };
    let audit = Audit::success(action).by(&principal.user_id).from_ip(ip);
    state.audit().record(audit).await;
    Ok((StatusCode::NO_CONTENT, clear_cookies()?).into_response())
}

/// The signed-in user.
#[utoipa::path(get, path = "/api/auth/user", tag = "auth",
    responses((status = 200, description = "the user", body = UserInfo),
              (status = 401, description = "not signed in", body = crate::error::ErrorEnvelope)))]
async fn current_user(
    State(state): State<AppState>,
    principal: Principal,
) -> ApiResult<Json<UserInfo>> {
    let user = state
        .engine
        .store()
        .account(&principal.user_id)
        .await?
        .ok_or_else(|| ApiError::not_found("user not found"))?;
    let mut info = UserInfo::from(&user);
    info.role = principal.role;
    Ok(Json(info))
}

#[derive(Deserialize, ToSchema)]
pub struct PasswordChange {
    current_password: String,
    new_password: String,
    #[serde(default)]
    session: SessionKind,
}

/// Changes the password, ends every session of the user (refresh tokens and access tokens),
/// and answers a new one.
#[utoipa::path(post, path = "/api/auth/password", tag = "auth", request_body = PasswordChange,
    responses((status = 200, description = "a new session", body = SessionInfo),
              (status = 400, description = "weak password", body = crate::error::ErrorEnvelope),
              (status = 401, description = "wrong current password", body = crate::error::ErrorEnvelope)))]
async fn change_password(
    State(state): State<AppState>,
    principal: Principal,
    ip: ClientIp,
    Json(body): Json<PasswordChange>,
) -> ApiResult<Response> {
    let accounts = state.accounts()?;
    let user = accounts
        .store()
        .account(&principal.user_id)
        .await?
        .ok_or_else(|| ApiError::not_found("user not found"))?;
    let audit = Audit::failure(AuditAction::PasswordChange)
        .by(&user.id)
        .from_ip(ip);
    if !verify(accounts, body.current_password, user.password_hash.clone()).await? {
        state.audit().record(audit).await;
        return Err(ApiError::new(
            Code::InvalidCredentials,
            "the current password is wrong",
        ));
    }
    check_password(&body.new_password, &user.email)?;
    let password_hash = hash(body.new_password).await?;
    let user = accounts
        .store()
        .set_password(&user.id, &password_hash)
        .await?;
    accounts.forget_user(&user.id);
    let audit = Audit::success(AuditAction::PasswordChange)
        .by(&user.id)
        .from_ip(ip);
    state.audit().record(audit).await;
    answer(accounts, &user, body.session).await
}
