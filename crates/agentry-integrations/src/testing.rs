//! Test support: a wiremock server on 127.0.0.1 standing in for every provider, and a recorder
//! whose settings point every service at it, with the user's credentials in a `FixedCredentials`.

use std::sync::Arc;
use std::time::Duration;

use agentry_core::credentials::{Credential, CredentialSecret, FixedCredentials};
use agentry_core::testing::Recorder;
use agentry_core::{Resources, SecretString};
use agentry_services::http::{HttpSettings, OutboundHttp};
use serde_json::{Value, json};
use wiremock::MockServer;

use crate::settings::{IntegrationSettings, Retry};

pub const CRED_ID: &str = "01234567-89ab-cdef-0123-456789abcdef";

pub fn fast_retry() -> Retry {
    Retry {
        max_attempts: 3,
        base_backoff: Duration::from_millis(1),
        max_backoff: Duration::from_millis(5),
        retry_after_cap: Duration::from_millis(50),
    }
}

/// The `credentials` input naming the test credential of `provider`.
pub fn meta(provider: &str, kind: &str) -> Value {
    json!({"id": CRED_ID, "provider": provider, "type": kind, "title": "test"})
}

pub fn api_key(provider: &str, key: &str) -> Credential {
    Credential {
        id: CRED_ID.into(),
        provider: provider.into(),
        title: None,
        secret: CredentialSecret::ApiKey {
            api_key: SecretString::new(key),
        },
    }
}

pub fn oauth2(provider: &str, token: &str, scopes: &[&str]) -> Credential {
    Credential {
        id: CRED_ID.into(),
        provider: provider.into(),
        title: None,
        secret: CredentialSecret::Oauth2 {
            access_token: SecretString::new(token),
            scopes: scopes.iter().map(|s| s.to_string()).collect(),
            access_token_expires_at: None,
            username: None,
        },
    }
}

/// Resources pointing every service at `server` (then changed by `edit`), with a client that
/// may reach 127.0.0.1.
fn resources_with(
    server: &MockServer,
    edit: impl FnOnce(IntegrationSettings) -> IntegrationSettings,
) -> Resources {
    let http = OutboundHttp::new(HttpSettings {
        allow_private_networks: true,
        ..Default::default()
    })
    .unwrap();
    let mut settings = IntegrationSettings::default().with_all_bases(&server.uri());
    settings.retry = fast_retry();
    settings.poll_interval = Duration::from_millis(5);
    settings.poll_timeout = Duration::from_secs(5);
    Resources::new().with(http).with(edit(settings))
}

/// A recorder for a block run against `server` with `credential`.
pub fn recorder(server: &MockServer, credential: Credential) -> Recorder {
    recorder_with(server, credential, |settings| settings)
}

/// As `recorder`, with the settings changed by `edit` (a base URL of another mock).
pub fn recorder_with(
    server: &MockServer,
    credential: Credential,
    edit: impl FnOnce(IntegrationSettings) -> IntegrationSettings,
) -> Recorder {
    Recorder {
        resources: resources_with(server, edit),
        credentials: Some(Arc::new(FixedCredentials::new().with(credential))),
        ..Recorder::default()
    }
}

/// `input` with `credentials` naming `credential` (its provider and kind), as a node's does.
pub fn with_credential(mut input: Value, credential: &Credential) -> Value {
    input["credentials"] = meta(&credential.provider, credential.secret.kind().as_str());
    input
}

/// Runs `block` on `input`, its `credentials` naming `credential`, against `server`.
pub async fn run_as<B: agentry_core::Block>(
    server: &MockServer,
    block: B,
    input: Value,
    credential: Credential,
) -> Vec<(String, Value)> {
    let input = with_credential(input, &credential);
    agentry_core::testing::run_block_with(block, input, recorder(server, credential)).await
}

/// Mounts `verb at` on `server`, answering `status` with `body` to requests that carry
/// `authorization` (so a request without the credential goes unanswered).
pub async fn answer_authorized(
    server: &MockServer,
    verb: &str,
    at: &str,
    authorization: &str,
    status: u16,
    body: Value,
) {
    use wiremock::matchers::{header, method, path};
    wiremock::Mock::given(method(verb))
        .and(path(at))
        .and(header("authorization", authorization))
        .respond_with(wiremock::ResponseTemplate::new(status).set_body_json(body))
        .mount(server)
        .await;
}

/// The error a run ended with, or a panic showing what it yielded.
pub fn error_of(outputs: &[(String, Value)]) -> String {
    outputs
        .iter()
        .find(|(p, _)| p == "error")
        .and_then(|(_, v)| v.as_str().map(str::to_string))
        .unwrap_or_else(|| panic!("expected an error, got {outputs:?}"))
}

/// A credential store whose `refresh` answers a new OAuth2 token, as the engine's does after a
/// provider refused the old one.
pub struct Refreshing {
    pub stale: Credential,
    pub fresh: Credential,
}

impl agentry_core::credentials::Credentials for Refreshing {
    fn get<'a>(
        &'a self,
        _meta: &'a agentry_core::CredentialsMeta,
    ) -> agentry_core::credentials::CredentialFuture<'a> {
        Box::pin(async move { Ok(self.stale.clone()) })
    }

    fn refresh<'a>(
        &'a self,
        _meta: &'a agentry_core::CredentialsMeta,
    ) -> agentry_core::credentials::CredentialFuture<'a> {
        Box::pin(async move { Ok(self.fresh.clone()) })
    }
}

/// URL-safe base64 of `text`, as Gmail sends bodies.
pub fn b64(text: &str) -> String {
    use base64::Engine;
    base64::engine::general_purpose::URL_SAFE_NO_PAD.encode(text)
}

/// A request's JSON body.
pub fn json_body(request: &wiremock::Request) -> Value {
    serde_json::from_slice(&request.body).unwrap()
}
