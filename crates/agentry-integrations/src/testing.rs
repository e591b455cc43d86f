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

#[allow(dead_code)] // Google's tests use it.
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

/// Resources pointing every service at `server`, with a client that may reach 127.0.0.1.
pub fn resources(server: &MockServer) -> Resources {
    let http = OutboundHttp::new(HttpSettings {
        allow_private_networks: true,
        ..Default::default()
    })
    .unwrap();
    let mut settings = IntegrationSettings::default().with_all_bases(&server.uri());
    settings.retry = fast_retry();
    settings.poll_interval = Duration::from_millis(5);
    settings.poll_timeout = Duration::from_secs(5);
    Resources::new().with(http).with(settings)
}

/// A recorder for a block run against `server` with `credential`.
pub fn recorder(server: &MockServer, credential: Credential) -> Recorder {
    Recorder {
        resources: resources(server),
        credentials: Some(Arc::new(FixedCredentials::new().with(credential))),
        ..Recorder::default()
    }
}

/// The error a run ended with, or a panic showing what it yielded.
pub fn error_of(outputs: &[(String, Value)]) -> String {
    outputs
        .iter()
        .find(|(p, _)| p == "error")
        .and_then(|(_, v)| v.as_str().map(str::to_string))
        .unwrap_or_else(|| panic!("expected an error, got {outputs:?}"))
}
