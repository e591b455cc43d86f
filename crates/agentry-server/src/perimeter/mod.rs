//! The perimeter: what every request passes before and after its route. The client's address
//! (`client_ip`), rate limits per IP, user and API key (`rate_limit`, shared through Redis by
//! `redis_window` when configured), CORS from configuration (`cors`) and security headers on
//! every answer (`headers`), and a request id on each request with a handler's panic turned
//! into a 500 in the envelope (`panics`).

pub mod client_ip;
pub mod cors;
pub mod headers;
pub mod layer;
pub mod panics;
pub mod rate_limit;
mod redis_window;

use serde::{Deserialize, Serialize};

use crate::oidc::{OidcProvider, OidcSettings};

pub use client_ip::ClientIp;
pub use rate_limit::{Limit, RateLimitSettings, RateLimiter};

/// The operator's perimeter settings (the binary's `[perimeter]` table).
#[derive(Debug, Clone, Default, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct PerimeterSettings {
    pub rate_limits: RateLimitSettings,
    /// Origins (`https://app.example.com`) whose web pages may call the API from a browser.
    /// Empty (the default): no CORS headers, so browsers allow same-origin pages only.
    pub cors_origins: Vec<String>,
    /// Let those origins send cookies (the web UI's session cookie) with their requests.
    pub cors_allow_credentials: bool,
    /// Reverse proxies in front of the server that append the client's address to
    /// `X-Forwarded-For`: the client is the address that many entries from its right end.
    /// 0 (the default): the TCP peer is the client and the header is ignored.
    pub trusted_proxies: u8,
}

/// A setting that cannot work, named for the operator.
#[derive(Debug, thiserror::Error)]
pub enum SettingsError {
    #[error("perimeter.cors_origins: {0}")]
    CorsOrigin(String),
    #[error("perimeter.rate_limits: {0}")]
    RateLimit(String),
    #[error("redis_url: {0}")]
    Redis(String),
    #[error("{0}")]
    Oidc(String),
}

/// The perimeter of one API process: its settings, its rate limiters, its OIDC issuer.
pub struct Perimeter {
    settings: PerimeterSettings,
    limiter: RateLimiter,
    oidc: Option<OidcProvider>,
}

impl Perimeter {
    /// Checks the settings. `redis_url` shares rate-limit counts between processes, under
    /// `redis_prefix`.
    pub fn new(
        settings: PerimeterSettings,
        oidc: Option<OidcSettings>,
        redis_url: Option<&str>,
        redis_prefix: &str,
    ) -> Result<Perimeter, SettingsError> {
        cors::layer(&settings)?;
        let limiter = RateLimiter::new(settings.rate_limits.clone(), redis_url, redis_prefix)?;
        let oidc = oidc
            .map(OidcProvider::new)
            .transpose()
            .map_err(|e| SettingsError::Oidc(e.to_string()))?;
        Ok(Perimeter {
            settings,
            limiter,
            oidc,
        })
    }

    pub fn settings(&self) -> &PerimeterSettings {
        &self.settings
    }

    pub fn limiter(&self) -> &RateLimiter {
        &self.limiter
    }

    pub fn oidc(&self) -> Option<&OidcProvider> {
        self.oidc.as_ref()
    }
}

impl Default for Perimeter {
    fn default() -> Self {
        Perimeter::new(PerimeterSettings::default(), None, None, "agentry")
            .expect("the default settings are valid")
    }
}
