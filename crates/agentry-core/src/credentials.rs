//! The credentials a block runs with: its user's own secret for the provider it names, found by
//! the id in the block's `credentials` input and handed only to the node that asked.
//!
//! A block's `credentials` input holds AutoGPT's `CredentialsMetaInput` (`id`, `provider`,
//! `type`, `title`): a reference, never the secret. The engine offers a [`Credentials`]
//! capability that resolves that reference for the run's user (decrypting one row, refreshing an
//! OAuth2 token that is about to expire); core only defines the shapes.

use std::collections::BTreeMap;
use std::fmt;
use std::future::Future;
use std::pin::Pin;

use schemars::JsonSchema;
use serde::{Deserialize, Serialize};

use crate::BlockError;

/// AutoGPT's `CredentialsMetaInput`: which stored credential a node uses. Never a secret.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
pub struct CredentialsMeta {
    #[serde(default)]
    pub id: Option<String>,
    #[serde(default)]
    pub provider: Option<String>,
    #[serde(default, rename = "type")]
    pub kind: Option<String>,
    #[serde(default)]
    pub title: Option<String>,
}

/// The kinds of credential AutoGPT knows (`type` in `CredentialsMetaInput`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "snake_case")]
pub enum CredentialKind {
    ApiKey,
    Oauth2,
    UserPassword,
    HostScoped,
}

impl CredentialKind {
    pub fn as_str(self) -> &'static str {
        match self {
            CredentialKind::ApiKey => "api_key",
            CredentialKind::Oauth2 => "oauth2",
            CredentialKind::UserPassword => "user_password",
            CredentialKind::HostScoped => "host_scoped",
        }
    }
}

/// A secret string whose `Debug` and `Display` never show it, so that it cannot reach a log or
/// an error message by accident. Read it with [`SecretString::expose`] at the point of use.
#[derive(Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(transparent)]
pub struct SecretString(String);

impl SecretString {
    pub fn new(value: impl Into<String>) -> Self {
        SecretString(value.into())
    }

    pub fn expose(&self) -> &str {
        &self.0
    }
}

impl fmt::Debug for SecretString {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("SecretString(<redacted>)")
    }
}

impl fmt::Display for SecretString {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("<redacted>")
    }
}

/// The decrypted secret of one credential.
#[derive(Debug, Clone)]
pub enum CredentialSecret {
    ApiKey {
        api_key: SecretString,
    },
    Oauth2 {
        access_token: SecretString,
        scopes: Vec<String>,
        /// Seconds since the epoch, when the provider said.
        access_token_expires_at: Option<i64>,
        username: Option<String>,
    },
    UserPassword {
        username: String,
        password: SecretString,
    },
    HostScoped {
        host: String,
        headers: BTreeMap<String, SecretString>,
    },
}

impl CredentialSecret {
    pub fn kind(&self) -> CredentialKind {
        match self {
            CredentialSecret::ApiKey { .. } => CredentialKind::ApiKey,
            CredentialSecret::Oauth2 { .. } => CredentialKind::Oauth2,
            CredentialSecret::UserPassword { .. } => CredentialKind::UserPassword,
            CredentialSecret::HostScoped { .. } => CredentialKind::HostScoped,
        }
    }

    /// The value a bearer-style API wants: the API key or the OAuth2 access token.
    pub fn bearer(&self) -> Option<&SecretString> {
        match self {
            CredentialSecret::ApiKey { api_key } => Some(api_key),
            CredentialSecret::Oauth2 { access_token, .. } => Some(access_token),
            _ => None,
        }
    }
}

/// One of the user's credentials, decrypted for the node that named it.
#[derive(Debug, Clone)]
pub struct Credential {
    pub id: String,
    pub provider: String,
    pub title: Option<String>,
    pub secret: CredentialSecret,
}

/// Boxed future of the capability's calls (object safe, as the other capabilities).
pub type CredentialFuture<'a> =
    Pin<Box<dyn Future<Output = Result<Credential, BlockError>> + Send + 'a>>;

/// Resolves a node's credentials reference for the user the run belongs to. Implemented by the
/// engine over the encrypted credential store, and by test fakes.
pub trait Credentials: Send + Sync {
    /// The credential `meta` names. Errors are `BlockError::Input` naming the provider when the
    /// user has no such credential, or when its provider or kind differs from what is asked.
    fn get<'a>(&'a self, meta: &'a CredentialsMeta) -> CredentialFuture<'a>;

    /// Called after the provider refused the token (401): refreshes an OAuth2 credential and
    /// answers the new one; other kinds answer an input error naming the provider.
    fn refresh<'a>(&'a self, meta: &'a CredentialsMeta) -> CredentialFuture<'a>;
}

/// An in-memory [`Credentials`] for block tests: credentials by id.
#[derive(Default, Clone)]
pub struct FixedCredentials {
    by_id: BTreeMap<String, Credential>,
}

impl FixedCredentials {
    pub fn new() -> Self {
        Self::default()
    }

    pub fn with(mut self, credential: Credential) -> Self {
        self.by_id.insert(credential.id.clone(), credential);
        self
    }

    fn find(&self, meta: &CredentialsMeta) -> Result<Credential, BlockError> {
        let provider = meta.provider.as_deref().unwrap_or("unknown");
        let credential = meta
            .id
            .as_deref()
            .and_then(|id| self.by_id.get(id))
            .ok_or_else(|| {
                BlockError::Input(format!(
                    "no {provider} credentials with this id; add them under Integrations"
                ))
            })?;
        if meta
            .provider
            .as_deref()
            .is_some_and(|p| p != credential.provider)
        {
            return Err(BlockError::Input(format!(
                "credentials {} are for {}, not {provider}",
                credential.id, credential.provider
            )));
        }
        Ok(credential.clone())
    }
}

impl Credentials for FixedCredentials {
    fn get<'a>(&'a self, meta: &'a CredentialsMeta) -> CredentialFuture<'a> {
        Box::pin(async move { self.find(meta) })
    }

    fn refresh<'a>(&'a self, meta: &'a CredentialsMeta) -> CredentialFuture<'a> {
        Box::pin(async move { self.find(meta) })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn secrets_never_print() {
        let secret = SecretString::new("sk-very-secret");
        assert!(!format!("{secret:?} {secret}").contains("very-secret"));
        let credential = Credential {
            id: "c1".into(),
            provider: "openai".into(),
            title: None,
            secret: CredentialSecret::ApiKey { api_key: secret },
        };
        assert!(!format!("{credential:?}").contains("very-secret"));
    }

    #[tokio::test]
    async fn fixed_credentials_check_the_provider() {
        let store = FixedCredentials::new().with(Credential {
            id: "c1".into(),
            provider: "github".into(),
            title: None,
            secret: CredentialSecret::ApiKey {
                api_key: SecretString::new("ghp_x"),
            },
        });
        let ok = CredentialsMeta {
            id: Some("c1".into()),
            provider: Some("github".into()),
            ..Default::default()
        };
        assert_eq!(store.get(&ok).await.unwrap().provider, "github");
        let wrong = CredentialsMeta {
            provider: Some("notion".into()),
            ..ok.clone()
        };
        assert!(matches!(store.get(&wrong).await, Err(BlockError::Input(_))));
    }
}
