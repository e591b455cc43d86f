//! Browsing the store: published agents (featured, by creator, by category, sorted by rating,
//! runs, recency or name, or ranked by a full-text or hybrid search), one agent's page with its
//! permissions summary, its graph read-only, ratings (one per user per version), and download
//! as an AutoGPT agent file.

use crate::route_docs::routes;
use agentry_store::market::{ListingQuery, ListingSort};
use axum::extract::State;
use axum::http::header;
use axum::response::{IntoResponse, Response};
use serde::{Deserialize, Serialize};
use serde_json::Value;
use utoipa::{IntoParams, ToSchema};
use utoipa_axum::router::OpenApiRouter;

use super::{StoreAgent, StoreAgentDetails, page_args, sub_graphs_of};
use crate::AppState;
use crate::auth::Principal;
use crate::error::{ApiError, ApiResult, Code, ErrorEnvelope};
use crate::extract::{Json, Path, Query};
use crate::model::Pagination;

pub fn router() -> OpenApiRouter<AppState> {
    OpenApiRouter::new()
        .routes(routes!(list_agents))
        .routes(routes!(get_agent))
        .routes(routes!(review_agent))
        .routes(routes!(store_graph))
        .routes(routes!(download_agent))
}

/// AutoGPT's `StoreAgentsResponse`.
#[derive(Serialize, ToSchema)]
pub struct StoreAgentsResponse {
    agents: Vec<StoreAgent>,
    pagination: Pagination,
}

#[derive(Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
struct AgentsQuery {
    /// Featured agents only.
    #[serde(default)]
    featured: bool,
    /// A creator's username.
    creator: Option<String>,
    category: Option<String>,
    /// Search over names, sub-headings, descriptions and categories, ranked: full text, fused
    /// with embedding similarity when the server has an embedding model (hybrid search).
    search_query: Option<String>,
    /// `rating`, `runs`, `name` or `updated_at` (default: relevance, or newest first).
    sorted_by: Option<String>,
    page: Option<u64>,
    page_size: Option<u64>,
}

/// Published store agents.
#[utoipa::path(get, path = "/api/store/agents", tag = "store", operation_id = "list_store_agents", params(AgentsQuery),
    responses((status = 200, body = StoreAgentsResponse),
              (status = 400, description = "bad page or sort", body = ErrorEnvelope)))]
async fn list_agents(
    State(state): State<AppState>,
    _principal: Principal,
    Query(q): Query<AgentsQuery>,
) -> ApiResult<Json<StoreAgentsResponse>> {
    let (page, size) = page_args(q.page, q.page_size)?;
    let sort = match q.sorted_by.as_deref() {
        None | Some("") => ListingSort::Relevance,
        Some("rating") => ListingSort::Rating,
        Some("runs") => ListingSort::Runs,
        Some("name") => ListingSort::Name,
        Some("updated_at" | "recent") => ListingSort::Recent,
        Some(other) => {
            return Err(ApiError::new(
                Code::InvalidQuery,
                format!("sorted_by {other}: use rating, runs, name or updated_at"),
            ));
        }
    };
    let store = state.engine.store();
    let creator = match &q.creator {
        Some(username) => match store.profile_by_username(username).await {
            Ok(p) => Some(p.user_id),
            Err(agentry_store::Error::NotFound(_)) => {
                return Ok(Json(StoreAgentsResponse {
                    agents: Vec::new(),
                    pagination: Pagination::new(0, page, size),
                }));
            }
            Err(e) => return Err(e.into()),
        },
        None => None,
    };
    // With embeddings configured, the search is hybrid (full text fused with similarity).
    let search = q.search_query;
    let semantic = match (&search, state.store_embeddings()) {
        (Some(text), Some(embeddings)) if text.chars().any(char::is_alphanumeric) => {
            embeddings.query(text).await
        }
        _ => None,
    };
    let (rows, total) = store
        .browse_listings(&ListingQuery {
            featured: q.featured,
            creator,
            category: q.category.filter(|c| !c.is_empty()),
            search,
            semantic,
            sort,
            page,
            page_size: size,
        })
        .await?;
    let owners: Vec<String> = rows.iter().map(|r| r.listing.user_id.clone()).collect();
    let profiles = store.profiles_of(&owners).await?;
    Ok(Json(StoreAgentsResponse {
        agents: rows.iter().map(|r| StoreAgent::new(r, &profiles)).collect(),
        pagination: Pagination::new(total, page, size),
    }))
}

/// The published listing a creator's username and slug name.
async fn listing_of(
    state: &AppState,
    username: &str,
    slug: &str,
) -> ApiResult<(
    agentry_store::market::ListingRow,
    agentry_store::market::entity::profile::Model,
)> {
    let store = state.engine.store();
    let creator = store.profile_by_username(username).await?;
    let row = store.published_listing(&creator.user_id, slug).await?;
    Ok((row, creator))
}

/// One published agent, with its permissions summary.
#[utoipa::path(get, path = "/api/store/agents/{username}/{agent_name}", tag = "store", operation_id = "get_store_agent",
    params(("username" = String, Path), ("agent_name" = String, Path, description = "the listing's slug")),
    responses((status = 200, body = StoreAgentDetails),
              (status = 404, description = "no such published agent", body = ErrorEnvelope)))]
async fn get_agent(
    State(state): State<AppState>,
    _principal: Principal,
    Path((username, agent_name)): Path<(String, String)>,
) -> ApiResult<Json<StoreAgentDetails>> {
    let (row, creator) = listing_of(&state, &username, &agent_name).await?;
    let approved = state
        .engine
        .store()
        .approved_versions(&row.listing.id)
        .await?;
    Ok(Json(StoreAgentDetails::new(
        &row,
        Some(&creator),
        &approved,
    )))
}

/// AutoGPT's `StoreReviewCreate`.
#[derive(Deserialize, ToSchema)]
pub struct StoreReviewCreate {
    /// The version rated (default: the active one).
    store_listing_version_id: Option<String>,
    /// 1 to 5.
    score: i32,
    comments: Option<String>,
}

/// AutoGPT's `StoreReview`.
#[derive(Serialize, ToSchema)]
pub struct StoreReview {
    score: i32,
    comments: Option<String>,
}

/// Rates a published agent's version: one rating per user per version.
#[utoipa::path(post, path = "/api/store/agents/{username}/{agent_name}/review", tag = "store",
    params(("username" = String, Path), ("agent_name" = String, Path)),
    request_body = StoreReviewCreate,
    responses((status = 200, body = StoreReview),
              (status = 400, description = "score out of range", body = ErrorEnvelope),
              (status = 404, description = "no such published agent or version", body = ErrorEnvelope),
              (status = 409, description = "the caller already rated this version", body = ErrorEnvelope)))]
async fn review_agent(
    State(state): State<AppState>,
    principal: Principal,
    Path((username, agent_name)): Path<(String, String)>,
    Json(body): Json<StoreReviewCreate>,
) -> ApiResult<Json<StoreReview>> {
    if !(1..=5).contains(&body.score) {
        return Err(ApiError::new(Code::InvalidSubmission, "score is 1 to 5"));
    }
    if body.comments.as_ref().is_some_and(|c| c.len() > 5000) {
        return Err(ApiError::new(
            Code::InvalidSubmission,
            "comments: at most 5000 characters",
        ));
    }
    let (row, _) = listing_of(&state, &username, &agent_name).await?;
    let version_id = body.store_listing_version_id.unwrap_or(row.version.id);
    let store = state.engine.store();
    let target = store.approved_version(&version_id).await?;
    if target.listing.id != row.listing.id {
        return Err(ApiError::not_found("no such version of this agent"));
    }
    let saved = store
        .rate_version(&principal.user_id, &version_id, body.score, body.comments)
        .await
        .map_err(|e| match e {
            agentry_store::Error::Conflict(m) => ApiError::new(Code::DuplicateReview, m),
            other => other.into(),
        })?;
    Ok(Json(StoreReview {
        score: saved.score,
        comments: saved.comments,
    }))
}

/// An approved version's graph and sub-graphs as AutoGPT's export file (credentials and who
/// saved it left out).
pub(crate) async fn export_file(state: &AppState, version_id: &str) -> ApiResult<Value> {
    let row = state.engine.store().approved_version(version_id).await?;
    agent_file(
        state,
        &row.listing.user_id,
        &row.version.graph_id,
        row.version.graph_version,
    )
    .await
}

/// A graph of `owner`'s as an AutoGPT agent file with its sub-graphs.
pub(crate) async fn agent_file(
    state: &AppState,
    owner: &str,
    graph_id: &str,
    version: i32,
) -> ApiResult<Value> {
    let registry = state.engine.registry();
    let record = state
        .engine
        .store()
        .get_graph(owner, graph_id, Some(version))
        .await?;
    let subs = sub_graphs_of(state, owner, &record.graph).await?;
    let mut file = agentry_core::export::export(&record.graph, registry);
    if let Value::Object(map) = &mut file {
        map.remove("user_id");
        map.remove("created_at");
        map.insert(
            "sub_graphs".into(),
            Value::Array(
                subs.iter()
                    .map(|g| agentry_core::export::export(g, registry))
                    .collect(),
            ),
        );
    }
    Ok(file)
}

/// An approved version's graph, read-only (the export shape).
#[utoipa::path(get, path = "/api/store/graph/{store_listing_version_id}", tag = "store",
    params(("store_listing_version_id" = String, Path)),
    responses((status = 200, description = "the graph", body = crate::routes::graphs::GraphModel),
              (status = 404, description = "no such approved version", body = ErrorEnvelope)))]
async fn store_graph(
    State(state): State<AppState>,
    _principal: Principal,
    Path(version_id): Path<String>,
) -> ApiResult<Json<Value>> {
    Ok(Json(export_file(&state, &version_id).await?))
}

/// Downloads an approved agent as an AutoGPT agent file a self-hoster can import.
#[utoipa::path(get, path = "/api/store/download/agents/{store_listing_version_id}", tag = "store",
    params(("store_listing_version_id" = String, Path)),
    responses((status = 200, description = "the agent file", body = crate::routes::graphs::GraphModel),
              (status = 404, description = "no such approved version", body = ErrorEnvelope)))]
async fn download_agent(
    State(state): State<AppState>,
    _principal: Principal,
    Path(version_id): Path<String>,
) -> ApiResult<Response> {
    let file = export_file(&state, &version_id).await?;
    let name = format!("attachment; filename=\"agent_{version_id}.json\"");
    Ok(([(header::CONTENT_DISPOSITION, name)], axum::Json(file)).into_response())
}
