//! The GitHub side of the trigger blocks, as AutoGPT's `GithubWebhooksManager` does it: which
//! GitHub events a node subscribes to, registering and removing the repository hook that
//! delivers them to the platform's ingress URL, and checking a delivery (its
//! `X-Hub-Signature-256` and the `event.action` it carries). `GithubWebhooks` offers them to
//! the server (`agentry_core::webhooks`), which registers hooks when a graph is saved or
//! activated and takes deliveries at its ingress; the blocks themselves only read the payload
//! (`triggers.rs`).

use agentry_core::webhooks::{
    Delivery, DeliveryRefusal, HookFuture, RegisteredHook, Subscription, TriggerSpec,
    WebhookProvider,
};
use agentry_core::{BlockError, Context, CredentialsMeta, Cx};
use hmac::{Hmac, Mac};
use serde::Serialize;
use serde_json::{Map, Value, json};
use sha2::Sha256;

use super::{API, PROVIDER, repo_api, triggers};
use crate::api::segment;
use crate::rest_hook::{HookApi, chosen_credentials, delivery, in_cx};

const HOOKS: HookApi = HookApi {
    name: "GitHub",
    service: API,
};

/// AutoGPT's `event_format` of each trigger block, by block id: `{event}` is an action the
/// node's `events` filter switches on.
pub const EVENT_FORMATS: &[(&str, &str)] = &[
    ("6c60ec01-8128-419e-988f-96a063ee2fea", "pull_request"),
    ("551e0a35-100b-49b7-89b8-3031322239b6", "star"),
    ("2052dd1b-74e1-46ac-9c87-c7a0e057b60b", "release"),
    ("b2605464-e486-4bf4-aad3-d8a213c8a48a", "issues"),
    ("87f847b3-d81a-424e-8e89-acadb5c9d52b", "discussion"),
];

/// The `event.action` names a trigger node subscribes to (`pull_request.opened`, …), from its
/// block id and its `events` input; `None` for a block that is not a GitHub trigger.
pub fn subscribed_events(block_id: &str, events: &Value) -> Option<Vec<String>> {
    let (_, event) = EVENT_FORMATS.iter().find(|(id, _)| *id == block_id)?;
    let actions: Vec<&str> = match *event {
        "pull_request" => parse::<triggers::PullRequestEvents>(events).chosen(),
        "star" => parse::<triggers::StarEvents>(events).chosen(),
        "release" => parse::<triggers::ReleaseEvents>(events).chosen(),
        "issues" => parse::<triggers::IssuesEvents>(events).chosen(),
        _ => parse::<triggers::DiscussionEvents>(events).chosen(),
    };
    Some(actions.iter().map(|a| format!("{event}.{a}")).collect())
}

/// A node's `events` input as its filter; a malformed one subscribes to nothing.
fn parse<T: serde::de::DeserializeOwned + Default>(events: &Value) -> T {
    serde_json::from_value(events.clone()).unwrap_or_default()
}

/// Creates a hook on `repo` (`owner/repo`) delivering `events` (`event.action` names; GitHub
/// subscribes by event) as JSON to `ingress_url`, signed with `secret`.
pub async fn register<O: Serialize>(
    cx: &mut Cx<'_, O>,
    credentials: &CredentialsMeta,
    repo: &str,
    events: &[String],
    ingress_url: &str,
    secret: &str,
) -> Result<RegisteredHook, BlockError> {
    let path = format!("{}/hooks", repo_api(repo)?);
    let mut github_events: Vec<&str> = events
        .iter()
        .map(|e| e.split('.').next().unwrap_or_default())
        .collect();
    github_events.sort_unstable();
    github_events.dedup();
    let body = json!({
        "name": "web",
        "active": true,
        "events": github_events,
        "config": {"url": ingress_url, "content_type": "json", "insecure_ssl": "0",
                   "secret": secret},
    });
    let hint = format!(
        " (Make sure the GitHub account or API key has 'repo' or webhook create permissions to \
         '{repo}')"
    );
    let hook = HOOKS
        .create(cx, credentials, &path, &body, Some(hint))
        .await?;
    let id = match &hook["id"] {
        Value::Number(n) => n.to_string(),
        other => other.as_str().unwrap_or_default().to_string(),
    };
    Ok(RegisteredHook {
        id,
        config: hook["config"].as_object().cloned().unwrap_or_default(),
        secret: None,
    })
}

/// Removes hook `hook_id` from `repo`; a hook GitHub no longer has counts as removed.
pub async fn deregister<O: Serialize>(
    cx: &mut Cx<'_, O>,
    credentials: &CredentialsMeta,
    repo: &str,
    hook_id: &str,
) -> Result<(), BlockError> {
    let path = format!("{}/hooks/{}", repo_api(repo)?, segment(hook_id));
    HOOKS.remove(cx, credentials, &path).await
}

/// Why a delivery is refused.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum DeliveryError {
    #[error("X-GitHub-Event header is missing!")]
    MissingEvent,
    #[error("X-Hub-Signature-256 header is missing!")]
    MissingSignature,
    #[error("Request signatures didn't match!")]
    BadSignature,
    #[error("The delivery is not a JSON object")]
    NotJson,
}

/// Checks one delivery: `X-Hub-Signature-256` (`sha256=<hex HMAC-SHA256 of the body>`,
/// compared in constant time) and answers the payload and its event type (`X-GitHub-Event`,
/// with `.action` when the payload has one), which the node's subscriptions are matched to.
pub fn verify_delivery(
    secret: &str,
    event_header: Option<&str>,
    signature_header: Option<&str>,
    body: &[u8],
) -> Result<(Map<String, Value>, String), DeliveryError> {
    let event = event_header
        .filter(|e| !e.is_empty())
        .ok_or(DeliveryError::MissingEvent)?;
    let signature = signature_header
        .filter(|s| !s.is_empty())
        .ok_or(DeliveryError::MissingSignature)?;
    let tag = signature
        .strip_prefix("sha256=")
        .and_then(|h| hex::decode(h).ok())
        .ok_or(DeliveryError::BadSignature)?;
    let mut mac = Hmac::<Sha256>::new_from_slice(secret.as_bytes())
        .map_err(|_| DeliveryError::BadSignature)?;
    mac.update(body);
    mac.verify_slice(&tag)
        .map_err(|_| DeliveryError::BadSignature)?;
    let payload: Map<String, Value> =
        serde_json::from_slice(body).map_err(|_| DeliveryError::NotJson)?;
    let event_type = match payload.get("action").and_then(Value::as_str) {
        Some(action) if !action.is_empty() => format!("{event}.{action}"),
        _ => event.to_string(),
    };
    Ok((payload, event_type))
}

/// GitHub's `WebhookProvider`: the five trigger blocks, repository hooks, signed deliveries.
pub struct GithubWebhooks;

impl WebhookProvider for GithubWebhooks {
    fn provider(&self) -> &'static str {
        PROVIDER
    }

    fn trigger(&self, block_id: &str, input: &Map<String, Value>) -> Option<Subscription> {
        let events = subscribed_events(block_id, input.get("events").unwrap_or(&Value::Null))?;
        let repo = input
            .get("repo")
            .and_then(Value::as_str)
            .unwrap_or_default()
            .trim();
        if repo.is_empty() {
            return Some(Subscription::Incomplete("no repository is chosen".into()));
        }
        if let Err(e) = repo_api(repo) {
            return Some(Subscription::Invalid(e.to_string()));
        }
        let Some(credentials) = chosen_credentials(input, PROVIDER) else {
            return Some(Subscription::Incomplete(
                "no GitHub credentials are chosen".into(),
            ));
        };
        if events.is_empty() {
            return Some(Subscription::Incomplete("no event is chosen".into()));
        }
        Some(Subscription::Ready(TriggerSpec {
            resource: repo.to_string(),
            events,
            credentials,
        }))
    }

    fn register<'a>(
        &'a self,
        cx: &'a mut dyn Context,
        spec: &'a TriggerSpec,
        ingress_url: &'a str,
        secret: &'a str,
    ) -> HookFuture<'a, RegisteredHook> {
        in_cx(cx, move |cx| {
            Box::pin(register(
                cx,
                &spec.credentials,
                &spec.resource,
                &spec.events,
                ingress_url,
                secret,
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
        let event = header("x-github-event");
        let signature = header("x-hub-signature-256");
        let checked = verify_delivery(secret, event.as_deref(), signature.as_deref(), body);
        delivery(checked, |e| {
            matches!(e, DeliveryError::MissingEvent | DeliveryError::NotJson)
        })
    }
}
