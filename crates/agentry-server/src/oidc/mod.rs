//! Optional sign-in through an external OpenID Connect issuer: authorization code with PKCE,
//! a nonce, and a single-use `state` kept in the store between the redirect and the callback
//! (so any API process may take the callback). The ID token is checked by openidconnect against
//! the issuer's JWKS (signature, issuer, audience, expiry, nonce); only a verified email is
//! accepted, and it links to the account with that email or creates one.

mod http;

use std::sync::Arc;
use std::time::{Duration, Instant};

use agentry_store::{OidcLogin, Store};
use openidconnect::core::{
    CoreAuthenticationFlow, CoreClient, CoreGenderClaim, CoreProviderMetadata,
};
use openidconnect::{
    AuthorizationCode, ClientId, ClientSecret, CsrfToken, EmptyAdditionalClaims, EndpointMaybeSet,
    EndpointNotSet, EndpointSet, IdTokenClaims, IssuerUrl, Nonce, PkceCodeChallenge,
    PkceCodeVerifier, RedirectUrl, Scope, TokenResponse,
};
use serde::{Deserialize, Serialize};
use tokio::sync::Mutex;

use self::http::IssuerHttp;

/// The issuer's discovery document (and with it its keys) is fetched again after this long,
/// so a key rotation at the issuer is picked up.
const METADATA_TTL: Duration = Duration::from_secs(3600);

/// The operator's `[oidc]` table. Absent: no OIDC sign-in.
#[derive(Clone, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct OidcSettings {
    /// The issuer's URL, exactly as its discovery document names it.
    pub issuer: String,
    pub client_id: String,
    pub client_secret: String,
    /// This server's callback as the issuer must redirect to it:
    /// `https://agentry.example.com/api/auth/oidc/callback`.
    pub redirect_url: String,
    /// Scopes asked for besides `openid`.
    #[serde(default = "default_scopes")]
    pub scopes: Vec<String>,
    /// Create an account for a verified email that has none (else only existing accounts
    /// may sign in through the issuer).
    #[serde(default = "default_true")]
    pub create_accounts: bool,
}

fn default_scopes() -> Vec<String> {
    vec!["email".into(), "profile".into()]
}

fn default_true() -> bool {
    true
}

/// The client secret never prints.
impl std::fmt::Debug for OidcSettings {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("OidcSettings")
            .field("issuer", &self.issuer)
            .field("client_id", &self.client_id)
            .field("redirect_url", &self.redirect_url)
            .field("scopes", &self.scopes)
            .field("create_accounts", &self.create_accounts)
            .finish_non_exhaustive()
    }
}

/// What can go wrong, each with the API code it answers with.
#[derive(Debug, thiserror::Error)]
pub enum OidcError {
    #[error("OIDC sign-in is not configured")]
    NotConfigured,
    #[error("oidc: {0}")]
    Settings(String),
    /// The issuer could not be reached or answered badly (logged; the client hears 502).
    #[error("the identity provider failed: {0}")]
    Issuer(String),
    #[error("this sign-in expired or was already used: start again")]
    UnknownState,
    #[error("the identity provider refused the sign-in: {0}")]
    Refused(String),
    #[error("the identity provider's ID token is not valid: {0}")]
    InvalidIdToken(String),
    #[error("the identity provider gave no verified email")]
    NoVerifiedEmail,
    #[error(transparent)]
    Store(#[from] agentry_store::Error),
}

/// Who the issuer says signed in.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct VerifiedIdentity {
    pub issuer: String,
    pub subject: String,
    pub email: String,
    pub name: Option<String>,
}

/// The client built from discovery: authorization endpoint known, token and userinfo
/// endpoints as the document gives them.
type DiscoveredClient = CoreClient<
    EndpointSet,
    EndpointNotSet,
    EndpointNotSet,
    EndpointNotSet,
    EndpointMaybeSet,
    EndpointMaybeSet,
>;

/// The configured issuer. Cheap to clone.
#[derive(Clone)]
pub struct OidcProvider {
    inner: Arc<Inner>,
}

struct Inner {
    settings: OidcSettings,
    issuer: IssuerUrl,
    redirect: RedirectUrl,
    http: IssuerHttp,
    metadata: Mutex<Option<(Instant, CoreProviderMetadata)>>,
}

impl OidcProvider {
    /// Checks the settings; the issuer is first asked at the first sign-in, so a server starts
    /// while its identity provider is down.
    pub fn new(settings: OidcSettings) -> Result<OidcProvider, OidcError> {
        let issuer = IssuerUrl::new(settings.issuer.clone())
            .map_err(|e| OidcError::Settings(format!("issuer {:?}: {e}", settings.issuer)))?;
        let redirect = RedirectUrl::new(settings.redirect_url.clone()).map_err(|e| {
            OidcError::Settings(format!("redirect_url {:?}: {e}", settings.redirect_url))
        })?;
        if settings.client_id.is_empty() {
            return Err(OidcError::Settings("client_id is empty".into()));
        }
        let http = IssuerHttp::new().map_err(|e| OidcError::Settings(e.to_string()))?;
        Ok(OidcProvider {
            inner: Arc::new(Inner {
                settings,
                issuer,
                redirect,
                http,
                metadata: Mutex::new(None),
            }),
        })
    }

    pub fn settings(&self) -> &OidcSettings {
        &self.inner.settings
    }

    async fn client(&self) -> Result<DiscoveredClient, OidcError> {
        let mut held = self.inner.metadata.lock().await;
        let fresh = held
            .as_ref()
            .filter(|(at, _)| at.elapsed() < METADATA_TTL)
            .map(|(_, m)| m.clone());
        let metadata = match fresh {
            Some(m) => m,
            None => {
                let m = CoreProviderMetadata::discover_async(
                    self.inner.issuer.clone(),
                    &self.inner.http,
                )
                .await
                .map_err(|e| OidcError::Issuer(format!("discovery: {e}")))?;
                *held = Some((Instant::now(), m.clone()));
                m
            }
        };
        Ok(CoreClient::from_provider_metadata(
            metadata,
            ClientId::new(self.inner.settings.client_id.clone()),
            Some(ClientSecret::new(self.inner.settings.client_secret.clone())),
        )
        .set_redirect_uri(self.inner.redirect.clone()))
    }

    /// Starts a sign-in: remembers its state, nonce and PKCE verifier, and returns the
    /// issuer's URL to send the browser to.
    pub async fn begin(&self, store: &Store) -> Result<String, OidcError> {
        let client = self.client().await?;
        let (challenge, verifier) = PkceCodeChallenge::new_random_sha256();
        let mut request = client
            .authorize_url(
                CoreAuthenticationFlow::AuthorizationCode,
                CsrfToken::new_random,
                Nonce::new_random,
            )
            .set_pkce_challenge(challenge);
        for scope in &self.inner.settings.scopes {
            request = request.add_scope(Scope::new(scope.clone()));
        }
        let (url, state, nonce) = request.url();
        store
            .put_oidc_login(&OidcLogin {
                state: state.secret().clone(),
                nonce: nonce.secret().clone(),
                pkce_verifier: verifier.secret().clone(),
            })
            .await?;
        Ok(url.to_string())
    }

    /// Ends a sign-in: takes its state (once), exchanges the code with its PKCE verifier, and
    /// checks the ID token. The identity has a verified email, or this fails.
    pub async fn finish(
        &self,
        store: &Store,
        code: &str,
        state: &str,
    ) -> Result<VerifiedIdentity, OidcError> {
        let login = store
            .take_oidc_login(state)
            .await?
            .ok_or(OidcError::UnknownState)?;
        let client = self.client().await?;
        let token = client
            .exchange_code(AuthorizationCode::new(code.to_string()))
            .map_err(|e| OidcError::Issuer(format!("token endpoint: {e}")))?
            .set_pkce_verifier(PkceCodeVerifier::new(login.pkce_verifier))
            .request_async(&self.inner.http)
            .await
            .map_err(|e| OidcError::Refused(token_error(&e)))?;
        let id_token = token
            .id_token()
            .ok_or_else(|| OidcError::InvalidIdToken("the token answer has no id_token".into()))?;
        let claims = id_token
            .claims(&client.id_token_verifier(), &Nonce::new(login.nonce))
            .map_err(|e| OidcError::InvalidIdToken(e.to_string()))?;
        identity(claims)
    }
}

fn identity(
    claims: &IdTokenClaims<EmptyAdditionalClaims, CoreGenderClaim>,
) -> Result<VerifiedIdentity, OidcError> {
    let email = claims
        .email()
        .filter(|_| claims.email_verified() == Some(true))
        .ok_or(OidcError::NoVerifiedEmail)?;
    Ok(VerifiedIdentity {
        issuer: claims.issuer().to_string(),
        subject: claims.subject().to_string(),
        email: email.to_string().to_lowercase(),
        name: claims
            .name()
            .and_then(|n| n.get(None))
            .map(|n| n.to_string()),
    })
}

/// The token endpoint's refusal as the issuer worded it (its error code and description),
/// never the request that carried the secret.
fn token_error<RE: std::error::Error + 'static, T: openidconnect::ErrorResponse + 'static>(
    e: &openidconnect::RequestTokenError<RE, T>,
) -> String {
    match e {
        openidconnect::RequestTokenError::ServerResponse(r) => r.to_string(),
        openidconnect::RequestTokenError::Request(r) => format!("request failed: {r}"),
        openidconnect::RequestTokenError::Parse(p, _) => format!("unreadable answer: {p}"),
        openidconnect::RequestTokenError::Other(o) => o.clone(),
    }
}
