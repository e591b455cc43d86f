//! Provider triggers through a graph's life, as AutoGPT's graph lifecycle hooks and
//! `BaseWebhooksManager` do it: when a graph version becomes active, each trigger node that
//! subscribes (a provider's trigger block with its credential, resource and events) gets a hook
//! registered on the provider, delivering to this server's ingress with a fresh signing secret
//! (or the one the provider issues, as Exa does);
//! when the node goes (a new version without it, another version made active, the graph
//! deleted) or subscribes differently, its hook is removed from the provider.
//!
//! One hook per trigger node (AutoGPT shares a hook between nodes of equal config; a node of
//! its own keeps removal simple). The secret is sealed with the credential keyring.

use agentry_core::Graph;
use agentry_core::webhooks::{Subscription, TriggerSpec, WebhookProvider, WebhookProviders};
use agentry_store::Sealed;
use agentry_store::entity::webhook;
use agentry_store::webhooks::{GENERIC, ProviderWebhook};
use rand::RngCore;
use serde_json::{Map, Value, json};
use std::sync::Arc;

use crate::AppState;
use crate::error::{ApiError, ApiResult, Code};

/// The providers this process offers, if any.
pub fn providers(state: &AppState) -> Option<&WebhookProviders> {
    state.engine.resources().get::<WebhookProviders>()
}

/// The row id a trigger secret is sealed for (never the same as a credential's).
pub fn sealed_for(webhook_id: &str) -> String {
    format!("webhook/{webhook_id}")
}

/// Refuses a graph whose trigger nodes are set up wrongly, before anything is saved.
pub fn check(state: &AppState, graph: &Graph) -> ApiResult<()> {
    let Some(providers) = providers(state) else {
        return Ok(());
    };
    let mut errors = Map::new();
    for node in &graph.nodes {
        if let Some((_, Subscription::Invalid(why))) =
            providers.trigger_of(&node.block_id, &node.input_default)
        {
            errors.insert(node.id.clone(), Value::String(why));
        }
    }
    if errors.is_empty() {
        return Ok(());
    }
    Err(
        ApiError::new(Code::InvalidTrigger, "a trigger node is set up wrongly")
            .with_details(json!({ "node_errors": errors })),
    )
}

/// A stored hook as the subscription it was made for.
fn stored_spec(row: &webhook::Model) -> TriggerSpec {
    TriggerSpec {
        resource: row.resource.clone().unwrap_or_default(),
        events: row
            .events
            .as_deref()
            .and_then(|e| serde_json::from_str(e).ok())
            .unwrap_or_default(),
        credentials: row
            .credentials
            .as_deref()
            .and_then(|c| serde_json::from_str(c).ok())
            .unwrap_or_default(),
    }
}

/// Whether a stored hook serves `wanted`: the same resource, events and credential (its
/// title or type as the graph spells them do not matter).
fn same_subscription(stored: &TriggerSpec, wanted: &TriggerSpec) -> bool {
    stored.resource == wanted.resource
        && stored.events == wanted.events
        && stored.credentials.id == wanted.credentials.id
}

/// A hook made in this call, not yet stored.
struct Made {
    provider: Arc<dyn WebhookProvider>,
    spec: TriggerSpec,
    row: ProviderWebhook,
}

/// Brings the graph's provider hooks in line with `active` (its active version; `None`: the
/// graph is gone). A stored hook that serves a node's subscription (same provider, resource,
/// events and credential) is kept and moved to that node. New hooks are registered first: when
/// one fails, those this call made are removed again and the error is answered, so the hooks
/// stay as they were. Then the hooks no node wants any more are removed; a provider that fails
/// to remove one is logged and the row forgotten, as AutoGPT does.
pub async fn sync(
    state: &AppState,
    user_id: &str,
    graph_id: &str,
    active: Option<&Graph>,
    base_url: &str,
) -> ApiResult<()> {
    let Some(providers) = providers(state) else {
        return Ok(());
    };
    let store = state.engine.store();
    let mut rows: Vec<webhook::Model> = store
        .graph_webhooks(user_id, graph_id)
        .await?
        .into_iter()
        .filter(|r| r.provider != GENERIC)
        .collect();
    let mut made: Vec<Made> = Vec::new();
    // Hooks that serve a node of this version, moved to it (node ids change every version).
    let mut moves: Vec<(String, String)> = Vec::new();
    for node in active.map(|g| g.nodes.as_slice()).unwrap_or_default() {
        let Some((provider, Subscription::Ready(spec))) =
            providers.trigger_of(&node.block_id, &node.input_default)
        else {
            continue;
        };
        let serving = rows.iter().position(|r| {
            r.provider == provider.provider() && same_subscription(&stored_spec(r), &spec)
        });
        if let Some(at) = serving {
            let row = rows.remove(at);
            if row.node_id != node.id {
                moves.push((row.id, node.id.clone()));
            }
            continue;
        }
        match register(
            state, provider, user_id, graph_id, &node.id, &spec, base_url,
        )
        .await
        {
            Ok(row) => made.push(Made {
                provider: provider.clone(),
                spec,
                row,
            }),
            Err(e) => {
                for undo in made {
                    let hook_id = &undo.row.provider_webhook_id;
                    remove(state, user_id, &*undo.provider, &undo.spec, hook_id).await;
                }
                return Err(e);
            }
        }
    }
    // What no node of the version wants any more goes first: a new hook may take its node.
    for row in rows {
        if let Some(provider) = providers.get(&row.provider) {
            let hook_id = row.provider_webhook_id.clone().unwrap_or_default();
            remove(state, user_id, &**provider, &stored_spec(&row), &hook_id).await;
        }
        store.delete_webhook(user_id, &row.id).await?;
    }
    for (id, node_id) in moves {
        store.move_webhook(user_id, &id, &node_id).await?;
    }
    for m in made {
        store.put_provider_webhook(m.row).await?;
    }
    Ok(())
}

/// Registers one node's hook on the provider; the row to store.
async fn register(
    state: &AppState,
    provider: &Arc<dyn WebhookProvider>,
    user_id: &str,
    graph_id: &str,
    node_id: &str,
    spec: &TriggerSpec,
    base_url: &str,
) -> ApiResult<ProviderWebhook> {
    let id = uuid::Uuid::new_v4().to_string();
    let name = provider.provider();
    let ingress_url = format!(
        "{}/api/integrations/{name}/webhooks/{id}/ingress",
        base_url.trim_end_matches('/')
    );
    let mut key = [0u8; 32];
    rand::rng().fill_bytes(&mut key);
    let secret = hex::encode(key);
    let vault = state.engine.vault();
    let mut sealed = vault.seal_text(user_id, &sealed_for(&id), &secret)?;
    let mut cx = state.engine.user_context(user_id);
    let hook = provider
        .register(&mut cx, spec, &ingress_url, &secret)
        .await
        .map_err(|e| {
            ApiError::new(
                Code::TriggerRegistrationFailed,
                format!("the {name} trigger of node {node_id} could not subscribe: {e}"),
            )
            .with_details(json!({ "node_id": node_id, "provider": name }))
        })?;
    // A provider that issues its own signing secret (Exa) signs with that one.
    if let Some(own) = &hook.secret {
        sealed = match vault.seal_text(user_id, &sealed_for(&id), own.expose()) {
            Ok(sealed) => sealed,
            Err(e) => {
                remove(state, user_id, &**provider, spec, &hook.id).await;
                return Err(e.into());
            }
        };
    }
    Ok(ProviderWebhook {
        id,
        user_id: user_id.to_string(),
        graph_id: graph_id.to_string(),
        node_id: node_id.to_string(),
        provider: name.to_string(),
        resource: spec.resource.clone(),
        events: json_text(&spec.events),
        credentials: json_text(&spec.credentials),
        provider_webhook_id: hook.id,
        secret_key_id: sealed.key_id,
        secret_sealed: sealed.sealed,
        config: json_text(&hook.config),
    })
}

/// Removes a hook from the provider; a failure is logged, never answered.
async fn remove(
    state: &AppState,
    user_id: &str,
    provider: &dyn WebhookProvider,
    spec: &TriggerSpec,
    hook_id: &str,
) {
    let mut cx = state.engine.user_context(user_id);
    if let Err(e) = provider.deregister(&mut cx, spec, hook_id).await {
        tracing::warn!(
            provider = provider.provider(),
            resource = %spec.resource,
            hook_id,
            error = %e,
            "could not remove a trigger's webhook from the provider"
        );
    }
}

/// The stored signing secret of a provider hook.
pub fn secret(state: &AppState, row: &webhook::Model) -> ApiResult<agentry_core::SecretString> {
    let sealed = Sealed {
        key_id: row.secret_key_id.clone().unwrap_or_default(),
        sealed: row.secret_sealed.clone().unwrap_or_default(),
    };
    Ok(state
        .engine
        .vault()
        .open_text(&row.user_id, &sealed_for(&row.id), &sealed)?)
}

/// JSON text of what a hook row keeps.
fn json_text<T: serde::Serialize>(value: &T) -> String {
    serde_json::to_string(value).unwrap_or_default()
}
