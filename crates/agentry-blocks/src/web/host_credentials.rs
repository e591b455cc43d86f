//! Host-scoped credentials: headers the operator configures for one host (or a `*.` wildcard),
//! found by `SendAuthenticatedWebRequestBlock` as a process-wide `Resources` entry.
//!
//! Until a credential store exists this list is the only source. Header values are secrets: the
//! `Debug` output and every message built here show ids, titles, hosts and header names only.

use std::collections::BTreeMap;
use std::fmt;

use agentry_core::BlockError;
use reqwest::header::{HeaderName, HeaderValue};
use url::{Host, Url};

/// One credential: AutoGPT's `HostScopedCredentials` (provider `http`, type `host_scoped`).
#[derive(Clone, PartialEq, Eq)]
pub struct HostCredential {
    pub id: String,
    pub title: String,
    /// A host name (`api.example.com`) or a wildcard (`*.example.com`, which also matches
    /// `example.com` itself). No scheme, port or path: the port of the URL is not compared.
    pub host: String,
    /// Header name → secret value, added to requests whose URL host matches.
    pub headers: BTreeMap<String, String>,
}

impl fmt::Debug for HostCredential {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("HostCredential")
            .field("id", &self.id)
            .field("title", &self.title)
            .field("host", &self.host)
            .field("headers", &self.headers.keys().collect::<Vec<_>>())
            .finish()
    }
}

/// A URL's host as AutoGPT's `urlparse(url).hostname` gives it: lower case, no port, IPv6
/// without brackets.
fn url_host(url: &Url) -> Option<String> {
    Some(match url.host()? {
        Host::Domain(name) => name.trim_end_matches('.').to_ascii_lowercase(),
        Host::Ipv4(ip) => ip.to_string(),
        Host::Ipv6(ip) => ip.to_string(),
    })
}

impl HostCredential {
    /// Whether this credential applies to `host` (as `url_host` gives it). As AutoGPT's
    /// `matches_url`: the same host, or for `*.domain` the domain or any name ending in
    /// `.domain`. Never a substring match; case-insensitive, as host names are.
    pub fn matches_host(&self, host: &str) -> bool {
        let pattern = self.host.trim().trim_end_matches('.').to_ascii_lowercase();
        let pattern = pattern.trim_start_matches('[').trim_end_matches(']');
        let host = host.to_ascii_lowercase();
        if pattern.is_empty() || host.is_empty() {
            return false;
        }
        // A wildcard covers names under a domain, never IP addresses.
        if let Some(domain) = pattern.strip_prefix("*.")
            && host.parse::<std::net::IpAddr>().is_err()
        {
            return !domain.is_empty()
                && (host == domain
                    || host
                        .strip_suffix(domain)
                        .is_some_and(|rest| rest.ends_with('.')));
        }
        host == pattern
    }

    /// Whether this credential applies to requests to `url`.
    pub fn matches_url(&self, url: &Url) -> bool {
        url_host(url).is_some_and(|host| self.matches_host(&host))
    }

    /// The headers ready to send, their values marked sensitive. A malformed header is an
    /// error naming the credential and the header, never its value.
    pub fn header_values(&self) -> Result<Vec<(HeaderName, HeaderValue)>, BlockError> {
        self.headers
            .iter()
            .map(|(name, value)| {
                let bad = || {
                    BlockError::System(format!(
                        "host-scoped credentials '{}' have an invalid header '{name}'",
                        self.id
                    ))
                };
                let name = HeaderName::from_bytes(name.trim().as_bytes()).map_err(|_| bad())?;
                let mut value = HeaderValue::from_str(value).map_err(|_| bad())?;
                value.set_sensitive(true);
                Ok((name, value))
            })
            .collect()
    }
}

/// The operator's host-scoped credentials, one process-wide list.
#[derive(Debug, Clone, Default)]
pub struct HostCredentials {
    list: Vec<HostCredential>,
}

impl HostCredentials {
    pub fn new(list: Vec<HostCredential>) -> Self {
        HostCredentials { list }
    }

    pub fn by_id(&self, id: &str) -> Option<&HostCredential> {
        self.list.iter().find(|c| c.id == id)
    }

    /// The credential for requests to `url`: the first with exactly its host, else the first
    /// wildcard that matches.
    pub fn for_url(&self, url: &Url) -> Option<&HostCredential> {
        let host = url_host(url)?;
        let exact = self
            .list
            .iter()
            .find(|c| !c.host.trim().starts_with("*.") && c.matches_host(&host));
        exact.or_else(|| self.list.iter().find(|c| c.matches_host(&host)))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn cred(host: &str) -> HostCredential {
        HostCredential {
            id: format!("id-{host}"),
            title: host.into(),
            host: host.into(),
            headers: BTreeMap::from([("Authorization".into(), "Bearer s3cret".into())]),
        }
    }

    #[test]
    fn exact_hosts_match_only_themselves() {
        let c = cred("api.example.com");
        assert!(c.matches_host("api.example.com"));
        assert!(c.matches_host("API.Example.com"));
        assert!(!c.matches_host("example.com"));
        assert!(!c.matches_host("x.api.example.com"));
        assert!(!c.matches_host("api.example.com.evil.org"));
        assert!(!c.matches_host("evilapi.example.com"));
        assert!(!c.matches_host(""));
    }

    #[test]
    fn wildcards_match_the_domain_and_its_subdomains_only() {
        let c = cred("*.example.com");
        assert!(c.matches_host("example.com"));
        assert!(c.matches_host("api.example.com"));
        assert!(c.matches_host("a.b.example.com"));
        assert!(!c.matches_host("evilexample.com"));
        assert!(!c.matches_host("example.com.evil.org"));
        assert!(!c.matches_host("example.org"));
        assert!(!cred("*.").matches_host("com"));
        assert!(!cred("*.0.0.1").matches_host("127.0.0.1"));
        // `*` alone or a mid-name star is not a wildcard.
        assert!(!cred("*").matches_host("example.com"));
        assert!(!cred("api.*.com").matches_host("api.example.com"));
    }

    #[test]
    fn urls_match_by_host_whatever_the_port_path_or_scheme() {
        let c = cred("api.example.com");
        for url in [
            "https://api.example.com/v1?q=1",
            "http://api.example.com:8080/",
            "https://API.EXAMPLE.COM./x",
        ] {
            assert!(c.matches_url(&Url::parse(url).unwrap()), "{url}");
        }
        for url in [
            "https://example.com/",
            "https://api.example.com@evil.org/",
            "https://evil.org/api.example.com",
            "https://evil.org/?host=api.example.com",
        ] {
            assert!(!c.matches_url(&Url::parse(url).unwrap()), "{url}");
        }
        assert!(cred("127.0.0.1").matches_url(&Url::parse("http://127.0.0.1:9/").unwrap()));
        assert!(cred("::1").matches_url(&Url::parse("http://[::1]:9/").unwrap()));
        assert!(cred("[::1]").matches_url(&Url::parse("http://[::1]:9/").unwrap()));
    }

    #[test]
    fn lookup_prefers_an_exact_host_and_debug_hides_values() {
        let all = HostCredentials::new(vec![cred("*.example.com"), cred("api.example.com")]);
        let url = Url::parse("https://api.example.com/").unwrap();
        assert_eq!(all.for_url(&url).unwrap().id, "id-api.example.com");
        let other = Url::parse("https://www.example.com/").unwrap();
        assert_eq!(all.for_url(&other).unwrap().id, "id-*.example.com");
        assert!(
            all.for_url(&Url::parse("https://example.org/").unwrap())
                .is_none()
        );
        assert_eq!(
            all.by_id("id-api.example.com").unwrap().host,
            "api.example.com"
        );
        assert!(all.by_id("nope").is_none());
        let shown = format!("{all:?}");
        assert!(
            shown.contains("Authorization") && !shown.contains("s3cret"),
            "{shown}"
        );
        let headers = all
            .by_id("id-api.example.com")
            .unwrap()
            .header_values()
            .unwrap();
        assert!(headers[0].1.is_sensitive());
        assert!(!format!("{headers:?}").contains("s3cret"));
    }
}
