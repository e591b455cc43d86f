//! `/api/admin/users`: administrators list accounts, change roles, and disable or enable an
//! account. A change takes effect at once in this process (its cached user state is
//! forgotten, so the next request with the user's token or API key is refused) and within a
//! few seconds in the others; disabling also ends every session of the account. No change may
//! leave the server without an enabled admin.

use crate::route_docs::routes;
use agentry_store::AuditAction;
use agentry_store::entity::user;
use axum::extract::State;
use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;
use utoipa_axum::router::OpenApiRouter;

use crate::AppState;
use crate::audit::Audit;
use crate::auth::{Admin, Role};
use crate::error::{ApiError, ApiResult, Code, ErrorEnvelope};
use crate::extract::{Json, Path};
use crate::perimeter::ClientIp;

pub fn router() -> OpenApiRouter<AppState> {
    OpenApiRouter::new()
        .routes(routes!(list_users))
        .routes(routes!(update_user))
        .merge(super::admin_audit::router())
}

/// An account as administrators see it.
#[derive(Serialize, ToSchema)]
pub struct AccountView {
    id: String,
    email: String,
    role: Role,
    disabled: bool,
    created_at: DateTime<Utc>,
}

impl From<&user::Model> for AccountView {
    fn from(u: &user::Model) -> Self {
        AccountView {
            id: u.id.clone(),
            email: u.email.clone(),
            role: Role::parse(&u.role).unwrap_or(Role::User),
            disabled: u.disabled,
            created_at: u.created_at,
        }
    }
}

/// Every account, oldest first.
#[utoipa::path(get, path = "/api/admin/users", tag = "admin",
    responses((status = 200, body = Vec<AccountView>),
              (status = 403, description = "not an admin", body = ErrorEnvelope)))]
async fn list_users(
    State(state): State<AppState>,
    _admin: Admin,
) -> ApiResult<Json<Vec<AccountView>>> {
    let accounts = state.accounts()?;
    let users = accounts.store().list_accounts().await?;
    Ok(Json(users.iter().map(AccountView::from).collect()))
}

/// The changes to make; absent fields stay as they are.
#[derive(Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct AccountChange {
    role: Option<Role>,
    /// True: the account's tokens and API keys stop working at once and it cannot sign in.
    disabled: Option<bool>,
}

/// Changes an account's role or disables (enables) it.
#[utoipa::path(patch, path = "/api/admin/users/{user_id}", tag = "admin",
    params(("user_id" = String, Path)),
    request_body = AccountChange,
    responses((status = 200, body = AccountView),
              (status = 403, description = "not an admin", body = ErrorEnvelope),
              (status = 404, description = "no such account", body = ErrorEnvelope),
              (status = 409, description = "it would leave no enabled admin", body = ErrorEnvelope)))]
async fn update_user(
    State(state): State<AppState>,
    Admin(admin): Admin,
    ip: ClientIp,
    Path(user_id): Path<String>,
    Json(change): Json<AccountChange>,
) -> ApiResult<Json<AccountView>> {
    let accounts = state.accounts()?;
    let store = accounts.store();
    let all = store.list_accounts().await?;
    let target = all
        .iter()
        .find(|u| u.id == user_id)
        .ok_or_else(|| ApiError::not_found("user not found"))?;
    let stays_admin = change
        .role
        .map_or(target.role == Role::Admin.as_str(), |r| r == Role::Admin);
    let stays_enabled = !change.disabled.unwrap_or(target.disabled);
    let other_admins = all
        .iter()
        .filter(|u| u.id != user_id && u.role == Role::Admin.as_str() && !u.disabled)
        .count();
    if other_admins == 0 && !(stays_admin && stays_enabled) {
        return Err(ApiError::new(
            Code::LastAdmin,
            "this is the only enabled administrator: make another one first",
        ));
    }
    let mut user = target.clone();
    if let Some(role) = change.role
        && role.as_str() != user.role
    {
        let from = user.role.clone();
        user = store.set_role(&user_id, role.as_str()).await?;
        accounts.forget_user(&user_id);
        let audit = Audit::success(AuditAction::RoleChange)
            .by(&admin.user_id)
            .on("user", &user_id)
            .from_ip(ip)
            .detail("from", from)
            .detail("to", role.as_str());
        state.audit().record(audit).await;
    }
    if let Some(disabled) = change.disabled
        && disabled != user.disabled
    {
        user = store.set_disabled(&user_id, disabled).await?;
        accounts.forget_user(&user_id);
        let action = if disabled {
            AuditAction::UserDisable
        } else {
            AuditAction::UserEnable
        };
        let audit = Audit::success(action)
            .by(&admin.user_id)
            .on("user", &user_id)
            .from_ip(ip);
        state.audit().record(audit).await;
    }
    Ok(Json(AccountView::from(&user)))
}
