//! The client's address: the TCP peer, or behind trusted reverse proxies the address they
//! recorded in `X-Forwarded-For`. Computed once per request by the perimeter's middleware and
//! read by rate limits and the audit log.

use std::convert::Infallible;
use std::net::{IpAddr, SocketAddr};

use axum::extract::{ConnectInfo, FromRequestParts};
use axum::http::HeaderMap;
use axum::http::request::Parts;

/// The client's address, when known (a request served without connection info has none).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ClientIp(pub Option<IpAddr>);

impl ClientIp {
    /// The client of a request whose TCP peer is `peer`: with `trusted_proxies` hops in front,
    /// the entry that many places from the right of `X-Forwarded-For` (each proxy appends
    /// the address it saw; entries further left are the client's to forge).
    pub fn resolve(peer: Option<IpAddr>, headers: &HeaderMap, trusted_proxies: u8) -> ClientIp {
        if trusted_proxies == 0 {
            return ClientIp(peer);
        }
        let forwarded: Vec<&str> = headers
            .get_all("x-forwarded-for")
            .iter()
            .filter_map(|v| v.to_str().ok())
            .flat_map(|v| v.split(','))
            .map(str::trim)
            .filter(|v| !v.is_empty())
            .collect();
        let from_right = usize::from(trusted_proxies);
        let found = forwarded
            .len()
            .checked_sub(from_right)
            .and_then(|i| forwarded.get(i))
            .and_then(|v| v.parse::<IpAddr>().ok());
        // A request that did not come through every proxy is keyed by its peer.
        ClientIp(found.or(peer))
    }

    pub fn as_string(&self) -> Option<String> {
        self.0.map(|ip| ip.to_string())
    }
}

impl<S: Send + Sync> FromRequestParts<S> for ClientIp {
    type Rejection = Infallible;

    async fn from_request_parts(parts: &mut Parts, _: &S) -> Result<Self, Infallible> {
        if let Some(ip) = parts.extensions.get::<ClientIp>() {
            return Ok(*ip);
        }
        let peer = parts
            .extensions
            .get::<ConnectInfo<SocketAddr>>()
            .map(|c| c.0.ip());
        Ok(ClientIp(peer))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn forwarded_for_is_read_only_behind_trusted_proxies() {
        let peer: IpAddr = "10.0.0.2".parse().unwrap();
        let mut headers = HeaderMap::new();
        headers.insert("x-forwarded-for", "6.6.6.6, 203.0.113.7".parse().unwrap());
        assert_eq!(ClientIp::resolve(Some(peer), &headers, 0).0, Some(peer));
        assert_eq!(
            ClientIp::resolve(Some(peer), &headers, 1).0,
            Some("203.0.113.7".parse().unwrap())
        );
        assert_eq!(
            ClientIp::resolve(Some(peer), &headers, 2).0,
            Some("6.6.6.6".parse().unwrap())
        );
        assert_eq!(ClientIp::resolve(Some(peer), &headers, 3).0, Some(peer));
        assert_eq!(
            ClientIp::resolve(Some(peer), &HeaderMap::new(), 1).0,
            Some(peer)
        );
    }
}
