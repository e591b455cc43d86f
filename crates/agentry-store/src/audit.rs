//! The audit log: security-relevant actions (sign-ins and their failures, sign-outs, API key and
//! credential changes, role changes, disabled users, other admin actions), appended and never
//! changed, listed newest first for admins. Rows belong to the account that acted; an action no
//! account did (a sign-in with an unknown email) has none, and names what was tried in `details`.

use std::fmt;
use std::str::FromStr;

use chrono::{DateTime, Utc};
use sea_orm::{
    ActiveValue::Set, ColumnTrait, Condition, EntityTrait, QueryFilter, QueryOrder, QuerySelect,
};
use serde_json::Value;

use crate::entity::audit_event::{self, Column, Entity};
use crate::{Result, Store};

/// What was done. Stored by its snake_case name, which is also its name in the API.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum AuditAction {
    SignUp,
    SignIn,
    SignOut,
    SignOutEverywhere,
    PasswordChange,
    ApiKeyCreate,
    ApiKeyRevoke,
    CredentialCreate,
    CredentialDelete,
    RoleChange,
    UserDisable,
    UserEnable,
    /// An OIDC identity linked to an account (on its first sign-in through the issuer).
    OidcLink,
    /// Any other change an admin made.
    AdminAction,
}

impl AuditAction {
    pub const ALL: [AuditAction; 14] = [
        AuditAction::SignUp,
        AuditAction::SignIn,
        AuditAction::SignOut,
        AuditAction::SignOutEverywhere,
        AuditAction::PasswordChange,
        AuditAction::ApiKeyCreate,
        AuditAction::ApiKeyRevoke,
        AuditAction::CredentialCreate,
        AuditAction::CredentialDelete,
        AuditAction::RoleChange,
        AuditAction::UserDisable,
        AuditAction::UserEnable,
        AuditAction::OidcLink,
        AuditAction::AdminAction,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            AuditAction::SignUp => "sign_up",
            AuditAction::SignIn => "sign_in",
            AuditAction::SignOut => "sign_out",
            AuditAction::SignOutEverywhere => "sign_out_everywhere",
            AuditAction::PasswordChange => "password_change",
            AuditAction::ApiKeyCreate => "api_key_create",
            AuditAction::ApiKeyRevoke => "api_key_revoke",
            AuditAction::CredentialCreate => "credential_create",
            AuditAction::CredentialDelete => "credential_delete",
            AuditAction::RoleChange => "role_change",
            AuditAction::UserDisable => "user_disable",
            AuditAction::UserEnable => "user_enable",
            AuditAction::OidcLink => "oidc_link",
            AuditAction::AdminAction => "admin_action",
        }
    }
}

impl fmt::Display for AuditAction {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

impl FromStr for AuditAction {
    type Err = String;
    fn from_str(s: &str) -> Result<Self, String> {
        AuditAction::ALL
            .into_iter()
            .find(|a| a.as_str() == s)
            .ok_or_else(|| format!("unknown audit action {s:?}"))
    }
}

/// Whether the action succeeded.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum AuditOutcome {
    Success,
    Failure,
}

impl AuditOutcome {
    pub fn as_str(self) -> &'static str {
        match self {
            AuditOutcome::Success => "success",
            AuditOutcome::Failure => "failure",
        }
    }
}

impl FromStr for AuditOutcome {
    type Err = String;
    fn from_str(s: &str) -> Result<Self, String> {
        match s {
            "success" => Ok(AuditOutcome::Success),
            "failure" => Ok(AuditOutcome::Failure),
            other => Err(format!("unknown audit outcome {other:?}")),
        }
    }
}

/// One entry to append. `details` must hold no secret: it is shown to admins as it is.
#[derive(Debug, Clone)]
pub struct NewAuditEvent {
    pub actor_user_id: Option<String>,
    pub action: AuditAction,
    pub outcome: AuditOutcome,
    /// What was acted on: (`user`, id), (`api_key`, id), (`credential`, id)…
    pub target: Option<(String, String)>,
    pub ip: Option<String>,
    pub details: Value,
}

/// A stored entry.
#[derive(Debug, Clone, PartialEq)]
pub struct AuditEvent {
    pub id: String,
    pub at: DateTime<Utc>,
    pub actor_user_id: Option<String>,
    pub action: AuditAction,
    pub outcome: AuditOutcome,
    pub target_type: Option<String>,
    pub target_id: Option<String>,
    pub ip: Option<String>,
    pub details: Value,
}

/// Which entries to list: every filter given must hold. `before` is the previous page's last id.
#[derive(Debug, Clone, Default)]
pub struct AuditQuery {
    pub action: Option<AuditAction>,
    pub outcome: Option<AuditOutcome>,
    /// Entries this account did or that were done to it.
    pub user_id: Option<String>,
    pub since: Option<DateTime<Utc>>,
    pub until: Option<DateTime<Utc>>,
    pub before: Option<String>,
    pub limit: u64,
}

impl Store {
    /// Appends one entry and returns its id.
    pub async fn record_audit(&self, event: NewAuditEvent) -> Result<String> {
        let id = uuid::Uuid::now_v7().to_string();
        let (target_type, target_id) = event.target.unzip();
        let model = audit_event::ActiveModel {
            id: Set(id.clone()),
            at: Set(Utc::now()),
            actor_user_id: Set(event.actor_user_id),
            action: Set(event.action.as_str().to_string()),
            outcome: Set(event.outcome.as_str().to_string()),
            target_type: Set(target_type),
            target_id: Set(target_id),
            ip: Set(event.ip),
            details: Set(without_nul(event.details)),
        };
        Entity::insert(model)
            .exec_without_returning(&self.db)
            .await?;
        Ok(id)
    }

    /// Entries matching `query`, newest first, at most `query.limit`.
    pub async fn audit_events(&self, query: &AuditQuery) -> Result<Vec<AuditEvent>> {
        let mut select = Entity::find();
        if let Some(action) = query.action {
            select = select.filter(Column::Action.eq(action.as_str()));
        }
        if let Some(outcome) = query.outcome {
            select = select.filter(Column::Outcome.eq(outcome.as_str()));
        }
        if let Some(user) = &query.user_id {
            select = select.filter(
                Condition::any()
                    .add(Column::ActorUserId.eq(user.as_str()))
                    .add(
                        Condition::all()
                            .add(Column::TargetType.eq("user"))
                            .add(Column::TargetId.eq(user.as_str())),
                    ),
            );
        }
        if let Some(since) = query.since {
            select = select.filter(Column::At.gte(since));
        }
        if let Some(until) = query.until {
            select = select.filter(Column::At.lt(until));
        }
        if let Some(before) = &query.before {
            select = select.filter(Column::Id.lt(before.as_str()));
        }
        let rows = select
            .order_by_desc(Column::Id)
            .limit(query.limit)
            .all(&self.db)
            .await?;
        rows.into_iter().map(AuditEvent::try_from).collect()
    }
}

/// PostgreSQL's text and `json` refuse NUL, and what a failed sign-in tried is the client's to
/// choose: NULs become U+FFFD instead of losing the entry.
fn without_nul(value: Value) -> Value {
    match value {
        Value::String(s) if s.contains('\0') => Value::String(s.replace('\0', "\u{FFFD}")),
        Value::Array(items) => Value::Array(items.into_iter().map(without_nul).collect()),
        Value::Object(fields) => Value::Object(
            fields
                .into_iter()
                .map(|(k, v)| (k.replace('\0', "\u{FFFD}"), without_nul(v)))
                .collect(),
        ),
        other => other,
    }
}

impl TryFrom<audit_event::Model> for AuditEvent {
    type Error = crate::Error;
    fn try_from(row: audit_event::Model) -> Result<Self> {
        let corrupt = |e: String| crate::Error::Corrupt(format!("audit event {}: {e}", row.id));
        Ok(AuditEvent {
            action: row.action.parse().map_err(corrupt)?,
            outcome: row.outcome.parse().map_err(corrupt)?,
            id: row.id,
            at: row.at,
            actor_user_id: row.actor_user_id,
            target_type: row.target_type,
            target_id: row.target_id,
            ip: row.ip,
            details: row.details,
        })
    }
}
