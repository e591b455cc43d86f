//! Human reviews on AutoGPT's `/api/review` paths: the user's waiting reviews, one run's, and
//! approving or rejecting them (with edited data when the review allows it), which resumes
//! the run once none of its reviews waits any more.

use crate::route_docs::routes;
use agentry_engine::{ReviewAction, ReviewError};
use agentry_store::entity::pending_review;
use axum::extract::State;
use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};
use serde_json::{Value, json};
use utoipa::{IntoParams, ToSchema};
use utoipa_axum::router::OpenApiRouter;

use crate::AppState;
use crate::auth::Principal;
use crate::error::{ApiError, ApiResult, Code, ErrorEnvelope};
use crate::extract::{Json, Path, Query};

pub fn router() -> OpenApiRouter<AppState> {
    OpenApiRouter::new()
        .routes(routes!(list_pending_reviews))
        .routes(routes!(list_execution_reviews))
        .routes(routes!(review_action))
}

/// AutoGPT's `PendingHumanReviewModel`.
#[derive(Serialize, ToSchema)]
pub struct ReviewModel {
    node_exec_id: String,
    node_id: String,
    user_id: String,
    graph_exec_id: String,
    graph_id: String,
    graph_version: i32,
    /// The data under review.
    payload: Value,
    instructions: Option<String>,
    editable: bool,
    /// `WAITING`, `APPROVED` or `REJECTED`.
    status: String,
    review_message: Option<String>,
    was_edited: Option<bool>,
    processed: bool,
    created_at: DateTime<Utc>,
    updated_at: Option<DateTime<Utc>>,
    reviewed_at: Option<DateTime<Utc>>,
}

impl From<&pending_review::Model> for ReviewModel {
    fn from(row: &pending_review::Model) -> Self {
        ReviewModel {
            node_exec_id: row.node_exec_id.clone(),
            node_id: row.node_id.clone(),
            user_id: row.user_id.clone(),
            graph_exec_id: row.graph_exec_id.clone(),
            graph_id: row.graph_id.clone(),
            graph_version: row.graph_version,
            payload: row.payload.clone(),
            instructions: row.instructions.clone(),
            editable: row.editable,
            status: row.status.clone(),
            review_message: row.review_message.clone(),
            was_edited: row.was_edited,
            processed: false,
            created_at: row.created_at,
            updated_at: row.updated_at,
            reviewed_at: row.reviewed_at,
        }
    }
}

impl From<ReviewError> for ApiError {
    fn from(e: ReviewError) -> Self {
        let message = e.to_string();
        match e {
            ReviewError::Invalid(_) => ApiError::new(Code::InvalidReview, message),
            ReviewError::NotEditable(_) => ApiError::new(Code::ReviewNotEditable, message),
            ReviewError::NotFound(ids) => ApiError::new(Code::ReviewNotFound, message)
                .with_details(json!({ "node_exec_ids": ids })),
            ReviewError::AlreadyDecided(_) => ApiError::new(Code::ReviewAlreadyDecided, message),
            ReviewError::NotInReview(_) => ApiError::new(Code::ExecutionNotInReview, message),
            ReviewError::MixedExecutions => {
                ApiError::new(Code::ReviewsOfSeveralExecutions, message)
            }
            ReviewError::Store(s) => s.into(),
        }
    }
}

#[derive(Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
struct PageQuery {
    /// Page number, from 1.
    page: Option<u64>,
    /// Reviews per page, 1 to 100.
    page_size: Option<u64>,
}

/// The user's reviews waiting for a decision, newest first.
#[utoipa::path(get, path = "/api/review/pending", tag = "review", params(PageQuery),
    responses((status = 200, description = "waiting reviews", body = Vec<ReviewModel>),
              (status = 400, description = "bad page or page size", body = ErrorEnvelope)))]
async fn list_pending_reviews(
    State(state): State<AppState>,
    principal: Principal,
    Query(q): Query<PageQuery>,
) -> ApiResult<Json<Vec<ReviewModel>>> {
    let page = q.page.unwrap_or(1);
    let size = q.page_size.unwrap_or(25);
    if !(1..=crate::model::MAX_PAGE).contains(&page) || !(1..=100).contains(&size) {
        return Err(ApiError::new(
            Code::InvalidQuery,
            "page is between 1 and 1000000 and page_size between 1 and 100",
        ));
    }
    let rows = state
        .engine
        .waiting_reviews(&principal.user_id, page, size)
        .await?;
    Ok(Json(rows.iter().map(ReviewModel::from).collect()))
}

/// The waiting reviews of one run, oldest first.
#[utoipa::path(get, path = "/api/review/execution/{graph_exec_id}", tag = "review",
    params(("graph_exec_id" = String, Path)),
    responses((status = 200, description = "the run's waiting reviews", body = Vec<ReviewModel>),
              (status = 404, description = "no such run", body = ErrorEnvelope)))]
async fn list_execution_reviews(
    State(state): State<AppState>,
    principal: Principal,
    Path(exec_id): Path<String>,
) -> ApiResult<Json<Vec<ReviewModel>>> {
    let rows = state
        .engine
        .run_reviews(&principal.user_id, &exec_id)
        .await?;
    Ok(Json(rows.iter().map(ReviewModel::from).collect()))
}

/// One decision (AutoGPT's `ReviewItem`).
#[derive(Deserialize, ToSchema)]
struct ReviewItem {
    /// The node execution whose review is decided.
    node_exec_id: String,
    /// Approve (true) or reject (false).
    approved: bool,
    /// An optional message for the run (yielded on `review_message`), at most 2000 characters.
    #[serde(default)]
    message: Option<String>,
    /// Edited data to go on with, only for an editable review; ignored when rejecting.
    #[serde(default)]
    #[schema(value_type = std::collections::HashMap<String, serde_json::Value>)]
    reviewed_data: Option<Value>,
    /// AutoGPT's auto-approval of the node's future reviews; not supported yet, must be false.
    #[serde(default)]
    auto_approve_future: bool,
}

/// Decisions on reviews of one run (AutoGPT's `ReviewRequest`).
#[derive(Deserialize, ToSchema)]
struct ReviewRequestBody {
    reviews: Vec<ReviewItem>,
}

/// What the decisions did (AutoGPT's `ReviewResponse`).
#[derive(Serialize, ToSchema)]
struct ReviewResponse {
    approved_count: usize,
    rejected_count: usize,
    failed_count: usize,
    error: Option<String>,
}

/// Approves or rejects reviews of one run; when none of its reviews waits any more the run
/// is queued again and resumes where it paused.
#[utoipa::path(post, path = "/api/review/action", tag = "review", request_body = ReviewRequestBody,
    responses((status = 200, description = "decisions recorded", body = ReviewResponse),
              (status = 400, description = "bad request, or edited data for a review that is not editable", body = ErrorEnvelope),
              (status = 404, description = "no such review", body = ErrorEnvelope),
              (status = 409, description = "already decided, or the run does not wait for review", body = ErrorEnvelope)))]
async fn review_action(
    State(state): State<AppState>,
    principal: Principal,
    Json(body): Json<ReviewRequestBody>,
) -> ApiResult<Json<ReviewResponse>> {
    if body.reviews.iter().any(|r| r.auto_approve_future) {
        return Err(ApiError::new(
            Code::Unsupported,
            "auto_approve_future is not supported yet",
        ));
    }
    let actions = body
        .reviews
        .into_iter()
        .map(|r| ReviewAction {
            node_exec_id: r.node_exec_id,
            approved: r.approved,
            reviewed_data: r.reviewed_data,
            message: r.message,
        })
        .collect();
    let tally = state
        .engine
        .decide_reviews(&principal.user_id, actions)
        .await?;
    Ok(Json(ReviewResponse {
        approved_count: tally.approved,
        rejected_count: tally.rejected,
        failed_count: 0,
        error: None,
    }))
}
