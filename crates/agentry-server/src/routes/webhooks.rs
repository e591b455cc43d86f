//! Webhook triggers: a graph whose active version holds a `GenericWebhookTriggerBlock` node gets
//! an ingress URL per trigger node, created on the first read of the graph's webhooks and kept
//! across versions. A POST to it (AutoGPT's `/api/integrations/{provider}/webhooks/{id}/ingress`)
//! starts a run of the active version with the JSON body as the trigger node's `payload`.
//!
//! When the node's `secret_token` is set the request must carry it: the exact value in
//! `X-Webhook-Secret` (AutoGPT's header), or `X-Webhook-Signature: sha256=<hex HMAC-SHA256 of
//! the body keyed with it>`. Otherwise the answer is 401 `invalid_signature`.

use crate::route_docs::routes;
use agentry_engine::{ExecuteRequest, NodeInputs};
use axum::extract::State;
use axum::http::{HeaderMap, header};
use chrono::{DateTime, Utc};
use hmac::{Hmac, Mac};
use serde::Serialize;
use serde_json::{Map, Value};
use sha2::Sha256;
use utoipa::ToSchema;
use utoipa_axum::router::OpenApiRouter;

use crate::AppState;
use crate::auth::Principal;
use crate::error::{ApiError, ApiResult, Code, ErrorEnvelope};
use crate::extract::{Json, Path, RawBody};
use crate::model::JsonObject;
use crate::routes::executions::ExecutionMeta;

/// AutoGPT's `GenericWebhookTriggerBlock`.
pub const GENERIC_WEBHOOK_BLOCK_ID: &str = "8fa8c167-2002-47ce-aba8-97572fc5d387";
/// The provider name in the ingress path.
const PROVIDER: &str = "generic_webhook";
const SECRET_HEADER: &str = "x-webhook-secret";
const SIGNATURE_HEADER: &str = "x-webhook-signature";

pub fn router() -> OpenApiRouter<AppState> {
    OpenApiRouter::new()
        .routes(routes!(graph_webhooks))
        .routes(routes!(ingress))
}

fn ingress_path(webhook_id: &str) -> String {
    format!("/api/integrations/{PROVIDER}/webhooks/{webhook_id}/ingress")
}

/// A trigger node's webhook and where to call it.
#[derive(Serialize, ToSchema)]
pub struct WebhookModel {
    id: String,
    /// Always `generic_webhook`.
    provider: &'static str,
    graph_id: String,
    graph_version: i32,
    node_id: String,
    ingress_path: String,
    url: String,
    /// Whether calls must carry the trigger's secret or a signature made with it.
    has_secret: bool,
    created_at: DateTime<Utc>,
}

/// The webhooks of a graph's active version, one per trigger node, each with its ingress URL
/// (built from the request's `Host`). Ids are created on first read and stay the same.
#[utoipa::path(get, path = "/api/graphs/{graph_id}/webhooks", tag = "webhooks",
    params(("graph_id" = String, Path)),
    responses((status = 200, description = "webhooks", body = Vec<WebhookModel>),
              (status = 404, description = "no such graph", body = ErrorEnvelope)))]
async fn graph_webhooks(
    State(state): State<AppState>,
    principal: Principal,
    Path(graph_id): Path<String>,
    headers: HeaderMap,
) -> ApiResult<Json<Vec<WebhookModel>>> {
    let store = state.engine.store();
    let record = store.get_graph(&principal.user_id, &graph_id, None).await?;
    let host = headers
        .get(header::HOST)
        .and_then(|h| h.to_str().ok())
        .unwrap_or("localhost");
    let mut out = Vec::new();
    for node in &record.graph.nodes {
        if node.block_id != GENERIC_WEBHOOK_BLOCK_ID {
            continue;
        }
        let hook = store
            .ensure_webhook(&principal.user_id, &graph_id, &node.id)
            .await?;
        let path = ingress_path(&hook.id);
        out.push(WebhookModel {
            url: format!("http://{host}{path}"),
            id: hook.id,
            provider: PROVIDER,
            graph_id: graph_id.clone(),
            graph_version: record.version,
            node_id: node.id.clone(),
            ingress_path: path,
            has_secret: secret_of(&node.input_default).is_some(),
            created_at: hook.created_at,
        });
    }
    Ok(Json(out))
}

fn secret_of(input_default: &Map<String, Value>) -> Option<&str> {
    input_default
        .get("secret_token")
        .and_then(Value::as_str)
        .filter(|s| !s.trim().is_empty())
}

/// Receives a webhook call: starts a run of the graph's active version with the JSON body as
/// the trigger node's `payload`; answers the run.
#[utoipa::path(post, path = "/api/integrations/{provider}/webhooks/{webhook_id}/ingress",
    tag = "webhooks", params(("provider" = String, Path), ("webhook_id" = String, Path)),
    request_body(content = Option<JsonObject>, description = "the payload; may be empty"),
    responses((status = 200, description = "the run started", body = ExecutionMeta),
              (status = 400, description = "the body is not a JSON object", body = ErrorEnvelope),
              (status = 401, description = "missing or wrong secret or signature", body = ErrorEnvelope),
              (status = 404, description = "no such webhook", body = ErrorEnvelope),
              (status = 410, description = "the graph's active version has no such trigger", body = ErrorEnvelope),
              (status = 413, description = "the body is too large", body = ErrorEnvelope)))]
async fn ingress(
    State(state): State<AppState>,
    Path((provider, webhook_id)): Path<(String, String)>,
    headers: HeaderMap,
    RawBody(body): RawBody,
) -> ApiResult<Json<ExecutionMeta>> {
    let unknown = || ApiError::not_found(format!("webhook {webhook_id} not found"));
    if provider != PROVIDER {
        return Err(unknown());
    }
    let store = state.engine.store();
    let hook = store
        .webhook_by_id(&webhook_id)
        .await?
        .ok_or_else(unknown)?;
    let record = store
        .get_graph(&hook.user_id, &hook.graph_id, None)
        .await
        .map_err(|_| unknown())?;
    let node = record
        .graph
        .nodes
        .iter()
        .find(|n| n.id == hook.node_id && n.block_id == GENERIC_WEBHOOK_BLOCK_ID)
        .ok_or_else(|| {
            ApiError::new(
                Code::TriggerGone,
                "the graph's active version no longer has this webhook's trigger node",
            )
        })?;
    if let Some(secret) = secret_of(&node.input_default) {
        verify(secret, &headers, &body)?;
    }
    let payload = if body.iter().all(u8::is_ascii_whitespace) {
        Map::new()
    } else {
        match crate::extract::parse_json(&body) {
            Ok(Value::Object(m)) => m,
            Ok(_) => {
                return Err(ApiError::new(
                    Code::InvalidJson,
                    "the webhook payload must be a JSON object",
                ));
            }
            Err(e) => return Err(e),
        }
    };
    let mut node_inputs = NodeInputs::new();
    node_inputs.insert(
        node.id.clone(),
        Map::from_iter([("payload".to_string(), Value::Object(payload))]),
    );
    let request = ExecuteRequest::new(&hook.user_id, &record.id, record.version, Map::new())
        .with_node_inputs(node_inputs);
    let run = state.engine.execute(request).await?;
    Ok(Json(ExecutionMeta::created(run)))
}

/// Accepts the secret itself in `X-Webhook-Secret`, or an HMAC-SHA256 of the body keyed with
/// it in `X-Webhook-Signature` (`sha256=<hex>` or bare hex); compares in constant time.
fn verify(secret: &str, headers: &HeaderMap, body: &[u8]) -> ApiResult<()> {
    let refuse = || {
        ApiError::new(
            Code::InvalidSignature,
            "missing or invalid X-Webhook-Signature (or X-Webhook-Secret) header",
        )
    };
    if let Some(given) = headers.get(SECRET_HEADER) {
        return if same(given.as_bytes(), secret.as_bytes()) {
            Ok(())
        } else {
            Err(refuse())
        };
    }
    let given = headers
        .get(SIGNATURE_HEADER)
        .and_then(|v| v.to_str().ok())
        .ok_or_else(refuse)?;
    let hex = given.trim().strip_prefix("sha256=").unwrap_or(given.trim());
    let tag = decode_hex(hex).ok_or_else(refuse)?;
    let mut mac =
        Hmac::<Sha256>::new_from_slice(secret.as_bytes()).expect("HMAC takes keys of any size");
    mac.update(body);
    mac.verify_slice(&tag).map_err(|_| refuse())
}

/// Equal bytes, in time that depends on the length only.
fn same(a: &[u8], b: &[u8]) -> bool {
    a.len() == b.len() && a.iter().zip(b).fold(0u8, |acc, (x, y)| acc | (x ^ y)) == 0
}

fn decode_hex(s: &str) -> Option<Vec<u8>> {
    if !s.len().is_multiple_of(2) {
        return None;
    }
    (0..s.len())
        .step_by(2)
        .map(|i| u8::from_str_radix(s.get(i..i + 2)?, 16).ok())
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn sign(secret: &str, body: &[u8]) -> String {
        let mut mac = Hmac::<Sha256>::new_from_slice(secret.as_bytes()).unwrap();
        mac.update(body);
        let tag = mac.finalize().into_bytes();
        format!(
            "sha256={}",
            tag.iter().map(|b| format!("{b:02x}")).collect::<String>()
        )
    }

    #[test]
    fn signatures_and_secrets() {
        let body = br#"{"a":1}"#;
        let mut h = HeaderMap::new();
        h.insert(SIGNATURE_HEADER, sign("s3", body).parse().unwrap());
        assert!(verify("s3", &h, body).is_ok());
        assert!(verify("other", &h, body).is_err());
        assert!(verify("s3", &h, b"{}").is_err());
        assert!(verify("s3", &HeaderMap::new(), body).is_err());
        let mut h = HeaderMap::new();
        h.insert(SECRET_HEADER, "s3".parse().unwrap());
        assert!(verify("s3", &h, body).is_ok());
        assert!(verify("s4", &h, body).is_err());
        assert_eq!(decode_hex("0aff"), Some(vec![10, 255]));
        assert_eq!(decode_hex("0g"), None);
    }
}
