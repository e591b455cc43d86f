//! Submissions (`/api/store/submissions`): a creator offers one of their graph versions. The
//! graph must pass validation for running and hold no secrets in its nodes' inputs (its
//! sub-graphs too); its permissions summary is computed and compared with the listing's
//! previous approved version. A pending submission can be edited (PUT) or withdrawn (DELETE).
//! Images are uploaded as raw bytes to `/api/store/submissions/media` and served back from
//! `/api/store/media/{file}`.

use crate::route_docs::routes;
use agentry_core::validate::{self, Mode};
use agentry_engine::listing;
use agentry_store::market::entity::version;
use agentry_store::market::{NewSubmission, SubmissionChange};
use axum::extract::State;
use axum::http::{StatusCode, header};
use axum::response::{IntoResponse, Response};
use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};
use serde_json::json;
use utoipa::{IntoParams, ToSchema};
use utoipa_axum::router::OpenApiRouter;

use super::profiles::check_url;
use super::{PermissionsSummary, page_args, strings, sub_graphs_of};
use crate::AppState;
use crate::auth::Principal;
use crate::error::{ApiError, ApiResult, Code, ErrorEnvelope};
use crate::extract::{Json, Path, Query, RawBody};
use crate::media::MediaError;
use crate::model::Pagination;

pub fn router() -> OpenApiRouter<AppState> {
    OpenApiRouter::new()
        .routes(routes!(list_submissions, create_submission))
        .routes(routes!(update_submission, delete_submission))
        .routes(routes!(upload_media))
        // Served undocumented and without sign-in, as images on pages are: a file's name is
        // 128 random bits, and only this module's names are accepted.
        .route("/api/store/media/{file}", axum::routing::get(get_media))
}

/// AutoGPT's `StoreSubmission`, with the permissions summary.
#[derive(Serialize, ToSchema)]
pub struct StoreSubmission {
    agent_id: String,
    agent_version: i32,
    store_listing_version_id: String,
    version: i32,
    name: String,
    sub_heading: String,
    description: String,
    instructions: String,
    agent_output_demo_url: String,
    image_urls: Vec<String>,
    video_url: Option<String>,
    categories: Vec<String>,
    changes_summary: String,
    date_submitted: DateTime<Utc>,
    /// PENDING, APPROVED or REJECTED.
    status: String,
    reviewer_id: Option<String>,
    review_comments: Option<String>,
    reviewed_at: Option<DateTime<Utc>>,
    /// Set when an approved version was taken down.
    takedown_reason: Option<String>,
    rating: f64,
    permissions: PermissionsSummary,
}

impl From<&version::Model> for StoreSubmission {
    fn from(v: &version::Model) -> Self {
        StoreSubmission {
            agent_id: v.graph_id.clone(),
            agent_version: v.graph_version,
            store_listing_version_id: v.id.clone(),
            version: v.version,
            name: v.name.clone(),
            sub_heading: v.sub_heading.clone(),
            description: v.description.clone(),
            instructions: v.instructions.clone(),
            agent_output_demo_url: v.output_example.clone(),
            image_urls: strings(&v.image_urls),
            video_url: v.video_url.clone(),
            categories: strings(&v.categories),
            changes_summary: v.changes_summary.clone(),
            date_submitted: v.submitted_at,
            status: v.status.clone(),
            reviewer_id: v.reviewer_id.clone(),
            review_comments: v.review_comments.clone(),
            reviewed_at: v.reviewed_at,
            takedown_reason: v.takedown_reason.clone(),
            rating: if v.rating_count > 0 {
                v.rating_sum as f64 / v.rating_count as f64
            } else {
                0.0
            },
            permissions: PermissionsSummary::of(v),
        }
    }
}

/// AutoGPT's `StoreSubmissionsResponse`.
#[derive(Serialize, ToSchema)]
pub struct StoreSubmissionsResponse {
    submissions: Vec<StoreSubmission>,
    pagination: Pagination,
}

#[derive(Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
struct PageQuery {
    page: Option<u64>,
    page_size: Option<u64>,
}

/// The caller's submissions, newest first.
#[utoipa::path(get, path = "/api/store/submissions", tag = "store", params(PageQuery),
    responses((status = 200, body = StoreSubmissionsResponse),
              (status = 400, description = "bad page", body = ErrorEnvelope)))]
async fn list_submissions(
    State(state): State<AppState>,
    principal: Principal,
    Query(q): Query<PageQuery>,
) -> ApiResult<Json<StoreSubmissionsResponse>> {
    let (page, size) = page_args(q.page, q.page_size)?;
    let (rows, total) = state
        .engine
        .store()
        .my_submissions(&principal.user_id, page, size)
        .await?;
    Ok(Json(StoreSubmissionsResponse {
        submissions: rows.iter().map(StoreSubmission::from).collect(),
        pagination: Pagination::new(total, page, size),
    }))
}

/// AutoGPT's `StoreSubmissionRequest`.
#[derive(Deserialize, ToSchema)]
pub struct StoreSubmissionRequest {
    /// The caller's graph id and version.
    agent_id: String,
    agent_version: i32,
    /// Lowercase letters, digits and `-`; unique among the caller's listings.
    slug: String,
    name: String,
    #[serde(default)]
    sub_heading: String,
    #[serde(default)]
    description: String,
    #[serde(default)]
    instructions: String,
    /// An example of the agent's output (AutoGPT's output demo).
    #[serde(default, alias = "output_example")]
    agent_output_demo_url: String,
    #[serde(default)]
    categories: Vec<String>,
    #[serde(default)]
    image_urls: Vec<String>,
    #[serde(default)]
    video_url: Option<String>,
    #[serde(default)]
    changes_summary: String,
}

fn invalid(message: impl Into<String>) -> ApiError {
    ApiError::new(Code::InvalidSubmission, message)
}

fn check_text(field: &str, value: &str, max: usize) -> ApiResult<()> {
    if value.chars().count() > max {
        return Err(invalid(format!("{field}: at most {max} characters")));
    }
    Ok(())
}

fn check_listing(
    name: &str,
    categories: &[String],
    image_urls: &[String],
    video_url: Option<&str>,
) -> ApiResult<()> {
    if name.trim().is_empty() {
        return Err(invalid("name must not be empty"));
    }
    check_text("name", name, 100)?;
    if categories.len() > 10 {
        return Err(invalid("at most 10 categories"));
    }
    for c in categories {
        let ok = (1..=40).contains(&c.len())
            && c.bytes()
                .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'-' || b == b' ');
        if !ok {
            return Err(invalid(
                "categories: 1 to 40 lowercase letters, digits, spaces and -",
            ));
        }
    }
    if image_urls.len() > 10 {
        return Err(invalid("at most 10 images"));
    }
    for url in image_urls {
        check_url("image_urls", url)?;
    }
    if let Some(video) = video_url {
        check_url("video_url", video)?;
    }
    Ok(())
}

/// Submits one of the caller's graph versions to the store as a PENDING listing version.
#[utoipa::path(post, path = "/api/store/submissions", tag = "store",
    request_body = StoreSubmissionRequest,
    responses((status = 200, body = StoreSubmission),
              (status = 400, description = "a malformed field, a graph that cannot run or holds secrets", body = ErrorEnvelope),
              (status = 404, description = "no such graph version of the caller's", body = ErrorEnvelope),
              (status = 409, description = "a submission is pending, or the slug is taken", body = ErrorEnvelope)))]
async fn create_submission(
    State(state): State<AppState>,
    principal: Principal,
    Json(body): Json<StoreSubmissionRequest>,
) -> ApiResult<Json<StoreSubmission>> {
    let slug_ok = (1..=100).contains(&body.slug.len())
        && body
            .slug
            .bytes()
            .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'-');
    if !slug_ok {
        return Err(invalid("slug: 1 to 100 lowercase letters, digits and -"));
    }
    check_listing(
        &body.name,
        &body.categories,
        &body.image_urls,
        body.video_url.as_deref(),
    )?;
    check_text("sub_heading", &body.sub_heading, 200)?;
    check_text("description", &body.description, 10_000)?;
    check_text("instructions", &body.instructions, 10_000)?;
    check_text("agent_output_demo_url", &body.agent_output_demo_url, 10_000)?;
    let user = &principal.user_id;
    let record = state
        .engine
        .graph_version(user, &body.agent_id, body.agent_version)
        .await?;
    let registry = state.engine.registry();
    let subs = sub_graphs_of(&state, user, &record.graph).await?;
    for g in std::iter::once(&record.graph).chain(&subs) {
        validate::validate(g, registry, Mode::Run).map_err(|e| match e {
            validate::Error::Invalid { node_errors, .. } => {
                ApiError::new(Code::GraphCannotRun, "the graph cannot run as it is")
                    .with_details(json!({ "graph_id": g.id, "node_errors": node_errors }))
            }
            other => other.into(),
        })?;
    }
    let all: Vec<&agentry_core::Graph> = std::iter::once(&record.graph).chain(&subs).collect();
    let secrets = listing::secret_inputs(&all, registry);
    if !secrets.is_empty() {
        return Err(ApiError::new(
            Code::GraphHoldsSecrets,
            "nodes of this graph hold secrets in their inputs: use credentials instead",
        )
        .with_details(json!({ "inputs": secrets })));
    }
    let permissions = listing::permissions(&record.graph, &subs, registry);
    let store = state.engine.store();
    let asks_more = match store
        .approved_version_of_graph(user, &body.agent_id)
        .await?
    {
        Some(previous) => {
            let old = serde_json::from_value(previous.permissions).unwrap_or_default();
            !listing::asks_more(&old, &permissions).is_empty()
        }
        None => false,
    };
    let saved = store
        .create_submission(NewSubmission {
            user_id: user.clone(),
            graph_id: body.agent_id,
            graph_version: body.agent_version,
            slug: body.slug,
            name: body.name,
            sub_heading: body.sub_heading,
            description: body.description,
            instructions: body.instructions,
            output_example: body.agent_output_demo_url,
            categories: body.categories,
            image_urls: body.image_urls,
            video_url: body.video_url,
            changes_summary: body.changes_summary,
            permissions: serde_json::to_value(&permissions).map_err(ApiError::internal)?,
            asks_more,
        })
        .await?;
    Ok(Json(StoreSubmission::from(&saved)))
}

/// Changes to a pending submission (AutoGPT's `StoreSubmissionEditRequest`); absent fields
/// stay as they are.
#[derive(Deserialize, ToSchema)]
pub struct StoreSubmissionEditRequest {
    name: Option<String>,
    sub_heading: Option<String>,
    description: Option<String>,
    instructions: Option<String>,
    #[serde(alias = "output_example")]
    agent_output_demo_url: Option<String>,
    categories: Option<Vec<String>>,
    image_urls: Option<Vec<String>>,
    video_url: Option<String>,
    changes_summary: Option<String>,
}

/// Edits one of the caller's pending submissions.
#[utoipa::path(put, path = "/api/store/submissions/{submission_id}", tag = "store",
    params(("submission_id" = String, Path, description = "the listing version id")),
    request_body = StoreSubmissionEditRequest,
    responses((status = 200, body = StoreSubmission),
              (status = 400, description = "a malformed field", body = ErrorEnvelope),
              (status = 404, description = "no such submission of the caller's", body = ErrorEnvelope),
              (status = 409, description = "already decided", body = ErrorEnvelope)))]
async fn update_submission(
    State(state): State<AppState>,
    principal: Principal,
    Path(submission_id): Path<String>,
    Json(body): Json<StoreSubmissionEditRequest>,
) -> ApiResult<Json<StoreSubmission>> {
    let store = state.engine.store();
    let current = store.submission(&principal.user_id, &submission_id).await?;
    check_listing(
        body.name.as_deref().unwrap_or(&current.name),
        body.categories.as_deref().unwrap_or(&[]),
        body.image_urls.as_deref().unwrap_or(&[]),
        body.video_url.as_deref(),
    )?;
    for (field, value, max) in [
        ("sub_heading", &body.sub_heading, 200),
        ("description", &body.description, 10_000),
        ("instructions", &body.instructions, 10_000),
        ("agent_output_demo_url", &body.agent_output_demo_url, 10_000),
    ] {
        check_text(field, value.as_deref().unwrap_or(""), max)?;
    }
    let saved = store
        .update_submission(
            &principal.user_id,
            &submission_id,
            SubmissionChange {
                name: body.name,
                sub_heading: body.sub_heading,
                description: body.description,
                instructions: body.instructions,
                output_example: body.agent_output_demo_url,
                categories: body.categories,
                image_urls: body.image_urls,
                video_url: body.video_url.map(Some),
                changes_summary: body.changes_summary,
            },
        )
        .await
        .map_err(decided)?;
    Ok(Json(StoreSubmission::from(&saved)))
}

fn decided(e: agentry_store::Error) -> ApiError {
    match e {
        agentry_store::Error::Conflict(m) => ApiError::new(Code::SubmissionAlreadyDecided, m),
        other => other.into(),
    }
}

/// Withdraws one of the caller's pending submissions (204).
#[utoipa::path(delete, path = "/api/store/submissions/{submission_id}", tag = "store",
    params(("submission_id" = String, Path, description = "the listing version id")),
    responses((status = 204, description = "withdrawn"),
              (status = 404, description = "no such submission of the caller's", body = ErrorEnvelope),
              (status = 409, description = "already decided", body = ErrorEnvelope)))]
async fn delete_submission(
    State(state): State<AppState>,
    principal: Principal,
    Path(submission_id): Path<String>,
) -> ApiResult<StatusCode> {
    state
        .engine
        .store()
        .withdraw_submission(&principal.user_id, &submission_id)
        .await
        .map_err(decided)?;
    Ok(StatusCode::NO_CONTENT)
}

/// Where an uploaded image is served.
#[derive(Serialize, ToSchema)]
pub struct UploadedMedia {
    /// Put this in `image_urls`.
    url: String,
}

/// Uploads an image for a submission: the raw bytes of a PNG, JPEG, GIF or WebP (the bytes
/// decide the type), at most 5 MiB by default.
#[utoipa::path(post, path = "/api/store/submissions/media", tag = "store",
    request_body(content = Vec<u8>, content_type = "application/octet-stream"),
    responses((status = 200, body = UploadedMedia),
              (status = 413, description = "too large", body = ErrorEnvelope),
              (status = 415, description = "not an image", body = ErrorEnvelope)))]
async fn upload_media(
    State(state): State<AppState>,
    _principal: Principal,
    RawBody(bytes): RawBody,
) -> ApiResult<Json<UploadedMedia>> {
    let file = state.media().put_image(bytes).await.map_err(media_error)?;
    Ok(Json(UploadedMedia {
        url: format!("/api/store/media/{file}"),
    }))
}

fn media_error(e: MediaError) -> ApiError {
    match e {
        MediaError::TooLarge { max, .. } => ApiError::new(Code::ImageTooLarge, e.to_string())
            .with_details(json!({ "max_bytes": max })),
        MediaError::NotAnImage => ApiError::new(Code::InvalidImage, e.to_string()),
        MediaError::NotFound => ApiError::not_found("no such media file"),
        MediaError::Storage(_) => ApiError::internal(e),
    }
}

/// An uploaded image.
async fn get_media(State(state): State<AppState>, Path(file): Path<String>) -> ApiResult<Response> {
    let (bytes, content_type) = state.media().get(&file).await.map_err(media_error)?;
    Ok((
        [
            (header::CONTENT_TYPE, content_type),
            (header::X_CONTENT_TYPE_OPTIONS, "nosniff"),
        ],
        bytes,
    )
        .into_response())
}
