//! `/api/graphs`: create, list, read, update (a new version each time), delete, versions and
//! the active version, on AutoGPT's paths and shapes.

use agentry_core::Graph;
use agentry_core::export::export;
use agentry_engine::graphs;
use agentry_store::GraphRecord;
use axum::extract::State;
use serde::Deserialize;
use serde_json::{Value, json};
use utoipa::{IntoParams, ToSchema};
use utoipa_axum::{router::OpenApiRouter, routes};

use crate::AppState;
use crate::error::{ApiError, ApiResult, Code};
use crate::extract::{Json, Path, Query};

pub fn router() -> OpenApiRouter<AppState> {
    OpenApiRouter::new()
        .routes(routes!(list_graphs, create_graph))
        .routes(routes!(get_graph, update_graph, delete_graph))
        .routes(routes!(list_versions))
        .routes(routes!(get_version))
        .routes(routes!(set_active_version))
}

/// The graph as the API answers it: AutoGPT's `GraphModel`.
pub fn graph_json(state: &AppState, record: &GraphRecord, for_export: bool) -> Value {
    let mut value = export(&record.graph, state.engine.registry());
    if !for_export && let Value::Object(map) = &mut value {
        map.insert("user_id".into(), json!(record.user_id));
        map.insert("created_at".into(), json!(record.created_at));
        map.insert("is_active".into(), json!(record.is_active));
    }
    if let Value::Object(map) = &mut value {
        map.insert(
            "credentials_input_schema".into(),
            agentry_engine::integrations::credentials_input_schema(
                &record.graph,
                state.engine.registry(),
            ),
        );
    }
    value
}

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
    responses((status = 200, description = "graphs", body = Vec<Object>)))]
async fn list_graphs(State(state): State<AppState>) -> ApiResult<Json<Vec<Value>>> {
    let records = state.engine.store().list_graphs(state.user_id()).await?;
    Ok(Json(
        records
            .iter()
            .map(|r| {
                let mut v = graph_json(&state, r, false);
                if let Value::Object(m) = &mut v {
                    for key in ["nodes", "links", "sub_graphs"] {
                        m.remove(key);
                    }
                }
                v
            })
            .collect(),
    ))
}

/// Saves a new graph (version 1, fresh ids). The body is `{"graph": …}` or an exported graph.
#[utoipa::path(post, path = "/api/graphs", tag = "graphs", request_body = Object,
    responses((status = 200, description = "the saved graph", body = Object),
              (status = 400, description = "invalid graph or unknown blocks")))]
async fn create_graph(
    State(state): State<AppState>,
    Json(body): Json<Value>,
) -> ApiResult<Json<Value>> {
    let graph = graph_from_body(body)?;
    let record = graphs::create(
        state.engine.store(),
        state.engine.registry(),
        state.user_id(),
        graph,
    )
    .await?;
    Ok(Json(graph_json(&state, &record, false)))
}

#[derive(Deserialize, IntoParams)]
struct GetGraphQuery {
    /// A version; the active one when absent.
    version: Option<i32>,
    /// Answer in AutoGPT's export shape.
    #[serde(default)]
    for_export: bool,
}

/// One graph with its nodes and links.
#[utoipa::path(get, path = "/api/graphs/{graph_id}", tag = "graphs", params(("graph_id" = String, Path), GetGraphQuery),
    responses((status = 200, description = "the graph", body = Object), (status = 404, description = "not found")))]
async fn get_graph(
    State(state): State<AppState>,
    Path(graph_id): Path<String>,
    Query(q): Query<GetGraphQuery>,
) -> ApiResult<Json<Value>> {
    let record = state
        .engine
        .store()
        .get_graph(state.user_id(), &graph_id, q.version)
        .await?;
    Ok(Json(graph_json(&state, &record, q.for_export)))
}

/// Saves the body as the next version of the graph and makes it active.
#[utoipa::path(put, path = "/api/graphs/{graph_id}", tag = "graphs", params(("graph_id" = String, Path)),
    request_body = Object,
    responses((status = 200, description = "the new version", body = Object), (status = 404, description = "not found")))]
async fn update_graph(
    State(state): State<AppState>,
    Path(graph_id): Path<String>,
    Json(body): Json<Value>,
) -> ApiResult<Json<Value>> {
    let graph = graph_from_body(body)?;
    let record = graphs::update(
        state.engine.store(),
        state.engine.registry(),
        state.user_id(),
        &graph_id,
        graph,
    )
    .await?;
    state.engine.forget_graph(&graph_id);
    Ok(Json(graph_json(&state, &record, false)))
}

/// Deletes every version of a graph.
#[utoipa::path(delete, path = "/api/graphs/{graph_id}", tag = "graphs", params(("graph_id" = String, Path)),
    responses((status = 200, description = "how many versions were deleted", body = Object),
              (status = 404, description = "not found")))]
async fn delete_graph(
    State(state): State<AppState>,
    Path(graph_id): Path<String>,
) -> ApiResult<Json<Value>> {
    let count = state
        .engine
        .store()
        .delete_graph(state.user_id(), &graph_id)
        .await?;
    state.engine.forget_graph(&graph_id);
    Ok(Json(json!({ "version_counts": count })))
}

/// Every version of a graph, newest first.
#[utoipa::path(get, path = "/api/graphs/{graph_id}/versions", tag = "graphs", params(("graph_id" = String, Path)),
    responses((status = 200, description = "versions", body = Vec<Object>), (status = 404, description = "not found")))]
async fn list_versions(
    State(state): State<AppState>,
    Path(graph_id): Path<String>,
) -> ApiResult<Json<Vec<Value>>> {
    let records = state
        .engine
        .store()
        .graph_versions(state.user_id(), &graph_id)
        .await?;
    Ok(Json(
        records
            .iter()
            .map(|r| graph_json(&state, r, false))
            .collect(),
    ))
}

/// One version of a graph.
#[utoipa::path(get, path = "/api/graphs/{graph_id}/versions/{version}", tag = "graphs",
    params(("graph_id" = String, Path), ("version" = i32, Path)),
    responses((status = 200, description = "the version", body = Object), (status = 404, description = "not found")))]
async fn get_version(
    State(state): State<AppState>,
    Path((graph_id, version)): Path<(String, i32)>,
) -> ApiResult<Json<Value>> {
    let record = state
        .engine
        .store()
        .get_graph(state.user_id(), &graph_id, Some(version))
        .await?;
    Ok(Json(graph_json(&state, &record, false)))
}

#[derive(Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
struct SetActiveVersion {
    active_graph_version: i32,
}

/// Makes one version the active one.
#[utoipa::path(put, path = "/api/graphs/{graph_id}/versions/active", tag = "graphs",
    params(("graph_id" = String, Path)), request_body = SetActiveVersion,
    responses((status = 200, description = "the active version", body = Object), (status = 404, description = "not found")))]
async fn set_active_version(
    State(state): State<AppState>,
    Path(graph_id): Path<String>,
    Json(body): Json<SetActiveVersion>,
) -> ApiResult<Json<Value>> {
    let record = state
        .engine
        .store()
        .set_active_graph_version(state.user_id(), &graph_id, body.active_graph_version)
        .await?;
    state.engine.forget_graph(&graph_id);
    Ok(Json(graph_json(&state, &record, false)))
}
