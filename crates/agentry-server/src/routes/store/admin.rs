//! The admins' review of store submissions (`/api/store/admin`): the queue, one submission with
//! its graph read-only, permissions summary and the difference from the previous approved
//! version, approve or reject with a comment for the creator and an internal note, and
//! take-down of an approved version. Every decision is recorded with the reviewer and time.

use std::collections::BTreeMap;

use crate::route_docs::routes;
use agentry_core::Graph;
use agentry_engine::listing::{self, Permissions};
use agentry_store::market::Decision;
use agentry_store::market::entity::decision;
use axum::extract::State;
use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};
use serde_json::Value;
use utoipa::{IntoParams, ToSchema};
use utoipa_axum::router::OpenApiRouter;

use super::browse::agent_file;
use super::page_args;
use super::submissions::StoreSubmission;
use crate::AppState;
use crate::auth::Admin;
use crate::error::{ApiError, ApiResult, Code, ErrorEnvelope};
use crate::extract::{Json, Path, Query};
use crate::model::Pagination;

pub fn router() -> OpenApiRouter<AppState> {
    OpenApiRouter::new()
        .routes(routes!(list_listings))
        .routes(routes!(get_submission))
        .routes(routes!(review_submission))
        .routes(routes!(take_down))
}

/// A page of listing versions for review.
#[derive(Serialize, ToSchema)]
pub struct AdminSubmissionsResponse {
    submissions: Vec<StoreSubmission>,
    pagination: Pagination,
}

#[derive(Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
struct ListingsQuery {
    /// PENDING (the queue), APPROVED or REJECTED; absent: all.
    status: Option<String>,
    page: Option<u64>,
    page_size: Option<u64>,
}

/// Listing versions, oldest submission first (the queue with `status=PENDING`).
#[utoipa::path(get, path = "/api/store/admin/listings", tag = "store-admin", params(ListingsQuery),
    responses((status = 200, body = AdminSubmissionsResponse),
              (status = 403, description = "not an admin", body = ErrorEnvelope)))]
async fn list_listings(
    State(state): State<AppState>,
    _admin: Admin,
    Query(q): Query<ListingsQuery>,
) -> ApiResult<Json<AdminSubmissionsResponse>> {
    let (page, size) = page_args(q.page, q.page_size)?;
    let status = q.status.as_deref().filter(|s| !s.is_empty());
    if let Some(s) = status
        && !["PENDING", "APPROVED", "REJECTED"].contains(&s)
    {
        return Err(ApiError::new(
            Code::InvalidQuery,
            "status is PENDING, APPROVED or REJECTED",
        ));
    }
    let (rows, total) = state
        .engine
        .store()
        .admin_versions(status, page, size)
        .await?;
    Ok(Json(AdminSubmissionsResponse {
        submissions: rows.iter().map(StoreSubmission::from).collect(),
        pagination: Pagination::new(total, page, size),
    }))
}

/// A recorded decision.
#[derive(Serialize, ToSchema)]
pub struct DecisionView {
    /// `approve`, `reject` or `take_down`.
    action: String,
    reviewer_id: String,
    comment: Option<String>,
    internal_note: Option<String>,
    decided_at: DateTime<Utc>,
}

impl From<&decision::Model> for DecisionView {
    fn from(d: &decision::Model) -> Self {
        DecisionView {
            action: d.action.clone(),
            reviewer_id: d.user_id.clone(),
            comment: d.comment.clone(),
            internal_note: d.internal_note.clone(),
            decided_at: d.created_at,
        }
    }
}

/// What changed since the previous approved version.
#[derive(Serialize, ToSchema)]
pub struct VersionDiff {
    previous_version_id: String,
    previous_graph_version: i32,
    /// Block names with how many more nodes use them now.
    blocks_added: BTreeMap<String, usize>,
    /// Block names with how many fewer nodes use them now.
    blocks_removed: BTreeMap<String, usize>,
    links_before: usize,
    links_now: usize,
    /// What the new version asks for that the previous did not.
    asks_more: Vec<String>,
}

/// One submission as a reviewer sees it.
#[derive(Serialize, ToSchema)]
pub struct AdminSubmissionDetails {
    submission: StoreSubmission,
    internal_comments: Option<String>,
    /// The graph read-only, as an AutoGPT agent file with its sub-graphs.
    #[schema(value_type = std::collections::HashMap<String, serde_json::Value>)]
    graph: Value,
    /// Absent for a listing's first version.
    diff: Option<VersionDiff>,
    decisions: Vec<DecisionView>,
}

fn block_counts(state: &AppState, g: &Graph) -> BTreeMap<String, usize> {
    let mut out = BTreeMap::new();
    for node in &g.nodes {
        let name = state
            .engine
            .registry()
            .info(&node.block_id)
            .map_or_else(|| node.block_id.clone(), |b| b.name.to_string());
        *out.entry(name).or_insert(0) += 1;
    }
    out
}

fn minus(a: &BTreeMap<String, usize>, b: &BTreeMap<String, usize>) -> BTreeMap<String, usize> {
    a.iter()
        .filter_map(|(k, n)| {
            let m = b.get(k).copied().unwrap_or(0);
            (*n > m).then(|| (k.clone(), n - m))
        })
        .collect()
}

/// One submission: graph, permissions, diff against the previous approved version, decisions.
#[utoipa::path(get, path = "/api/store/admin/submissions/{store_listing_version_id}", tag = "store-admin",
    params(("store_listing_version_id" = String, Path)),
    responses((status = 200, body = AdminSubmissionDetails),
              (status = 403, description = "not an admin", body = ErrorEnvelope),
              (status = 404, description = "no such listing version", body = ErrorEnvelope)))]
async fn get_submission(
    State(state): State<AppState>,
    _admin: Admin,
    Path(version_id): Path<String>,
) -> ApiResult<Json<AdminSubmissionDetails>> {
    let store = state.engine.store();
    let v = store.admin_version(&version_id).await?;
    let graph = agent_file(&state, &v.user_id, &v.graph_id, v.graph_version).await?;
    let diff = match store.approved_before(&v.listing_id, v.version).await? {
        Some(prev) => {
            let now = store
                .get_graph(&v.user_id, &v.graph_id, Some(v.graph_version))
                .await?;
            let before = store
                .get_graph(&prev.user_id, &prev.graph_id, Some(prev.graph_version))
                .await?;
            let (now_blocks, before_blocks) = (
                block_counts(&state, &now.graph),
                block_counts(&state, &before.graph),
            );
            let old: Permissions =
                serde_json::from_value(prev.permissions.clone()).unwrap_or_default();
            let new: Permissions =
                serde_json::from_value(v.permissions.clone()).unwrap_or_default();
            Some(VersionDiff {
                previous_version_id: prev.id.clone(),
                previous_graph_version: prev.graph_version,
                blocks_added: minus(&now_blocks, &before_blocks),
                blocks_removed: minus(&before_blocks, &now_blocks),
                links_before: before.graph.links.len(),
                links_now: now.graph.links.len(),
                asks_more: listing::asks_more(&old, &new),
            })
        }
        None => None,
    };
    let decisions = store.decisions(&version_id).await?;
    Ok(Json(AdminSubmissionDetails {
        internal_comments: v.internal_comments.clone(),
        submission: StoreSubmission::from(&v),
        graph,
        diff,
        decisions: decisions.iter().map(DecisionView::from).collect(),
    }))
}

/// AutoGPT's `ReviewSubmissionRequest`.
#[derive(Deserialize, ToSchema)]
pub struct ReviewSubmissionRequest {
    is_approved: bool,
    /// For the creator.
    #[serde(default)]
    comments: Option<String>,
    /// For admins only.
    #[serde(default)]
    internal_comments: Option<String>,
}

fn already(e: agentry_store::Error) -> ApiError {
    match e {
        agentry_store::Error::Conflict(m) => ApiError::new(Code::SubmissionAlreadyDecided, m),
        other => other.into(),
    }
}

/// Approves (publishes) or rejects (returns to the creator) a pending submission. A decided
/// one answers 409 `submission_already_decided`.
#[utoipa::path(post, path = "/api/store/admin/submissions/{store_listing_version_id}/review", tag = "store-admin",
    params(("store_listing_version_id" = String, Path)),
    request_body = ReviewSubmissionRequest,
    responses((status = 200, body = StoreSubmission),
              (status = 403, description = "not an admin", body = ErrorEnvelope),
              (status = 404, description = "no such listing version", body = ErrorEnvelope),
              (status = 409, description = "already decided", body = ErrorEnvelope)))]
async fn review_submission(
    State(state): State<AppState>,
    Admin(admin): Admin,
    Path(version_id): Path<String>,
    Json(body): Json<ReviewSubmissionRequest>,
) -> ApiResult<Json<StoreSubmission>> {
    let v = state
        .engine
        .store()
        .decide_submission(
            &admin.user_id,
            &version_id,
            Decision {
                approve: body.is_approved,
                comment: body.comments,
                internal_note: body.internal_comments,
            },
        )
        .await
        .map_err(already)?;
    if let (true, Some(embeddings)) = (body.is_approved, state.store_embeddings()) {
        embeddings.embed_listing(state.engine.store(), &v).await;
    }
    state.notifier().submission_decided(&v).await;
    Ok(Json(StoreSubmission::from(&v)))
}

/// Why an approved version is taken down.
#[derive(Deserialize, ToSchema)]
pub struct TakeDownRequest {
    reason: String,
}

/// Takes an approved version out of the store with a reason (the listing falls back to its
/// newest other approved version, or leaves the store).
#[utoipa::path(post, path = "/api/store/admin/submissions/{store_listing_version_id}/take-down", tag = "store-admin",
    params(("store_listing_version_id" = String, Path)),
    request_body = TakeDownRequest,
    responses((status = 200, body = StoreSubmission),
              (status = 400, description = "no reason", body = ErrorEnvelope),
              (status = 403, description = "not an admin", body = ErrorEnvelope),
              (status = 404, description = "no such listing version", body = ErrorEnvelope),
              (status = 409, description = "not approved", body = ErrorEnvelope)))]
async fn take_down(
    State(state): State<AppState>,
    Admin(admin): Admin,
    Path(version_id): Path<String>,
    Json(body): Json<TakeDownRequest>,
) -> ApiResult<Json<StoreSubmission>> {
    if body.reason.trim().is_empty() {
        return Err(ApiError::new(
            Code::InvalidSubmission,
            "a take-down needs a reason",
        ));
    }
    let v = state
        .engine
        .store()
        .take_down(&admin.user_id, &version_id, &body.reason)
        .await
        .map_err(already)?;
    state.notifier().taken_down(&v).await;
    Ok(Json(StoreSubmission::from(&v)))
}
