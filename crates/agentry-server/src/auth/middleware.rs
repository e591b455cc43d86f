//! The two layers every request passes. `guard` refuses what a browser page on another site
//! could send: a `Host` the server does not answer to (DNS rebinding), an `Origin` of another
//! site, and a state-changing body that is not JSON (a cross-site form post). `authenticate`
//! turns the request's credentials into a `Principal` in its extensions.
//!
//! Credentials, first found wins: `Authorization: Bearer <access token | API key>`,
//! `X-API-Key: <API key>` (AutoGPT's external API), on `/ws` only `?token=<access token | API
//! key>`, then the `agentry_session` cookie, which on POST/PUT/PATCH/DELETE also needs the
//! `X-CSRF-Token` header equal to the `agentry_csrf` cookie (double submit).

use std::collections::HashMap;
use std::net::SocketAddr;
use std::sync::Arc;

use axum::extract::{Request, State};
use axum::http::{HeaderMap, Method, header};
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};

use super::{Principal, secret};
use crate::error::{ApiError, Code};
use crate::{AppState, AuthMode};

pub const SESSION_COOKIE: &str = "agentry_session";
pub const REFRESH_COOKIE: &str = "agentry_refresh";
pub const CSRF_COOKIE: &str = "agentry_csrf";
pub const CSRF_HEADER: &str = "x-csrf-token";

/// The `Host` values the server answers to and the origins it accepts.
#[derive(Clone, Debug, Default)]
pub struct HostPolicy {
    /// `host:port` (lower case). Empty: any host (a non-loopback listener with no
    /// `allowed_hosts` configured, where rebinding onto it gains nothing). Shared: the state
    /// holding it is cloned for every layer and extractor of every request (a `Vec` here was
    /// 2.4 % of a 3-node run's instructions, 91 clones per request).
    hosts: Arc<[String]>,
}

impl HostPolicy {
    /// The loopback names of `addr` when it is loopback, plus the configured `allowed_hosts`
    /// (`name` or `name:port`; a bare name takes the listening port).
    pub fn new(addr: SocketAddr, allowed_hosts: &[String]) -> HostPolicy {
        let port = addr.port();
        let mut hosts = Vec::new();
        let mut add = |name: &str| {
            let name = name.to_ascii_lowercase();
            if has_port(&name) {
                hosts.push(name);
            } else {
                hosts.push(format!("{name}:{port}"));
                if port == 80 || port == 443 {
                    hosts.push(name);
                }
            }
        };
        for name in allowed_hosts {
            add(name);
        }
        if addr.ip().is_loopback() {
            for name in ["127.0.0.1", "localhost", "[::1]"] {
                add(name);
            }
        }
        HostPolicy {
            hosts: hosts.into(),
        }
    }

    fn host_ok(&self, host: &str) -> bool {
        self.hosts.is_empty() || self.hosts.iter().any(|h| h == host)
    }

    /// An `Origin` is accepted when it names the request's own host or an allowed one.
    fn origin_ok(&self, origin: &str, host: &str) -> bool {
        let authority = origin
            .strip_prefix("http://")
            .or_else(|| origin.strip_prefix("https://"))
            .map(str::to_ascii_lowercase);
        match authority {
            Some(authority) => {
                authority == host || (!self.hosts.is_empty() && self.host_ok(&authority))
            }
            None => false,
        }
    }
}

/// `name:port` or `[v6]:port`, as opposed to a bare name or `[v6]`.
fn has_port(name: &str) -> bool {
    let tail = if name.starts_with('[') {
        name.rsplit_once("]:").map(|(_, port)| port)
    } else {
        name.rsplit_once(':').map(|(_, port)| port)
    };
    tail.is_some_and(|p| !p.is_empty() && p.bytes().all(|b| b.is_ascii_digit()))
}

fn forbidden(code: Code, message: impl Into<String>) -> Response {
    ApiError::new(code, message).into_response()
}

fn header_str(headers: &HeaderMap, name: impl header::AsHeaderName) -> Option<&str> {
    headers.get(name).and_then(|v| v.to_str().ok())
}

fn is_unsafe(method: &Method) -> bool {
    !matches!(*method, Method::GET | Method::HEAD | Method::OPTIONS)
}

fn is_json(content_type: &str) -> bool {
    let essence = content_type
        .split(';')
        .next()
        .unwrap_or_default()
        .trim()
        .to_ascii_lowercase();
    essence == "application/json" || essence.ends_with("+json")
}

/// Host, Origin and JSON-body checks; see the module's documentation.
pub async fn guard(State(state): State<AppState>, request: Request, next: Next) -> Response {
    let headers = request.headers();
    let host = header_str(headers, header::HOST)
        .unwrap_or_default()
        .to_ascii_lowercase();
    if !state.hosts.host_ok(&host) {
        return forbidden(
            Code::HostNotAllowed,
            format!("this server does not answer to the host `{host}`; add it to `allowed_hosts`"),
        );
    }
    if let Some(origin) = header_str(headers, header::ORIGIN)
        && !state.hosts.origin_ok(origin, &host)
    {
        return forbidden(
            Code::OriginNotAllowed,
            format!("requests from the origin `{origin}` are not accepted"),
        );
    }
    let path = request.uri().path();
    // Webhook senders post whatever their service sends; the ingress checks its own secret.
    // The store's media upload takes raw image bytes; their magic bytes decide the type.
    let takes_any_body = path.ends_with("/ingress") || path == crate::media::UPLOAD_PATH;
    if is_unsafe(request.method()) && !takes_any_body {
        let has_body = header_str(headers, header::CONTENT_LENGTH).is_some_and(|l| l != "0")
            || headers.contains_key(header::TRANSFER_ENCODING);
        match header_str(headers, header::CONTENT_TYPE) {
            Some(ct) if !is_json(ct) => return unsupported(ct),
            None if has_body => return unsupported("none"),
            _ => {}
        }
    }
    next.run(request).await
}

fn unsupported(content_type: &str) -> Response {
    ApiError::new(
        Code::UnsupportedMediaType,
        format!("this route takes `application/json` bodies, not `{content_type}`"),
    )
    .into_response()
}

/// The value of one cookie of the request.
pub fn cookie<'a>(headers: &'a HeaderMap, name: &str) -> Option<&'a str> {
    headers
        .get_all(header::COOKIE)
        .iter()
        .filter_map(|v| v.to_str().ok())
        .flat_map(|v| v.split(';'))
        .filter_map(|pair| pair.trim().split_once('='))
        .find(|(k, _)| *k == name)
        .map(|(_, v)| v)
}

/// Where the request's credential came from.
enum Credential<'a> {
    Header(&'a str),
    Query(String),
    Cookie(&'a str),
}

fn credential(request: &Request) -> Option<Credential<'_>> {
    let headers = request.headers();
    if let Some(value) = header_str(headers, header::AUTHORIZATION) {
        let token = value
            .strip_prefix("Bearer ")
            .or_else(|| value.strip_prefix("bearer "))
            .unwrap_or(value);
        return Some(Credential::Header(token.trim()));
    }
    if let Some(key) = header_str(headers, "x-api-key") {
        return Some(Credential::Header(key.trim()));
    }
    if request.uri().path() == "/ws"
        && let Ok(axum::extract::Query(mut q)) =
            axum::extract::Query::<HashMap<String, String>>::try_from_uri(request.uri())
        && let Some(token) = q.remove("token")
    {
        return Some(Credential::Query(token));
    }
    cookie(headers, SESSION_COOKIE).map(Credential::Cookie)
}

/// Puts the request's `Principal` in its extensions; invalid credentials are a 401, a cookie
/// session without its CSRF header on a state-changing request a 403.
pub async fn authenticate(
    State(state): State<AppState>,
    mut request: Request,
    next: Next,
) -> Response {
    let principal = match &state.auth {
        AuthMode::Local => Some(Principal::local()),
        AuthMode::Accounts(accounts) => {
            let found = match credential(&request) {
                None => Ok(None),
                Some(Credential::Header(token)) => accounts.principal(token, false).await.map(Some),
                Some(Credential::Query(token)) => accounts.principal(&token, false).await.map(Some),
                Some(Credential::Cookie(token)) => {
                    if is_unsafe(request.method()) && !csrf_ok(request.headers()) {
                        return forbidden(
                            Code::CsrfFailed,
                            format!(
                                "a cookie session must send the `{CSRF_COOKIE}` cookie's value in `X-CSRF-Token`"
                            ),
                        );
                    }
                    accounts.principal(token, true).await.map(Some)
                }
            };
            match found {
                Ok(found) => found,
                Err(e) => return e.into_response(),
            }
        }
    };
    if let Some(principal) = principal {
        request.extensions_mut().insert(principal);
    }
    next.run(request).await
}

fn csrf_ok(headers: &HeaderMap) -> bool {
    match (
        cookie(headers, CSRF_COOKIE),
        header_str(headers, CSRF_HEADER),
    ) {
        (Some(cookie), Some(sent)) => !cookie.is_empty() && secret::same(cookie, sent),
        _ => false,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn loopback_hosts_and_origins() {
        let policy = HostPolicy::new("127.0.0.1:8006".parse().unwrap(), &[]);
        assert!(policy.host_ok("127.0.0.1:8006"));
        assert!(policy.host_ok("localhost:8006"));
        assert!(!policy.host_ok("attacker.example:8006"));
        assert!(!policy.host_ok("localhost:9000"));
        assert!(policy.origin_ok("http://localhost:8006", "localhost:8006"));
        assert!(!policy.origin_ok("http://attacker.example", "localhost:8006"));
        assert!(!policy.origin_ok("null", "localhost:8006"));
    }

    #[test]
    fn configured_hosts() {
        let policy = HostPolicy::new(
            "0.0.0.0:443".parse().unwrap(),
            &["agents.example.com".into(), "other.example:8443".into()],
        );
        assert!(policy.host_ok("agents.example.com"));
        assert!(policy.host_ok("other.example:8443"));
        assert!(!policy.host_ok("127.0.0.1:443"));
        let open = HostPolicy::new("0.0.0.0:8006".parse().unwrap(), &[]);
        assert!(open.host_ok("10.0.0.5:8006"));
        assert!(!open.origin_ok("http://elsewhere.example", "10.0.0.5:8006"));
    }

    #[test]
    fn cookies_are_found_by_name() {
        let mut headers = HeaderMap::new();
        headers.insert(header::COOKIE, "a=1; agentry_csrf=xyz".parse().unwrap());
        assert_eq!(cookie(&headers, CSRF_COOKIE), Some("xyz"));
        assert_eq!(cookie(&headers, "b"), None);
        headers.insert(CSRF_HEADER, "xyz".parse().unwrap());
        assert!(csrf_ok(&headers));
        headers.insert(CSRF_HEADER, "xy".parse().unwrap());
        assert!(!csrf_ok(&headers));
    }
}
