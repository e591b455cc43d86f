//! The ingress of provider triggers (AutoGPT's `/api/integrations/{provider}/webhooks/{id}/ingress`
//! for a hook it registered, `triggers.rs`): a delivery must carry the provider's signature
//! made with the hook's secret (401 `invalid_signature` otherwise, and nothing starts); a
//! `ping` is answered; an event the node did not choose is acknowledged and ignored; any other
//! starts a run of the graph's active version with the delivery on the trigger node's
//! `payload`. A provider whose delivery is only a notification (Airtable) has its events
//! fetched first, from the cursor the hook's config keeps; the cursor is stored, moved on only
//! from what this delivery read, before anything runs.

use crate::route_docs::routes;
use agentry_core::webhooks::{
    Delivery, DeliveryRefusal, Subscription, TriggerSpec, WebhookProvider,
};
use agentry_engine::{ExecuteRequest, NodeInputs};
use agentry_store::entity::webhook;
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
        .routes(routes!(airtable_ingress))
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

/// Receives an Airtable notification for a base trigger's webhook (signed with
/// `X-Airtable-Content-MAC`); the payloads it stands for are fetched from Airtable.
#[utoipa::path(post, path = "/api/integrations/airtable/webhooks/{webhook_id}/ingress",
    tag = "webhooks", params(("webhook_id" = String, Path)),
    request_body(content = Object, description = "Airtable's notification (`base.id`, `webhook.id`, `timestamp`)"),
    responses((status = 200, description = "the notification was taken", body = DeliveryAnswer),
              (status = 400, description = "not a JSON object with base, webhook and timestamp", body = ErrorEnvelope),
              (status = 401, description = "missing or wrong X-Airtable-Content-MAC", body = ErrorEnvelope),
              (status = 404, description = "no such hook", body = ErrorEnvelope),
              (status = 410, description = "the graph's active version has no such trigger", body = ErrorEnvelope),
              (status = 413, description = "the body is too large", body = ErrorEnvelope),
              (status = 502, description = "Airtable's payloads could not be fetched", body = ErrorEnvelope)))]
async fn airtable_ingress(
    State(state): State<AppState>,
    Path(webhook_id): Path<String>,
    headers: HeaderMap,
    RawBody(body): RawBody,
) -> ApiResult<Json<DeliveryAnswer>> {
    deliver(&state, "airtable", &webhook_id, &headers, &body).await
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
    let event_type = delivery.event_type.clone();
    let answer = |outcome, execution| {
        Json(DeliveryAnswer {
            event_type: event_type.clone(),
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
    let Some(delivery) = fetch(state, &**provider, &hook, &spec, delivery).await? else {
        return Ok(answer(DeliveryOutcome::Ignored, None));
    };
    if !provider.wants(&spec, &delivery) {
        return Ok(answer(DeliveryOutcome::Ignored, None));
    }
    let mut node_inputs = NodeInputs::new();
    node_inputs.insert(
        node.id.clone(),
        Map::from_iter([("payload".to_string(), Value::Object(delivery.payload))]),
    );
    let request = ExecuteRequest::new(&hook.user_id, &record.id, record.version, Map::new())
        .with_node_inputs(node_inputs);
    let run = state.engine.execute(request).await?;
    Ok(answer(
        DeliveryOutcome::Started,
        Some(ExecutionMeta::created(run)),
    ))
}

/// The events `delivery` stands for, fetched by the provider when it sends only a
/// notification; the hook's new config (its cursor) is stored first, and only over the config
/// this delivery read: `None` when another delivery moved it meanwhile (that one runs them).
async fn fetch(
    state: &AppState,
    provider: &dyn WebhookProvider,
    hook: &webhook::Model,
    spec: &TriggerSpec,
    delivery: Delivery,
) -> ApiResult<Option<Delivery>> {
    let config: Map<String, Value> = hook
        .config
        .as_deref()
        .and_then(|c| serde_json::from_str(c).ok())
        .unwrap_or_default();
    let mut cx = state.engine.user_context(&hook.user_id);
    let fetched = provider
        .fetch(&mut cx, spec, &config, delivery)
        .await
        .map_err(|e| {
            ApiError::new(
                Code::TriggerFetchFailed,
                format!(
                    "the {} events could not be fetched: {e}",
                    provider.provider()
                ),
            )
        })?;
    let Some(config) = fetched.config else {
        return Ok(Some(fetched.delivery));
    };
    let text = serde_json::to_string(&config).unwrap_or_default();
    let moved = state
        .engine
        .store()
        .swap_webhook_config(&hook.user_id, &hook.id, hook.config.as_deref(), &text)
        .await?;
    Ok(moved.then_some(fetched.delivery))
}
