//! Creator profiles (`/api/store/profile`) and creator pages (`/api/store/creators`,
//! `/api/store/creator/{username}`): a creator's approved agents and their stats.

use crate::route_docs::routes;
use agentry_store::market::entity::profile;
use agentry_store::market::{ListingQuery, ListingSort, ProfileInput};
use axum::extract::State;
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};
use utoipa_axum::router::OpenApiRouter;

use super::{StoreAgent, page_args};
use crate::AppState;
use crate::auth::Principal;
use crate::error::{ApiError, ApiResult, Code, ErrorEnvelope};
use crate::extract::{Json, Path, Query};
use crate::model::Pagination;

pub fn router() -> OpenApiRouter<AppState> {
    OpenApiRouter::new()
        .routes(routes!(get_profile, update_profile))
        .routes(routes!(list_creators))
        .routes(routes!(get_creator))
}

/// AutoGPT's `ProfileDetails` (and the `Profile` body of `POST /api/store/profile`).
#[derive(Serialize, Deserialize, ToSchema)]
pub struct ProfileDetails {
    /// Unique; 3 to 40 lowercase letters, digits, `-` and `_`.
    username: String,
    name: String,
    #[serde(default)]
    description: String,
    #[serde(default)]
    links: Vec<String>,
    #[serde(default)]
    avatar_url: Option<String>,
}

impl From<&profile::Model> for ProfileDetails {
    fn from(p: &profile::Model) -> Self {
        ProfileDetails {
            username: p.username.clone(),
            name: p.name.clone(),
            description: p.description.clone(),
            links: super::strings(&p.links),
            avatar_url: p.avatar_url.clone(),
        }
    }
}

/// The caller's creator profile.
#[utoipa::path(get, path = "/api/store/profile", tag = "store",
    responses((status = 200, body = ProfileDetails),
              (status = 404, description = "no profile yet", body = ErrorEnvelope)))]
async fn get_profile(
    State(state): State<AppState>,
    principal: Principal,
) -> ApiResult<Json<ProfileDetails>> {
    let p = state
        .engine
        .store()
        .profile(&principal.user_id)
        .await?
        .ok_or_else(|| ApiError::not_found("you have no creator profile yet"))?;
    Ok(Json(ProfileDetails::from(&p)))
}

pub(crate) fn check_url(field: &str, url: &str) -> ApiResult<()> {
    let ok = url.len() <= 2048
        && (url.starts_with("https://")
            || url.starts_with("http://")
            || url.starts_with("/api/store/media/"));
    if ok {
        Ok(())
    } else {
        Err(ApiError::new(
            Code::InvalidSubmission,
            format!("{field} must be an http(s) URL or an uploaded file's URL"),
        ))
    }
}

/// Creates or replaces the caller's creator profile.
#[utoipa::path(post, path = "/api/store/profile", tag = "store", request_body = ProfileDetails,
    responses((status = 200, body = ProfileDetails),
              (status = 400, description = "a malformed field", body = ErrorEnvelope),
              (status = 409, description = "the username is taken", body = ErrorEnvelope)))]
async fn update_profile(
    State(state): State<AppState>,
    principal: Principal,
    Json(body): Json<ProfileDetails>,
) -> ApiResult<Json<ProfileDetails>> {
    let username_ok = (3..=40).contains(&body.username.len())
        && body
            .username
            .bytes()
            .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'-' || b == b'_');
    if !username_ok {
        return Err(ApiError::new(
            Code::InvalidSubmission,
            "username: 3 to 40 lowercase letters, digits, - and _",
        ));
    }
    if body.name.trim().is_empty() || body.name.len() > 100 || body.description.len() > 5000 {
        return Err(ApiError::new(
            Code::InvalidSubmission,
            "name: 1 to 100 characters; description: at most 5000",
        ));
    }
    if body.links.len() > 10 {
        return Err(ApiError::new(Code::InvalidSubmission, "at most 10 links"));
    }
    for link in &body.links {
        check_url("links", link)?;
    }
    if let Some(avatar) = &body.avatar_url {
        check_url("avatar_url", avatar)?;
    }
    let saved = state
        .engine
        .store()
        .upsert_profile(
            &principal.user_id,
            ProfileInput {
                username: body.username,
                name: body.name,
                description: body.description,
                links: body.links,
                avatar_url: body.avatar_url,
            },
        )
        .await
        .map_err(|e| match e {
            agentry_store::Error::Conflict(m) => ApiError::new(Code::UsernameTaken, m),
            other => other.into(),
        })?;
    Ok(Json(ProfileDetails::from(&saved)))
}

/// AutoGPT's `Creator`.
#[derive(Serialize, ToSchema)]
pub struct Creator {
    name: String,
    username: String,
    description: String,
    avatar_url: String,
    is_featured: bool,
}

/// AutoGPT's `CreatorsResponse`.
#[derive(Serialize, ToSchema)]
pub struct CreatorsResponse {
    creators: Vec<Creator>,
    pagination: Pagination,
}

#[derive(Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
struct PageQuery {
    page: Option<u64>,
    page_size: Option<u64>,
}

/// Creators, featured first.
#[utoipa::path(get, path = "/api/store/creators", tag = "store", params(PageQuery),
    responses((status = 200, body = CreatorsResponse),
              (status = 400, description = "bad page", body = ErrorEnvelope)))]
async fn list_creators(
    State(state): State<AppState>,
    _principal: Principal,
    Query(q): Query<PageQuery>,
) -> ApiResult<Json<CreatorsResponse>> {
    let (page, size) = page_args(q.page, q.page_size)?;
    let (rows, total) = state.engine.store().creators(page, size).await?;
    Ok(Json(CreatorsResponse {
        creators: rows
            .iter()
            .map(|p| Creator {
                name: p.name.clone(),
                username: p.username.clone(),
                description: p.description.clone(),
                avatar_url: p.avatar_url.clone().unwrap_or_default(),
                is_featured: p.is_featured,
            })
            .collect(),
        pagination: Pagination::new(total, page, size),
    }))
}

/// AutoGPT's `CreatorDetails`, with the creator's published agents.
#[derive(Serialize, ToSchema)]
pub struct CreatorDetails {
    name: String,
    username: String,
    description: String,
    links: Vec<String>,
    avatar_url: String,
    agent_rating: f64,
    agent_runs: i64,
    top_categories: Vec<String>,
    agents: Vec<StoreAgent>,
}

/// A creator's page: profile, published agents, average rating and total runs.
#[utoipa::path(get, path = "/api/store/creator/{username}", tag = "store",
    params(("username" = String, Path)),
    responses((status = 200, body = CreatorDetails),
              (status = 404, description = "no such creator", body = ErrorEnvelope)))]
async fn get_creator(
    State(state): State<AppState>,
    _principal: Principal,
    Path(username): Path<String>,
) -> ApiResult<Json<CreatorDetails>> {
    let store = state.engine.store();
    let p = store.profile_by_username(&username).await?;
    let (rows, _) = store
        .browse_listings(&ListingQuery {
            creator: Some(p.user_id.clone()),
            sort: ListingSort::Runs,
            page: 1,
            page_size: 100,
            ..ListingQuery::default()
        })
        .await?;
    let (sum, count) = rows.iter().fold((0i64, 0i64), |(s, c), r| {
        (s + r.listing.rating_sum, c + r.listing.rating_count)
    });
    let mut categories: Vec<String> = rows
        .iter()
        .flat_map(|r| super::strings(&r.version.categories))
        .collect();
    categories.sort();
    categories.dedup();
    let profiles = vec![p.clone()];
    Ok(Json(CreatorDetails {
        name: p.name.clone(),
        username: p.username.clone(),
        description: p.description.clone(),
        links: super::strings(&p.links),
        avatar_url: p.avatar_url.clone().unwrap_or_default(),
        agent_rating: if count > 0 {
            sum as f64 / count as f64
        } else {
            0.0
        },
        agent_runs: rows.iter().map(|r| r.listing.run_count).sum(),
        top_categories: categories,
        agents: rows.iter().map(|r| StoreAgent::new(r, &profiles)).collect(),
    }))
}
