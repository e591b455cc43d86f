//! `/api/auth/oidc`: sign-in through the configured OpenID Connect issuer (`crate::oidc` does
//! the protocol: PKCE, nonce, single-use state, ID token checks). `login` redirects the browser
//! to the issuer; `callback` takes the code back and answers a session like `/api/auth/login`,
//! or, for a sign-in the web app started with `?session=cookie`, sets the session cookies and
//! sends the browser back to the app.
//! The identity is found by its link (issuer and subject), else linked to the account with its
//! verified email, else (when `create_accounts` is on) given a new account.

use crate::route_docs::routes;
use agentry_store::entity::user;
use agentry_store::{AuditAction, NewAccount};
use axum::extract::State;
use axum::http::{HeaderMap, HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};
use serde::Deserialize;
use utoipa::IntoParams;
use utoipa_axum::router::OpenApiRouter;

use super::session::{SessionInfo, SessionKind, answer, hash};
use crate::AppState;
use crate::audit::Audit;
use crate::auth::middleware::cookie;
use crate::auth::{Role, secret};
use crate::error::{ApiError, ApiResult, Code};
use crate::extract::Query;
use crate::oidc::{OidcError, OidcProvider, VerifiedIdentity};
use crate::perimeter::ClientIp;

pub fn router() -> OpenApiRouter<AppState> {
    OpenApiRouter::new()
        .routes(routes!(oidc_login))
        .routes(routes!(oidc_callback))
}

impl From<OidcError> for ApiError {
    fn from(e: OidcError) -> Self {
        let message = e.to_string();
        match e {
            OidcError::NotConfigured => ApiError::new(Code::OidcNotConfigured, message),
            OidcError::UnknownState => ApiError::new(Code::OidcStateUnknown, message),
            OidcError::Refused(_) => ApiError::new(Code::OidcRefused, message),
            OidcError::InvalidIdToken(_) => ApiError::new(Code::OidcInvalidIdToken, message),
            OidcError::NoVerifiedEmail => ApiError::new(Code::OidcNoVerifiedEmail, message),
            OidcError::Issuer(cause) | OidcError::Settings(cause) => {
                tracing::warn!(error = %cause, "OIDC issuer failed");
                ApiError::new(
                    Code::OidcUnavailable,
                    "the identity provider could not be reached or answered badly",
                )
            }
            OidcError::Store(e) => e.into(),
        }
    }
}

fn provider(state: &AppState) -> ApiResult<&OidcProvider> {
    state.accounts()?;
    state
        .perimeter()
        .oidc()
        .ok_or_else(|| OidcError::NotConfigured.into())
}

/// Remembers, between `login` and `callback`, that the web app asked for a cookie session.
/// It only chooses how the session is handed over; the sign-in itself is bound to the state
/// and PKCE verifier. `Lax`, since the issuer's redirect back is a cross-site navigation.
const MODE_COOKIE: &str = "agentry_oidc_session";
const MODE_COOKIE_PATH: &str = "/api/auth/oidc";

/// How the finished sign-in is handed over.
#[derive(Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct LoginParams {
    /// `cookie`: the callback sets the session cookies and redirects to the app (`/`);
    /// `token` (default): the callback answers the session as JSON.
    session: Option<SessionKind>,
}

/// Starts a sign-in at the issuer: answers 303 to its authorization page.
#[utoipa::path(get, path = "/api/auth/oidc/login", tag = "auth", params(LoginParams),
    responses((status = 303, description = "to the identity provider"),
              (status = 404, description = "OIDC is not configured", body = crate::error::ErrorEnvelope)))]
async fn oidc_login(
    State(state): State<AppState>,
    Query(params): Query<LoginParams>,
) -> ApiResult<Response> {
    let provider = provider(&state)?;
    let url = provider.begin(state.engine.store()).await?;
    let location = HeaderValue::from_str(&url).map_err(ApiError::internal)?;
    let mode = match params.session.unwrap_or_default() {
        SessionKind::Cookie => format!(
            "{MODE_COOKIE}=cookie; HttpOnly; SameSite=Lax; Path={MODE_COOKIE_PATH}; Max-Age=900"
        ),
        SessionKind::Token => {
            format!("{MODE_COOKIE}=; HttpOnly; SameSite=Lax; Path={MODE_COOKIE_PATH}; Max-Age=0")
        }
    };
    let mode = HeaderValue::from_str(&mode).map_err(ApiError::internal)?;
    Ok((
        StatusCode::SEE_OTHER,
        [(header::LOCATION, location), (header::SET_COOKIE, mode)],
    )
        .into_response())
}

/// What the issuer sends the browser back with.
#[derive(Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct CallbackParams {
    code: Option<String>,
    state: Option<String>,
    /// Set instead of `code` when the issuer refused (the user declined, for one).
    error: Option<String>,
}

/// Ends a sign-in: exchanges the code, checks the ID token, and answers a session.
#[utoipa::path(get, path = "/api/auth/oidc/callback", tag = "auth", params(CallbackParams),
    responses((status = 200, description = "a session", body = SessionInfo),
              (status = 303, description = "a sign-in started with `session=cookie`: the session cookies are set, and the browser goes to the app"),
              (status = 400, description = "unknown state, refused code or invalid ID token", body = crate::error::ErrorEnvelope),
              (status = 403, description = "no account has this email", body = crate::error::ErrorEnvelope)))]
async fn oidc_callback(
    State(state): State<AppState>,
    ip: ClientIp,
    headers: HeaderMap,
    Query(params): Query<CallbackParams>,
) -> ApiResult<Response> {
    let kind = match cookie(&headers, MODE_COOKIE) {
        Some("cookie") => SessionKind::Cookie,
        _ => SessionKind::Token,
    };
    let provider = provider(&state)?;
    let accounts = state.accounts()?;
    if let Some(error) = params.error {
        return Err(OidcError::Refused(error).into());
    }
    let (Some(code), Some(login_state)) = (params.code, params.state) else {
        return Err(OidcError::UnknownState.into());
    };
    let audit = Audit::failure(AuditAction::SignIn)
        .from_ip(ip)
        .detail("via", "oidc");
    let identity = match provider.finish(accounts.store(), &code, &login_state).await {
        Ok(identity) => identity,
        Err(e) => {
            let audit = audit.clone().detail("reason", e.to_string());
            state.audit().record(audit).await;
            return Err(e.into());
        }
    };
    let user = account_for(&state, provider, &identity, ip).await?;
    if user.disabled {
        state.audit().record(audit.by(&user.id)).await;
        return Err(ApiError::new(
            Code::AccountDisabled,
            "this account is disabled",
        ));
    }
    let audit = Audit::success(AuditAction::SignIn)
        .by(&user.id)
        .from_ip(ip)
        .detail("via", "oidc");
    state.audit().record(audit).await;
    let mut session = answer(accounts, &user, kind).await?;
    if kind == SessionKind::Cookie {
        // The cookies are set; the browser goes back to the app, signed in.
        *session.status_mut() = StatusCode::SEE_OTHER;
        let headers = session.headers_mut();
        headers.insert(header::LOCATION, HeaderValue::from_static("/"));
        let spent =
            format!("{MODE_COOKIE}=; HttpOnly; SameSite=Lax; Path={MODE_COOKIE_PATH}; Max-Age=0");
        headers.append(
            header::SET_COOKIE,
            HeaderValue::from_str(&spent).map_err(ApiError::internal)?,
        );
    }
    Ok(session)
}

/// The account of a verified identity: linked before, linked now by email, or created.
async fn account_for(
    state: &AppState,
    provider: &OidcProvider,
    identity: &VerifiedIdentity,
    ip: ClientIp,
) -> ApiResult<user::Model> {
    let store = state.engine.store();
    if let Some(user_id) = store
        .oidc_identity_user(&identity.issuer, &identity.subject)
        .await?
        && let Some(user) = store.account(&user_id).await?
    {
        return Ok(user);
    }
    let user = match store.account_by_email(&identity.email).await? {
        Some(user) => user,
        None if provider.settings().create_accounts => {
            // No password anyone knows: this account signs in through the issuer only,
            // until its owner sets one.
            let unusable = hash(secret::random_token(32)).await?;
            let new = NewAccount {
                email: &identity.email,
                password_hash: &unusable,
                role: Role::User.as_str(),
            };
            let user = store.create_account(new, false).await?;
            let audit = Audit::success(AuditAction::SignUp)
                .by(&user.id)
                .on("user", &user.id)
                .from_ip(ip)
                .detail("via", "oidc");
            state.audit().record(audit).await;
            user
        }
        None => {
            return Err(ApiError::new(
                Code::OidcNoAccount,
                "no account has this email: ask an administrator for one",
            ));
        }
    };
    store
        .link_oidc_identity(
            &user.id,
            &identity.issuer,
            &identity.subject,
            &identity.email,
        )
        .await?;
    let audit = Audit::success(AuditAction::OidcLink)
        .by(&user.id)
        .on("user", &user.id)
        .from_ip(ip)
        .detail("issuer", identity.issuer.clone());
    state.audit().record(audit).await;
    Ok(user)
}
