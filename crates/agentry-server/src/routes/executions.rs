//! Runs: start a graph version (optionally waiting for its outputs), list runs, read one with
//! its node executions, and stop one, on AutoGPT's paths and shapes.

use std::sync::Arc;
use std::time::Duration;

use crate::route_docs::routes;
use agentry_engine::{CreatedRun, ExecuteRequest, RunInputs, RunResult};
use agentry_store::ExecutionRecord;
use agentry_store::entity::graph_execution;
use axum::extract::State;
use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};
use serde_json::value::RawValue;
use serde_json::{Value, json};
use utoipa::{IntoParams, ToSchema};
use utoipa_axum::router::OpenApiRouter;

use crate::AppState;
use crate::auth::Principal;
use crate::error::{ApiError, ApiResult, Code, ErrorEnvelope};
use crate::extract::{Json, OptionalJson, Path, Query};
use crate::model::{JsonObject, Pagination, PinValues, RunStatus};

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

/// AutoGPT's `GraphExecutionMeta`; `outputs` only when the run was waited for.
#[derive(Serialize, ToSchema)]
pub struct ExecutionMeta {
    id: String,
    user_id: String,
    graph_id: String,
    graph_version: i32,
    // As the run was given them, kept as JSON text: a run's inputs may be megabytes.
    #[schema(value_type = JsonObject)]
    inputs: Box<RawValue>,
    pub preset_id: Option<String>,
    status: RunStatus,
    created_at: DateTime<Utc>,
    started_at: Option<DateTime<Utc>>,
    ended_at: Option<DateTime<Utc>>,
    /// Counters of the run (node executions, durations, cost), with its `error` if any.
    #[schema(value_type = Option<std::collections::HashMap<String, serde_json::Value>>)]
    stats: Value,
    error: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    #[schema(value_type = Option<PinValues>)]
    outputs: Option<RunOutputs>,
}

/// A run's outputs as the answer gives them (`PinValues`): read from the store, or the waited
/// result as the run shared it, serialised from there so that megabytes of outputs are not
/// copied into a tree of the answer's own.
pub enum RunOutputs {
    Read(PinValues),
    Waited(Arc<RunResult>),
}

impl Serialize for RunOutputs {
    fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        match self {
            RunOutputs::Read(values) => values.serialize(serializer),
            RunOutputs::Waited(result) => result.outputs.serialize(serializer),
        }
    }
}

impl ExecutionMeta {
    pub fn new(run: &graph_execution::Model) -> Self {
        let mut stats = run.stats.clone().unwrap_or(Value::Null);
        if let (Value::Object(s), Some(e)) = (&mut stats, &run.error) {
            s.insert("error".into(), json!(e));
        }
        ExecutionMeta {
            id: run.id.clone(),
            user_id: run.user_id.clone(),
            graph_id: run.graph_id.clone(),
            graph_version: run.graph_version,
            inputs: match &run.inputs {
                Value::Object(m) => RunInputs::from_map(m).into_raw(),
                _ => RunInputs::empty().into_raw(),
            },
            preset_id: None,
            status: run.status.0.into(),
            created_at: run.created_at,
            started_at: run.started_at,
            ended_at: run.ended_at,
            stats,
            error: run.error.clone(),
            outputs: None,
        }
    }

    /// A run as created: its inputs answered from the text the engine wrote, never parsed.
    pub fn created(run: CreatedRun) -> Self {
        let CreatedRun { row, inputs } = run;
        let mut meta = Self::new(&row);
        meta.inputs = inputs.into_raw();
        meta
    }
}

/// One node execution (AutoGPT's `NodeExecutionResult`).
#[derive(Serialize, ToSchema)]
pub struct NodeExecutionModel {
    user_id: String,
    graph_id: String,
    graph_version: i32,
    graph_exec_id: String,
    node_exec_id: String,
    node_id: String,
    block_id: String,
    status: RunStatus,
    #[schema(value_type = std::collections::HashMap<String, serde_json::Value>)]
    input_data: Value,
    output_data: PinValues,
    add_time: DateTime<Utc>,
    queue_time: DateTime<Utc>,
    start_time: Option<DateTime<Utc>>,
    end_time: Option<DateTime<Utc>>,
    #[schema(value_type = Option<std::collections::HashMap<String, serde_json::Value>>)]
    stats: Option<Value>,
}

/// AutoGPT's `GraphExecutionWithNodes`: the meta, outputs, and every node execution.
#[derive(Serialize, ToSchema)]
pub struct ExecutionWithNodes {
    #[serde(flatten)]
    meta: ExecutionMeta,
    node_executions: Vec<NodeExecutionModel>,
}

impl ExecutionWithNodes {
    fn new(state: &AppState, record: &ExecutionRecord) -> Self {
        let mut meta = ExecutionMeta::new(&record.run);
        meta.outputs = Some(RunOutputs::Read(PinValues(agentry_engine::graph_outputs(
            state.engine.registry(),
            record,
        ))));
        let node_executions = record
            .nodes
            .iter()
            .map(|n| {
                let mut output_data = PinValues::default();
                for (pin, v) in &n.outputs {
                    output_data.push(pin.clone(), v.clone());
                }
                NodeExecutionModel {
                    user_id: n.row.user_id.clone(),
                    graph_id: record.run.graph_id.clone(),
                    graph_version: record.run.graph_version,
                    graph_exec_id: n.row.graph_exec_id.clone(),
                    node_exec_id: n.row.id.clone(),
                    node_id: n.row.node_id.clone(),
                    block_id: n.row.block_id.clone(),
                    status: n.row.status.0.into(),
                    input_data: n.row.input_data.clone(),
                    output_data,
                    add_time: n.row.add_time,
                    queue_time: n.row.add_time,
                    start_time: n.row.start_time,
                    end_time: n.row.end_time,
                    stats: n.row.stats.clone(),
                }
            })
            .collect();
        ExecutionWithNodes {
            meta,
            node_executions,
        }
    }
}

/// AutoGPT's execute body (`inputs`, `credentials_inputs`); it may be empty or absent.
#[derive(Deserialize, Default, ToSchema)]
pub struct ExecuteBody {
    // Kept as the body's text, checked for shape without building a tree (`RunInputs`); a
    // plain comment, so that the API's schema stays as it was.
    #[serde(default)]
    #[schema(value_type = JsonObject)]
    inputs: Option<Box<RawValue>>,
    /// The user's credentials for the graph's credentials inputs (`credentials_input_schema`),
    /// by aggregated field name: `{"openai_api_key_credentials": {"id", "provider", "type"}}`.
    #[serde(default)]
    credentials_inputs: JsonObject,
}

#[derive(Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub(crate) struct ExecuteQuery {
    /// Answer when the run has ended, with its outputs (bounded wait).
    #[serde(default)]
    wait: bool,
    /// Seconds to wait with `wait=true`; at most 300.
    wait_timeout: Option<f64>,
}

impl ExecuteQuery {
    /// The wait: `wait_timeout` seconds, finite, from 0 to 300; 300 when absent.
    fn wait_limit(&self) -> ApiResult<Duration> {
        match self.wait_timeout {
            None => Ok(MAX_WAIT),
            Some(s) if s.is_finite() && (0.0..=MAX_WAIT.as_secs_f64()).contains(&s) => {
                Ok(Duration::from_secs_f64(s))
            }
            Some(s) => Err(ApiError::new(
                Code::InvalidQuery,
                format!("wait_timeout is {s}; it must be a number of seconds from 0 to 300"),
            )),
        }
    }
}

/// Starts a run of one graph version. With `?wait=true` the answer comes when it has ended.
#[utoipa::path(post, path = "/api/graphs/{graph_id}/execute/{graph_version}", tag = "executions",
    params(("graph_id" = String, Path), ("graph_version" = i32, Path), ExecuteQuery),
    request_body(content = Option<ExecuteBody>, description = "may be empty"),
    responses((status = 200, description = "the run (with outputs when waited for)", body = ExecutionMeta),
              (status = 400, description = "invalid graph or missing inputs", body = ErrorEnvelope),
              (status = 404, description = "no such graph version", body = ErrorEnvelope)))]
pub(crate) async fn execute_graph(
    State(state): State<AppState>,
    principal: Principal,
    Path((graph_id, version)): Path<(String, i32)>,
    Query(q): Query<ExecuteQuery>,
    OptionalJson(body): OptionalJson<ExecuteBody>,
) -> ApiResult<Json<ExecutionMeta>> {
    // Checked before anything happens: a bad value must not leave a started run behind.
    let wait_limit = q.wait_limit()?;
    let record = state
        .engine
        .graph_version(&principal.user_id, &graph_id, version)
        .await?;
    let node_inputs = agentry_engine::integrations::node_credentials(
        &record.graph,
        state.engine.registry(),
        &body.credentials_inputs.0,
    )
    .map_err(|message| ApiError::new(Code::InvalidCredentialsInputs, message))?;
    let inputs = match body.inputs {
        Some(raw) => RunInputs::from_text(&raw)
            .map_err(|message| ApiError::new(Code::InvalidBody, message))?,
        None => RunInputs::empty(),
    };
    let request = ExecuteRequest::with_inputs(&principal.user_id, &graph_id, version, inputs)
        .with_node_inputs(node_inputs);
    let run = state.engine.execute(request).await?;
    if q.wait
        && let Some(result) = state.engine.wait_shared(&run.id, wait_limit).await
    {
        // The row as created, with what the run's end wrote to it: nothing is read back.
        let CreatedRun { row, inputs } = run;
        let row = result.ended_row(row);
        let mut meta = ExecutionMeta::created(CreatedRun { row, inputs });
        meta.outputs = Some(RunOutputs::Waited(result));
        return Ok(Json(meta));
    }
    // The run as created: reading it back would only find it further along.
    Ok(Json(ExecutionMeta::created(run)))
}

#[derive(Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
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
        if !(1..=crate::model::MAX_PAGE).contains(&page) || !(1..=100).contains(&size) {
            return Err(ApiError::new(
                Code::InvalidQuery,
                "page is between 1 and 1000000 and page_size between 1 and 100",
            ));
        }
        Ok((page, size))
    }
}

/// The user's runs, newest first.
#[utoipa::path(get, path = "/api/executions", tag = "executions", params(PageQuery),
    responses((status = 200, description = "runs", body = Vec<ExecutionMeta>),
              (status = 400, description = "bad page or page size", body = ErrorEnvelope)))]
async fn list_executions(
    State(state): State<AppState>,
    principal: Principal,
    Query(q): Query<PageQuery>,
) -> ApiResult<Json<Vec<ExecutionMeta>>> {
    let (page, size) = q.resolve()?;
    let (runs, _) = state
        .engine
        .store()
        .list_executions(&principal.user_id, None, page, size)
        .await?;
    Ok(Json(runs.iter().map(ExecutionMeta::new).collect()))
}

/// AutoGPT's `GraphExecutionsPaginated`.
#[derive(Serialize, ToSchema)]
pub struct ExecutionsPage {
    executions: Vec<ExecutionMeta>,
    pagination: Pagination,
}

/// Runs of one graph, newest first, paginated as AutoGPT does.
#[utoipa::path(get, path = "/api/graphs/{graph_id}/executions", tag = "executions",
    params(("graph_id" = String, Path), PageQuery),
    responses((status = 200, description = "runs and pagination", body = ExecutionsPage),
              (status = 400, description = "bad page or page size", body = ErrorEnvelope),
              (status = 404, description = "no such graph", body = ErrorEnvelope)))]
async fn list_graph_executions(
    State(state): State<AppState>,
    principal: Principal,
    Path(graph_id): Path<String>,
    Query(q): Query<PageQuery>,
) -> ApiResult<Json<ExecutionsPage>> {
    let (page, size) = q.resolve()?;
    // An unknown graph is a 404, not an empty list.
    state
        .engine
        .store()
        .get_graph(&principal.user_id, &graph_id, None)
        .await?;
    let (runs, total) = state
        .engine
        .store()
        .list_executions(&principal.user_id, Some(&graph_id), page, size)
        .await?;
    Ok(Json(ExecutionsPage {
        executions: runs.iter().map(ExecutionMeta::new).collect(),
        pagination: Pagination::new(total, page, size),
    }))
}

async fn load(
    state: &AppState,
    user_id: &str,
    graph_id: &str,
    exec_id: &str,
) -> ApiResult<ExecutionRecord> {
    let record = state.engine.store().get_execution(user_id, exec_id).await?;
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
    responses((status = 200, description = "the run", body = ExecutionWithNodes), (status = 404, description = "not found", body = ErrorEnvelope)))]
pub(crate) async fn get_execution(
    State(state): State<AppState>,
    principal: Principal,
    Path((graph_id, exec_id)): Path<(String, String)>,
) -> ApiResult<Json<ExecutionWithNodes>> {
    let record = load(&state, &principal.user_id, &graph_id, &exec_id).await?;
    Ok(Json(ExecutionWithNodes::new(&state, &record)))
}

/// Stops a run; its running nodes end TERMINATED.
#[utoipa::path(post, path = "/api/graphs/{graph_id}/executions/{graph_exec_id}/stop", tag = "executions",
    params(("graph_id" = String, Path), ("graph_exec_id" = String, Path)),
    responses((status = 200, description = "the run after stopping", body = ExecutionWithNodes), (status = 404, description = "not found", body = ErrorEnvelope)))]
async fn stop_execution(
    State(state): State<AppState>,
    principal: Principal,
    Path((graph_id, exec_id)): Path<(String, String)>,
) -> ApiResult<Json<ExecutionWithNodes>> {
    // The run's row, to check its graph, before anything stops; the whole run once, after.
    let run = state
        .engine
        .store()
        .get_run(&principal.user_id, &exec_id)
        .await?;
    if run.graph_id != graph_id {
        return Err(ApiError::not_found(format!(
            "execution {exec_id} of graph {graph_id} not found"
        )));
    }
    state.engine.stop(&principal.user_id, &exec_id).await?;
    let record = load(&state, &principal.user_id, &graph_id, &exec_id).await?;
    Ok(Json(ExecutionWithNodes::new(&state, &record)))
}
