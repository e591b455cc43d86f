//! `/api/api-keys` (AutoGPT's paths): create a key (the whole key is answered once; only its
//! keyed hash is stored), list keys (prefix, permissions and last use, never the key), show
//! one, revoke one. Managing keys takes a signed-in session: a key cannot mint keys
//! (`auth/permission.rs`). A revoke stops the key at once in this process (its cache entry is
//! forgotten) and within seconds in the others.

use crate::route_docs::routes;
use agentry_store::AuditAction;
use agentry_store::entity::api_key;
use axum::extract::State;
use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};
use serde_json::json;
use utoipa::ToSchema;
use utoipa_axum::router::OpenApiRouter;

use crate::AppState;
use crate::audit::Audit;
use crate::auth::{Permission, Principal, secret};
use crate::error::{ApiError, ApiResult, Code, ErrorEnvelope};
use crate::extract::{Json, Path};
use crate::perimeter::ClientIp;

/// A name longer than this is refused (it is shown in lists, not a place for data).
const MAX_NAME_LEN: usize = 200;

pub fn router() -> OpenApiRouter<AppState> {
    OpenApiRouter::new()
        .routes(routes!(create_api_key, list_api_keys))
        .routes(routes!(get_api_key, revoke_api_key))
}

/// AutoGPT's key statuses (we have no suspended keys).
#[derive(Serialize, ToSchema)]
#[serde(rename_all = "SCREAMING_SNAKE_CASE")]
pub enum ApiKeyStatus {
    Active,
    Revoked,
}

/// A key as lists show it: never the key itself.
#[derive(Serialize, ToSchema)]
pub struct ApiKeyView {
    id: String,
    name: String,
    /// The key's first characters (`agk_` and its id), to recognise it.
    prefix: String,
    status: ApiKeyStatus,
    permissions: Vec<Permission>,
    created_at: DateTime<Utc>,
    last_used_at: Option<DateTime<Utc>>,
    revoked_at: Option<DateTime<Utc>>,
}

impl From<&api_key::Model> for ApiKeyView {
    fn from(k: &api_key::Model) -> Self {
        ApiKeyView {
            id: k.id.clone(),
            name: k.name.clone(),
            prefix: format!("{}{}", secret::API_KEY_PREFIX, k.id),
            status: if k.revoked_at.is_some() {
                ApiKeyStatus::Revoked
            } else {
                ApiKeyStatus::Active
            },
            permissions: k
                .permissions
                .split(',')
                .filter_map(Permission::parse)
                .collect(),
            created_at: k.created_at,
            last_used_at: k.last_used_at,
            revoked_at: k.revoked_at,
        }
    }
}

/// A new key's name and what it may do (AutoGPT's permission names).
#[derive(Deserialize, ToSchema)]
pub struct NewApiKey {
    name: String,
    permissions: Vec<String>,
    /// Accepted for AutoGPT compatibility; not stored.
    #[serde(default)]
    #[allow(dead_code)]
    description: Option<String>,
}

/// The created key: `plain_text_key` is shown this once.
#[derive(Serialize, ToSchema)]
pub struct CreatedApiKey {
    api_key: ApiKeyView,
    plain_text_key: String,
}

fn parse_permissions(names: &[String]) -> ApiResult<Vec<Permission>> {
    let known = || json!({ "known": Permission::ALL.map(Permission::as_str) });
    if names.is_empty() {
        return Err(ApiError::new(
            Code::InvalidPermissions,
            "give the key at least one permission",
        )
        .with_details(known()));
    }
    let mut out: Vec<Permission> = Vec::new();
    for name in names {
        let p = Permission::parse(name).ok_or_else(|| {
            ApiError::new(
                Code::InvalidPermissions,
                format!("`{name}` is not a permission"),
            )
            .with_details(known())
        })?;
        if !out.contains(&p) {
            out.push(p);
        }
    }
    Ok(out)
}

/// Creates a key. Its whole text is in this answer only.
#[utoipa::path(post, path = "/api/api-keys", tag = "api-keys", request_body = NewApiKey,
    responses((status = 200, body = CreatedApiKey),
              (status = 400, description = "unknown permission or bad name", body = ErrorEnvelope)))]
async fn create_api_key(
    State(state): State<AppState>,
    principal: Principal,
    ip: ClientIp,
    Json(body): Json<NewApiKey>,
) -> ApiResult<Json<CreatedApiKey>> {
    let accounts = state.accounts()?;
    let name = body.name.trim();
    if name.is_empty() || name.chars().count() > MAX_NAME_LEN {
        return Err(ApiError::new(
            Code::InvalidBody,
            format!("`name` takes 1 to {MAX_NAME_LEN} characters"),
        ));
    }
    let permissions = parse_permissions(&body.permissions)?;
    let (id, key) = secret::new_api_key();
    let stored = accounts
        .store()
        .add_api_key(api_key::Model {
            id,
            user_id: principal.user_id.clone(),
            name: name.to_string(),
            key_hash: accounts.api_key_hash(&key),
            permissions: permissions
                .iter()
                .map(|p| p.as_str())
                .collect::<Vec<_>>()
                .join(","),
            created_at: Utc::now(),
            last_used_at: None,
            revoked_at: None,
        })
        .await?;
    let audit = Audit::success(AuditAction::ApiKeyCreate)
        .by(&principal.user_id)
        .on("api_key", &stored.id)
        .from_ip(ip)
        .detail("permissions", stored.permissions.clone());
    state.audit().record(audit).await;
    Ok(Json(CreatedApiKey {
        api_key: ApiKeyView::from(&stored),
        plain_text_key: key,
    }))
}

/// The user's keys, newest first, revoked ones included.
#[utoipa::path(get, path = "/api/api-keys", tag = "api-keys",
    responses((status = 200, body = Vec<ApiKeyView>)))]
async fn list_api_keys(
    State(state): State<AppState>,
    principal: Principal,
) -> ApiResult<Json<Vec<ApiKeyView>>> {
    let keys = state
        .accounts()?
        .store()
        .list_api_keys(&principal.user_id)
        .await?;
    Ok(Json(keys.iter().map(ApiKeyView::from).collect()))
}

/// One of the user's keys.
#[utoipa::path(get, path = "/api/api-keys/{key_id}", tag = "api-keys",
    params(("key_id" = String, Path)),
    responses((status = 200, body = ApiKeyView),
              (status = 404, description = "no such key of the user", body = ErrorEnvelope)))]
async fn get_api_key(
    State(state): State<AppState>,
    principal: Principal,
    Path(key_id): Path<String>,
) -> ApiResult<Json<ApiKeyView>> {
    let keys = state
        .accounts()?
        .store()
        .list_api_keys(&principal.user_id)
        .await?;
    keys.iter()
        .find(|k| k.id == key_id)
        .map(|k| Json(ApiKeyView::from(k)))
        .ok_or_else(|| ApiError::not_found("API key not found"))
}

/// Revokes one of the user's keys; it stops working at once.
#[utoipa::path(delete, path = "/api/api-keys/{key_id}", tag = "api-keys",
    params(("key_id" = String, Path)),
    responses((status = 200, body = ApiKeyView),
              (status = 404, description = "no such key of the user", body = ErrorEnvelope)))]
async fn revoke_api_key(
    State(state): State<AppState>,
    principal: Principal,
    ip: ClientIp,
    Path(key_id): Path<String>,
) -> ApiResult<Json<ApiKeyView>> {
    let accounts = state.accounts()?;
    let revoked = accounts
        .store()
        .revoke_api_key(&principal.user_id, &key_id)
        .await?;
    accounts.forget_key(&key_id);
    let audit = Audit::success(AuditAction::ApiKeyRevoke)
        .by(&principal.user_id)
        .on("api_key", &key_id)
        .from_ip(ip);
    state.audit().record(audit).await;
    Ok(Json(ApiKeyView::from(&revoked)))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn permissions_are_autogpt_names() {
        let parsed = parse_permissions(&["READ_GRAPH".into(), "READ_GRAPH".into()]).unwrap();
        assert_eq!(parsed, vec![Permission::ReadGraph]);
        let e = parse_permissions(&["READ_EVERYTHING".into()]).unwrap_err();
        assert_eq!(e.code, Code::InvalidPermissions);
        assert!(parse_permissions(&[]).is_err());
    }
}
