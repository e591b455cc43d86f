//! Cron schedules on AutoGPT's paths and shapes (`GraphExecutionJobInfo`): create and list per
//! graph, list all, delete. The scheduler loop (`agentry_engine::scheduler`) fires them.

use agentry_core::io_schema;
use agentry_core::validate::{self, Mode};
use agentry_engine::scheduler::{CronSchedule, NEVER};
use agentry_store::NewSchedule;
use agentry_store::entity::schedule;
use axum::extract::State;
use chrono::{DateTime, Utc};
use serde::Deserialize;
use serde_json::{Map, Value, json};
use utoipa_axum::{router::OpenApiRouter, routes};

use crate::AppState;
use crate::error::{ApiError, ApiResult, Code};
use crate::extract::{Json, Path};

pub fn router() -> OpenApiRouter<AppState> {
    OpenApiRouter::new()
        .routes(routes!(create_schedule, list_graph_schedules))
        .routes(routes!(list_schedules))
        .routes(routes!(delete_schedule))
}

/// AutoGPT's `ScheduleCreationRequest`.
#[derive(Deserialize)]
struct ScheduleBody {
    graph_version: Option<i32>,
    name: String,
    cron: String,
    #[serde(default)]
    inputs: Map<String, Value>,
    /// Accepted for AutoGPT compatibility; credentials arrive with the credentials work.
    #[serde(default)]
    #[allow(dead_code)]
    credentials: Map<String, Value>,
    timezone: Option<String>,
}

/// AutoGPT's `GraphExecutionJobInfo`.
fn schedule_json(s: &schedule::Model) -> Value {
    let next = (s.next_run_at != NEVER)
        .then(|| DateTime::<Utc>::from_timestamp_millis(s.next_run_at))
        .flatten()
        .map_or_else(String::new, |t| t.to_rfc3339());
    json!({
        "id": s.id,
        "schedule_id": s.id,
        "name": s.name,
        "user_id": s.user_id,
        "graph_id": s.graph_id,
        "graph_version": s.graph_version,
        "cron": s.cron,
        "timezone": s.timezone,
        "input_data": s.inputs,
        "input_credentials": {},
        "next_run_time": next,
        "created_at": s.created_at,
    })
}

/// Schedules runs of a graph version (the active one unless `graph_version` is given) on a
/// five-field cron pattern, read in `timezone` (default UTC).
#[utoipa::path(post, path = "/api/graphs/{graph_id}/schedules", tag = "schedules",
    params(("graph_id" = String, Path)), request_body = Object,
    responses((status = 200, description = "the schedule", body = Object),
              (status = 400, description = "invalid cron expression, time zone, graph or inputs"),
              (status = 404, description = "no such graph version")))]
async fn create_schedule(
    State(state): State<AppState>,
    Path(graph_id): Path<String>,
    Json(body): Json<ScheduleBody>,
) -> ApiResult<Json<Value>> {
    let cron = CronSchedule::parse(&body.cron, body.timezone.as_deref())
        .map_err(|m| ApiError::new(Code::InvalidSchedule, m))?;
    let record = state
        .engine
        .store()
        .get_graph(state.user_id(), &graph_id, body.graph_version)
        .await?;
    // As AutoGPT, the graph is checked when the schedule is made, not only when it fires.
    let registry = state.engine.registry();
    validate::validate(&record.graph, registry, Mode::Run)?;
    let missing: Vec<String> = io_schema::required_inputs(&record.graph, registry)
        .into_iter()
        .filter(|name| body.inputs.get(name).is_none_or(Value::is_null))
        .collect();
    if !missing.is_empty() {
        return Err(agentry_engine::Error::MissingInputs(missing).into());
    }
    let next = cron.next_after(Utc::now()).ok_or_else(|| {
        ApiError::new(
            Code::InvalidSchedule,
            format!("the cron expression `{}` never fires", body.cron),
        )
    })?;
    let created = state
        .engine
        .store()
        .create_schedule(NewSchedule {
            user_id: state.user_id().to_string(),
            graph_id,
            graph_version: record.version,
            name: body.name,
            cron: body.cron.trim().to_string(),
            timezone: cron.timezone().to_string(),
            inputs: Value::Object(body.inputs),
            next_run_at: next.timestamp_millis(),
        })
        .await?;
    Ok(Json(schedule_json(&created)))
}

/// The schedules of one graph.
#[utoipa::path(get, path = "/api/graphs/{graph_id}/schedules", tag = "schedules",
    params(("graph_id" = String, Path)),
    responses((status = 200, description = "schedules", body = Vec<Object>)))]
async fn list_graph_schedules(
    State(state): State<AppState>,
    Path(graph_id): Path<String>,
) -> ApiResult<Json<Vec<Value>>> {
    let rows = state
        .engine
        .store()
        .list_schedules(state.user_id(), Some(&graph_id))
        .await?;
    Ok(Json(rows.iter().map(schedule_json).collect()))
}

/// Every schedule of the user.
#[utoipa::path(get, path = "/api/schedules", tag = "schedules",
    responses((status = 200, description = "schedules", body = Vec<Object>)))]
async fn list_schedules(State(state): State<AppState>) -> ApiResult<Json<Vec<Value>>> {
    let rows = state
        .engine
        .store()
        .list_schedules(state.user_id(), None)
        .await?;
    Ok(Json(rows.iter().map(schedule_json).collect()))
}

/// Deletes a schedule; answers `{"id": …}` as AutoGPT.
#[utoipa::path(delete, path = "/api/schedules/{schedule_id}", tag = "schedules",
    params(("schedule_id" = String, Path)),
    responses((status = 200, description = "deleted", body = Object),
              (status = 404, description = "no such schedule")))]
async fn delete_schedule(
    State(state): State<AppState>,
    Path(schedule_id): Path<String>,
) -> ApiResult<Json<Value>> {
    state
        .engine
        .store()
        .delete_schedule(state.user_id(), &schedule_id)
        .await?;
    Ok(Json(json!({ "id": schedule_id })))
}
