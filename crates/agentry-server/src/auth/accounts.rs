//! Sign-in with accounts: issuing and checking access tokens (HS256 JWT), refresh tokens and
//! API keys. A user's `disabled` flag, role and `token_version`, and each API key, are read
//! through small caches of a few seconds, so a check costs no query on most requests; a change
//! made through this process (disable, role, sign-out everywhere, revoke) forgets the entry at
//! once, and other processes see it within `CACHE_TTL`.

use std::collections::HashMap;
use std::sync::Mutex;
use std::time::{Duration, Instant};

use agentry_store::Store;
use agentry_store::entity::user;
use chrono::Utc;
use jsonwebtoken::{Algorithm, DecodingKey, EncodingKey, Header, Validation};
use serde::{Deserialize, Serialize};

use super::secret;
use super::{Permission, Principal, Role, Via};
use crate::error::{ApiError, Code};

/// How long a cached user state or API key is trusted before it is read again.
const CACHE_TTL: Duration = Duration::from_secs(5);
/// A cache holding more entries than this is emptied (bounds memory under key spraying).
const CACHE_MAX: usize = 10_000;
/// `last_used_at` is written at most this often per key.
const TOUCH_EVERY: Duration = Duration::from_secs(60);

/// Sign-in settings from the operator's configuration.
#[derive(Clone, Debug)]
pub struct AuthSettings {
    /// Whether anyone may sign up once the first account exists.
    pub allow_signup: bool,
    /// The access token signing key; generated once and kept in the store when absent.
    pub jwt_secret: Option<String>,
    pub access_ttl: Duration,
    pub refresh_ttl: Duration,
    /// Add `Secure` to the session cookies (set it when served over HTTPS).
    pub cookie_secure: bool,
}

impl Default for AuthSettings {
    fn default() -> Self {
        AuthSettings {
            allow_signup: false,
            jwt_secret: None,
            access_ttl: Duration::from_secs(15 * 60),
            refresh_ttl: Duration::from_secs(30 * 24 * 3600),
            cookie_secure: false,
        }
    }
}

#[derive(Serialize, Deserialize)]
struct Claims {
    sub: String,
    role: String,
    /// The user's `token_version` when issued.
    tv: i32,
    iat: i64,
    exp: i64,
}

#[derive(Clone)]
struct UserState {
    role: Role,
    disabled: bool,
    token_version: i32,
}

#[derive(Clone)]
struct KeyState {
    user_id: String,
    key_hash: String,
    permissions: Vec<Permission>,
    revoked: bool,
}

struct Cached<T> {
    value: T,
    at: Instant,
}

/// A token pair handed out by sign-up, sign-in and refresh.
pub struct Issued {
    pub access_token: String,
    pub refresh_token: String,
    pub expires_in: u64,
}

/// Accounts mode: the keys and caches that turn credentials into a `Principal`.
pub struct Accounts {
    store: Store,
    pub settings: AuthSettings,
    encoding: EncodingKey,
    decoding: DecodingKey,
    validation: Validation,
    key_hmac: Vec<u8>,
    /// Verified against when the email is unknown, so both failures cost one argon2 verify.
    dummy_hash: String,
    users: Mutex<HashMap<String, Cached<UserState>>>,
    keys: Mutex<HashMap<String, Cached<KeyState>>>,
    touched: Mutex<HashMap<String, Instant>>,
}

fn refused(code: Code, message: &str) -> ApiError {
    ApiError::new(code, message)
}

impl Accounts {
    /// Loads (or generates and stores, once per deployment) the signing and hashing keys.
    pub async fn new(store: Store, settings: AuthSettings) -> agentry_store::Result<Accounts> {
        let jwt_secret = match &settings.jwt_secret {
            Some(secret) => secret.clone(),
            None => {
                store
                    .server_secret("jwt_signing_key", || secret::random_token(32))
                    .await?
            }
        };
        let key_hmac = store
            .server_secret("api_key_hmac_key", || secret::random_token(32))
            .await?;
        let mut validation = Validation::new(Algorithm::HS256);
        validation.leeway = 5;
        validation.set_required_spec_claims(&["exp", "sub"]);
        Ok(Accounts {
            store,
            encoding: EncodingKey::from_secret(jwt_secret.as_bytes()),
            decoding: DecodingKey::from_secret(jwt_secret.as_bytes()),
            validation,
            key_hmac: key_hmac.into_bytes(),
            dummy_hash: secret::hash_password(&secret::random_token(16)),
            settings,
            users: Mutex::new(HashMap::new()),
            keys: Mutex::new(HashMap::new()),
            touched: Mutex::new(HashMap::new()),
        })
    }

    pub fn store(&self) -> &Store {
        &self.store
    }

    /// Spends the time of one password check against nothing (an unknown email).
    pub fn verify_dummy(&self, password: &str) {
        let _ = secret::verify_password(password, &self.dummy_hash);
    }

    /// The keyed hash an API key is stored as.
    pub fn api_key_hash(&self, key: &str) -> String {
        secret::hmac_hex(&self.key_hmac, key)
    }

    /// A fresh access token and refresh token (stored hashed) for the user.
    pub async fn issue(&self, user: &user::Model) -> Result<Issued, ApiError> {
        let now = Utc::now().timestamp();
        let ttl = self.settings.access_ttl.as_secs();
        let claims = Claims {
            sub: user.id.clone(),
            role: user.role.clone(),
            tv: user.token_version,
            iat: now,
            exp: now + ttl as i64,
        };
        let access_token =
            jsonwebtoken::encode(&Header::new(Algorithm::HS256), &claims, &self.encoding)
                .map_err(ApiError::internal)?;
        let refresh_token = format!("agr_{}", secret::random_token(32));
        let expires_at = Utc::now()
            + chrono::Duration::from_std(self.settings.refresh_ttl)
                .unwrap_or(chrono::Duration::days(30));
        self.store
            .add_refresh_token(&user.id, &secret::sha256_hex(&refresh_token), expires_at)
            .await?;
        Ok(Issued {
            access_token,
            refresh_token,
            expires_in: ttl,
        })
    }

    /// Forgets the cached state of a user (after a change to it).
    pub fn forget_user(&self, user_id: &str) {
        self.users.lock().expect("cache lock").remove(user_id);
    }

    /// Forgets a cached API key (after a revoke).
    pub fn forget_key(&self, key_id: &str) {
        self.keys.lock().expect("cache lock").remove(key_id);
    }

    async fn user_state(&self, user_id: &str) -> Result<Option<UserState>, ApiError> {
        if let Some(hit) = self.users.lock().expect("cache lock").get(user_id)
            && hit.at.elapsed() < CACHE_TTL
        {
            return Ok(Some(hit.value.clone()));
        }
        let Some(row) = self.store.account(user_id).await? else {
            return Ok(None);
        };
        let state = UserState {
            role: Role::parse(&row.role).unwrap_or(Role::User),
            disabled: row.disabled || row.password_hash.is_none(),
            token_version: row.token_version,
        };
        let mut cache = self.users.lock().expect("cache lock");
        if cache.len() >= CACHE_MAX {
            cache.clear();
        }
        cache.insert(
            user_id.to_string(),
            Cached {
                value: state.clone(),
                at: Instant::now(),
            },
        );
        Ok(Some(state))
    }

    /// The principal of a bearer credential: an API key (`agk_…`) or an access token.
    pub async fn principal(&self, credential: &str, cookie: bool) -> Result<Principal, ApiError> {
        if credential.starts_with(secret::API_KEY_PREFIX) {
            return self.api_key_principal(credential).await;
        }
        let claims = jsonwebtoken::decode::<Claims>(credential, &self.decoding, &self.validation)
            .map_err(|e| match e.kind() {
                jsonwebtoken::errors::ErrorKind::ExpiredSignature => refused(
                    Code::TokenExpired,
                    "the access token has expired: refresh it",
                ),
                _ => refused(Code::InvalidToken, "the access token is not valid"),
            })?
            .claims;
        let state = self.live_user(&claims.sub).await?;
        if state.token_version != claims.tv {
            return Err(refused(
                Code::SessionEnded,
                "this session has ended (signed out or password changed): sign in again",
            ));
        }
        Ok(Principal {
            user_id: claims.sub,
            role: state.role,
            via: Via::Session { cookie },
        })
    }

    /// The user's state, refusing a user that is gone or disabled.
    async fn live_user(&self, user_id: &str) -> Result<UserState, ApiError> {
        match self.user_state(user_id).await? {
            Some(state) if !state.disabled => Ok(state),
            Some(_) => Err(refused(Code::AccountDisabled, "this account is disabled")),
            None => Err(refused(Code::InvalidToken, "the access token is not valid")),
        }
    }

    async fn api_key_principal(&self, key: &str) -> Result<Principal, ApiError> {
        let invalid = || refused(Code::InvalidApiKey, "the API key is not valid");
        let key_id = secret::api_key_id(key).ok_or_else(invalid)?;
        let state = self.key_state(key_id).await?.ok_or_else(invalid)?;
        if !secret::same(&self.api_key_hash(key), &state.key_hash) || state.revoked {
            return Err(invalid());
        }
        let user = self.live_user(&state.user_id).await?;
        self.touch(key_id);
        Ok(Principal {
            user_id: state.user_id,
            role: user.role,
            via: Via::ApiKey {
                key_id: key_id.to_string(),
                permissions: state.permissions,
            },
        })
    }

    async fn key_state(&self, key_id: &str) -> Result<Option<KeyState>, ApiError> {
        if let Some(hit) = self.keys.lock().expect("cache lock").get(key_id)
            && hit.at.elapsed() < CACHE_TTL
        {
            return Ok(Some(hit.value.clone()));
        }
        let Some(row) = self.store.api_key_by_id(key_id).await? else {
            return Ok(None);
        };
        let state = KeyState {
            user_id: row.user_id,
            key_hash: row.key_hash,
            permissions: row
                .permissions
                .split(',')
                .filter_map(Permission::parse)
                .collect(),
            revoked: row.revoked_at.is_some(),
        };
        let mut cache = self.keys.lock().expect("cache lock");
        if cache.len() >= CACHE_MAX {
            cache.clear();
        }
        cache.insert(
            key_id.to_string(),
            Cached {
                value: state.clone(),
                at: Instant::now(),
            },
        );
        Ok(Some(state))
    }

    /// Records the key's use in the background, at most once a minute per key.
    fn touch(&self, key_id: &str) {
        {
            let mut touched = self.touched.lock().expect("cache lock");
            if touched
                .get(key_id)
                .is_some_and(|at| at.elapsed() < TOUCH_EVERY)
            {
                return;
            }
            if touched.len() >= CACHE_MAX {
                touched.clear();
            }
            touched.insert(key_id.to_string(), Instant::now());
        }
        let store = self.store.clone();
        let key_id = key_id.to_string();
        tokio::spawn(async move {
            if let Err(e) = store.touch_api_key(&key_id, Utc::now()).await {
                tracing::warn!(error = %e, "could not record an API key's last use");
            }
        });
    }
}
