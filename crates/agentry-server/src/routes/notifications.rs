//! A user's notifications (`/api/notifications`): the list, newest first, with the unread count;
//! marking some or all read; and the preferences (a channel per event kind, the digest, the
//! daily email cap). AutoGPT has no such list (it pushes over the WebSocket and emails), so
//! these paths are ours; new notifications are also pushed over `/ws` as `notification`.

use crate::route_docs::routes;
use agentry_store::notifications::Preferences as StoredPreferences;
use axum::extract::State;
use chrono::Utc;
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};
use utoipa_axum::router::OpenApiRouter;

use crate::AppState;
use crate::auth::Principal;
use crate::error::{ApiError, ApiResult, Code, ErrorEnvelope};
use crate::extract::{Json, Query};
use crate::notifications::{
    Channel, Digest, NotificationKind, NotificationPreferences, NotificationView,
};

pub fn router() -> OpenApiRouter<AppState> {
    OpenApiRouter::new()
        .routes(routes!(list_notifications))
        .routes(routes!(mark_read))
        .routes(routes!(mark_all_read))
        .routes(routes!(get_preferences, set_preferences))
}

/// The most notifications one page holds.
const MAX_PAGE: u64 = 100;

#[derive(Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
struct ListQuery {
    /// Only unread ones.
    #[serde(default)]
    unread_only: bool,
    /// The id of the last notification of the previous page: older ones follow.
    before: Option<String>,
    /// At most this many (default 50, at most 100).
    limit: Option<u64>,
}

/// A page of the caller's notifications.
#[derive(Serialize, ToSchema)]
pub struct NotificationsResponse {
    notifications: Vec<NotificationView>,
    unread_count: u64,
}

/// The caller's notifications, newest first.
#[utoipa::path(get, path = "/api/notifications", tag = "notifications", params(ListQuery),
    responses((status = 200, body = NotificationsResponse),
              (status = 400, description = "a bad limit", body = ErrorEnvelope)))]
async fn list_notifications(
    State(state): State<AppState>,
    principal: Principal,
    Query(q): Query<ListQuery>,
) -> ApiResult<Json<NotificationsResponse>> {
    let limit = q.limit.unwrap_or(50);
    if limit == 0 || limit > MAX_PAGE {
        return Err(ApiError::new(
            Code::InvalidQuery,
            format!("limit is from 1 to {MAX_PAGE}"),
        ));
    }
    let store = state.engine.store();
    let rows = store
        .notifications(
            &principal.user_id,
            q.unread_only,
            q.before.as_deref(),
            limit,
        )
        .await?;
    Ok(Json(NotificationsResponse {
        notifications: rows.iter().map(|n| state.notifier().view(n)).collect(),
        unread_count: store.unread_notifications(&principal.user_id).await?,
    }))
}

/// Which notifications to mark read.
#[derive(Deserialize, ToSchema)]
pub struct MarkReadRequest {
    ids: Vec<String>,
}

/// How many notifications changed.
#[derive(Serialize, ToSchema)]
pub struct MarkReadResponse {
    updated: u64,
    unread_count: u64,
}

/// Marks some of the caller's notifications read (ids of others' change nothing).
#[utoipa::path(post, path = "/api/notifications/read", tag = "notifications",
    request_body = MarkReadRequest,
    responses((status = 200, body = MarkReadResponse),
              (status = 422, description = "not a list of ids", body = ErrorEnvelope)))]
async fn mark_read(
    State(state): State<AppState>,
    principal: Principal,
    Json(body): Json<MarkReadRequest>,
) -> ApiResult<Json<MarkReadResponse>> {
    let store = state.engine.store();
    let updated = store
        .mark_notifications_read(&principal.user_id, Some(&body.ids), Utc::now())
        .await?;
    Ok(Json(MarkReadResponse {
        updated,
        unread_count: store.unread_notifications(&principal.user_id).await?,
    }))
}

/// Marks all the caller's notifications read.
#[utoipa::path(post, path = "/api/notifications/read-all", tag = "notifications",
    responses((status = 200, body = MarkReadResponse)))]
async fn mark_all_read(
    State(state): State<AppState>,
    principal: Principal,
) -> ApiResult<Json<MarkReadResponse>> {
    let store = state.engine.store();
    let updated = store
        .mark_notifications_read(&principal.user_id, None, Utc::now())
        .await?;
    Ok(Json(MarkReadResponse {
        updated,
        unread_count: 0,
    }))
}

/// The caller's preferences, every kind named.
#[derive(Serialize, ToSchema)]
pub struct PreferencesResponse {
    #[serde(flatten)]
    preferences: NotificationPreferences,
    /// Whether this server sends email at all (SMTP configured); without it `email` behaves
    /// as `in_app`.
    email_enabled: bool,
}

/// A change of preferences: what is absent stays.
#[derive(Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct PreferencesChange {
    #[serde(default)]
    channels: std::collections::BTreeMap<NotificationKind, Channel>,
    digest: Option<Digest>,
    /// At most 1000.
    daily_email_cap: Option<u32>,
}

/// The most emails a day a user may ask for.
const MAX_DAILY_CAP: u32 = 1000;

/// The caller's notification preferences (the defaults until they change them).
#[utoipa::path(get, path = "/api/notifications/preferences", tag = "notifications",
    responses((status = 200, body = PreferencesResponse)))]
async fn get_preferences(
    State(state): State<AppState>,
    principal: Principal,
) -> ApiResult<Json<PreferencesResponse>> {
    let notifier = state.notifier();
    Ok(Json(PreferencesResponse {
        preferences: notifier.preferences(&principal.user_id).await?,
        email_enabled: notifier.email_enabled(),
    }))
}

/// Changes the caller's notification preferences.
#[utoipa::path(put, path = "/api/notifications/preferences", tag = "notifications",
    request_body = PreferencesChange,
    responses((status = 200, body = PreferencesResponse),
              (status = 400, description = "a cap over 1000", body = ErrorEnvelope),
              (status = 422, description = "an unknown kind, channel or digest", body = ErrorEnvelope)))]
async fn set_preferences(
    State(state): State<AppState>,
    principal: Principal,
    Json(change): Json<PreferencesChange>,
) -> ApiResult<Json<PreferencesResponse>> {
    if change.daily_email_cap.is_some_and(|c| c > MAX_DAILY_CAP) {
        return Err(ApiError::new(
            Code::InvalidNotificationPreferences,
            format!("daily_email_cap is at most {MAX_DAILY_CAP}"),
        ));
    }
    let notifier = state.notifier();
    let store = state.engine.store();
    let stored: Option<StoredPreferences> =
        store.notification_preferences(&principal.user_id).await?;
    let mut prefs = notifier.preferences(&principal.user_id).await?;
    prefs.channels.extend(change.channels);
    if let Some(digest) = change.digest {
        prefs.digest = digest;
    }
    if let Some(cap) = change.daily_email_cap {
        prefs.daily_email_cap = cap;
    }
    let last_digest_at = stored.and_then(|s| s.last_digest_at);
    notifier
        .save_preferences(&principal.user_id, &prefs, last_digest_at)
        .await?;
    Ok(Json(PreferencesResponse {
        preferences: prefs,
        email_enabled: notifier.email_enabled(),
    }))
}
