//! The Airtable side of the webhook trigger, as AutoGPT's `AirtableWebhookManager` does it and
//! Airtable's web API documents it: creating a base's webhook (`POST /v0/bases/{base}/webhooks`,
//! answered with `macSecretBase64`, the key the platform keeps), removing it, checking a
//! notification's `X-Airtable-Content-MAC` (`hmac-sha256=<hex>` of the raw body keyed with the
//! base64-decoded secret), and fetching the payloads a notification stands for
//! (`GET …/webhooks/{id}/payloads?cursor=N`, paged by `cursor` and `mightHaveMore`) from the
//! cursor the hook's config keeps.
//!
//! Two departures from AutoGPT, both Airtable's documented behaviour: the MAC key is the
//! decoded secret (AutoGPT keys with the base64 text, so no genuine notification matches), and
//! a notification without a MAC is refused (AutoGPT lets it through).

use agentry_core::webhooks::{
    Delivery, DeliveryRefusal, Fetched, HookFuture, RegisteredHook, Subscription, TriggerSpec,
    WebhookProvider,
};
use agentry_core::{BlockError, Context, CredentialsMeta, Cx};
use base64::Engine;
use hmac::{Hmac, Mac};
use serde::Serialize;
use serde_json::{Map, Value, json};
use sha2::Sha256;

use super::trigger::{AirtableEventSelector, BLOCK_ID};
use super::{API, PROVIDER, convert_bools};
use crate::api::{connect, segment};
use crate::rest_hook::{HookApi, chosen_credentials, delivery, in_cx};

const HOOKS: HookApi = HookApi {
    name: "Airtable",
    service: API,
};

/// The event type of every notification: it says only that the base changed.
pub const NOTIFICATION: &str = "notification";

/// The most pages of payloads one notification fetches; what is left stays behind the stored
/// cursor for the next notification (the delivered page says `mightHaveMore`).
pub const MAX_PAGES: usize = 10;

fn hooks_path(base_id: &str) -> String {
    format!("/v0/bases/{}/webhooks", segment(base_id))
}

/// `{base_id}/{table_id_or_name}` (AutoGPT's `resource_format`) split in two.
pub fn split_resource(resource: &str) -> Result<(&str, &str), BlockError> {
    resource
        .split_once('/')
        .filter(|(base, table)| !base.is_empty() && !table.is_empty())
        .ok_or_else(|| {
            BlockError::Input("Resource must be in format: {base_id}/{table_id_or_name}".into())
        })
}

/// Creates a webhook on `base_id` notifying `ingress_url` of changes of `data_types`; its id,
/// config (AutoGPT's keys, the cursor at 1) and the MAC secret Airtable issued. A table given
/// by id (`tbl…`) narrows the webhook to it (`recordChangeScope`); one given by name cannot,
/// so the whole base is watched, as AutoGPT always does.
pub async fn register<O: Serialize>(
    cx: &mut Cx<'_, O>,
    credentials: &CredentialsMeta,
    resource: &str,
    data_types: &[String],
    ingress_url: &str,
) -> Result<RegisteredHook, BlockError> {
    let (base_id, table) = split_resource(resource)?;
    let mut filters = json!({"dataTypes": data_types});
    if table.starts_with("tbl") {
        filters["recordChangeScope"] = json!(table);
    }
    let body = convert_bools(json!({
        "notificationUrl": ingress_url,
        "specification": {"options": {"filters": filters}},
    }));
    let hook = HOOKS
        .create(cx, credentials, &hooks_path(base_id), &body, None)
        .await?;
    let (id, secret) = HOOKS.issued(&hook, "macSecretBase64", "macSecretBase64")?;
    let mut config = Map::new();
    config.insert("webhook_id".into(), json!(id));
    config.insert("base_id".into(), json!(base_id));
    config.insert("table_id_or_name".into(), json!(table));
    config.insert("events".into(), json!(data_types));
    config.insert("cursor".into(), json!(1));
    config.insert("expiration_time".into(), hook["expirationTime"].clone());
    Ok(RegisteredHook {
        id,
        config,
        secret: Some(secret),
    })
}

/// Removes webhook `hook_id` of the resource's base; one Airtable no longer has counts as
/// removed.
pub async fn deregister<O: Serialize>(
    cx: &mut Cx<'_, O>,
    credentials: &CredentialsMeta,
    resource: &str,
    hook_id: &str,
) -> Result<(), BlockError> {
    let (base_id, _) = split_resource(resource)?;
    let path = format!("{}/{}", hooks_path(base_id), segment(hook_id));
    HOOKS.remove(cx, credentials, &path).await
}

/// Why a notification is refused.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum DeliveryError {
    #[error("X-Airtable-Content-MAC header is missing")]
    MissingMac,
    #[error("X-Airtable-Content-MAC header is not hmac-sha256=<hex>")]
    MalformedMac,
    #[error("Invalid webhook signature")]
    BadMac,
    #[error("Invalid webhook payload structure")]
    Structure,
    #[error("Missing required IDs in webhook payload")]
    MissingIds,
}

/// Checks one notification: its MAC must be the HMAC-SHA256 of `body` keyed with the
/// base64-decoded `mac_secret_base64` (compared in constant time); answers the notification
/// (`base.id`, `webhook.id`, `timestamp`).
pub fn verify_delivery(
    mac_secret_base64: &str,
    mac_header: Option<&str>,
    body: &[u8],
) -> Result<Map<String, Value>, DeliveryError> {
    let header = mac_header
        .map(str::trim)
        .filter(|s| !s.is_empty())
        .ok_or(DeliveryError::MissingMac)?;
    let tag = header
        .strip_prefix("hmac-sha256=")
        .and_then(|hex_text| hex::decode(hex_text).ok())
        .ok_or(DeliveryError::MalformedMac)?;
    let key = base64::engine::general_purpose::STANDARD
        .decode(mac_secret_base64.trim())
        .map_err(|_| DeliveryError::BadMac)?;
    let mut mac = Hmac::<Sha256>::new_from_slice(&key).map_err(|_| DeliveryError::BadMac)?;
    mac.update(body);
    mac.verify_slice(&tag).map_err(|_| DeliveryError::BadMac)?;
    let ping: Map<String, Value> =
        serde_json::from_slice(body).map_err(|_| DeliveryError::Structure)?;
    if !["base", "webhook", "timestamp"]
        .iter()
        .all(|k| ping.contains_key(*k))
    {
        return Err(DeliveryError::Structure);
    }
    if ping["base"].get("id").is_none() || ping["webhook"].get("id").is_none() {
        return Err(DeliveryError::MissingIds);
    }
    Ok(ping)
}

/// The payloads of webhook `hook_id` on `base_id` after `cursor`, at most `MAX_PAGES` pages:
/// one page in Airtable's shape (`payloads`, `cursor`, `mightHaveMore`, `payloadFormat`) and
/// the cursor to keep.
pub async fn fetch_payloads<O: Serialize>(
    cx: &mut Cx<'_, O>,
    credentials: &CredentialsMeta,
    base_id: &str,
    hook_id: &str,
    mut cursor: i64,
) -> Result<(Map<String, Value>, i64), BlockError> {
    let path = format!("{}/{}/payloads", hooks_path(base_id), segment(hook_id));
    let client = connect(cx, API, credentials).await?;
    let mut payloads = Vec::new();
    let mut more = false;
    let mut format = json!("v0");
    for _ in 0..MAX_PAGES {
        let query = [("cursor", cursor.to_string())];
        let page = client.get_json(cx, &path, &query).await.map_err(|e| {
            crate::error::prefixed(e.into(), "Failed to list Airtable webhook payloads: ")
        })?;
        let Some(items) = page["payloads"].as_array() else {
            return Err(BlockError::System(
                "Failed to list Airtable webhook payloads: the answer has no payloads".into(),
            ));
        };
        payloads.extend(items.iter().cloned());
        // Airtable always answers the next cursor; keeping ours if it did not loses nothing.
        cursor = page["cursor"].as_i64().unwrap_or(cursor);
        more = page["mightHaveMore"].as_bool().unwrap_or(false);
        if let Some(f) = page.get("payloadFormat").filter(|f| f.is_string()) {
            format = f.clone();
        }
        if !more {
            break;
        }
    }
    let mut page = Map::new();
    page.insert("payloads".into(), Value::Array(payloads));
    page.insert("cursor".into(), json!(cursor));
    page.insert("mightHaveMore".into(), json!(more));
    page.insert("payloadFormat".into(), format);
    Ok((page, cursor))
}

/// What a trigger node with `input` subscribes to.
pub fn subscription(input: &Map<String, Value>) -> Subscription {
    let text = |key: &str| {
        input
            .get(key)
            .and_then(Value::as_str)
            .unwrap_or_default()
            .trim()
            .to_string()
    };
    let (base, table) = (text("base_id"), text("table_id_or_name"));
    if base.contains('/') {
        return Subscription::Invalid(format!("base_id {base:?} must not contain '/'"));
    }
    let Some(credentials) = chosen_credentials(input, PROVIDER) else {
        return Subscription::Incomplete("no Airtable credentials are chosen".into());
    };
    if base.is_empty() || table.is_empty() {
        return Subscription::Incomplete("no base or table is chosen".into());
    }
    let selector: AirtableEventSelector = input
        .get("events")
        .and_then(|v| serde_json::from_value(v.clone()).ok())
        .unwrap_or_default();
    let events = selector.data_types();
    if events.is_empty() {
        return Subscription::Incomplete("no event is chosen".into());
    }
    Subscription::Ready(TriggerSpec {
        resource: format!("{base}/{table}"),
        events,
        credentials,
    })
}

/// Airtable's `WebhookProvider`: the base trigger, its webhooks, MAC-checked notifications and
/// the payload fetch with the stored cursor.
pub struct AirtableWebhooks;

impl WebhookProvider for AirtableWebhooks {
    fn provider(&self) -> &'static str {
        PROVIDER
    }

    fn trigger(&self, block_id: &str, input: &Map<String, Value>) -> Option<Subscription> {
        (block_id == BLOCK_ID).then(|| subscription(input))
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
            Box::pin(deregister(cx, &spec.credentials, &spec.resource, hook_id))
        })
    }

    fn verify(
        &self,
        secret: &str,
        header: &dyn Fn(&str) -> Option<String>,
        body: &[u8],
    ) -> Result<Delivery, DeliveryRefusal> {
        let checked = verify_delivery(secret, header("x-airtable-content-mac").as_deref(), body)
            .map(|payload| (payload, NOTIFICATION.to_string()));
        delivery(checked, |e| {
            matches!(e, DeliveryError::Structure | DeliveryError::MissingIds)
        })
    }

    fn fetch<'a>(
        &'a self,
        cx: &'a mut dyn Context,
        spec: &'a TriggerSpec,
        config: &'a Map<String, Value>,
        delivery: Delivery,
    ) -> HookFuture<'a, Fetched> {
        Box::pin(async move {
            // The stored hook names the webhook and base; the notification only echoes them.
            let hook_id = config
                .get("webhook_id")
                .and_then(Value::as_str)
                .unwrap_or_default();
            let base_id = match config.get("base_id").and_then(Value::as_str) {
                Some(base) => base,
                None => split_resource(&spec.resource)?.0,
            };
            if hook_id.is_empty() {
                return Err(BlockError::System(
                    "the Airtable hook's config has no webhook_id".into(),
                ));
            }
            let cursor = config.get("cursor").and_then(Value::as_i64).unwrap_or(1);
            let mut cx = Cx::<Value>::new(cx);
            let (page, next) =
                fetch_payloads(&mut cx, &spec.credentials, base_id, hook_id, cursor).await?;
            let mut config = config.clone();
            config.insert("cursor".into(), json!(next));
            Ok(Fetched {
                delivery: Delivery {
                    payload: page,
                    event_type: delivery.event_type,
                },
                config: Some(config),
            })
        })
    }

    /// Airtable filtered by data type when it made the payloads: any payload is wanted.
    fn wants(&self, _spec: &TriggerSpec, delivery: &Delivery) -> bool {
        delivery
            .payload
            .get("payloads")
            .and_then(Value::as_array)
            .is_some_and(|p| !p.is_empty())
    }
}
