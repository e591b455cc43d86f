//! OAuth2 with the providers the operator configured: the login URL (authorization code with
//! PKCE S256 and a random state), the code exchange and token refresh, through the `oauth2`
//! crate on our reqwest client with redirects off (a token endpoint must not bounce us
//! elsewhere). Provider answers are reduced to what we keep; their bodies are never logged or
//! echoed, since they hold tokens.

use std::collections::BTreeMap;
use std::time::Duration;

use agentry_core::SecretString;
use oauth2::basic::{BasicClient, BasicErrorResponse, BasicTokenResponse};
use oauth2::{
    AsyncHttpClient, AuthUrl, AuthorizationCode, ClientId, ClientSecret, CsrfToken, EndpointNotSet,
    EndpointSet, HttpRequest, HttpResponse, PkceCodeChallenge, PkceCodeVerifier, RedirectUrl,
    RefreshToken, RequestTokenError, Scope, TokenResponse, TokenUrl,
};
use serde::{Deserialize, Serialize};

/// One provider's OAuth2 client as the operator configured it (`[[oauth_providers]]`).
#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct OauthProvider {
    /// The provider name blocks and routes use (`github`, `google`, …).
    pub provider: String,
    pub client_id: String,
    pub client_secret: SecretString,
    pub auth_url: String,
    pub token_url: String,
    /// Where the provider sends the user back: the web UI's callback page, which posts the code
    /// and state to `/api/integrations/{provider}/callback`.
    pub redirect_uri: String,
    /// Scopes asked for when a login names none.
    #[serde(default)]
    pub scopes: Vec<String>,
}

/// Tokens a provider granted.
pub struct Grant {
    pub access_token: SecretString,
    pub refresh_token: Option<SecretString>,
    /// Seconds since the epoch.
    pub expires_at: Option<i64>,
    /// What the provider granted, when it said.
    pub scopes: Option<Vec<String>>,
}

/// Why a provider did not grant tokens. Carries only the provider's error code.
#[derive(Debug, thiserror::Error)]
pub enum OauthError {
    #[error("the provider refused: {0}")]
    Refused(String),
    #[error("the provider could not be reached or answered something unreadable")]
    Unreachable,
    #[error("the provider's OAuth settings are invalid: {0}")]
    Config(String),
}

type Client = BasicClient<EndpointSet, EndpointNotSet, EndpointNotSet, EndpointNotSet, EndpointSet>;

/// A started login: where to send the user, and what must be kept until the callback.
pub struct Login {
    pub url: String,
    pub state: String,
    pub verifier: String,
}

impl OauthProvider {
    fn client(&self) -> Result<Client, OauthError> {
        let config = |what: &str| OauthError::Config(format!("{what} of {}", self.provider));
        Ok(BasicClient::new(ClientId::new(self.client_id.clone()))
            .set_client_secret(ClientSecret::new(self.client_secret.expose().to_string()))
            .set_auth_uri(AuthUrl::new(self.auth_url.clone()).map_err(|_| config("auth_url"))?)
            .set_token_uri(TokenUrl::new(self.token_url.clone()).map_err(|_| config("token_url"))?)
            .set_redirect_uri(
                RedirectUrl::new(self.redirect_uri.clone()).map_err(|_| config("redirect_uri"))?,
            ))
    }

    /// The provider's authorization URL with a fresh state and PKCE challenge.
    pub fn login(&self, scopes: &[String]) -> Result<Login, OauthError> {
        let (challenge, verifier) = PkceCodeChallenge::new_random_sha256();
        let (url, state) = self
            .client()?
            .authorize_url(CsrfToken::new_random)
            .add_scopes(scopes.iter().cloned().map(Scope::new))
            .set_pkce_challenge(challenge)
            .url();
        Ok(Login {
            url: url.to_string(),
            state: state.secret().clone(),
            verifier: verifier.secret().clone(),
        })
    }

    pub async fn exchange(
        &self,
        http: &OauthHttp,
        code: &str,
        verifier: &str,
        now: i64,
    ) -> Result<Grant, OauthError> {
        let answer = self
            .client()?
            .exchange_code(AuthorizationCode::new(code.to_string()))
            .set_pkce_verifier(PkceCodeVerifier::new(verifier.to_string()))
            .request_async(http)
            .await;
        grant(answer, now)
    }

    pub async fn refresh(
        &self,
        http: &OauthHttp,
        refresh_token: &SecretString,
        now: i64,
    ) -> Result<Grant, OauthError> {
        let token = RefreshToken::new(refresh_token.expose().to_string());
        let answer = self
            .client()?
            .exchange_refresh_token(&token)
            .request_async(http)
            .await;
        grant(answer, now)
    }
}

fn grant<E: std::error::Error>(
    answer: Result<BasicTokenResponse, RequestTokenError<E, BasicErrorResponse>>,
    now: i64,
) -> Result<Grant, OauthError> {
    match answer {
        Ok(token) => Ok(Grant {
            access_token: SecretString::new(token.access_token().secret().clone()),
            refresh_token: token
                .refresh_token()
                .map(|t| SecretString::new(t.secret().clone())),
            expires_at: token
                .expires_in()
                .map(|d| now.saturating_add(d.as_secs().min(i64::MAX as u64) as i64)),
            scopes: token
                .scopes()
                .map(|s| s.iter().map(|s| s.to_string()).collect()),
        }),
        Err(RequestTokenError::ServerResponse(refusal)) => {
            Err(OauthError::Refused(refusal.error().to_string()))
        }
        Err(_) => Err(OauthError::Unreachable),
    }
}

/// The HTTP client the OAuth2 exchanges go through: no redirects, a timeout, rustls.
#[derive(Clone)]
pub struct OauthHttp(reqwest::Client);

impl Default for OauthHttp {
    fn default() -> Self {
        OauthHttp(
            reqwest::Client::builder()
                .redirect(reqwest::redirect::Policy::none())
                .timeout(Duration::from_secs(30))
                .build()
                .expect("a reqwest client with rustls builds"),
        )
    }
}

/// A failed exchange, without the request (it holds the client secret and the code).
#[derive(Debug, thiserror::Error)]
#[error("OAuth2 HTTP exchange failed")]
pub struct OauthHttpError;

impl<'c> AsyncHttpClient<'c> for OauthHttp {
    type Error = OauthHttpError;
    type Future = std::pin::Pin<
        Box<dyn std::future::Future<Output = Result<HttpResponse, OauthHttpError>> + Send + 'c>,
    >;

    fn call(&'c self, request: HttpRequest) -> Self::Future {
        Box::pin(async move {
            let request = reqwest::Request::try_from(request).map_err(|_| OauthHttpError)?;
            let response = self.0.execute(request).await.map_err(|e| {
                tracing::debug!(status = ?e.status(), "OAuth2 token endpoint unreachable");
                OauthHttpError
            })?;
            let mut out = oauth2::http::Response::builder().status(response.status());
            for (name, value) in response.headers() {
                out = out.header(name, value);
            }
            let body = response.bytes().await.map_err(|_| OauthHttpError)?;
            out.body(body.to_vec()).map_err(|_| OauthHttpError)
        })
    }
}

/// The configured providers by name.
#[derive(Debug, Clone, Default)]
pub struct OauthProviders(BTreeMap<String, OauthProvider>);

impl OauthProviders {
    pub fn new(providers: impl IntoIterator<Item = OauthProvider>) -> Self {
        OauthProviders(
            providers
                .into_iter()
                .map(|p| (p.provider.clone(), p))
                .collect(),
        )
    }

    pub fn get(&self, provider: &str) -> Option<&OauthProvider> {
        self.0.get(provider)
    }
}
