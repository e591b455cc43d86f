//! Runs: start a graph version (optionally waiting for its outputs), list runs, read one with
//! its node executions, and stop one, on AutoGPT's paths and shapes.

use std::time::Duration;

use agentry_engine::ExecuteRequest;
use agentry_store::ExecutionRecord;
use agentry_store::entity::graph_execution;
use axum::extract::State;
use serde::Deserialize;
use serde_json::{Map, Value, json};
use utoipa::IntoParams;
use utoipa_axum::{router::OpenApiRouter, routes};

use crate::AppState;
use crate::error::{ApiError, ApiResult, Code};
use crate::extract::{Json, Path, Query, RawBody};

/// The longest a `?wait=true` request waits for a run to end.
const MAX_WAIT: Duration = Duration::from_secs(300);

pub fn router() -> OpenApiRouter<AppState> {
    OpenApiRouter::new()
        .routes(routes!(execute_graph))
        .routes(routes!(list_executions))
        .routes(routes!(list_graph_executions))
        .routes(routes!(get_execution))
        .routes(routes!(stop_execution))
}

/// AutoGPT's `GraphExecutionMeta`.
pub(crate) fn meta_json(run: &graph_execution::Model) -> Value {
    let mut stats = run.stats.clone().unwrap_or(Value::Null);
    if let (Value::Object(s), Some(e)) = (&mut stats, &run.error) {
        s.insert("error".into(), json!(e));
    }
    json!({
        "id": run.id,
        "user_id": run.user_id,
        "graph_id": run.graph_id,
        "graph_version": run.graph_version,
        "inputs": run.inputs,
        "preset_id": null,
        "status": run.status,
        "created_at": run.created_at,
        "started_at": run.started_at,
        "ended_at": run.ended_at,
        "stats": stats,
        "error": run.error,
    })
}

/// AutoGPT's `GraphExecutionWithNodes`: the meta, outputs, and every node execution.
fn execution_json(state: &AppState, record: &ExecutionRecord) -> Value {
    let mut value = meta_json(&record.run);
    value["outputs"] = Value::Object(agentry_engine::graph_outputs(
        state.engine.registry(),
        record,
    ));
    let nodes: Vec<Value> = record
        .nodes
        .iter()
        .map(|n| {
            let mut output_data = Map::new();
            for (pin, v) in &n.outputs {
                if let Value::Array(list) = output_data
                    .entry(pin.clone())
                    .or_insert_with(|| Value::Array(Vec::new()))
                {
                    list.push(v.clone());
                }
            }
            json!({
                "user_id": n.row.user_id,
                "graph_id": record.run.graph_id,
                "graph_version": record.run.graph_version,
                "graph_exec_id": n.row.graph_exec_id,
                "node_exec_id": n.row.id,
                "node_id": n.row.node_id,
                "block_id": n.row.block_id,
                "status": n.row.status,
                "input_data": n.row.input_data,
                "output_data": output_data,
                "add_time": n.row.add_time,
                "queue_time": n.row.add_time,
                "start_time": n.row.start_time,
                "end_time": n.row.end_time,
                "stats": n.row.stats,
            })
        })
        .collect();
    value["node_executions"] = Value::Array(nodes);
    value
}

#[derive(Deserialize, Default)]
struct ExecuteBody {
    #[serde(default)]
    inputs: Map<String, Value>,
    /// The user's credentials for the graph's credentials inputs (`credentials_input_schema`),
    /// by aggregated field name: `{"openai_api_key_credentials": {"id", "provider", "type"}}`.
    #[serde(default)]
    credentials_inputs: Map<String, Value>,
}

#[derive(Deserialize, IntoParams)]
struct ExecuteQuery {
    /// Answer when the run has ended, with its outputs (bounded wait).
    #[serde(default)]
    wait: bool,
    /// Seconds to wait with `wait=true`; at most 300.
    wait_timeout: Option<f64>,
}

/// Starts a run of one graph version. With `?wait=true` the answer comes when it has ended.
#[utoipa::path(post, path = "/api/graphs/{graph_id}/execute/{graph_version}", tag = "executions",
    params(("graph_id" = String, Path), ("graph_version" = i32, Path), ExecuteQuery), request_body = Object,
    responses((status = 200, description = "the run (with outputs when waited for)", body = Object),
              (status = 400, description = "invalid graph or missing inputs"),
              (status = 404, description = "no such graph version")))]
async fn execute_graph(
    State(state): State<AppState>,
    Path((graph_id, version)): Path<(String, i32)>,
    Query(q): Query<ExecuteQuery>,
    RawBody(body): RawBody,
) -> ApiResult<Json<Value>> {
    // The body is optional: AutoGPT's clients may send none when a graph takes no inputs.
    let body: ExecuteBody = if body.iter().all(u8::is_ascii_whitespace) {
        ExecuteBody::default()
    } else {
        serde_json::from_slice(&body)
            .map_err(|e| ApiError::new(Code::InvalidJson, format!("invalid execute body: {e}")))?
    };
    let record = state
        .engine
        .graph_version(state.user_id(), &graph_id, version)
        .await?;
    let node_inputs = agentry_engine::integrations::node_credentials(
        &record.graph,
        state.engine.registry(),
        &body.credentials_inputs,
    )
    .map_err(|message| ApiError::new(Code::InvalidCredentialsInputs, message))?;
    let exec_id = state
        .engine
        .execute_with_node_inputs(
            ExecuteRequest {
                user_id: state.user_id(),
                graph: &record.graph,
                inputs: body.inputs,
            },
            node_inputs,
        )
        .await?;
    if q.wait {
        let limit = q.wait_timeout.map_or(MAX_WAIT, |s| {
            Duration::from_secs_f64(s.clamp(0.0, MAX_WAIT.as_secs_f64()))
        });
        if let Some(result) = state.engine.wait(&exec_id, limit).await {
            let run = state
                .engine
                .store()
                .get_execution(state.user_id(), &exec_id)
                .await?;
            let mut value = meta_json(&run.run);
            value["outputs"] = Value::Object(result.outputs);
            return Ok(Json(value));
        }
    }
    let run = state
        .engine
        .store()
        .get_execution(state.user_id(), &exec_id)
        .await?;
    Ok(Json(meta_json(&run.run)))
}

#[derive(Deserialize, IntoParams)]
struct PageQuery {
    /// Page number, from 1.
    page: Option<u64>,
    /// Runs per page, 1 to 100.
    page_size: Option<u64>,
}

impl PageQuery {
    fn resolve(&self) -> ApiResult<(u64, u64)> {
        let page = self.page.unwrap_or(1);
        let size = self.page_size.unwrap_or(25);
        if page == 0 || !(1..=100).contains(&size) {
            return Err(ApiError::new(
                Code::InvalidQuery,
                "page starts at 1 and page_size is between 1 and 100",
            ));
        }
        Ok((page, size))
    }
}

/// The user's runs, newest first.
#[utoipa::path(get, path = "/api/executions", tag = "executions", params(PageQuery),
    responses((status = 200, description = "runs", body = Vec<Object>)))]
async fn list_executions(
    State(state): State<AppState>,
    Query(q): Query<PageQuery>,
) -> ApiResult<Json<Vec<Value>>> {
    let (page, size) = q.resolve()?;
    let (runs, _) = state
        .engine
        .store()
        .list_executions(state.user_id(), None, page, size)
        .await?;
    Ok(Json(runs.iter().map(meta_json).collect()))
}

/// Runs of one graph, newest first, paginated as AutoGPT does.
#[utoipa::path(get, path = "/api/graphs/{graph_id}/executions", tag = "executions",
    params(("graph_id" = String, Path), PageQuery),
    responses((status = 200, description = "runs and pagination", body = Object)))]
async fn list_graph_executions(
    State(state): State<AppState>,
    Path(graph_id): Path<String>,
    Query(q): Query<PageQuery>,
) -> ApiResult<Json<Value>> {
    let (page, size) = q.resolve()?;
    let (runs, total) = state
        .engine
        .store()
        .list_executions(state.user_id(), Some(&graph_id), page, size)
        .await?;
    Ok(Json(json!({
        "executions": runs.iter().map(meta_json).collect::<Vec<_>>(),
        "pagination": {
            "total_items": total,
            "total_pages": total.div_ceil(size),
            "current_page": page,
            "page_size": size,
        }
    })))
}

async fn load(state: &AppState, graph_id: &str, exec_id: &str) -> ApiResult<ExecutionRecord> {
    let record = state
        .engine
        .store()
        .get_execution(state.user_id(), exec_id)
        .await?;
    if record.run.graph_id != graph_id {
        return Err(ApiError::not_found(format!(
            "execution {exec_id} of graph {graph_id} not found"
        )));
    }
    Ok(record)
}

/// One run with its outputs and every node execution's input and output.
#[utoipa::path(get, path = "/api/graphs/{graph_id}/executions/{graph_exec_id}", tag = "executions",
    params(("graph_id" = String, Path), ("graph_exec_id" = String, Path)),
    responses((status = 200, description = "the run", body = Object), (status = 404, description = "not found")))]
async fn get_execution(
    State(state): State<AppState>,
    Path((graph_id, exec_id)): Path<(String, String)>,
) -> ApiResult<Json<Value>> {
    let record = load(&state, &graph_id, &exec_id).await?;
    Ok(Json(execution_json(&state, &record)))
}

/// Stops a run; its running nodes end TERMINATED.
#[utoipa::path(post, path = "/api/graphs/{graph_id}/executions/{graph_exec_id}/stop", tag = "executions",
    params(("graph_id" = String, Path), ("graph_exec_id" = String, Path)),
    responses((status = 200, description = "the run after stopping", body = Object), (status = 404, description = "not found")))]
async fn stop_execution(
    State(state): State<AppState>,
    Path((graph_id, exec_id)): Path<(String, String)>,
) -> ApiResult<Json<Value>> {
    load(&state, &graph_id, &exec_id).await?;
    state.engine.stop(state.user_id(), &exec_id).await?;
    let record = load(&state, &graph_id, &exec_id).await?;
    Ok(Json(execution_json(&state, &record)))
}
