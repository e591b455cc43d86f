//! The ingress of provider triggers (AutoGPT's `/api/integrations/{provider}/webhooks/{id}/ingress`
//! for a hook it registered, `triggers.rs`): a delivery must carry the provider's signature
//! made with the hook's secret (401 `invalid_signature` otherwise, and nothing starts); a
//! `ping` is answered; an event the node did not choose is acknowledged and ignored; any other
//! starts a run of the graph's active version with the delivery on the trigger node's
//! `payload`.

use crate::route_docs::routes;
use agentry_core::webhooks::{DeliveryRefusal, Subscription};
use agentry_engine::{ExecuteRequest, NodeInputs};
use axum::extract::State;
use axum::http::HeaderMap;
use serde::Serialize;
use serde_json::{Map, Value};
use utoipa::ToSchema;
use utoipa_axum::router::OpenApiRouter;

use crate::AppState;
use crate::error::{ApiError, ApiResult, Code, ErrorEnvelope};
use crate::extract::{Json, Path, RawBody};
use crate::routes::executions::ExecutionMeta;
use crate::triggers;

pub fn router() -> OpenApiRouter<AppState> {
    OpenApiRouter::new()
        .routes(routes!(github_ingress))
        .routes(routes!(exa_ingress))
}

/// What became of a delivery.
#[derive(Serialize, ToSchema, Debug, PartialEq, Eq)]
#[serde(rename_all = "snake_case")]
pub enum DeliveryOutcome {
    /// The provider checked the hook; nothing runs.
    Ping,
    /// The trigger node did not choose this event; nothing runs.
    Ignored,
    /// A run started.
    Started,
}

/// The answer to a provider's delivery.
#[derive(Serialize, ToSchema)]
pub struct DeliveryAnswer {
    /// The event as the provider names it, with its action (`pull_request.opened`).
    event_type: String,
    outcome: DeliveryOutcome,
    /// The run started, when one did.
    execution: Option<ExecutionMeta>,
}

/// Receives a GitHub delivery for a trigger's hook (signed with `X-Hub-Signature-256`).
#[utoipa::path(post, path = "/api/integrations/github/webhooks/{webhook_id}/ingress",
    tag = "webhooks", params(("webhook_id" = String, Path)),
    request_body(content = Object, description = "GitHub's event payload"),
    responses((status = 200, description = "the delivery was taken", body = DeliveryAnswer),
              (status = 400, description = "no X-GitHub-Event or not a JSON object", body = ErrorEnvelope),
              (status = 401, description = "missing or wrong X-Hub-Signature-256", body = ErrorEnvelope),
              (status = 404, description = "no such hook", body = ErrorEnvelope),
              (status = 410, description = "the graph's active version has no such trigger", body = ErrorEnvelope),
              (status = 413, description = "the body is too large", body = ErrorEnvelope)))]
async fn github_ingress(
    State(state): State<AppState>,
    Path(webhook_id): Path<String>,
    headers: HeaderMap,
    RawBody(body): RawBody,
) -> ApiResult<Json<DeliveryAnswer>> {
    deliver(&state, "github", &webhook_id, &headers, &body).await
}

/// Receives an Exa delivery for a webset trigger's hook (signed with `Exa-Signature`).
#[utoipa::path(post, path = "/api/integrations/exa/webhooks/{webhook_id}/ingress",
    tag = "webhooks", params(("webhook_id" = String, Path)),
    request_body(content = Object, description = "Exa's event (`type`, `data`, `createdAt`)"),
    responses((status = 200, description = "the delivery was taken", body = DeliveryAnswer),
              (status = 400, description = "not a JSON object", body = ErrorEnvelope),
              (status = 401, description = "missing, stale or wrong Exa-Signature", body = ErrorEnvelope),
              (status = 404, description = "no such hook", body = ErrorEnvelope),
              (status = 410, description = "the graph's active version has no such trigger", body = ErrorEnvelope),
              (status = 413, description = "the body is too large", body = ErrorEnvelope)))]
async fn exa_ingress(
    State(state): State<AppState>,
    Path(webhook_id): Path<String>,
    headers: HeaderMap,
    RawBody(body): RawBody,
) -> ApiResult<Json<DeliveryAnswer>> {
    deliver(&state, "exa", &webhook_id, &headers, &body).await
}

async fn deliver(
    state: &AppState,
    name: &str,
    webhook_id: &str,
    headers: &HeaderMap,
    body: &[u8],
) -> ApiResult<Json<DeliveryAnswer>> {
    let unknown = || ApiError::not_found(format!("webhook {webhook_id} not found"));
    let provider = triggers::providers(state)
        .and_then(|p| p.get(name))
        .ok_or_else(unknown)?;
    let store = state.engine.store();
    let hook = store
        .webhook_by_id(webhook_id)
        .await?
        .filter(|h| h.provider == name)
        .ok_or_else(unknown)?;
    let secret = triggers::secret(state, &hook)?;
    let header = |n: &str| {
        headers
            .get(n)
            .and_then(|v| v.to_str().ok())
            .map(str::to_string)
    };
    let delivery =
        provider
            .verify(secret.expose(), &header, body)
            .map_err(|refusal| match refusal {
                DeliveryRefusal::Malformed(m) => ApiError::new(Code::InvalidDelivery, m),
                DeliveryRefusal::Unauthorized(m) => ApiError::new(Code::InvalidSignature, m),
            })?;
    let answer = |outcome, execution| {
        Json(DeliveryAnswer {
            event_type: delivery.event_type.clone(),
            outcome,
            execution,
        })
    };
    if delivery.event_type == "ping" {
        return Ok(answer(DeliveryOutcome::Ping, None));
    }
    let record = store
        .get_graph(&hook.user_id, &hook.graph_id, None)
        .await
        .map_err(|_| unknown())?;
    let gone = || {
        ApiError::new(
            Code::TriggerGone,
            "the graph's active version no longer has this webhook's trigger node",
        )
    };
    let node = record
        .graph
        .nodes
        .iter()
        .find(|n| n.id == hook.node_id)
        .ok_or_else(gone)?;
    let Some(Subscription::Ready(spec)) = provider.trigger(&node.block_id, &node.input_default)
    else {
        return Err(gone());
    };
    if !spec.events.contains(&delivery.event_type) {
        return Ok(answer(DeliveryOutcome::Ignored, None));
    }
    let mut node_inputs = NodeInputs::new();
    node_inputs.insert(
        node.id.clone(),
        Map::from_iter([(
            "payload".to_string(),
            Value::Object(delivery.payload.clone()),
        )]),
    );
    let request = ExecuteRequest::new(&hook.user_id, &record.id, record.version, Map::new())
        .with_node_inputs(node_inputs);
    let run = state.engine.execute(request).await?;
    Ok(answer(
        DeliveryOutcome::Started,
        Some(ExecutionMeta::created(run)),
    ))
}
