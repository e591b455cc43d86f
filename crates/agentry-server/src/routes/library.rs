//! The library on AutoGPT's `/api/library/agents` paths: store agents added by reference
//! (following the listing's newest approved version, or pinned to one), forks (a copy the user
//! owns), the user's own graphs (a record each, made when the library is listed), favourites,
//! folders and archive. Each agent says which credentials it needs
//! (`credentials_input_schema`) and what it can do (the permissions summary, flagged when a
//! newer version asks for more). Running a library agent runs as the caller, with the caller's
//! credentials, and counts a run of its listing.

use crate::route_docs::routes;
use agentry_core::Graph;
use agentry_engine::ExecuteRequest;
use agentry_store::market::entity::{folder, library_agent, version};
use agentry_store::market::{LibraryChange, LibraryQuery, NewLibraryAgent};
use axum::extract::State;
use axum::http::StatusCode;
use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};
use serde_json::Value;
use utoipa::{IntoParams, ToSchema};
use utoipa_axum::router::OpenApiRouter;

use crate::AppState;
use crate::auth::Principal;
use crate::error::{ApiError, ApiResult, Code, ErrorEnvelope};
use crate::extract::{Json, OptionalJson, Path, Query};
use crate::model::{JsonObject, Pagination};
use crate::routes::executions::ExecutionMeta;
use crate::routes::store::{PermissionsSummary, page_args, sub_graphs_of};

pub fn router() -> OpenApiRouter<AppState> {
    OpenApiRouter::new()
        .routes(routes!(list_agents, add_agent))
        .routes(routes!(get_agent, update_agent, delete_agent))
        .routes(routes!(fork_agent))
        .routes(routes!(execute_agent))
        .routes(routes!(list_folders, create_folder))
        .routes(routes!(delete_folder))
}

/// AutoGPT's `LibraryAgent`, with what the agent may do and whether an update waits.
#[derive(Serialize, ToSchema)]
pub struct LibraryAgent {
    id: String,
    graph_id: String,
    /// The version that runs: the listing's newest approved one when following updates.
    graph_version: i32,
    name: String,
    description: String,
    image_url: Option<String>,
    is_favorite: bool,
    is_archived: bool,
    folder_id: Option<String>,
    /// Follows the listing's newest approved version.
    auto_update_version: bool,
    is_created_by_user: bool,
    store_listing_version_id: Option<String>,
    /// Pinned to a version older than the listing's newest.
    update_available: bool,
    /// The newest version asks for more than the one before it.
    permissions_increased: bool,
    /// False when the store agent was taken down (it can no longer run).
    can_access_graph: bool,
    permissions: Option<PermissionsSummary>,
    /// The credentials the caller must supply to run it, one field per provider and type.
    #[schema(value_type = std::collections::HashMap<String, serde_json::Value>)]
    credentials_input_schema: Value,
    #[schema(value_type = std::collections::HashMap<String, serde_json::Value>)]
    input_schema: Value,
    updated_at: DateTime<Utc>,
}

/// Where a library agent's graph comes from, resolved now.
struct Resolved {
    owner: String,
    graph: Graph,
    version: Option<version::Model>,
    listing_id: Option<String>,
    update_available: bool,
    permissions_increased: bool,
    can_access: bool,
}

async fn resolve(state: &AppState, a: &library_agent::Model) -> ApiResult<Resolved> {
    let store = state.engine.store();
    let Some(listing_id) = &a.listing_id else {
        // An own graph's record follows its active version; a fork's stays on its copy.
        let pinned = (!a.follow_updates).then_some(a.graph_version);
        let record = store.get_graph(&a.user_id, &a.graph_id, pinned).await?;
        return Ok(Resolved {
            owner: a.user_id.clone(),
            graph: record.graph,
            version: None,
            listing_id: None,
            update_available: false,
            permissions_increased: false,
            can_access: true,
        });
    };
    let approved = store.approved_versions(listing_id).await?;
    let newest = approved.first().cloned();
    let chosen = if a.follow_updates {
        newest.clone()
    } else {
        approved
            .iter()
            .find(|v| v.graph_version == a.graph_version)
            .cloned()
    };
    let graph_version = chosen.as_ref().map_or(a.graph_version, |v| v.graph_version);
    let record = store
        .get_graph(&a.graph_owner_id, &a.graph_id, Some(graph_version))
        .await?;
    let update_available = !a.follow_updates
        && newest
            .as_ref()
            .is_some_and(|n| n.graph_version > a.graph_version);
    Ok(Resolved {
        owner: a.graph_owner_id.clone(),
        graph: record.graph,
        permissions_increased: newest.as_ref().is_some_and(|n| n.asks_more)
            && (update_available || a.follow_updates),
        can_access: chosen.is_some(),
        version: chosen,
        listing_id: Some(listing_id.clone()),
        update_available,
    })
}

async fn view(state: &AppState, a: &library_agent::Model) -> ApiResult<LibraryAgent> {
    let r = resolve(state, a).await?;
    let registry = state.engine.registry();
    let v = r.version.as_ref();
    Ok(LibraryAgent {
        id: a.id.clone(),
        graph_id: a.graph_id.clone(),
        graph_version: r.graph.version,
        name: v.map_or_else(|| r.graph.name.clone(), |v| v.name.clone()),
        description: v.map_or_else(|| r.graph.description.clone(), |v| v.description.clone()),
        image_url: v.and_then(|v| {
            v.image_urls
                .as_array()
                .and_then(|a| a.first())
                .and_then(Value::as_str)
                .map(String::from)
        }),
        is_favorite: a.is_favorite,
        is_archived: a.is_archived,
        folder_id: a.folder_id.clone(),
        auto_update_version: a.follow_updates,
        is_created_by_user: a.is_created_by_user,
        store_listing_version_id: v.map(|v| v.id.clone()),
        update_available: r.update_available,
        permissions_increased: r.permissions_increased,
        can_access_graph: r.can_access,
        permissions: v.map(PermissionsSummary::of),
        credentials_input_schema: agentry_engine::integrations::credentials_input_schema(
            &r.graph, registry,
        ),
        input_schema: agentry_core::io_schema::input_schema(&r.graph, registry),
        updated_at: a.updated_at,
    })
}

/// AutoGPT's `LibraryAgentResponse`.
#[derive(Serialize, ToSchema)]
pub struct LibraryAgentResponse {
    agents: Vec<LibraryAgent>,
    pagination: Pagination,
}

#[derive(Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
struct LibraryListQuery {
    #[serde(default)]
    favorites_only: bool,
    folder_id: Option<String>,
    #[serde(default)]
    include_archived: bool,
    page: Option<u64>,
    page_size: Option<u64>,
}

/// The caller's library, newest change first (archived agents only when asked).
#[utoipa::path(get, path = "/api/library/agents", tag = "library", operation_id = "list_library_agents", params(LibraryListQuery),
    responses((status = 200, body = LibraryAgentResponse),
              (status = 400, description = "bad page", body = ErrorEnvelope)))]
async fn list_agents(
    State(state): State<AppState>,
    principal: Principal,
    Query(q): Query<LibraryListQuery>,
) -> ApiResult<Json<LibraryAgentResponse>> {
    let (page, size) = page_args(q.page, q.page_size)?;
    let store = state.engine.store();
    store.sync_own_library_agents(&principal.user_id).await?;
    let (rows, total) = store
        .library_agents(
            &principal.user_id,
            &LibraryQuery {
                favorites_only: q.favorites_only,
                folder_id: q.folder_id,
                include_archived: q.include_archived,
                page,
                page_size: size,
            },
        )
        .await?;
    let mut agents = Vec::with_capacity(rows.len());
    for a in &rows {
        agents.push(view(&state, a).await?);
    }
    Ok(Json(LibraryAgentResponse {
        agents,
        pagination: Pagination::new(total, page, size),
    }))
}

/// A store agent to add.
#[derive(Deserialize, ToSchema)]
pub struct AddLibraryAgent {
    store_listing_version_id: String,
    /// Follow the listing's newest approved version (default), or stay on this one.
    #[serde(default = "yes")]
    auto_update_version: bool,
}

fn yes() -> bool {
    true
}

/// Adds an approved store agent to the caller's library, by reference.
#[utoipa::path(post, path = "/api/library/agents", tag = "library", request_body = AddLibraryAgent,
    responses((status = 200, body = LibraryAgent),
              (status = 404, description = "no such approved version", body = ErrorEnvelope),
              (status = 409, description = "already in the library", body = ErrorEnvelope)))]
async fn add_agent(
    State(state): State<AppState>,
    principal: Principal,
    Json(body): Json<AddLibraryAgent>,
) -> ApiResult<Json<LibraryAgent>> {
    let store = state.engine.store();
    let row = store
        .approved_version(&body.store_listing_version_id)
        .await?;
    let saved = store
        .add_library_agent(NewLibraryAgent {
            user_id: principal.user_id.clone(),
            graph_id: row.version.graph_id.clone(),
            graph_version: row.version.graph_version,
            graph_owner_id: row.listing.user_id.clone(),
            listing_id: Some(row.listing.id.clone()),
            follow_updates: body.auto_update_version,
            is_created_by_user: false,
        })
        .await?;
    Ok(Json(view(&state, &saved).await?))
}

/// One library agent.
#[utoipa::path(get, path = "/api/library/agents/{library_agent_id}", tag = "library", operation_id = "get_library_agent",
    params(("library_agent_id" = String, Path)),
    responses((status = 200, body = LibraryAgent),
              (status = 404, description = "no such library agent", body = ErrorEnvelope)))]
async fn get_agent(
    State(state): State<AppState>,
    principal: Principal,
    Path(id): Path<String>,
) -> ApiResult<Json<LibraryAgent>> {
    let a = state
        .engine
        .store()
        .library_agent(&principal.user_id, &id)
        .await?;
    Ok(Json(view(&state, &a).await?))
}

/// AutoGPT's `LibraryAgentUpdateRequest`; absent fields stay as they are.
#[derive(Deserialize, ToSchema)]
pub struct LibraryAgentUpdate {
    is_favorite: Option<bool>,
    is_archived: Option<bool>,
    auto_update_version: Option<bool>,
    /// Pin this graph version (one of the listing's approved versions).
    graph_version: Option<i32>,
    /// A folder of the caller's; an empty string takes the agent out of its folder.
    folder_id: Option<String>,
}

/// Favourite, archive, move to a folder, follow updates or pin a version.
#[utoipa::path(patch, path = "/api/library/agents/{library_agent_id}", tag = "library",
    params(("library_agent_id" = String, Path)), request_body = LibraryAgentUpdate,
    responses((status = 200, body = LibraryAgent),
              (status = 404, description = "no such library agent, folder or version", body = ErrorEnvelope)))]
async fn update_agent(
    State(state): State<AppState>,
    principal: Principal,
    Path(id): Path<String>,
    Json(body): Json<LibraryAgentUpdate>,
) -> ApiResult<Json<LibraryAgent>> {
    let store = state.engine.store();
    let current = store.library_agent(&principal.user_id, &id).await?;
    if let Some(pin) = body.graph_version {
        let available = match &current.listing_id {
            Some(listing) => store
                .approved_versions(listing)
                .await?
                .iter()
                .any(|v| v.graph_version == pin),
            None => pin == current.graph_version,
        };
        if !available {
            return Err(ApiError::not_found(format!(
                "graph version {pin} of this agent"
            )));
        }
    }
    let saved = store
        .update_library_agent(
            &principal.user_id,
            &id,
            LibraryChange {
                is_favorite: body.is_favorite,
                is_archived: body.is_archived,
                folder_id: body.folder_id.map(|f| (!f.is_empty()).then_some(f)),
                follow_updates: body.auto_update_version,
                graph_version: body.graph_version,
            },
        )
        .await?;
    Ok(Json(view(&state, &saved).await?))
}

/// Removes an agent from the caller's library (204).
#[utoipa::path(delete, path = "/api/library/agents/{library_agent_id}", tag = "library",
    params(("library_agent_id" = String, Path)),
    responses((status = 204, description = "removed"),
              (status = 404, description = "no such library agent", body = ErrorEnvelope)))]
async fn delete_agent(
    State(state): State<AppState>,
    principal: Principal,
    Path(id): Path<String>,
) -> ApiResult<StatusCode> {
    state
        .engine
        .store()
        .delete_library_agent(&principal.user_id, &id)
        .await?;
    Ok(StatusCode::NO_CONTENT)
}

/// Copies a library agent's graph (and sub-graphs) into a graph the caller owns, and adds it.
#[utoipa::path(post, path = "/api/library/agents/{library_agent_id}/fork", tag = "library",
    params(("library_agent_id" = String, Path)),
    responses((status = 200, body = LibraryAgent),
              (status = 404, description = "no such library agent", body = ErrorEnvelope)))]
async fn fork_agent(
    State(state): State<AppState>,
    principal: Principal,
    Path(id): Path<String>,
) -> ApiResult<Json<LibraryAgent>> {
    let store = state.engine.store();
    let a = store.library_agent(&principal.user_id, &id).await?;
    let r = resolve(&state, &a).await?;
    let mut graph = r.graph.clone();
    graph.sub_graphs = Some(sub_graphs_of(&state, &r.owner, &r.graph).await?);
    let copy =
        agentry_engine::graphs::create(store, state.engine.registry(), &principal.user_id, graph)
            .await?;
    let saved = store
        .add_library_agent(NewLibraryAgent {
            user_id: principal.user_id.clone(),
            graph_id: copy.id.clone(),
            graph_version: copy.version,
            graph_owner_id: principal.user_id.clone(),
            listing_id: None,
            follow_updates: false,
            is_created_by_user: true,
        })
        .await?;
    Ok(Json(view(&state, &saved).await?))
}

/// Inputs and the caller's credentials for a run.
#[derive(Deserialize, Default, ToSchema)]
pub struct LibraryExecuteBody {
    #[serde(default)]
    inputs: JsonObject,
    /// The caller's credentials by `credentials_input_schema` field.
    #[serde(default)]
    credentials_inputs: JsonObject,
}

/// Runs a library agent as the caller, with the caller's credentials.
#[utoipa::path(post, path = "/api/library/agents/{library_agent_id}/execute", tag = "library",
    params(("library_agent_id" = String, Path)),
    request_body(content = Option<LibraryExecuteBody>, description = "may be empty"),
    responses((status = 200, body = ExecutionMeta),
              (status = 400, description = "missing inputs or bad credentials inputs", body = ErrorEnvelope),
              (status = 404, description = "no such library agent, or it was taken down", body = ErrorEnvelope)))]
async fn execute_agent(
    State(state): State<AppState>,
    principal: Principal,
    Path(id): Path<String>,
    OptionalJson(body): OptionalJson<LibraryExecuteBody>,
) -> ApiResult<Json<ExecutionMeta>> {
    let store = state.engine.store();
    let a = store.library_agent(&principal.user_id, &id).await?;
    let r = resolve(&state, &a).await?;
    if !r.can_access {
        return Err(ApiError::not_found(
            "this store agent version was taken down and can no longer run",
        ));
    }
    let node_inputs = agentry_engine::integrations::node_credentials(
        &r.graph,
        state.engine.registry(),
        &body.credentials_inputs.0,
    )
    .map_err(|message| ApiError::new(Code::InvalidCredentialsInputs, message))?;
    let request = ExecuteRequest::new(
        &principal.user_id,
        &r.graph.id,
        r.graph.version,
        body.inputs.0,
    )
    .with_node_inputs(node_inputs);
    let run = state.engine.execute(request).await?;
    if let Some(listing) = &r.listing_id {
        store.count_listing_run(listing).await?;
    }
    Ok(Json(ExecutionMeta::created(run)))
}

/// A library folder.
#[derive(Serialize, Deserialize, ToSchema)]
pub struct LibraryFolder {
    #[serde(default)]
    id: String,
    name: String,
}

impl From<&folder::Model> for LibraryFolder {
    fn from(f: &folder::Model) -> Self {
        LibraryFolder {
            id: f.id.clone(),
            name: f.name.clone(),
        }
    }
}

/// The caller's folders, by name.
#[utoipa::path(get, path = "/api/library/folders", tag = "library",
    responses((status = 200, body = Vec<LibraryFolder>)))]
async fn list_folders(
    State(state): State<AppState>,
    principal: Principal,
) -> ApiResult<Json<Vec<LibraryFolder>>> {
    let rows = state.engine.store().folders(&principal.user_id).await?;
    Ok(Json(rows.iter().map(LibraryFolder::from).collect()))
}

/// Makes a folder (`id` is ignored).
#[utoipa::path(post, path = "/api/library/folders", tag = "library", request_body = LibraryFolder,
    responses((status = 200, body = LibraryFolder),
              (status = 400, description = "bad name", body = ErrorEnvelope),
              (status = 409, description = "a folder has this name", body = ErrorEnvelope)))]
async fn create_folder(
    State(state): State<AppState>,
    principal: Principal,
    Json(body): Json<LibraryFolder>,
) -> ApiResult<Json<LibraryFolder>> {
    let name = body.name.trim();
    if name.is_empty() || name.chars().count() > 100 {
        return Err(ApiError::new(
            Code::InvalidBody,
            "a folder name is 1 to 100 characters",
        ));
    }
    let f = state
        .engine
        .store()
        .create_folder(&principal.user_id, name)
        .await?;
    Ok(Json(LibraryFolder::from(&f)))
}

/// Deletes a folder; its agents stay in the library (204).
#[utoipa::path(delete, path = "/api/library/folders/{folder_id}", tag = "library",
    params(("folder_id" = String, Path)),
    responses((status = 204, description = "deleted"),
              (status = 404, description = "no such folder", body = ErrorEnvelope)))]
async fn delete_folder(
    State(state): State<AppState>,
    principal: Principal,
    Path(folder_id): Path<String>,
) -> ApiResult<StatusCode> {
    state
        .engine
        .store()
        .delete_folder(&principal.user_id, &folder_id)
        .await?;
    Ok(StatusCode::NO_CONTENT)
}
