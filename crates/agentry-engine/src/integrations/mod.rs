//! Users' credentials for blocks: created, listed and deleted for the API, sealed with the
//! keyring before the store sees them, OAuth2 logins and refreshes, key rotation, and the
//! [`agentry_core::Credentials`] capability a run's nodes use (`run_credentials.rs`).

mod graph_inputs;
mod keyring;
mod oauth;
mod run_credentials;

use std::collections::BTreeMap;
use std::sync::Arc;

use agentry_core::{Credential, CredentialKind, CredentialSecret, SecretString};
use agentry_store::entity::credential;
use agentry_store::{NewCredential, NewOauthState, Sealed, Store};
use serde::{Deserialize, Serialize};

pub use graph_inputs::{CredentialsField, aggregate, credentials_input_schema, node_credentials};
pub use keyring::{Keyring, KeyringError};
pub use oauth::{OauthError, OauthHttp, OauthProvider, OauthProviders};
pub use run_credentials::RunCredentials;

/// How long an OAuth2 login may take from the login URL to the callback.
const LOGIN_TTL_MS: i64 = 10 * 60 * 1000;
/// An access token this close to its expiry is refreshed before use.
const REFRESH_SKEW_SECS: i64 = 300;

/// The operator's settings for credentials.
#[derive(Debug, Clone, Default)]
pub struct CredentialSettings {
    /// `None`: no key configured, and credentials cannot be stored.
    pub keyring: Option<Arc<Keyring>>,
    pub oauth: OauthProviders,
}

#[derive(Debug, thiserror::Error)]
pub enum CredentialsError {
    #[error(
        "no encryption key is configured, so credentials cannot be stored: set \
         AGENTRY_ENCRYPTION_KEY (or `encryption_keys` in agentry.toml) to `KEY_ID:BASE64` of 32 \
         random bytes, for example the output of `agentry keys generate`"
    )]
    NoKey,
    #[error("{0} not found")]
    NotFound(String),
    #[error("{0}")]
    Invalid(String),
    #[error("OAuth2 is not configured for provider {0:?} on this server")]
    NoOauth(String),
    #[error("OAuth2 with {provider}: {error}")]
    Oauth { provider: String, error: OauthError },
    #[error(transparent)]
    Keyring(#[from] KeyringError),
    #[error(transparent)]
    Store(agentry_store::Error),
}

impl From<agentry_store::Error> for CredentialsError {
    fn from(e: agentry_store::Error) -> Self {
        match e {
            agentry_store::Error::NotFound(what) => CredentialsError::NotFound(what),
            other => CredentialsError::Store(other),
        }
    }
}

pub type Result<T, E = CredentialsError> = std::result::Result<T, E>;

/// A credential's secret as the user gives it (OAuth2 ones come from a login instead).
#[derive(Debug, Clone)]
pub enum NewSecret {
    ApiKey {
        api_key: SecretString,
        expires_at: Option<i64>,
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

/// What is shown of a credential: everything but the secret.
#[derive(Debug, Clone, Serialize)]
pub struct CredentialView {
    pub id: String,
    pub provider: String,
    pub kind: String,
    pub title: Option<String>,
    pub username: Option<String>,
    pub host: Option<String>,
    pub scopes: Option<Vec<String>>,
    pub expires_at: Option<i64>,
}

impl From<credential::Model> for CredentialView {
    fn from(row: credential::Model) -> Self {
        CredentialView {
            scopes: row.scopes.and_then(|s| serde_json::from_value(s).ok()),
            id: row.id,
            provider: row.provider,
            kind: row.kind,
            title: row.title,
            username: row.username,
            host: row.host,
            expires_at: row.expires_at,
        }
    }
}

/// The sealed part of a credential.
#[derive(Serialize, Deserialize)]
#[serde(tag = "type", rename_all = "snake_case")]
enum Payload {
    ApiKey {
        api_key: SecretString,
    },
    Oauth2 {
        access_token: SecretString,
        refresh_token: Option<SecretString>,
    },
    UserPassword {
        password: SecretString,
    },
    HostScoped {
        headers: BTreeMap<String, SecretString>,
    },
}

/// What `keys rotate` did.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Rotation {
    pub resealed: u64,
    /// Rows that changed while being resealed (refreshed meanwhile, so already under the new key).
    pub changed_meanwhile: u64,
    pub dropped_logins: u64,
}

/// A started OAuth2 login.
#[derive(Debug, Clone, Serialize)]
pub struct LoginStart {
    pub login_url: String,
    pub state_token: String,
}

/// Users' credentials over the store and keyring; cheap to share.
pub struct Vault {
    store: Store,
    settings: CredentialSettings,
    http: OauthHttp,
    /// Refreshes of one process go one at a time, so two nodes do not spend one refresh token.
    refreshing: tokio::sync::Mutex<()>,
}

fn now_secs() -> i64 {
    chrono::Utc::now().timestamp()
}

impl Vault {
    pub fn new(store: Store, settings: CredentialSettings) -> Vault {
        Vault {
            store,
            settings,
            http: OauthHttp::default(),
            refreshing: tokio::sync::Mutex::new(()),
        }
    }

    fn keyring(&self) -> Result<&Keyring> {
        self.settings
            .keyring
            .as_deref()
            .ok_or(CredentialsError::NoKey)
    }

    fn seal(&self, user_id: &str, id: &str, payload: &Payload) -> Result<Sealed> {
        let plain = serde_json::to_vec(payload).expect("payloads serialize");
        Ok(self.keyring()?.seal(user_id, id, &plain))
    }

    fn open(&self, row: &credential::Model) -> Result<Payload> {
        let sealed = Sealed {
            key_id: row.key_id.clone(),
            sealed: row.sealed.clone(),
        };
        let plain = self.keyring()?.open(&row.user_id, &row.id, &sealed)?;
        serde_json::from_slice(&plain).map_err(|_| KeyringError::Open.into())
    }

    /// Seals a secret the platform keeps for the user beside a credential (a trigger's webhook
    /// signing secret), bound to the row `record_id`.
    pub fn seal_text(&self, user_id: &str, record_id: &str, plain: &str) -> Result<Sealed> {
        Ok(self.keyring()?.seal(user_id, record_id, plain.as_bytes()))
    }

    /// Opens what `seal_text` sealed for the same user and row.
    pub fn open_text(
        &self,
        user_id: &str,
        record_id: &str,
        sealed: &Sealed,
    ) -> Result<SecretString> {
        let plain = self.keyring()?.open(user_id, record_id, sealed)?;
        let text = String::from_utf8(plain).map_err(|_| KeyringError::Open)?;
        Ok(SecretString::new(text))
    }

    pub async fn create(
        &self,
        user_id: &str,
        provider: &str,
        title: Option<String>,
        secret: NewSecret,
    ) -> Result<CredentialView> {
        check_provider(provider)?;
        let id = uuid::Uuid::new_v4().to_string();
        let (kind, username, host, expires_at, payload) = match secret {
            NewSecret::ApiKey {
                api_key,
                expires_at,
            } => {
                if api_key.expose().trim().is_empty() {
                    return Err(CredentialsError::Invalid("api_key is empty".into()));
                }
                (
                    CredentialKind::ApiKey,
                    None,
                    None,
                    expires_at,
                    Payload::ApiKey { api_key },
                )
            }
            NewSecret::UserPassword { username, password } => {
                if username.trim().is_empty() {
                    return Err(CredentialsError::Invalid("username is empty".into()));
                }
                (
                    CredentialKind::UserPassword,
                    Some(username),
                    None,
                    None,
                    Payload::UserPassword { password },
                )
            }
            NewSecret::HostScoped { host, headers } => {
                check_host(&host)?;
                if headers.is_empty() {
                    return Err(CredentialsError::Invalid(
                        "host_scoped credentials need at least one header".into(),
                    ));
                }
                (
                    CredentialKind::HostScoped,
                    None,
                    Some(host.trim().to_ascii_lowercase()),
                    None,
                    Payload::HostScoped { headers },
                )
            }
        };
        let sealed = self.seal(user_id, &id, &payload)?;
        let row = self
            .store
            .insert_credential(NewCredential {
                id,
                user_id: user_id.to_string(),
                provider: provider.to_string(),
                kind: kind.as_str().to_string(),
                title,
                username,
                host,
                scopes: None,
                expires_at,
                secret: sealed,
            })
            .await?;
        Ok(row.into())
    }

    pub async fn list(&self, user_id: &str, provider: Option<&str>) -> Result<Vec<CredentialView>> {
        let rows = self.store.list_credentials(user_id, provider).await?;
        Ok(rows.into_iter().map(CredentialView::from).collect())
    }

    /// One credential's metadata, when it is the user's and the provider's.
    pub async fn meta(&self, user_id: &str, provider: &str, id: &str) -> Result<CredentialView> {
        let row = self.store.get_credential(user_id, id).await?;
        if row.provider != provider {
            return Err(CredentialsError::NotFound(format!("credentials {id}")));
        }
        Ok(row.into())
    }

    pub async fn delete(&self, user_id: &str, provider: &str, id: &str) -> Result<()> {
        self.meta(user_id, provider, id).await?;
        Ok(self.store.delete_credential(user_id, id).await?)
    }

    /// Starts an OAuth2 login; the state is kept server-side, single-use, for ten minutes.
    pub async fn login(
        &self,
        user_id: &str,
        provider: &str,
        scopes: Option<Vec<String>>,
    ) -> Result<LoginStart> {
        let config = self.oauth(provider)?;
        let scopes = scopes
            .filter(|s| !s.is_empty())
            .unwrap_or_else(|| config.scopes.clone());
        let login = config
            .login(&scopes)
            .map_err(|error| CredentialsError::Oauth {
                provider: provider.to_string(),
                error,
            })?;
        let verifier = self
            .keyring()?
            .seal(user_id, &login.state, login.verifier.as_bytes());
        self.store
            .insert_oauth_state(NewOauthState {
                token: login.state.clone(),
                user_id: user_id.to_string(),
                provider: provider.to_string(),
                scopes,
                verifier,
                expires_at_ms: chrono::Utc::now().timestamp_millis() + LOGIN_TTL_MS,
            })
            .await?;
        Ok(LoginStart {
            login_url: login.url,
            state_token: login.state,
        })
    }

    /// Finishes an OAuth2 login: takes the state once, exchanges the code with its PKCE
    /// verifier and stores the tokens as a new oauth2 credential.
    pub async fn callback(
        &self,
        user_id: &str,
        provider: &str,
        code: &str,
        state_token: &str,
    ) -> Result<CredentialView> {
        let config = self.oauth(provider)?;
        let keyring = self.keyring()?;
        let state = self
            .store
            .take_oauth_state(
                user_id,
                provider,
                state_token,
                chrono::Utc::now().timestamp_millis(),
            )
            .await
            .map_err(|_| {
                CredentialsError::Invalid(
                    "the login state is unknown, expired or already used; start the login again"
                        .into(),
                )
            })?;
        let verifier = keyring.open(
            user_id,
            state_token,
            &Sealed {
                key_id: state.key_id,
                sealed: state.sealed_verifier,
            },
        )?;
        let verifier = String::from_utf8(verifier).map_err(|_| KeyringError::Open)?;
        let grant = config
            .exchange(&self.http, code, &verifier, now_secs())
            .await
            .map_err(|error| CredentialsError::Oauth {
                provider: provider.to_string(),
                error,
            })?;
        let asked: Vec<String> = serde_json::from_value(state.scopes).unwrap_or_default();
        let id = uuid::Uuid::new_v4().to_string();
        let sealed = self.seal(
            user_id,
            &id,
            &Payload::Oauth2 {
                access_token: grant.access_token,
                refresh_token: grant.refresh_token,
            },
        )?;
        let row = self
            .store
            .insert_credential(NewCredential {
                id,
                user_id: user_id.to_string(),
                provider: provider.to_string(),
                kind: CredentialKind::Oauth2.as_str().to_string(),
                title: Some(format!("{provider} (OAuth2)")),
                username: None,
                host: None,
                scopes: Some(grant.scopes.unwrap_or(asked)),
                expires_at: grant.expires_at,
                secret: sealed,
            })
            .await?;
        Ok(row.into())
    }

    fn oauth(&self, provider: &str) -> Result<&OauthProvider> {
        self.settings
            .oauth
            .get(provider)
            .ok_or_else(|| CredentialsError::NoOauth(provider.to_string()))
    }

    /// The user's credential `id`, decrypted; an OAuth2 token about to expire is refreshed
    /// first, and `force` refreshes it anyway (the provider answered 401).
    pub async fn decrypt(&self, user_id: &str, id: &str, force: bool) -> Result<Credential> {
        let row = self.store.get_credential(user_id, id).await?;
        let stale = row.kind == CredentialKind::Oauth2.as_str()
            && (force
                || row
                    .expires_at
                    .is_some_and(|at| at - REFRESH_SKEW_SECS <= now_secs()));
        let row = if stale {
            self.refresh_row(row, force).await?
        } else {
            row
        };
        let payload = self.open(&row)?;
        Ok(credential_of(row, payload))
    }

    async fn refresh_row(&self, seen: credential::Model, force: bool) -> Result<credential::Model> {
        let _one_at_a_time = self.refreshing.lock().await;
        // Another node may have refreshed it while this one waited.
        let row = self.store.get_credential(&seen.user_id, &seen.id).await?;
        if row.sealed != seen.sealed && (force || row.expires_at != seen.expires_at) {
            return Ok(row);
        }
        let config = self.oauth(&row.provider)?;
        let Payload::Oauth2 {
            refresh_token: Some(refresh_token),
            ..
        } = self.open(&row)?
        else {
            return Err(CredentialsError::Invalid(format!(
                "the {} token has expired and cannot be refreshed; sign in with {} again",
                row.provider, row.provider
            )));
        };
        let grant = config
            .refresh(&self.http, &refresh_token, now_secs())
            .await
            .map_err(|error| CredentialsError::Oauth {
                provider: row.provider.clone(),
                error,
            })?;
        let sealed = self.seal(
            &row.user_id,
            &row.id,
            &Payload::Oauth2 {
                access_token: grant.access_token,
                // Providers that do not rotate refresh tokens answer none: keep the old one.
                refresh_token: grant.refresh_token.or(Some(refresh_token)),
            },
        )?;
        tracing::info!(credentials = %row.id, provider = %row.provider, "OAuth2 token refreshed");
        Ok(self
            .store
            .update_credential_secret(
                &row.user_id,
                &row.id,
                sealed,
                grant.expires_at,
                grant.scopes,
            )
            .await?)
    }

    /// Reseals every credential that an older key sealed under the current one, and drops
    /// logins in progress under older keys. Needs every older key still configured.
    pub async fn rotate(&self) -> Result<Rotation> {
        let keyring = self.keyring()?;
        let current = keyring.current_id().to_string();
        let mut report = Rotation::default();
        let mut after: Option<String> = None;
        loop {
            let rows = self
                .store
                .credentials_to_reseal(&current, after.as_deref(), 200)
                .await?;
            let Some(last) = rows.last() else { break };
            after = Some(last.id.clone());
            for row in rows {
                let payload = self.open(&row)?;
                let sealed = self.seal(&row.user_id, &row.id, &payload)?;
                if self.store.reseal_credential(&row, sealed).await? {
                    report.resealed += 1;
                } else {
                    report.changed_meanwhile += 1;
                }
            }
        }
        report.dropped_logins = self.store.drop_oauth_states_not_under(&current).await?;
        Ok(report)
    }
}

fn credential_of(row: credential::Model, payload: Payload) -> Credential {
    let secret = match payload {
        Payload::ApiKey { api_key } => CredentialSecret::ApiKey { api_key },
        Payload::Oauth2 { access_token, .. } => CredentialSecret::Oauth2 {
            access_token,
            scopes: row
                .scopes
                .and_then(|s| serde_json::from_value(s).ok())
                .unwrap_or_default(),
            access_token_expires_at: row.expires_at,
            username: row.username,
        },
        Payload::UserPassword { password } => CredentialSecret::UserPassword {
            username: row.username.unwrap_or_default(),
            password,
        },
        Payload::HostScoped { headers } => CredentialSecret::HostScoped {
            host: row.host.unwrap_or_default(),
            headers,
        },
    };
    Credential {
        id: row.id,
        provider: row.provider,
        title: row.title,
        secret,
    }
}

fn check_provider(provider: &str) -> Result<()> {
    let ok = !provider.is_empty()
        && provider.len() <= 64
        && provider
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || "-_.".contains(c));
    if ok {
        Ok(())
    } else {
        Err(CredentialsError::Invalid(format!(
            "provider {provider:?} is not a provider name (letters, digits, - _ .)"
        )))
    }
}

fn check_host(host: &str) -> Result<()> {
    let bare = host.trim().strip_prefix("*.").unwrap_or(host.trim());
    let ok = !bare.is_empty()
        && bare.len() <= 253
        && bare
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || "-.:[]".contains(c));
    if ok {
        Ok(())
    } else {
        Err(CredentialsError::Invalid(format!(
            "host {host:?} is not a host name or `*.domain` pattern"
        )))
    }
}
