//! The REST-hook skeleton the webhook providers (GitHub, Exa, Airtable) share: the credentials a
//! trigger node chose, creating a hook with one POST and removing it with one DELETE (a hook the
//! provider no longer has counts as removed), and a checked delivery answered to the server.
//! What differs between providers (the request's shape, the signature check) stays with them.

use std::fmt::Display;

use agentry_core::webhooks::{Delivery, DeliveryRefusal, HookFuture};
use agentry_core::{BlockError, Context, CredentialsMeta, Cx, SecretString};
use reqwest::Method;
use serde::Serialize;
use serde_json::{Map, Value};

use crate::api::{Service, connect, meta_for};
use crate::error::IntegrationError;

/// Where a provider keeps its hooks and what its errors call it.
#[derive(Debug, Clone, Copy)]
pub struct HookApi {
    /// The provider as its errors name it (`GitHub`, `Exa`, `Airtable`).
    pub name: &'static str,
    pub service: Service,
}

impl HookApi {
    /// POSTs `body` to `path` and answers the provider's hook; a refusal says
    /// `Failed to create {name} webhook: …`, followed by `not_found_hint` when the answer was 404.
    pub async fn create<O: Serialize>(
        &self,
        cx: &mut Cx<'_, O>,
        credentials: &CredentialsMeta,
        path: &str,
        body: &Value,
        not_found_hint: Option<String>,
    ) -> Result<Value, BlockError> {
        let client = connect(cx, self.service, credentials).await?;
        client
            .send_json(cx, Method::POST, path, body)
            .await
            .map_err(|e| {
                let not_found = matches!(e, IntegrationError::Rejected { status: 404, .. });
                let mut message = format!("Failed to create {} webhook: {e}", self.name);
                if let Some(hint) = not_found_hint.filter(|_| not_found) {
                    message.push_str(&hint);
                }
                BlockError::Input(message)
            })
    }

    /// The id of a created `hook` and the signing secret the provider issued under
    /// `secret_key`; either missing means the hook cannot be used.
    pub fn issued(
        &self,
        hook: &Value,
        secret_key: &str,
        secret_name: &str,
    ) -> Result<(String, SecretString), BlockError> {
        let id = hook["id"].as_str().unwrap_or_default();
        let secret = hook[secret_key].as_str().unwrap_or_default();
        if id.is_empty() || secret.is_empty() {
            let name = self.name;
            return Err(BlockError::System(format!(
                "Failed to create {name} webhook: {name}'s answer has no id or {secret_name}"
            )));
        }
        Ok((id.to_string(), SecretString::new(secret)))
    }

    /// DELETEs the hook at `path`; one the provider no longer has (404) counts as removed.
    pub async fn remove<O: Serialize>(
        &self,
        cx: &mut Cx<'_, O>,
        credentials: &CredentialsMeta,
        path: &str,
    ) -> Result<(), BlockError> {
        let client = connect(cx, self.service, credentials).await?;
        match client.send(cx, Method::DELETE, path, &[], None).await {
            Ok(_) | Err(IntegrationError::Rejected { status: 404, .. }) => Ok(()),
            Err(e) => Err(BlockError::Input(format!(
                "Failed to delete {} webhook: {e}",
                self.name
            ))),
        }
    }
}

/// The `credentials` a trigger node's `input` chose, with `provider` filled in; `None` when it
/// chose none (the node is not ready to subscribe).
pub fn chosen_credentials(input: &Map<String, Value>, provider: &str) -> Option<CredentialsMeta> {
    let credentials: CredentialsMeta = input
        .get("credentials")
        .and_then(|v| serde_json::from_value(v.clone()).ok())
        .unwrap_or_default();
    if credentials.id.as_deref().is_none_or(str::is_empty) {
        return None;
    }
    Some(meta_for(&credentials, provider))
}

/// `work` run with a block context over the server's `Context`: what every provider's
/// `register` and `deregister` do around their own call.
pub fn in_cx<'a, T, W>(cx: &'a mut dyn Context, work: W) -> HookFuture<'a, T>
where
    T: 'a,
    W: for<'c> FnOnce(&'c mut Cx<'a, Value>) -> HookFuture<'c, T> + Send + 'a,
{
    Box::pin(async move {
        let mut cx = Cx::<Value>::new(cx);
        work(&mut cx).await
    })
}

/// A provider's check of a delivery as the server takes it: the payload and its event type,
/// or a refusal, `Malformed` where `malformed` says so and `Unauthorized` otherwise.
pub fn delivery<E: Display>(
    checked: Result<(Map<String, Value>, String), E>,
    malformed: impl FnOnce(&E) -> bool,
) -> Result<Delivery, DeliveryRefusal> {
    match checked {
        Ok((payload, event_type)) => Ok(Delivery {
            payload,
            event_type,
        }),
        Err(e) if malformed(&e) => Err(DeliveryRefusal::Malformed(e.to_string())),
        Err(e) => Err(DeliveryRefusal::Unauthorized(e.to_string())),
    }
}
