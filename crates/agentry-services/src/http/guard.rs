//! The SSRF guard: which URLs and addresses a request built from user or graph input may reach.
//!
//! Three checks, each needed: the URL itself (scheme, userinfo, IP-literal hosts, which reqwest
//! never resolves), every address a host name resolves to (`GuardedResolver`: reqwest connects
//! only to the addresses it returns, so DNS rebinding has no window), and every redirect hop
//! (`redirect_policy`).

use std::fmt;
use std::net::{IpAddr, Ipv4Addr, Ipv6Addr, SocketAddr};
use std::sync::Arc;

use ipnet::IpNet;
use reqwest::dns::{Addrs, Name, Resolve, Resolving};
use url::{Host, Url};

/// Why the guard refused a request. Blocks report it as an input error.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Refused(pub String);

impl fmt::Display for Refused {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

impl std::error::Error for Refused {}

/// IPv4 networks that are not globally reachable (RFC 6890 and friends).
const BLOCKED_V4: &[([u8; 4], u32)] = &[
    ([0, 0, 0, 0], 8),       // "this network"
    ([10, 0, 0, 0], 8),      // private
    ([100, 64, 0, 0], 10),   // carrier-grade NAT
    ([127, 0, 0, 0], 8),     // loopback
    ([169, 254, 0, 0], 16),  // link-local, cloud metadata
    ([172, 16, 0, 0], 12),   // private
    ([192, 0, 0, 0], 24),    // IETF protocol assignments
    ([192, 0, 2, 0], 24),    // documentation (TEST-NET-1)
    ([192, 88, 99, 0], 24),  // 6to4 relay anycast (deprecated)
    ([192, 168, 0, 0], 16),  // private
    ([198, 18, 0, 0], 15),   // benchmarking
    ([198, 51, 100, 0], 24), // documentation (TEST-NET-2)
    ([203, 0, 113, 0], 24),  // documentation (TEST-NET-3)
    ([224, 0, 0, 0], 4),     // multicast
    ([240, 0, 0, 0], 4),     // reserved, and 255.255.255.255 broadcast
];

fn v4_in(ip: Ipv4Addr, net: [u8; 4], len: u32) -> bool {
    let mask = u32::MAX.checked_shl(32 - len).unwrap_or(0);
    u32::from(ip) & mask == u32::from(Ipv4Addr::from(net)) & mask
}

fn v6_in(ip: Ipv6Addr, net: [u16; 8], len: u32) -> bool {
    let mask = u128::MAX.checked_shl(128 - len).unwrap_or(0);
    u128::from(ip) & mask == u128::from(Ipv6Addr::from(net)) & mask
}

/// The IPv4 address an IPv6 address carries, for the forms that route to IPv4:
/// IPv4-mapped `::ffff:0:0/96`, NAT64 `64:ff9b::/96` and 6to4 `2002::/16`.
fn embedded_v4(ip: Ipv6Addr) -> Option<Ipv4Addr> {
    if let Some(v4) = ip.to_ipv4_mapped() {
        return Some(v4);
    }
    let s = ip.segments();
    let from = |hi: u16, lo: u16| Ipv4Addr::from((u32::from(hi) << 16) | u32::from(lo));
    if v6_in(ip, [0x64, 0xff9b, 0, 0, 0, 0, 0, 0], 96) {
        return Some(from(s[6], s[7]));
    }
    if s[0] == 0x2002 {
        return Some(from(s[1], s[2]));
    }
    None
}

/// Whether `ip` is a globally reachable unicast address, the only kind a user-controlled
/// request may reach by default.
pub fn is_global(ip: IpAddr) -> bool {
    match ip {
        IpAddr::V4(v4) => !BLOCKED_V4.iter().any(|(net, len)| v4_in(v4, *net, *len)),
        IpAddr::V6(v6) => {
            if let Some(v4) = embedded_v4(v6) {
                return is_global(IpAddr::V4(v4));
            }
            let blocked: &[([u16; 8], u32)] = &[
                ([0, 0, 0, 0, 0, 0, 0, 0], 96), // ::, ::1 and deprecated IPv4-compatible
                ([0x64, 0xff9b, 1, 0, 0, 0, 0, 0], 48), // local-use NAT64
                ([0x100, 0, 0, 0, 0, 0, 0, 0], 64), // discard-only
                ([0x2001, 0, 0, 0, 0, 0, 0, 0], 32), // Teredo
                ([0x2001, 0xdb8, 0, 0, 0, 0, 0, 0], 32), // documentation
                ([0xfc00, 0, 0, 0, 0, 0, 0, 0], 7), // unique local
                ([0xfe80, 0, 0, 0, 0, 0, 0, 0], 10), // link-local
                ([0xfec0, 0, 0, 0, 0, 0, 0, 0], 10), // site-local (deprecated)
                ([0xff00, 0, 0, 0, 0, 0, 0, 0], 8), // multicast
            ];
            !blocked.iter().any(|(net, len)| v6_in(v6, *net, *len))
        }
    }
}

/// Which addresses requests may reach.
#[derive(Debug, Clone, Default)]
pub struct AddressPolicy {
    /// Reach any address, private ones included (tests, trusted LAN deployments).
    pub allow_private_networks: bool,
    /// Non-global networks that may be reached anyway (a named service on the LAN).
    pub allowed_networks: Vec<IpNet>,
}

impl AddressPolicy {
    /// Whether a connection to `ip` is allowed.
    pub fn permits(&self, ip: IpAddr) -> bool {
        if self.allow_private_networks || is_global(ip) {
            return true;
        }
        let plain = match ip {
            IpAddr::V6(v6) => embedded_v4(v6).map_or(ip, IpAddr::V4),
            v4 => v4,
        };
        self.allowed_networks
            .iter()
            .any(|net| net.contains(&ip) || net.contains(&plain))
    }

    /// Checks what can be checked without DNS: scheme, userinfo and IP-literal hosts.
    pub fn check_url(&self, url: &Url) -> Result<(), Refused> {
        if !matches!(url.scheme(), "http" | "https") {
            return Err(Refused(format!(
                "only http and https URLs may be fetched, not {}:",
                url.scheme()
            )));
        }
        if !url.username().is_empty() || url.password().is_some() {
            return Err(Refused(
                "URLs with a user name or password are not allowed; send credentials in a header"
                    .into(),
            ));
        }
        let ip = match url.host() {
            None => return Err(Refused("the URL has no host".into())),
            Some(Host::Domain(_)) => return Ok(()),
            Some(Host::Ipv4(v4)) => IpAddr::V4(v4),
            Some(Host::Ipv6(v6)) => IpAddr::V6(v6),
        };
        if self.permits(ip) {
            Ok(())
        } else {
            Err(Refused(format!(
                "{ip} is a private or reserved address, which requests may not reach"
            )))
        }
    }
}

/// A resolver that keeps only the addresses the policy permits, and fails when none is left.
#[derive(Debug, Clone)]
pub struct GuardedResolver {
    pub policy: Arc<AddressPolicy>,
}

impl GuardedResolver {
    /// Resolves `host` with the system resolver and filters the answer.
    pub async fn lookup(
        &self,
        host: &str,
    ) -> Result<Vec<SocketAddr>, Box<dyn std::error::Error + Send + Sync>> {
        let found: Vec<SocketAddr> = tokio::net::lookup_host((host, 0)).await?.collect();
        let kept: Vec<SocketAddr> = found
            .iter()
            .copied()
            .filter(|a| self.policy.permits(a.ip()))
            .collect();
        if kept.is_empty() {
            return Err(Box::new(Refused(format!(
                "{host} resolves only to private or reserved addresses, which requests may not reach"
            ))));
        }
        Ok(kept)
    }
}

impl Resolve for GuardedResolver {
    fn resolve(&self, name: Name) -> Resolving {
        let this = self.clone();
        let host = name.as_str().to_owned();
        Box::pin(async move {
            let kept = this.lookup(&host).await?;
            Ok(Box::new(kept.into_iter()) as Addrs)
        })
    }
}

/// Follows at most `max_hops` redirects, checking each target URL as the first one was.
/// Host names are checked again by the resolver when the hop connects. reqwest itself drops
/// `Authorization`, `Cookie` and `Proxy-Authorization` when a hop changes scheme, host or port.
///
/// With `same_origin`, a hop to another origin (scheme, host or port) is not followed: the
/// redirect response itself is returned, so headers set for the first host (reqwest strips only
/// `Authorization` and cookies on such hops) never reach another one.
pub fn redirect_policy(
    policy: Arc<AddressPolicy>,
    max_hops: usize,
    same_origin: bool,
) -> reqwest::redirect::Policy {
    reqwest::redirect::Policy::custom(move |attempt| {
        if attempt.previous().len() > max_hops {
            let refused = Refused(format!("more than {max_hops} redirects"));
            return attempt.error(refused);
        }
        if same_origin
            && attempt
                .previous()
                .first()
                .is_some_and(|first| first.origin() != attempt.url().origin())
        {
            return attempt.stop();
        }
        match policy.check_url(attempt.url()) {
            Ok(()) => attempt.follow(),
            Err(refused) => {
                let refused = Refused(format!("redirect to {} refused: {refused}", attempt.url()));
                attempt.error(refused)
            }
        }
    })
}

/// The guard's refusal somewhere in an error's source chain.
pub fn refusal<'a>(err: &'a (dyn std::error::Error + 'static)) -> Option<&'a Refused> {
    let mut current = Some(err);
    while let Some(e) = current {
        if let Some(refused) = e.downcast_ref::<Refused>() {
            return Some(refused);
        }
        current = e.source();
    }
    None
}

#[cfg(test)]
mod tests {
    use super::*;

    fn global(s: &str) -> bool {
        is_global(s.parse().unwrap())
    }

    #[test]
    fn ipv4_ranges() {
        for ip in [
            "0.0.0.0",
            "0.255.255.255",
            "10.0.0.1",
            "10.255.255.255",
            "100.64.0.1",
            "100.127.255.254",
            "127.0.0.1",
            "127.255.0.9",
            "169.254.169.254",
            "172.16.0.1",
            "172.31.255.255",
            "192.0.0.8",
            "192.0.2.1",
            "192.168.1.1",
            "198.18.0.1",
            "198.19.255.255",
            "198.51.100.7",
            "203.0.113.9",
            "224.0.0.1",
            "239.255.255.250",
            "240.0.0.1",
            "255.255.255.255",
        ] {
            assert!(!global(ip), "{ip} must be refused");
        }
        // Just outside each blocked range, and ordinary public hosts.
        for ip in [
            "1.1.1.1",
            "8.8.8.8",
            "9.255.255.255",
            "11.0.0.0",
            "100.63.255.255",
            "100.128.0.0",
            "126.255.255.255",
            "128.0.0.0",
            "169.253.255.255",
            "169.255.0.0",
            "172.15.255.255",
            "172.32.0.0",
            "192.0.1.0",
            "192.167.255.255",
            "192.169.0.0",
            "198.17.255.255",
            "198.20.0.0",
            "223.255.255.255",
        ] {
            assert!(global(ip), "{ip} must be allowed");
        }
    }

    #[test]
    fn ipv6_ranges_and_embedded_ipv4() {
        for ip in [
            "::",
            "::1",
            "fc00::1",
            "fd12:3456::1",
            "fe80::1",
            "febf::1",
            "ff02::1",
            "2001:db8::1",
            "::ffff:127.0.0.1",
            "::ffff:10.1.2.3",
            "::ffff:169.254.169.254",
            "64:ff9b::a00:1",  // NAT64 of 10.0.0.1
            "64:ff9b::7f00:1", // NAT64 of 127.0.0.1
            "2002:a00:1::1",   // 6to4 of 10.0.0.1
            "::127.0.0.1",     // IPv4-compatible
            "64:ff9b:1::1",
        ] {
            assert!(!global(ip), "{ip} must be refused");
        }
        for ip in [
            "2606:4700:4700::1111",
            "2a00:1450:4001::1",
            "::ffff:8.8.8.8",
            "64:ff9b::808:808", // NAT64 of 8.8.8.8
            "2002:808:808::1",  // 6to4 of 8.8.8.8
            "fbff::1",          // just outside fc00::/7
        ] {
            assert!(global(ip), "{ip} must be allowed");
        }
    }

    #[test]
    fn policy_switches_and_allowlist() {
        let strict = AddressPolicy::default();
        assert!(!strict.permits("127.0.0.1".parse().unwrap()));
        assert!(strict.permits("93.184.216.34".parse().unwrap()));
        let open = AddressPolicy {
            allow_private_networks: true,
            ..Default::default()
        };
        assert!(open.permits("10.0.0.1".parse().unwrap()));
        let lan = AddressPolicy {
            allowed_networks: vec!["10.1.2.0/24".parse().unwrap()],
            ..Default::default()
        };
        assert!(lan.permits("10.1.2.3".parse().unwrap()));
        assert!(lan.permits("::ffff:10.1.2.3".parse().unwrap()));
        assert!(!lan.permits("10.1.3.3".parse().unwrap()));
    }

    #[test]
    fn urls_are_checked_before_any_lookup() {
        let strict = AddressPolicy::default();
        let check = |u: &str| strict.check_url(&Url::parse(u).unwrap());
        assert!(check("https://example.com/a?b=c").is_ok());
        assert!(check("http://93.184.216.34/").is_ok());
        for bad in [
            "file:///etc/passwd",
            "ftp://example.com/",
            "gopher://example.com/",
            "https://user:pw@example.com/",
            "https://user@example.com/",
            "http://127.0.0.1:8080/",
            "http://[::1]/",
            "http://[::ffff:7f00:1]/",
            "http://169.254.169.254/latest/meta-data/",
            "http://0x7f000001/",
            "http://2130706433/",
            "http://017700000001/",
            "http://0/",
        ] {
            assert!(check(bad).is_err(), "{bad} must be refused");
        }
        let msg = check("http://10.0.0.1/").unwrap_err().0;
        assert!(msg.contains("10.0.0.1") && msg.contains("private"), "{msg}");
    }

    #[tokio::test]
    async fn resolver_drops_private_answers_and_fails_when_none_is_left() {
        let strict = GuardedResolver {
            policy: Arc::new(AddressPolicy::default()),
        };
        let err = strict.lookup("localhost").await.unwrap_err();
        assert!(refusal(err.as_ref()).is_some(), "{err}");
        let open = GuardedResolver {
            policy: Arc::new(AddressPolicy {
                allow_private_networks: true,
                ..Default::default()
            }),
        };
        let found = open.lookup("localhost").await.unwrap();
        assert!(found.iter().all(|a| a.ip().is_loopback()), "{found:?}");
    }
}
