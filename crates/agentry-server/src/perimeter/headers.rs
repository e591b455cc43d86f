//! Security headers on every answer, API and web app alike. A route may set its own value of
//! any of them (they are added only when missing).

use axum::Router;
use axum::http::{HeaderName, HeaderValue, header};
use axum::response::Response;

/// For the embedded web app served at `/`: its own scripts, styles (inline style attributes
/// included, which React and the graph editor set), images and fonts only; fetches and
/// WebSockets to this origin only; no plugins, no framing, forms and `<base>` to itself.
pub const CONTENT_SECURITY_POLICY: &str = "default-src 'self'; script-src 'self'; \
     style-src 'self' 'unsafe-inline'; img-src 'self' data: blob:; font-src 'self' data:; \
     connect-src 'self'; object-src 'none'; frame-ancestors 'none'; base-uri 'self'; \
     form-action 'self'";

/// The headers and their values, in the order they are added.
pub const SECURITY_HEADERS: [(HeaderName, &str); 6] = [
    (header::X_CONTENT_TYPE_OPTIONS, "nosniff"),
    // Sign-in callbacks carry codes in their URL: no page we serve leaks its URL onwards.
    (header::REFERRER_POLICY, "no-referrer"),
    (header::X_FRAME_OPTIONS, "DENY"),
    (header::CONTENT_SECURITY_POLICY, CONTENT_SECURITY_POLICY),
    (
        HeaderName::from_static("cross-origin-opener-policy"),
        "same-origin",
    ),
    (
        HeaderName::from_static("permissions-policy"),
        "camera=(), microphone=(), geolocation=(), payment=()",
    ),
];

/// Adds the security headers to every answer of `router`, error answers included: one
/// layer (each `Router::layer` wraps every route in a boxed service cloned per request).
pub fn apply<S: Clone + Send + Sync + 'static>(router: Router<S>) -> Router<S> {
    router.layer(axum::middleware::map_response(add))
}

async fn add(mut response: Response) -> Response {
    let headers = response.headers_mut();
    for (name, value) in SECURITY_HEADERS {
        headers
            .entry(name)
            .or_insert_with(|| HeaderValue::from_static(value));
    }
    response
}
