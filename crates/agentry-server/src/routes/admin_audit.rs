//! `GET /api/admin/audit`: the audit log for admins, newest first, filtered and paged by cursor.

use crate::route_docs::routes;
use agentry_store::{AuditAction, AuditEvent, AuditOutcome, AuditQuery};
use axum::extract::State;
use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};
use serde_json::Value;
use utoipa::{IntoParams, ToSchema};
use utoipa_axum::router::OpenApiRouter;

use crate::AppState;
use crate::auth::Admin;
use crate::error::{ApiError, ApiResult, Code};
use crate::extract::{Json, Query};

const DEFAULT_PAGE: u64 = 50;
const MAX_PAGE: u64 = 500;

pub fn router() -> OpenApiRouter<AppState> {
    OpenApiRouter::new().routes(routes!(list_audit_events))
}

#[derive(Debug, Deserialize, IntoParams)]
#[serde(deny_unknown_fields)]
#[into_params(parameter_in = Query)]
pub struct AuditParams {
    /// Only this action (`sign_in`, `api_key_create`, `role_change`…).
    action: Option<String>,
    /// `success` or `failure`.
    outcome: Option<String>,
    /// Only what this user did or what was done to them.
    user_id: Option<String>,
    /// Entries at or after this time (RFC 3339).
    since: Option<DateTime<Utc>>,
    /// Entries before this time (RFC 3339).
    until: Option<DateTime<Utc>>,
    /// The previous page's `next_cursor`.
    cursor: Option<String>,
    /// Entries per page, 1 to 500 (default 50).
    limit: Option<u64>,
}

/// One audit log entry.
#[derive(Debug, Serialize, ToSchema)]
pub struct AuditEventView {
    id: String,
    at: DateTime<Utc>,
    /// The account that acted; null for what no account did (a sign-in with an unknown email).
    actor_user_id: Option<String>,
    action: String,
    /// `success` or `failure`.
    outcome: String,
    target_type: Option<String>,
    target_id: Option<String>,
    ip: Option<String>,
    details: Value,
}

impl From<AuditEvent> for AuditEventView {
    fn from(e: AuditEvent) -> Self {
        AuditEventView {
            id: e.id,
            at: e.at,
            actor_user_id: e.actor_user_id,
            action: e.action.as_str().to_string(),
            outcome: e.outcome.as_str().to_string(),
            target_type: e.target_type,
            target_id: e.target_id,
            ip: e.ip,
            details: e.details,
        }
    }
}

/// A page of the audit log.
#[derive(Debug, Serialize, ToSchema)]
pub struct AuditPage {
    events: Vec<AuditEventView>,
    /// Pass as `cursor` for the next page; null on the last one.
    next_cursor: Option<String>,
}

impl AuditParams {
    fn query(self) -> ApiResult<AuditQuery> {
        let invalid = |message: String| ApiError::new(Code::InvalidQuery, message);
        let action = self
            .action
            .map(|a| {
                a.parse::<AuditAction>().map_err(|e| {
                    let known: Vec<_> = AuditAction::ALL.iter().map(|a| a.as_str()).collect();
                    invalid(format!("{e}; known actions: {}", known.join(", ")))
                })
            })
            .transpose()?;
        let outcome = self
            .outcome
            .map(|o| o.parse::<AuditOutcome>().map_err(invalid))
            .transpose()?;
        let limit = self.limit.unwrap_or(DEFAULT_PAGE);
        if !(1..=MAX_PAGE).contains(&limit) {
            return Err(invalid(format!(
                "limit must be between 1 and {MAX_PAGE}, not {limit}"
            )));
        }
        Ok(AuditQuery {
            action,
            outcome,
            user_id: self.user_id,
            since: self.since,
            until: self.until,
            before: self.cursor,
            limit,
        })
    }
}

/// The audit log: sign-ins and their failures, sign-outs, API key and credential changes,
/// role changes, disabled users and other admin actions. Admins only.
#[utoipa::path(get, path = "/api/admin/audit", tag = "admin", params(AuditParams),
    responses(
        (status = 200, body = AuditPage),
        (status = 400, description = "a filter is not valid", body = crate::error::ErrorEnvelope),
        (status = 401, description = "not signed in", body = crate::error::ErrorEnvelope),
        (status = 403, description = "not an admin", body = crate::error::ErrorEnvelope),
    ))]
async fn list_audit_events(
    State(state): State<AppState>,
    _admin: Admin,
    Query(params): Query<AuditParams>,
) -> ApiResult<Json<AuditPage>> {
    let query = params.query()?;
    let events = state.engine.store().audit_events(&query).await?;
    let next_cursor = (events.len() as u64 == query.limit)
        .then(|| events.last().map(|e| e.id.clone()))
        .flatten();
    Ok(Json(AuditPage {
        events: events.into_iter().map(AuditEventView::from).collect(),
        next_cursor,
    }))
}
