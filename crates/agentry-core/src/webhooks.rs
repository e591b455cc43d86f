//! Provider webhooks of trigger blocks (AutoGPT's `BaseWebhooksManager`): which nodes subscribe
//! to a provider's events, registering and removing the hook on the provider, and checking a
//! delivery. Integrations implement `WebhookProvider`; the binary puts them in `Resources` as
//! `WebhookProviders`; the server registers hooks when a graph is saved or activated and takes
//! deliveries at its ingress. Core stays free of IO: it only names the contract.

use std::future::Future;
use std::pin::Pin;
use std::sync::Arc;

use serde_json::{Map, Value};

use crate::SecretString;
use crate::block::{BlockError, Context};
use crate::credentials::CredentialsMeta;

/// What one trigger node subscribes to.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TriggerSpec {
    /// The provider's resource (GitHub: `owner/repo`).
    pub resource: String,
    /// `event.action` names the node's filter switches on (`pull_request.opened`).
    pub events: Vec<String>,
    /// The node's `credentials` input, the provider filled in.
    pub credentials: CredentialsMeta,
}

/// Whether a trigger node can subscribe, from its inputs.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Subscription {
    Ready(TriggerSpec),
    /// Not set up yet (no credential, no event chosen): no hook, and the graph still saves,
    /// as AutoGPT leaves such a node without a webhook.
    Incomplete(String),
    /// Set up wrongly (a repository that is not `owner/repo`): the graph is refused.
    Invalid(String),
}

/// A hook the provider made: its id there and the config it keeps.
#[derive(Debug, Clone)]
pub struct RegisteredHook {
    pub id: String,
    pub config: Map<String, Value>,
    /// The signing secret the provider issued, when it makes its own rather than taking the
    /// one offered (Exa): the platform keeps this one to check deliveries.
    pub secret: Option<SecretString>,
}

/// A checked delivery: its JSON body and its event type (`pull_request.opened`, `ping`).
#[derive(Debug, Clone)]
pub struct Delivery {
    pub payload: Map<String, Value>,
    pub event_type: String,
}

/// Why a delivery is refused.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum DeliveryRefusal {
    /// The request lacks what the provider always sends (an event header, a JSON body).
    #[error("{0}")]
    Malformed(String),
    /// The signature is missing or does not match the hook's secret.
    #[error("{0}")]
    Unauthorized(String),
}

/// What a delivery comes to once the provider's events are in hand: the delivery to run with,
/// and the hook's config to store when the provider keeps state between deliveries (a cursor).
#[derive(Debug, Clone)]
pub struct Fetched {
    pub delivery: Delivery,
    /// `Some`: store this config on the hook before anything runs.
    pub config: Option<Map<String, Value>>,
}

/// A future of a provider call; holds the context borrow only.
pub type HookFuture<'a, T> = Pin<Box<dyn Future<Output = Result<T, BlockError>> + Send + 'a>>;

/// One provider's webhooks.
pub trait WebhookProvider: Send + Sync {
    /// AutoGPT's provider name, as in the ingress path (`github`).
    fn provider(&self) -> &'static str;
    /// What a node of `block_id` with `input_default` subscribes to; `None` when the block is
    /// not this provider's trigger.
    fn trigger(&self, block_id: &str, input_default: &Map<String, Value>) -> Option<Subscription>;
    /// Creates the hook on the provider, delivering `spec.events` to `ingress_url` signed with
    /// `secret`, with the credential `spec.credentials` names (found through `cx`).
    fn register<'a>(
        &'a self,
        cx: &'a mut dyn Context,
        spec: &'a TriggerSpec,
        ingress_url: &'a str,
        secret: &'a str,
    ) -> HookFuture<'a, RegisteredHook>;
    /// Removes hook `hook_id` from `spec.resource`; a hook the provider no longer has counts
    /// as removed.
    fn deregister<'a>(
        &'a self,
        cx: &'a mut dyn Context,
        spec: &'a TriggerSpec,
        hook_id: &'a str,
    ) -> HookFuture<'a, ()>;
    /// Checks a delivery against the hook's `secret`; `header` reads a request header by its
    /// lower-case name.
    fn verify(
        &self,
        secret: &str,
        header: &dyn Fn(&str) -> Option<String>,
        body: &[u8],
    ) -> Result<Delivery, DeliveryRefusal>;
    /// The events a checked delivery stands for. Most providers send them in the delivery
    /// itself (the default); Airtable's delivery is only a notification, and its events are
    /// fetched with the node's credential from where the hook's stored `config` (its cursor)
    /// left off.
    fn fetch<'a>(
        &'a self,
        _cx: &'a mut dyn Context,
        _spec: &'a TriggerSpec,
        _config: &'a Map<String, Value>,
        delivery: Delivery,
    ) -> HookFuture<'a, Fetched> {
        Box::pin(async move {
            Ok(Fetched {
                delivery,
                config: None,
            })
        })
    }
    /// Whether the node subscribed as `spec` takes `delivery`: by default when it chose the
    /// delivery's event type.
    fn wants(&self, spec: &TriggerSpec, delivery: &Delivery) -> bool {
        spec.events.contains(&delivery.event_type)
    }
}

/// The webhook providers this process offers (a `Resources` entry).
#[derive(Clone, Default)]
pub struct WebhookProviders(Vec<Arc<dyn WebhookProvider>>);

impl WebhookProviders {
    pub fn new() -> Self {
        Self::default()
    }

    /// Adds `provider`, builder style.
    pub fn with(mut self, provider: impl WebhookProvider + 'static) -> Self {
        self.0.push(Arc::new(provider));
        self
    }

    /// The provider named `name`.
    pub fn get(&self, name: &str) -> Option<&Arc<dyn WebhookProvider>> {
        self.0.iter().find(|p| p.provider() == name)
    }

    /// The provider whose trigger a node of `block_id` is, and what the node subscribes to.
    pub fn trigger_of(
        &self,
        block_id: &str,
        input_default: &Map<String, Value>,
    ) -> Option<(&Arc<dyn WebhookProvider>, Subscription)> {
        self.0
            .iter()
            .find_map(|p| p.trigger(block_id, input_default).map(|spec| (p, spec)))
    }
}

impl std::fmt::Debug for WebhookProviders {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_list()
            .entries(self.0.iter().map(|p| p.provider()))
            .finish()
    }
}
