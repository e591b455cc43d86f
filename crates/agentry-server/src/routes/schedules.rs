//! Cron schedules on AutoGPT's paths and shapes (`GraphExecutionJobInfo`): create and list per
//! graph, list all, delete. The scheduler loop (`agentry_engine::scheduler`) fires them.

use crate::route_docs::routes;
use agentry_core::io_schema;
use agentry_core::validate::{self, Mode};
use agentry_engine::scheduler::{CronSchedule, NEVER};
use agentry_store::entity::schedule;
use agentry_store::{GraphRecord, NewSchedule};
use axum::extract::State;
use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};
use serde_json::Value;
use std::sync::Arc;
use utoipa::ToSchema;
use utoipa_axum::router::OpenApiRouter;

use crate::AppState;
use crate::auth::Principal;
use crate::error::{ApiError, ApiResult, Code, ErrorEnvelope};
use crate::extract::{Json, Path};
use crate::model::JsonObject;

pub fn router() -> OpenApiRouter<AppState> {
    OpenApiRouter::new()
        .routes(routes!(create_schedule, list_graph_schedules))
        .routes(routes!(list_schedules))
        .routes(routes!(delete_schedule))
}

/// AutoGPT's `ScheduleCreationRequest`.
#[derive(Deserialize, ToSchema)]
pub struct ScheduleBody {
    /// The active version when absent.
    graph_version: Option<i32>,
    name: String,
    /// A five-field cron pattern.
    cron: String,
    #[serde(default)]
    inputs: JsonObject,
    /// Accepted for AutoGPT compatibility; credentials arrive with the credentials work.
    #[serde(default)]
    #[allow(dead_code)]
    credentials: JsonObject,
    /// An IANA time zone; UTC when absent.
    timezone: Option<String>,
}

/// AutoGPT's `GraphExecutionJobInfo`.
#[derive(Serialize, ToSchema)]
pub struct ScheduleModel {
    id: String,
    schedule_id: String,
    name: String,
    user_id: String,
    graph_id: String,
    graph_version: i32,
    cron: String,
    timezone: String,
    #[schema(value_type = std::collections::HashMap<String, serde_json::Value>)]
    input_data: Value,
    input_credentials: JsonObject,
    /// RFC 3339; empty when the pattern never fires again.
    next_run_time: String,
    created_at: DateTime<Utc>,
}

impl From<&schedule::Model> for ScheduleModel {
    fn from(s: &schedule::Model) -> Self {
        let next = (s.next_run_at != NEVER)
            .then(|| DateTime::<Utc>::from_timestamp_millis(s.next_run_at))
            .flatten()
            .map_or_else(String::new, |t| t.to_rfc3339());
        ScheduleModel {
            id: s.id.clone(),
            schedule_id: s.id.clone(),
            name: s.name.clone(),
            user_id: s.user_id.clone(),
            graph_id: s.graph_id.clone(),
            graph_version: s.graph_version,
            cron: s.cron.clone(),
            timezone: s.timezone.clone(),
            input_data: s.inputs.clone(),
            input_credentials: JsonObject::default(),
            next_run_time: next,
            created_at: s.created_at,
        }
    }
}

/// AutoGPT's answer to a schedule delete.
#[derive(Serialize, ToSchema)]
pub struct DeletedSchedule {
    id: String,
}

/// Schedules runs of a graph version (the active one unless `graph_version` is given) on a
/// five-field cron pattern, read in `timezone` (default UTC).
#[utoipa::path(post, path = "/api/graphs/{graph_id}/schedules", tag = "schedules",
    params(("graph_id" = String, Path)), request_body = ScheduleBody,
    responses((status = 200, description = "the schedule", body = ScheduleModel),
              (status = 400, description = "invalid cron expression, time zone, graph or inputs", body = ErrorEnvelope),
              (status = 404, description = "no such graph version", body = ErrorEnvelope)))]
async fn create_schedule(
    State(state): State<AppState>,
    principal: Principal,
    Path(graph_id): Path<String>,
    Json(body): Json<ScheduleBody>,
) -> ApiResult<Json<ScheduleModel>> {
    let cron = CronSchedule::parse(&body.cron, body.timezone.as_deref())
        .map_err(|m| ApiError::new(Code::InvalidSchedule, m))?;
    let record =
        schedulable_graph(&state, &principal.user_id, &graph_id, body.graph_version).await?;
    // As AutoGPT, the graph is checked when the schedule is made, not only when it fires.
    let registry = state.engine.registry();
    validate::validate(&record.graph, registry, Mode::Run)?;
    let missing: Vec<String> = io_schema::required_inputs(&record.graph, registry)
        .into_iter()
        .filter(|name| body.inputs.0.get(name).is_none_or(Value::is_null))
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
            user_id: principal.user_id.clone(),
            graph_id,
            graph_version: record.version,
            name: body.name,
            cron: body.cron.trim().to_string(),
            timezone: cron.timezone().to_string(),
            inputs: Value::Object(body.inputs.0),
            next_run_at: next.timestamp_millis(),
        })
        .await?;
    Ok(Json(ScheduleModel::from(&created)))
}

/// The graph version a schedule of `user_id` runs: one of their own graphs, or an approved
/// version of a store agent in their library (named by its version, as the library runs it):
/// the scheduled runs resolve it the same way when they start.
async fn schedulable_graph(
    state: &AppState,
    user_id: &str,
    graph_id: &str,
    version: Option<i32>,
) -> ApiResult<Arc<GraphRecord>> {
    let own = state
        .engine
        .store()
        .get_graph(user_id, graph_id, version)
        .await;
    match (own, version) {
        (Ok(record), _) => Ok(Arc::new(record)),
        (Err(agentry_store::Error::NotFound(_)), Some(version)) => state
            .engine
            .runnable_graph(user_id, graph_id, version, None)
            .await?
            .map_err(|refusal| ApiError::not_found(refusal.to_string())),
        (Err(e), _) => Err(e.into()),
    }
}

/// The schedules of one graph.
#[utoipa::path(get, path = "/api/graphs/{graph_id}/schedules", tag = "schedules",
    params(("graph_id" = String, Path)),
    responses((status = 200, description = "schedules", body = Vec<ScheduleModel>),
              (status = 404, description = "no such graph", body = ErrorEnvelope)))]
async fn list_graph_schedules(
    State(state): State<AppState>,
    principal: Principal,
    Path(graph_id): Path<String>,
) -> ApiResult<Json<Vec<ScheduleModel>>> {
    // An unknown graph is a 404, not an empty list; a store agent in the user's library is
    // known to them (they may schedule it) though the graph is its creator's.
    let store = state.engine.store();
    match store.get_graph(&principal.user_id, &graph_id, None).await {
        Ok(_) => {}
        Err(agentry_store::Error::NotFound(what)) => {
            if store
                .library_agent_by_graph(&principal.user_id, &graph_id)
                .await?
                .is_none()
            {
                return Err(agentry_store::Error::NotFound(what).into());
            }
        }
        Err(e) => return Err(e.into()),
    }
    let rows = state
        .engine
        .store()
        .list_schedules(&principal.user_id, Some(&graph_id))
        .await?;
    Ok(Json(rows.iter().map(ScheduleModel::from).collect()))
}

/// Every schedule of the user.
#[utoipa::path(get, path = "/api/schedules", tag = "schedules",
    responses((status = 200, description = "schedules", body = Vec<ScheduleModel>)))]
async fn list_schedules(
    State(state): State<AppState>,
    principal: Principal,
) -> ApiResult<Json<Vec<ScheduleModel>>> {
    let rows = state
        .engine
        .store()
        .list_schedules(&principal.user_id, None)
        .await?;
    Ok(Json(rows.iter().map(ScheduleModel::from).collect()))
}

/// Deletes a schedule; answers `{"id": …}` as AutoGPT.
#[utoipa::path(delete, path = "/api/schedules/{schedule_id}", tag = "schedules",
    params(("schedule_id" = String, Path)),
    responses((status = 200, description = "deleted", body = DeletedSchedule),
              (status = 404, description = "no such schedule", body = ErrorEnvelope)))]
async fn delete_schedule(
    State(state): State<AppState>,
    principal: Principal,
    Path(schedule_id): Path<String>,
) -> ApiResult<Json<DeletedSchedule>> {
    state
        .engine
        .store()
        .delete_schedule(&principal.user_id, &schedule_id)
        .await?;
    Ok(Json(DeletedSchedule { id: schedule_id }))
}
