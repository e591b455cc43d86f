//! The Exa side of the webset trigger, as AutoGPT's `ExaWebhookManager` does it: the events a
//! node's filter chooses, creating the webhook on Exa (`POST /websets/v0/webhooks`, which
//! answers with the signing secret Exa made: the platform keeps that one), removing it, and
//! checking a delivery's `Exa-Signature` (`t=<unix seconds>,v1=<hex HMAC-SHA256 of
//! "{t}.{body}">`, as Exa documents it).

use std::time::{SystemTime, UNIX_EPOCH};

use agentry_core::webhooks::{
    Delivery, DeliveryRefusal, HookFuture, RegisteredHook, Subscription, TriggerSpec,
    WebhookProvider,
};
use agentry_core::{BlockError, Context, CredentialsMeta, Cx};
use hmac::{Hmac, Mac};
use serde::Serialize;
use serde_json::{Map, Value, json};
use sha2::Sha256;

use super::webhook::{BLOCK_ID, WebsetEventFilter};
use super::{API, PROVIDER};
use crate::api::segment;
use crate::rest_hook::{HookApi, chosen_credentials, delivery, in_cx};

const HOOKS: HookApi = HookApi {
    name: "Exa",
    service: API,
};

const WEBHOOKS: &str = "/websets/v0/webhooks";

/// How far a delivery's timestamp may be from now (Exa's advice: five minutes).
pub const TOLERANCE_SECS: i64 = 300;

/// Exa's event names a node subscribes to, from its `event_filter` input (AutoGPT's defaults
/// where it is silent). `import.processing` is left out: Exa offers no such event and refuses
/// a webhook that asks for it.
pub fn subscribed_events(filter: &Value) -> Vec<String> {
    let filter: WebsetEventFilter = serde_json::from_value(filter.clone()).unwrap_or_default();
    filter
        .flags()
        .iter()
        .filter(|(name, on)| *on && *name != "import.processing")
        .map(|(name, _)| name.to_string())
        .collect()
}

/// Creates a webhook delivering `events` to `ingress_url`; its id and the secret Exa signs
/// deliveries with. `resource` (the webset the node watches, if any) goes in its metadata.
pub async fn register<O: Serialize>(
    cx: &mut Cx<'_, O>,
    credentials: &CredentialsMeta,
    resource: &str,
    events: &[String],
    ingress_url: &str,
) -> Result<RegisteredHook, BlockError> {
    let body = json!({
        "url": ingress_url,
        "events": events,
        "metadata": {"resource": resource, "webhook_type": "webset"},
    });
    let hook = HOOKS.create(cx, credentials, WEBHOOKS, &body, None).await?;
    let (id, secret) = HOOKS.issued(&hook, "secret", "signing secret")?;
    let mut config = Map::new();
    config.insert("events".into(), json!(events));
    config.insert("resource".into(), json!(resource));
    Ok(RegisteredHook {
        id,
        config,
        secret: Some(secret),
    })
}

/// Removes webhook `hook_id`; one Exa no longer has counts as removed.
pub async fn deregister<O: Serialize>(
    cx: &mut Cx<'_, O>,
    credentials: &CredentialsMeta,
    hook_id: &str,
) -> Result<(), BlockError> {
    let path = format!("{WEBHOOKS}/{}", segment(hook_id));
    HOOKS.remove(cx, credentials, &path).await
}

/// Why a delivery is refused.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum DeliveryError {
    #[error("Exa-Signature header is missing!")]
    MissingSignature,
    #[error("Exa-Signature header is malformed")]
    MalformedSignature,
    #[error("Exa-Signature timestamp is more than 5 minutes from now")]
    Stale,
    #[error("Invalid webhook signature")]
    BadSignature,
    #[error("The delivery is not a JSON object")]
    NotJson,
}

/// Checks one delivery at `now` (unix seconds): one of the header's `v1` signatures must be
/// the HMAC-SHA256 of `"{t}.{body}"` under `secret` (compared in constant time) and `t` within
/// five minutes; answers the payload and its event type (`type`, or AutoGPT's `eventType`).
pub fn verify_delivery(
    secret: &str,
    signature_header: Option<&str>,
    body: &[u8],
    now: i64,
) -> Result<(Map<String, Value>, String), DeliveryError> {
    let header = signature_header
        .filter(|s| !s.trim().is_empty())
        .ok_or(DeliveryError::MissingSignature)?;
    let mut timestamp = None;
    let mut signatures = Vec::new();
    for pair in header.split(',') {
        match pair.trim().split_once('=') {
            Some(("t", t)) => timestamp = Some(t),
            Some(("v1", v)) => signatures.push(v),
            _ => {}
        }
    }
    let timestamp = timestamp.ok_or(DeliveryError::MalformedSignature)?;
    let sent: i64 = timestamp
        .parse()
        .map_err(|_| DeliveryError::MalformedSignature)?;
    if signatures.is_empty() {
        return Err(DeliveryError::MalformedSignature);
    }
    if (now - sent).abs() > TOLERANCE_SECS {
        return Err(DeliveryError::Stale);
    }
    let mut mac = Hmac::<Sha256>::new_from_slice(secret.as_bytes())
        .map_err(|_| DeliveryError::BadSignature)?;
    mac.update(timestamp.as_bytes());
    mac.update(b".");
    mac.update(body);
    let matched = signatures.iter().any(|s| {
        hex::decode(s)
            .ok()
            .is_some_and(|tag| mac.clone().verify_slice(&tag).is_ok())
    });
    if !matched {
        return Err(DeliveryError::BadSignature);
    }
    let payload: Map<String, Value> =
        serde_json::from_slice(body).map_err(|_| DeliveryError::NotJson)?;
    let event_type = ["type", "eventType"]
        .iter()
        .find_map(|k| payload.get(*k).and_then(Value::as_str))
        .unwrap_or("unknown")
        .to_string();
    Ok((payload, event_type))
}

/// Exa's `WebhookProvider`: the webset trigger, account webhooks, signed deliveries.
pub struct ExaWebhooks;

impl WebhookProvider for ExaWebhooks {
    fn provider(&self) -> &'static str {
        PROVIDER
    }

    fn trigger(&self, block_id: &str, input: &Map<String, Value>) -> Option<Subscription> {
        if block_id != BLOCK_ID {
            return None;
        }
        let Some(credentials) = chosen_credentials(input, PROVIDER) else {
            return Some(Subscription::Incomplete(
                "no Exa credentials are chosen".into(),
            ));
        };
        let events = subscribed_events(input.get("event_filter").unwrap_or(&Value::Null));
        if events.is_empty() {
            return Some(Subscription::Incomplete("no event is chosen".into()));
        }
        let resource = input
            .get("webset_id")
            .and_then(Value::as_str)
            .unwrap_or_default()
            .trim();
        Some(Subscription::Ready(TriggerSpec {
            resource: resource.to_string(),
            events,
            credentials,
        }))
    }

    fn register<'a>(
        &'a self,
        cx: &'a mut dyn Context,
        spec: &'a TriggerSpec,
        ingress_url: &'a str,
        _offered_secret: &'a str,
    ) -> HookFuture<'a, RegisteredHook> {
        in_cx(cx, move |cx| {
            Box::pin(register(
                cx,
                &spec.credentials,
                &spec.resource,
                &spec.events,
                ingress_url,
            ))
        })
    }

    fn deregister<'a>(
        &'a self,
        cx: &'a mut dyn Context,
        spec: &'a TriggerSpec,
        hook_id: &'a str,
    ) -> HookFuture<'a, ()> {
        in_cx(cx, move |cx| {
            Box::pin(deregister(cx, &spec.credentials, hook_id))
        })
    }

    fn verify(
        &self,
        secret: &str,
        header: &dyn Fn(&str) -> Option<String>,
        body: &[u8],
    ) -> Result<Delivery, DeliveryRefusal> {
        let now = SystemTime::now()
            .duration_since(UNIX_EPOCH)
            .map_or(0, |d| d.as_secs() as i64);
        let checked = verify_delivery(secret, header("exa-signature").as_deref(), body, now);
        delivery(checked, |e| matches!(e, DeliveryError::NotJson))
    }
}
