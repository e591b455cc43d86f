//! A schedule's spending cap (`/api/schedules/{schedule_id}/spending-cap`): the most all the runs
//! the schedule starts may spend together, read with what they spent so far, set, or removed
//! with `null`. A run that would pass it stops before the node that would (the engine's
//! `credits.rs`). Ours: AutoGPT has no per-schedule cap. Needs credits on.

use crate::route_docs::routes;
use axum::extract::State;
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;
use utoipa_axum::router::OpenApiRouter;

use super::credits::MAX_CREDIT_AMOUNT;
use crate::AppState;
use crate::auth::Principal;
use crate::error::{ApiError, ApiResult, Code, ErrorEnvelope};
use crate::extract::{Json, Path};

pub fn router() -> OpenApiRouter<AppState> {
    OpenApiRouter::new().routes(routes!(get_spending_cap, set_spending_cap))
}

/// A schedule's cap and spending.
#[derive(Serialize, ToSchema)]
pub struct SpendingCap {
    schedule_id: String,
    /// The most its runs may spend in all; `null`: no cap.
    max_credits: Option<i64>,
    /// What its runs spent so far.
    spent: i64,
}

/// The cap to set; `null` removes it.
#[derive(Deserialize, ToSchema)]
pub struct SpendingCapRequest {
    max_credits: Option<i64>,
}

async fn answer(state: &AppState, user_id: &str, schedule_id: &str) -> ApiResult<SpendingCap> {
    let store = state.engine.store();
    Ok(SpendingCap {
        schedule_id: schedule_id.to_string(),
        max_credits: store.schedule_cap(user_id, schedule_id).await?,
        spent: store.schedule_spend(user_id, schedule_id).await?,
    })
}

/// The schedule must be the caller's (404 otherwise) and credits on.
async fn checked(state: &AppState, user_id: &str, schedule_id: &str) -> ApiResult<()> {
    state
        .engine
        .store()
        .get_schedule(user_id, schedule_id)
        .await?;
    if state.engine.credits().is_none() {
        return Err(ApiError::new(
            Code::CreditsDisabled,
            "credits are off on this server",
        ));
    }
    Ok(())
}

/// One of the caller's schedules' cap and what its runs spent.
#[utoipa::path(get, path = "/api/schedules/{schedule_id}/spending-cap", tag = "schedules",
    params(("schedule_id" = String, Path)),
    responses((status = 200, body = SpendingCap),
              (status = 404, description = "no such schedule of the caller's, or credits off", body = ErrorEnvelope)))]
async fn get_spending_cap(
    State(state): State<AppState>,
    principal: Principal,
    Path(schedule_id): Path<String>,
) -> ApiResult<Json<SpendingCap>> {
    checked(&state, &principal.user_id, &schedule_id).await?;
    Ok(Json(
        answer(&state, &principal.user_id, &schedule_id).await?,
    ))
}

/// Sets (or with `null` removes) the cap of one of the caller's schedules.
#[utoipa::path(put, path = "/api/schedules/{schedule_id}/spending-cap", tag = "schedules",
    params(("schedule_id" = String, Path)),
    request_body = SpendingCapRequest,
    responses((status = 200, body = SpendingCap),
              (status = 400, description = "a negative or too large cap", body = ErrorEnvelope),
              (status = 404, description = "no such schedule of the caller's, or credits off", body = ErrorEnvelope)))]
async fn set_spending_cap(
    State(state): State<AppState>,
    principal: Principal,
    Path(schedule_id): Path<String>,
    Json(body): Json<SpendingCapRequest>,
) -> ApiResult<Json<SpendingCap>> {
    checked(&state, &principal.user_id, &schedule_id).await?;
    if let Some(max) = body.max_credits
        && !(0..=MAX_CREDIT_AMOUNT).contains(&max)
    {
        return Err(ApiError::new(
            Code::InvalidCreditAmount,
            format!("a cap is from 0 to {MAX_CREDIT_AMOUNT} credits, not {max}"),
        ));
    }
    state
        .engine
        .store()
        .set_schedule_cap(&principal.user_id, &schedule_id, body.max_credits)
        .await?;
    Ok(Json(
        answer(&state, &principal.user_id, &schedule_id).await?,
    ))
}
