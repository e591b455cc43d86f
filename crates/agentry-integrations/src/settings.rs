//! Operator configuration of the integrations: each service's base URL (so tests and self-hosted
//! variants such as GitHub Enterprise point elsewhere; these URLs are trusted), the retry policy
//! and how long to wait for providers' asynchronous jobs. A `Resources` entry; defaults apply
//! when the process configured none.

use std::collections::BTreeMap;
use std::time::Duration;

use serde::Serialize;

use agentry_core::Cx;

/// How provider calls are retried: 429 after `Retry-After` (capped), 5xx and broken connections
/// with doubling backoff, `max_attempts` attempts in all.
#[derive(Debug, Clone)]
pub struct Retry {
    pub max_attempts: u32,
    pub base_backoff: Duration,
    pub max_backoff: Duration,
    pub retry_after_cap: Duration,
}

impl Default for Retry {
    fn default() -> Self {
        Retry {
            max_attempts: 3,
            base_backoff: Duration::from_millis(500),
            max_backoff: Duration::from_secs(8),
            retry_after_cap: Duration::from_secs(60),
        }
    }
}

impl Retry {
    /// The wait before attempt `attempt + 1` after a failure that gave no `Retry-After`.
    pub fn backoff(&self, attempt: u32) -> Duration {
        let factor = 2u32.saturating_pow(attempt.saturating_sub(1));
        self.base_backoff
            .saturating_mul(factor)
            .min(self.max_backoff)
    }
}

#[derive(Debug, Clone)]
pub struct IntegrationSettings {
    /// Base URL by service key (`gmail`, `jina_search`, `firecrawl`, …), without a trailing `/`.
    bases: BTreeMap<String, String>,
    pub retry: Retry,
    /// Between two polls of a provider's job (Firecrawl crawls and extractions).
    pub poll_interval: Duration,
    /// How long a provider's job may take before the block gives up.
    pub poll_timeout: Duration,
}

impl Default for IntegrationSettings {
    fn default() -> Self {
        IntegrationSettings {
            bases: BTreeMap::new(),
            retry: Retry::default(),
            poll_interval: Duration::from_secs(2),
            poll_timeout: Duration::from_secs(600),
        }
    }
}

impl IntegrationSettings {
    /// Points service `key` at `url` instead of the provider's public address.
    pub fn with_base(mut self, key: &str, url: &str) -> Self {
        self.bases
            .insert(key.to_string(), url.trim_end_matches('/').to_string());
        self
    }

    /// Every service at `url` (tests: one mock server for all).
    pub fn with_all_bases(mut self, url: &str) -> Self {
        for key in crate::api::SERVICE_KEYS {
            self = self.with_base(key, url);
        }
        self
    }

    /// The base URL of service `key`, or `default`.
    pub fn base(&self, key: &str, default: &str) -> String {
        self.bases
            .get(key)
            .cloned()
            .unwrap_or_else(|| default.trim_end_matches('/').to_string())
    }

    /// The process's settings, or the defaults.
    pub fn from_cx<O: Serialize>(cx: &Cx<'_, O>) -> IntegrationSettings {
        cx.resource::<IntegrationSettings>()
            .cloned()
            .unwrap_or_default()
    }
}
