//! Users' credentials for blocks on AutoGPT's paths (`/api/integrations/...`): create, list,
//! read the metadata of and delete credentials, and the OAuth2 login and callback. No answer
//! carries a secret; malformed bodies are refused without echoing what was sent.

use std::collections::BTreeMap;

use crate::route_docs::routes;
use agentry_core::SecretString;
use agentry_engine::integrations::{CredentialView, NewSecret};
use agentry_store::AuditAction;
use axum::extract::State;
use axum::http::StatusCode;
use serde::{Deserialize, Serialize};
use serde_json::Value;
use utoipa::{IntoParams, ToSchema};
use utoipa_axum::router::OpenApiRouter;

use crate::AppState;
use crate::audit::Audit;
use crate::auth::Principal;
use crate::error::{ApiError, ApiResult, Code, ErrorEnvelope};
use crate::extract::{Json, Path, Query};
use crate::perimeter::ClientIp;

pub fn router() -> OpenApiRouter<AppState> {
    OpenApiRouter::new()
        .routes(routes!(list_all))
        .routes(routes!(list_provider, create))
        .routes(routes!(get_meta, delete))
        .routes(routes!(login))
        .routes(routes!(callback))
}

/// AutoGPT's `CredentialsMetaResponse`: a credential without its secret.
#[derive(Debug, Serialize, ToSchema)]
pub struct CredentialsMetaResponse {
    pub id: String,
    pub provider: String,
    /// api_key, oauth2, user_password or host_scoped.
    #[serde(rename = "type")]
    pub kind: String,
    pub title: Option<String>,
    pub scopes: Option<Vec<String>>,
    pub username: Option<String>,
    pub host: Option<String>,
    /// When the key or access token expires, in seconds since the epoch.
    pub expires_at: Option<i64>,
}

impl From<CredentialView> for CredentialsMetaResponse {
    fn from(v: CredentialView) -> Self {
        CredentialsMetaResponse {
            id: v.id,
            provider: v.provider,
            kind: v.kind,
            title: v.title,
            scopes: v.scopes,
            username: v.username,
            host: v.host,
            expires_at: v.expires_at,
        }
    }
}

/// A credential to store, as AutoGPT's `APIKeyCredentials`, `UserPasswordCredentials` or
/// `HostScopedCredentials` (by `type`). OAuth2 credentials come from a login instead.
#[derive(Debug, Deserialize, ToSchema)]
pub struct CreateCredentials {
    /// Must be the path's provider when given.
    #[serde(default)]
    pub provider: Option<String>,
    #[serde(default)]
    pub title: Option<String>,
    #[serde(flatten)]
    pub secret: SecretBody,
}

#[derive(Deserialize, ToSchema)]
#[serde(tag = "type", rename_all = "snake_case")]
pub enum SecretBody {
    ApiKey {
        api_key: String,
        #[serde(default)]
        expires_at: Option<i64>,
    },
    UserPassword {
        username: String,
        password: String,
    },
    HostScoped {
        host: String,
        headers: BTreeMap<String, String>,
    },
}

impl std::fmt::Debug for SecretBody {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("SecretBody(<redacted>)")
    }
}

impl From<SecretBody> for NewSecret {
    fn from(body: SecretBody) -> Self {
        match body {
            SecretBody::ApiKey {
                api_key,
                expires_at,
            } => NewSecret::ApiKey {
                api_key: SecretString::new(api_key),
                expires_at,
            },
            SecretBody::UserPassword { username, password } => NewSecret::UserPassword {
                username,
                password: SecretString::new(password),
            },
            SecretBody::HostScoped { host, headers } => NewSecret::HostScoped {
                host,
                headers: headers
                    .into_iter()
                    .map(|(k, v)| (k, SecretString::new(v)))
                    .collect(),
            },
        }
    }
}

/// AutoGPT's `CredentialsDeletionResponse`.
#[derive(Debug, Serialize, ToSchema)]
pub struct CredentialsDeletionResponse {
    pub deleted: bool,
    /// Whether the provider revoked the tokens (not asked: `null`).
    pub revoked: Option<bool>,
}

/// AutoGPT's `LoginResponse`.
#[derive(Debug, Serialize, ToSchema)]
pub struct LoginResponse {
    /// Where to send the user to sign in with the provider.
    pub login_url: String,
    /// The `state` the callback must bring back (single use, ten minutes).
    pub state_token: String,
}

#[derive(Debug, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct LoginQuery {
    /// Scopes to ask for, comma-separated; the operator's defaults when absent.
    pub scopes: Option<String>,
}

/// What the provider sent back to the web UI's callback page.
#[derive(Deserialize, ToSchema)]
pub struct CallbackBody {
    pub code: String,
    pub state_token: String,
}

/// The user's credentials of every provider (metadata only).
#[utoipa::path(get, path = "/api/integrations/credentials", tag = "integrations",
    responses((status = 200, description = "credentials metadata", body = Vec<CredentialsMetaResponse>)))]
async fn list_all(
    State(state): State<AppState>,
    principal: Principal,
) -> ApiResult<Json<Vec<CredentialsMetaResponse>>> {
    let views = state.engine.vault().list(&principal.user_id, None).await?;
    Ok(Json(views.into_iter().map(Into::into).collect()))
}

/// The user's credentials for one provider (metadata only).
#[utoipa::path(get, path = "/api/integrations/{provider}/credentials", tag = "integrations",
    params(("provider" = String, Path, description = "provider name")),
    responses((status = 200, description = "credentials metadata", body = Vec<CredentialsMetaResponse>)))]
async fn list_provider(
    State(state): State<AppState>,
    principal: Principal,
    Path(provider): Path<String>,
) -> ApiResult<Json<Vec<CredentialsMetaResponse>>> {
    let views = state
        .engine
        .vault()
        .list(&principal.user_id, Some(&provider))
        .await?;
    Ok(Json(views.into_iter().map(Into::into).collect()))
}

/// Stores a credential, encrypted; answers its metadata, never the secret.
#[utoipa::path(post, path = "/api/integrations/{provider}/credentials", tag = "integrations",
    params(("provider" = String, Path, description = "provider name")),
    request_body = CreateCredentials,
    responses((status = 201, description = "the stored credential's metadata", body = CredentialsMetaResponse),
              (status = 400, description = "malformed credentials", body = ErrorEnvelope),
              (status = 503, description = "no encryption key is configured", body = ErrorEnvelope)))]
async fn create(
    State(state): State<AppState>,
    principal: Principal,
    ip: ClientIp,
    Path(provider): Path<String>,
    Json(body): Json<Value>,
) -> ApiResult<(StatusCode, Json<CredentialsMetaResponse>)> {
    let body: CreateCredentials = serde_json::from_value(body).map_err(|e| {
        // serde's "invalid type/value" messages quote the value sent, which may be a secret.
        let message = e.to_string();
        let message = if message.starts_with("invalid type") || message.starts_with("invalid value")
        {
            "a field has the wrong type; send {\"type\": \"api_key\", \"api_key\": \"…\"}, \
             {\"type\": \"user_password\", \"username\", \"password\"} or \
             {\"type\": \"host_scoped\", \"host\", \"headers\": {…}}"
                .to_string()
        } else {
            format!("invalid credentials: {message}")
        };
        ApiError::new(Code::InvalidCredentialsRequest, message)
    })?;
    if let Some(given) = body.provider.as_deref()
        && given != provider
    {
        return Err(ApiError::new(
            Code::InvalidCredentialsRequest,
            format!("the body's provider {given:?} differs from the path's {provider:?}"),
        ));
    }
    let view = state
        .engine
        .vault()
        .create(
            &principal.user_id,
            &provider,
            body.title,
            body.secret.into(),
        )
        .await?;
    state
        .audit()
        .record(
            Audit::success(AuditAction::CredentialCreate)
                .by(&principal.user_id)
                .on("credential", &view.id)
                .from_ip(ip)
                .detail("provider", provider.as_str())
                .detail("type", view.kind.as_str()),
        )
        .await;
    Ok((StatusCode::CREATED, Json(view.into())))
}

/// One credential's metadata.
#[utoipa::path(get, path = "/api/integrations/{provider}/credentials/{cred_id}", tag = "integrations",
    params(("provider" = String, Path, description = "provider name"),
           ("cred_id" = String, Path, description = "credentials id")),
    responses((status = 200, description = "the credential's metadata", body = CredentialsMetaResponse),
              (status = 404, description = "no such credentials", body = ErrorEnvelope)))]
async fn get_meta(
    State(state): State<AppState>,
    principal: Principal,
    Path((provider, id)): Path<(String, String)>,
) -> ApiResult<Json<CredentialsMetaResponse>> {
    let view = state
        .engine
        .vault()
        .meta(&principal.user_id, &provider, &id)
        .await?;
    Ok(Json(view.into()))
}

/// Deletes a credential.
#[utoipa::path(delete, path = "/api/integrations/{provider}/credentials/{cred_id}", tag = "integrations",
    params(("provider" = String, Path, description = "provider name"),
           ("cred_id" = String, Path, description = "credentials id")),
    responses((status = 200, description = "deleted", body = CredentialsDeletionResponse),
              (status = 404, description = "no such credentials", body = ErrorEnvelope)))]
async fn delete(
    State(state): State<AppState>,
    principal: Principal,
    ip: ClientIp,
    Path((provider, id)): Path<(String, String)>,
) -> ApiResult<Json<CredentialsDeletionResponse>> {
    state
        .engine
        .vault()
        .delete(&principal.user_id, &provider, &id)
        .await?;
    state
        .audit()
        .record(
            Audit::success(AuditAction::CredentialDelete)
                .by(&principal.user_id)
                .on("credential", &id)
                .from_ip(ip)
                .detail("provider", provider.as_str()),
        )
        .await;
    Ok(Json(CredentialsDeletionResponse {
        deleted: true,
        revoked: None,
    }))
}

/// Starts an OAuth2 login with a provider the operator configured (PKCE, single-use state).
#[utoipa::path(get, path = "/api/integrations/{provider}/login", tag = "integrations",
    operation_id = "integrations_login",
    params(("provider" = String, Path, description = "provider name"), LoginQuery),
    responses((status = 200, description = "where to send the user", body = LoginResponse),
              (status = 400, description = "OAuth2 is not configured for the provider", body = ErrorEnvelope)))]
async fn login(
    State(state): State<AppState>,
    principal: Principal,
    Path(provider): Path<String>,
    Query(q): Query<LoginQuery>,
) -> ApiResult<Json<LoginResponse>> {
    let scopes = q.scopes.map(|s| {
        s.split(',')
            .map(str::trim)
            .filter(|s| !s.is_empty())
            .map(String::from)
            .collect()
    });
    let start = state
        .engine
        .vault()
        .login(&principal.user_id, &provider, scopes)
        .await?;
    Ok(Json(LoginResponse {
        login_url: start.login_url,
        state_token: start.state_token,
    }))
}

/// Finishes an OAuth2 login: exchanges the code and stores the tokens as new credentials.
#[utoipa::path(post, path = "/api/integrations/{provider}/callback", tag = "integrations",
    params(("provider" = String, Path, description = "provider name")),
    request_body = CallbackBody,
    responses((status = 200, description = "the new credential's metadata", body = CredentialsMetaResponse),
              (status = 400, description = "unknown, expired or used state", body = ErrorEnvelope),
              (status = 502, description = "the provider refused the code", body = ErrorEnvelope)))]
async fn callback(
    State(state): State<AppState>,
    principal: Principal,
    Path(provider): Path<String>,
    Json(body): Json<CallbackBody>,
) -> ApiResult<Json<CredentialsMetaResponse>> {
    let view = state
        .engine
        .vault()
        .callback(&principal.user_id, &provider, &body.code, &body.state_token)
        .await?;
    Ok(Json(view.into()))
}
