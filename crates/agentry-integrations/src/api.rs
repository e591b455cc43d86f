//! The one way integrations call a provider: a `Service` (provider name, base URL key, how the
//! secret travels) and a `Client` bound to the user's credential that sends requests through
//! the guarded HTTP client, maps answers to `IntegrationError` and retries what may pass.
//!
//! * 401/403 → `Credentials` naming the provider; an OAuth2 credential is refreshed once
//!   (`Cx::refresh_credential`) after a 401 and the request sent again;
//! * 429 → waits `Retry-After` seconds (capped; the backoff when absent) and retries;
//! * 5xx, timeouts and broken connections → retried with backoff, then `Unavailable`;
//! * other 4xx → `Rejected` with the provider's own message.
//!
//! The `Client` and its sending loop live in `client`, what a request carries in `payload`,
//! reading answers (messages, `Retry-After`, redaction) in `answers`.

mod answers;
mod client;
mod payload;

use agentry_core::credentials::{Credential, CredentialKind, CredentialsMeta};
use agentry_core::{BlockError, Cx};
use serde::Serialize;

use crate::settings::IntegrationSettings;

pub use answers::provider_message;
pub use client::{Call, Client};
pub use payload::{Part, Payload};

/// Every base URL key a service uses (for `IntegrationSettings::with_all_bases`).
pub const SERVICE_KEYS: &[&str] = &[
    "gmail",
    "google_calendar",
    "google_maps",
    "jina_search",
    "jina_reader",
    "firecrawl",
    "airtable",
    "youtube",
    "github",
    "linear",
    "notion",
    "discord",
    "google_sheets",
    "google_drive",
    "google_docs",
    "exa",
    "perplexity",
    "reddit",
    "reddit_oauth",
    "jina_api",
    "jina_segment",
    "jina_grounding",
];

/// How the secret travels with each request.
#[derive(Debug, Clone, Copy)]
pub enum AuthStyle {
    /// `Authorization: Bearer <api key or access token>`.
    Bearer,
    /// A query parameter (Google Maps' `key`).
    Query(&'static str),
    /// Nothing is sent: the credential is the user's, but not for this API (YouTube's pages
    /// with a Webshare proxy login).
    Nothing,
    /// `Authorization: <prefix><secret>`, the prefix by credential kind (Linear's API keys go
    /// bare, Discord's bot tokens after `Bot `), with fixed headers the API requires
    /// (`Notion-Version`).
    Prefixed {
        api_key: &'static str,
        oauth2: &'static str,
        headers: &'static [(&'static str, &'static str)],
    },
}

/// One provider API: what AutoGPT calls the provider, the credential kinds it accepts, where it
/// lives by default.
#[derive(Debug, Clone, Copy)]
pub struct Service {
    /// AutoGPT's `ProviderName` value, as in `CredentialsMetaInput.provider`.
    pub provider: &'static str,
    /// The `IntegrationSettings` key of its base URL.
    pub key: &'static str,
    pub default_base: &'static str,
    pub kinds: &'static [CredentialKind],
    pub auth: AuthStyle,
}

impl Service {
    /// A service whose secret (an API key or an OAuth2 access token, as `kinds` allow) travels
    /// as `Authorization: Bearer <secret>`: most providers.
    pub const fn bearer(
        provider: &'static str,
        key: &'static str,
        default_base: &'static str,
        kinds: &'static [CredentialKind],
    ) -> Service {
        Service {
            provider,
            key,
            default_base,
            kinds,
            auth: AuthStyle::Bearer,
        }
    }

    /// A `bearer` service taking API keys only.
    pub const fn api_key(
        provider: &'static str,
        key: &'static str,
        default_base: &'static str,
    ) -> Service {
        Service::bearer(provider, key, default_base, &[CredentialKind::ApiKey])
    }

    /// A `bearer` service taking OAuth2 access tokens only.
    pub const fn oauth2(
        provider: &'static str,
        key: &'static str,
        default_base: &'static str,
    ) -> Service {
        Service::bearer(provider, key, default_base, &[CredentialKind::Oauth2])
    }
}

/// The `credentials` input with the provider filled in when the export stripped it.
pub fn meta_for(meta: &CredentialsMeta, provider: &str) -> CredentialsMeta {
    let mut meta = meta.clone();
    meta.provider.get_or_insert_with(|| provider.to_string());
    meta
}

/// The credential a node's `credentials` input names (filled in with `provider`), or, when it
/// names none (exports strip them) and the operator configured one, the platform credential
/// of that provider, as AutoGPT's system credentials serve every user.
pub async fn credential<O: Serialize>(
    cx: &mut Cx<'_, O>,
    meta: &CredentialsMeta,
) -> Result<Credential, BlockError> {
    let chosen = meta.id.as_deref().is_some_and(|id| !id.is_empty());
    if !chosen
        && let Some(provider) = meta.provider.as_deref()
        && let Some(platform) = IntegrationSettings::from_cx(cx).platform_credential(provider)
    {
        return Ok(platform.clone());
    }
    cx.credential(meta).await
}

/// The client of `service` for the credential `meta` names (the provider filled in when the
/// export stripped it), or the platform's: what every provider's blocks start with.
pub async fn connect<O: Serialize>(
    cx: &mut Cx<'_, O>,
    service: Service,
    meta: &CredentialsMeta,
) -> Result<Client, BlockError> {
    let meta = meta_for(meta, service.provider);
    let credential = credential(cx, &meta).await?;
    Client::new(cx, service, &meta, credential)
}

/// `text` as one URL path segment: everything but RFC 3986's unreserved characters
/// percent-encoded as UTF-8 (ids and names a user typed: `a@b.com`, `My table`).
pub fn segment(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for byte in text.bytes() {
        if byte.is_ascii_alphanumeric() || b"_.-~".contains(&byte) {
            out.push(byte as char);
        } else {
            out.push_str(&format!("%{byte:02X}"));
        }
    }
    out
}
