//! `/api/graphs`: create, list, read, update (a new version each time), delete, versions and
//! the active version, on AutoGPT's paths and shapes.

use crate::route_docs::routes;
use agentry_core::Graph;
use agentry_core::export::export;
use agentry_engine::graphs;
use agentry_store::GraphRecord;
use axum::extract::State;
use axum::http::HeaderMap;
use serde::{Deserialize, Serialize};
use serde_json::{Map, Value, json};
use utoipa::{IntoParams, ToSchema};
use utoipa_axum::router::OpenApiRouter;

use crate::AppState;
use crate::auth::Principal;
use crate::error::{ApiError, ApiResult, Code, ErrorEnvelope};
use crate::extract::{Json, Path, Query};
use crate::triggers;

pub fn router() -> OpenApiRouter<AppState> {
    OpenApiRouter::new()
        .routes(routes!(list_graphs, create_graph))
        .routes(routes!(get_graph, update_graph, delete_graph))
        .routes(routes!(list_versions))
        .routes(routes!(get_version))
        .routes(routes!(set_active_version))
}

/// A link between two pins (AutoGPT's `Link`).
#[derive(Serialize, Deserialize, ToSchema)]
pub struct LinkModel {
    #[serde(default)]
    id: String,
    source_id: String,
    sink_id: String,
    source_name: String,
    sink_name: String,
    #[serde(default)]
    is_static: bool,
    /// Fields AutoGPT files carry that Agentry keeps as they are.
    #[serde(flatten)]
    #[schema(ignore)]
    extra: Map<String, Value>,
}

/// One node (AutoGPT's `Node`), with copies of its links.
#[derive(Serialize, Deserialize, ToSchema)]
pub struct NodeModel {
    id: String,
    block_id: String,
    #[schema(value_type = std::collections::HashMap<String, serde_json::Value>)]
    input_default: Map<String, Value>,
    #[schema(value_type = std::collections::HashMap<String, serde_json::Value>)]
    metadata: Map<String, Value>,
    #[serde(default)]
    input_links: Vec<LinkModel>,
    #[serde(default)]
    output_links: Vec<LinkModel>,
    #[serde(flatten)]
    #[schema(ignore)]
    extra: Map<String, Value>,
}

/// A graph version as the API answers it: AutoGPT's `GraphModel` (the export shape, with
/// `user_id`, `created_at` and `is_active` unless exported).
#[derive(Serialize, Deserialize, ToSchema)]
pub struct GraphModel {
    id: String,
    version: i32,
    is_active: bool,
    name: String,
    description: String,
    /// Absent in the graph list, which answers metadata only.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    nodes: Option<Vec<NodeModel>>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    links: Option<Vec<LinkModel>>,
    /// The graphs this one runs as sub-agents (export shape of each).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[schema(value_type = Option<Vec<std::collections::HashMap<String, serde_json::Value>>>)]
    sub_graphs: Option<Vec<Value>>,
    /// JSON Schema of the graph's inputs.
    #[schema(value_type = std::collections::HashMap<String, serde_json::Value>)]
    input_schema: Value,
    /// JSON Schema of the graph's outputs.
    #[schema(value_type = std::collections::HashMap<String, serde_json::Value>)]
    output_schema: Value,
    /// JSON Schema of the credentials the graph's blocks take, one field per provider and
    /// type (AutoGPT's aggregated `credentials_input_schema`); filled in from the blocks.
    #[serde(default)]
    #[schema(value_type = std::collections::HashMap<String, serde_json::Value>)]
    credentials_input_schema: Value,
    /// Kept as JSON: an imported file may carry its own `user_id` and `created_at` in any form.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[schema(value_type = Option<String>)]
    user_id: Option<Value>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[schema(value_type = Option<String>, format = DateTime)]
    created_at: Option<Value>,
    #[serde(flatten)]
    #[schema(ignore)]
    extra: Map<String, Value>,
}

impl GraphModel {
    /// The record in AutoGPT's shape; `for_export` leaves out who saved it and when.
    pub fn new(state: &AppState, record: &GraphRecord, for_export: bool) -> ApiResult<Self> {
        let value = export(&record.graph, state.engine.registry());
        let mut model: GraphModel = serde_json::from_value(value).map_err(ApiError::internal)?;
        model.credentials_input_schema = agentry_engine::integrations::credentials_input_schema(
            &record.graph,
            state.engine.registry(),
        );
        if !for_export {
            model.user_id = Some(json!(record.user_id));
            model.created_at = Some(json!(record.created_at));
            model.is_active = record.is_active;
        }
        Ok(model)
    }
}

/// AutoGPT's answer to a graph delete.
#[derive(Serialize, ToSchema)]
pub struct DeleteGraphResponse {
    /// How many versions were deleted.
    version_counts: u64,
}

/// A graph to save: AutoGPT's `{"graph": {...}}` (`CreateGraph`), or a bare exported graph
/// (an AutoGPT agent file).
#[derive(Deserialize, ToSchema)]
#[serde(transparent)]
#[schema(value_type = std::collections::HashMap<String, serde_json::Value>)]
pub struct GraphBody(Value);

/// Reads a graph from a request body: AutoGPT's `{"graph": {...}}`, or a bare exported graph.
fn graph_from_body(body: Value) -> ApiResult<Graph> {
    let graph = match body {
        Value::Object(mut map) if map.get("graph").is_some_and(Value::is_object) => {
            map.remove("graph").unwrap_or_default()
        }
        other => other,
    };
    // As AutoGPT's model, a graph has a name: `{}` or `{"foo": 1}` is not an empty graph.
    if graph.as_object().is_some_and(|g| !g.contains_key("name")) {
        return Err(ApiError::new(
            Code::InvalidGraph,
            "the body is not a graph: missing field `name`",
        ));
    }
    serde_json::from_value(graph)
        .map_err(|e| ApiError::new(Code::InvalidGraph, format!("the body is not a graph: {e}")))
}

/// The user's graphs, each at its active version.
#[utoipa::path(get, path = "/api/graphs", tag = "graphs",
    responses((status = 200, description = "graphs, without nodes, links and sub-graphs", body = Vec<GraphModel>)))]
async fn list_graphs(
    State(state): State<AppState>,
    principal: Principal,
) -> ApiResult<Json<Vec<GraphModel>>> {
    let records = state.engine.store().list_graphs(&principal.user_id).await?;
    let mut out = Vec::with_capacity(records.len());
    for r in &records {
        let mut model = GraphModel::new(&state, r, false)?;
        model.nodes = None;
        model.links = None;
        model.sub_graphs = None;
        out.push(model);
    }
    Ok(Json(out))
}

/// Saves a new graph (version 1, fresh ids). The body is `{"graph": …}` or an exported graph.
#[utoipa::path(post, path = "/api/graphs", tag = "graphs", request_body = GraphBody,
    responses((status = 200, description = "the saved graph", body = GraphModel),
              (status = 400, description = "invalid graph or unknown blocks", body = ErrorEnvelope)))]
async fn create_graph(
    State(state): State<AppState>,
    principal: Principal,
    headers: HeaderMap,
    Json(GraphBody(body)): Json<GraphBody>,
) -> ApiResult<Json<GraphModel>> {
    let graph = graph_from_body(body)?;
    triggers::check(&state, &graph)?;
    let user_id = &principal.user_id;
    let record = graphs::create(
        state.engine.store(),
        state.engine.registry(),
        user_id,
        graph,
    )
    .await?;
    let base = state.platform_url(&headers);
    if let Err(e) = triggers::sync(&state, user_id, &record.id, Some(&record.graph), &base).await {
        // The graph is not kept when its triggers cannot subscribe: nothing changes.
        state
            .engine
            .store()
            .delete_graph(user_id, &record.id)
            .await?;
        return Err(e);
    }
    Ok(Json(GraphModel::new(&state, &record, false)?))
}

#[derive(Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
struct GetGraphQuery {
    /// A version; the active one when absent.
    version: Option<i32>,
    /// Answer in AutoGPT's export shape.
    #[serde(default)]
    for_export: bool,
}

/// One graph with its nodes and links.
#[utoipa::path(get, path = "/api/graphs/{graph_id}", tag = "graphs", params(("graph_id" = String, Path), GetGraphQuery),
    responses((status = 200, description = "the graph", body = GraphModel), (status = 404, description = "not found", body = ErrorEnvelope)))]
async fn get_graph(
    State(state): State<AppState>,
    principal: Principal,
    Path(graph_id): Path<String>,
    Query(q): Query<GetGraphQuery>,
) -> ApiResult<Json<GraphModel>> {
    let record = state
        .engine
        .store()
        .get_graph(&principal.user_id, &graph_id, q.version)
        .await?;
    Ok(Json(GraphModel::new(&state, &record, q.for_export)?))
}

/// Saves the body as the next version of the graph and makes it active.
#[utoipa::path(put, path = "/api/graphs/{graph_id}", tag = "graphs", params(("graph_id" = String, Path)),
    request_body = GraphBody,
    responses((status = 200, description = "the new version", body = GraphModel),
              (status = 400, description = "invalid graph or unknown blocks", body = ErrorEnvelope),
              (status = 404, description = "not found", body = ErrorEnvelope)))]
async fn update_graph(
    State(state): State<AppState>,
    principal: Principal,
    Path(graph_id): Path<String>,
    headers: HeaderMap,
    Json(GraphBody(body)): Json<GraphBody>,
) -> ApiResult<Json<GraphModel>> {
    let graph = graph_from_body(body)?;
    triggers::check(&state, &graph)?;
    let store = state.engine.store();
    let user_id = &principal.user_id;
    let before = store.get_graph(user_id, &graph_id, None).await?.version;
    let record = graphs::update(store, state.engine.registry(), user_id, &graph_id, graph).await?;
    if let Err(e) = activated(&state, &headers, user_id, &record, before).await {
        // The new version is not kept when its triggers cannot subscribe: nothing changes.
        state
            .engine
            .delete_inactive_graph_version(user_id, &graph_id, record.version)
            .await?;
        return Err(e);
    }
    Ok(Json(GraphModel::new(&state, &record, false)?))
}

/// Deletes every version of a graph.
#[utoipa::path(delete, path = "/api/graphs/{graph_id}", tag = "graphs", params(("graph_id" = String, Path)),
    responses((status = 200, description = "how many versions were deleted", body = DeleteGraphResponse),
              (status = 404, description = "not found", body = ErrorEnvelope)))]
async fn delete_graph(
    State(state): State<AppState>,
    principal: Principal,
    Path(graph_id): Path<String>,
) -> ApiResult<Json<DeleteGraphResponse>> {
    let count = state
        .engine
        .delete_graph(&principal.user_id, &graph_id)
        .await?;
    // Its triggers' hooks go from the providers (the base URL is not needed to remove).
    triggers::sync(&state, &principal.user_id, &graph_id, None, "").await?;
    Ok(Json(DeleteGraphResponse {
        version_counts: count,
    }))
}

/// Every version of a graph, newest first.
#[utoipa::path(get, path = "/api/graphs/{graph_id}/versions", tag = "graphs", params(("graph_id" = String, Path)),
    responses((status = 200, description = "versions", body = Vec<GraphModel>), (status = 404, description = "not found", body = ErrorEnvelope)))]
async fn list_versions(
    State(state): State<AppState>,
    principal: Principal,
    Path(graph_id): Path<String>,
) -> ApiResult<Json<Vec<GraphModel>>> {
    let records = state
        .engine
        .store()
        .graph_versions(&principal.user_id, &graph_id)
        .await?;
    let models: ApiResult<Vec<_>> = records
        .iter()
        .map(|r| GraphModel::new(&state, r, false))
        .collect();
    Ok(Json(models?))
}

/// One version of a graph.
#[utoipa::path(get, path = "/api/graphs/{graph_id}/versions/{version}", tag = "graphs",
    params(("graph_id" = String, Path), ("version" = i32, Path)),
    responses((status = 200, description = "the version", body = GraphModel), (status = 404, description = "not found", body = ErrorEnvelope)))]
async fn get_version(
    State(state): State<AppState>,
    principal: Principal,
    Path((graph_id, version)): Path<(String, i32)>,
) -> ApiResult<Json<GraphModel>> {
    let record = state
        .engine
        .store()
        .get_graph(&principal.user_id, &graph_id, Some(version))
        .await?;
    Ok(Json(GraphModel::new(&state, &record, false)?))
}

#[derive(Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
struct SetActiveVersion {
    active_graph_version: i32,
}

/// Makes one version the active one.
#[utoipa::path(put, path = "/api/graphs/{graph_id}/versions/active", tag = "graphs",
    params(("graph_id" = String, Path)), request_body = SetActiveVersion,
    responses((status = 200, description = "the active version", body = GraphModel), (status = 404, description = "not found", body = ErrorEnvelope)))]
async fn set_active_version(
    State(state): State<AppState>,
    principal: Principal,
    Path(graph_id): Path<String>,
    headers: HeaderMap,
    Json(body): Json<SetActiveVersion>,
) -> ApiResult<Json<GraphModel>> {
    let store = state.engine.store();
    let user_id = &principal.user_id;
    let before = store.get_graph(user_id, &graph_id, None).await?.version;
    let record = store
        .set_active_graph_version(user_id, &graph_id, body.active_graph_version)
        .await?;
    activated(&state, &headers, user_id, &record, before).await?;
    Ok(Json(GraphModel::new(&state, &record, false)?))
}

/// After `record` became the active version (was `before`): its triggers subscribe and the
/// hooks of the version before go. When a trigger cannot subscribe, `before` is made active
/// again and the error answered, so the active version and its hooks stay as they were.
async fn activated(
    state: &AppState,
    headers: &HeaderMap,
    user_id: &str,
    record: &GraphRecord,
    before: i32,
) -> ApiResult<()> {
    let base = state.platform_url(headers);
    let synced = triggers::sync(state, user_id, &record.id, Some(&record.graph), &base).await;
    if let Err(e) = synced {
        if before != record.version {
            state
                .engine
                .store()
                .set_active_graph_version(user_id, &record.id, before)
                .await?;
        }
        return Err(e);
    }
    Ok(())
}
