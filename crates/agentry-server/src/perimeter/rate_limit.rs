//! Rate limits per client address, per user and per API key, with a tighter one per address for
//! the sign-in routes (password guessing). In memory each is a governor GCRA limiter keyed by
//! the bucket; with Redis configured, every API process counts in the same Redis fixed window
//! (`redis_window`), and falls back to its own limiter while Redis cannot be reached.

use std::net::IpAddr;
use std::num::NonZeroU32;
use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};
use std::time::Duration;

use governor::clock::{Clock, DefaultClock};
use governor::{DefaultKeyedRateLimiter, Quota};
use serde::{Deserialize, Serialize};

use super::SettingsError;
use super::redis_window::RedisWindow;

/// Requests allowed per minute, and how many may come at once after a quiet spell.
/// `per_minute = 0` turns the limit off.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Limit {
    pub per_minute: u32,
    pub burst: u32,
}

impl Limit {
    pub const fn new(per_minute: u32, burst: u32) -> Limit {
        Limit { per_minute, burst }
    }

    fn quota(self, name: &str) -> Result<Option<Quota>, SettingsError> {
        let Some(per_minute) = NonZeroU32::new(self.per_minute) else {
            return Ok(None);
        };
        let burst = NonZeroU32::new(self.burst).ok_or_else(|| {
            SettingsError::RateLimit(format!(
                "{name}.burst must be at least 1 while {name}.per_minute is set"
            ))
        })?;
        Ok(Some(Quota::per_minute(per_minute).allow_burst(burst)))
    }
}

/// The operator's limits (`[perimeter.rate_limits]`).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct RateLimitSettings {
    pub enabled: bool,
    /// Every request, per client address (IPv6 per /64, what one host usually holds).
    pub per_ip: Limit,
    /// Sign-in, sign-up, token refresh and OIDC routes, per client address.
    pub sign_in_per_ip: Limit,
    /// Requests signed in with a session, per user.
    pub per_user: Limit,
    /// Requests made with an API key, per key.
    pub per_api_key: Limit,
}

impl Default for RateLimitSettings {
    fn default() -> Self {
        RateLimitSettings {
            enabled: true,
            per_ip: Limit::new(3000, 500),
            sign_in_per_ip: Limit::new(30, 10),
            per_user: Limit::new(1800, 300),
            per_api_key: Limit::new(600, 100),
        }
    }
}

/// What a request is counted against.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Bucket<'a> {
    Ip(IpAddr),
    SignIn(IpAddr),
    User(&'a str),
    ApiKey(&'a str),
}

impl Bucket<'_> {
    /// The name the 429 answer gives for the limit that was hit.
    pub fn name(&self) -> &'static str {
        match self {
            Bucket::Ip(_) => "ip",
            Bucket::SignIn(_) => "sign_in",
            Bucket::User(_) => "user",
            Bucket::ApiKey(_) => "api_key",
        }
    }

    /// The key shared by every process (Redis), which names no secret: API keys by their id.
    fn shared_key(&self) -> String {
        match self {
            Bucket::Ip(ip) => format!("ip:{}", per_host(*ip)),
            Bucket::SignIn(ip) => format!("sign_in:{}", per_host(*ip)),
            Bucket::User(id) => format!("user:{id}"),
            Bucket::ApiKey(id) => format!("api_key:{id}"),
        }
    }
}

/// IPv6 clients are counted per /64: one host usually holds a whole /64 and could otherwise
/// take a fresh address for every request.
fn per_host(ip: IpAddr) -> IpAddr {
    match ip {
        IpAddr::V6(v6) => match v6.to_ipv4_mapped() {
            Some(v4) => IpAddr::V4(v4),
            None => {
                let bits = u128::from(v6) & !((1u128 << 64) - 1);
                IpAddr::V6(bits.into())
            }
        },
        v4 => v4,
    }
}

/// Refused: try again after this long.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct RetryAfter(pub Duration);

impl RetryAfter {
    /// Whole seconds for the `Retry-After` header, at least 1.
    pub fn secs(self) -> u64 {
        self.0.as_secs() + u64::from(self.0.subsec_nanos() > 0).max(u64::from(self.0.is_zero()))
    }
}

/// Checks after which the in-memory limiters drop keys that are back to full capacity.
const PRUNE_EVERY: u64 = 4096;

/// The limiters of one process.
pub struct RateLimiter {
    settings: RateLimitSettings,
    per_ip: Option<DefaultKeyedRateLimiter<IpAddr>>,
    sign_in: Option<DefaultKeyedRateLimiter<IpAddr>>,
    per_user: Option<DefaultKeyedRateLimiter<String>>,
    per_api_key: Option<DefaultKeyedRateLimiter<String>>,
    redis: Option<RedisWindow>,
    redis_down: AtomicBool,
    checks: AtomicU64,
}

impl RateLimiter {
    /// Limiters for `settings`; counted in Redis when `redis_url` is given (and the key prefix
    /// `redis_prefix`, to share one Redis between deployments).
    pub fn new(
        settings: RateLimitSettings,
        redis_url: Option<&str>,
        redis_prefix: &str,
    ) -> Result<RateLimiter, SettingsError> {
        let keyed_ip = |limit: Limit, name| {
            Ok::<_, SettingsError>(limit.quota(name)?.map(DefaultKeyedRateLimiter::keyed))
        };
        let keyed_id = |limit: Limit, name| {
            Ok::<_, SettingsError>(limit.quota(name)?.map(DefaultKeyedRateLimiter::keyed))
        };
        Ok(RateLimiter {
            per_ip: keyed_ip(settings.per_ip, "per_ip")?,
            sign_in: keyed_ip(settings.sign_in_per_ip, "sign_in_per_ip")?,
            per_user: keyed_id(settings.per_user, "per_user")?,
            per_api_key: keyed_id(settings.per_api_key, "per_api_key")?,
            redis: redis_url
                .map(|url| RedisWindow::new(url, redis_prefix))
                .transpose()?,
            redis_down: AtomicBool::new(false),
            checks: AtomicU64::new(0),
            settings,
        })
    }

    pub fn enabled(&self) -> bool {
        self.settings.enabled
    }

    fn limit(&self, bucket: Bucket<'_>) -> Limit {
        match bucket {
            Bucket::Ip(_) => self.settings.per_ip,
            Bucket::SignIn(_) => self.settings.sign_in_per_ip,
            Bucket::User(_) => self.settings.per_user,
            Bucket::ApiKey(_) => self.settings.per_api_key,
        }
    }

    /// Counts one request against `bucket`; Err when its limit is used up.
    pub async fn check(&self, bucket: Bucket<'_>) -> Result<(), RetryAfter> {
        let limit = self.limit(bucket);
        if !self.settings.enabled || limit.per_minute == 0 {
            return Ok(());
        }
        if let Some(redis) = &self.redis {
            match redis.count(&bucket.shared_key(), limit.per_minute).await {
                Ok(verdict) => {
                    if self.redis_down.swap(false, Ordering::Relaxed) {
                        tracing::info!("rate limits are counted in Redis again");
                    }
                    return verdict;
                }
                Err(e) => {
                    if !self.redis_down.swap(true, Ordering::Relaxed) {
                        tracing::warn!(error = %e, "Redis is unreachable: rate limits are counted per process until it is back");
                    }
                }
            }
        }
        self.check_locally(bucket)
    }

    fn check_locally(&self, bucket: Bucket<'_>) -> Result<(), RetryAfter> {
        if self.checks.fetch_add(1, Ordering::Relaxed) % PRUNE_EVERY == PRUNE_EVERY - 1 {
            self.prune();
        }
        let verdict = match bucket {
            Bucket::Ip(ip) => self.per_ip.as_ref().map(|l| l.check_key(&per_host(ip))),
            Bucket::SignIn(ip) => self.sign_in.as_ref().map(|l| l.check_key(&per_host(ip))),
            Bucket::User(id) => self.per_user.as_ref().map(|l| l.check_key(&id.to_string())),
            Bucket::ApiKey(id) => self
                .per_api_key
                .as_ref()
                .map(|l| l.check_key(&id.to_string())),
        };
        match verdict {
            Some(Err(not_until)) => Err(RetryAfter(
                not_until.wait_time_from(DefaultClock::default().now()),
            )),
            _ => Ok(()),
        }
    }

    /// Forgets keys whose bucket is full again, so memory follows the clients of the last
    /// minutes rather than every client ever seen.
    fn prune(&self) {
        if let Some(l) = &self.per_ip {
            l.retain_recent();
            l.shrink_to_fit();
        }
        if let Some(l) = &self.sign_in {
            l.retain_recent();
            l.shrink_to_fit();
        }
        if let Some(l) = &self.per_user {
            l.retain_recent();
            l.shrink_to_fit();
        }
        if let Some(l) = &self.per_api_key {
            l.retain_recent();
            l.shrink_to_fit();
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ipv6_is_counted_per_64_and_mapped_ipv4_as_ipv4() {
        let a: IpAddr = "2001:db8:1:2:aaaa::1".parse().unwrap();
        let b: IpAddr = "2001:db8:1:2:bbbb::9".parse().unwrap();
        let c: IpAddr = "2001:db8:1:3::1".parse().unwrap();
        assert_eq!(per_host(a), per_host(b));
        assert_ne!(per_host(a), per_host(c));
        let mapped: IpAddr = "::ffff:192.0.2.1".parse().unwrap();
        assert_eq!(per_host(mapped), "192.0.2.1".parse::<IpAddr>().unwrap());
    }

    #[test]
    fn retry_after_rounds_up_to_whole_seconds() {
        assert_eq!(RetryAfter(Duration::from_millis(1)).secs(), 1);
        assert_eq!(RetryAfter(Duration::ZERO).secs(), 1);
        assert_eq!(RetryAfter(Duration::from_millis(2000)).secs(), 2);
        assert_eq!(RetryAfter(Duration::from_millis(2001)).secs(), 3);
    }

    #[tokio::test]
    async fn a_burst_is_allowed_then_refused_per_key() {
        let settings = RateLimitSettings {
            per_user: Limit::new(60, 3),
            ..RateLimitSettings::default()
        };
        let limiter = RateLimiter::new(settings, None, "t").unwrap();
        for _ in 0..3 {
            limiter.check(Bucket::User("a")).await.unwrap();
        }
        let refused = limiter.check(Bucket::User("a")).await.unwrap_err();
        assert!(refused.0 <= Duration::from_secs(1) && refused.secs() == 1);
        limiter.check(Bucket::User("b")).await.unwrap();
    }

    #[test]
    fn a_limit_without_burst_is_named() {
        let settings = RateLimitSettings {
            per_api_key: Limit::new(60, 0),
            ..RateLimitSettings::default()
        };
        let Err(e) = RateLimiter::new(settings, None, "t") else {
            panic!("accepted a zero burst");
        };
        assert!(e.to_string().contains("per_api_key.burst"), "{e}");
    }
}
