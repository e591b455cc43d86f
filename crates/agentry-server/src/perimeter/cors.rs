//! CORS from configuration: none unless the operator names origins, and then only those.

use axum::http::{HeaderName, HeaderValue, Method, header};
use tower_http::cors::{AllowOrigin, CorsLayer};

use super::{PerimeterSettings, SettingsError};

/// The layer for the configured origins; None when there are none (browsers then keep pages
/// of other origins from reading any answer). `*` allows every origin, and cannot be combined
/// with credentials.
pub fn layer(settings: &PerimeterSettings) -> Result<Option<CorsLayer>, SettingsError> {
    let origins = &settings.cors_origins;
    if origins.is_empty() {
        return Ok(None);
    }
    let allow_origin = if origins.iter().any(|o| o == "*") {
        if origins.len() > 1 {
            return Err(SettingsError::CorsOrigin(
                "\"*\" allows every origin: list it alone".into(),
            ));
        }
        if settings.cors_allow_credentials {
            return Err(SettingsError::CorsOrigin(
                "\"*\" cannot be combined with cors_allow_credentials: name the origins".into(),
            ));
        }
        AllowOrigin::any()
    } else {
        let values = origins
            .iter()
            .map(|o| origin_value(o))
            .collect::<Result<Vec<_>, _>>()?;
        AllowOrigin::list(values)
    };
    Ok(Some(
        CorsLayer::new()
            .allow_origin(allow_origin)
            .allow_methods([
                Method::GET,
                Method::POST,
                Method::PUT,
                Method::PATCH,
                Method::DELETE,
            ])
            .allow_headers([
                header::AUTHORIZATION,
                header::CONTENT_TYPE,
                HeaderName::from_static("x-csrf-token"),
            ])
            .expose_headers([header::RETRY_AFTER])
            .allow_credentials(settings.cors_allow_credentials)
            .max_age(std::time::Duration::from_secs(600)),
    ))
}

/// An origin as browsers send it: `scheme://host[:port]`, nothing after it.
fn origin_value(origin: &str) -> Result<HeaderValue, SettingsError> {
    let bad = |why: &str| SettingsError::CorsOrigin(format!("{origin:?} {why}"));
    let url = url::Url::parse(origin).map_err(|e| bad(&format!("is not a URL ({e})")))?;
    if !matches!(url.scheme(), "http" | "https") || url.host().is_none() {
        return Err(bad("is not an http(s) origin"));
    }
    let serialized = url.origin().ascii_serialization();
    if serialized != origin.trim_end_matches('/') {
        return Err(bad(&format!(
            "is not an origin (scheme://host[:port] with nothing after it; did you mean {serialized}?)"
        )));
    }
    HeaderValue::from_str(&serialized).map_err(|_| bad("is not a valid header value"))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn settings(origins: &[&str], credentials: bool) -> PerimeterSettings {
        PerimeterSettings {
            cors_origins: origins.iter().map(|o| o.to_string()).collect(),
            cors_allow_credentials: credentials,
            ..PerimeterSettings::default()
        }
    }

    #[test]
    fn none_by_default_and_bad_origins_are_named() {
        assert!(layer(&settings(&[], false)).unwrap().is_none());
        assert!(
            layer(&settings(&["https://app.example.com"], true))
                .unwrap()
                .is_some()
        );
        assert!(layer(&settings(&["*"], false)).unwrap().is_some());
        for (bad, fragment) in [
            (
                &["https://app.example.com/path"][..],
                "did you mean https://app.example.com",
            ),
            (&["ftp://x.example"][..], "not an http(s) origin"),
            (&["app.example.com"][..], "not a URL"),
            (&["*", "https://a.example"][..], "alone"),
        ] {
            let e = layer(&settings(bad, false)).unwrap_err().to_string();
            assert!(e.contains(fragment), "{e}");
        }
        let e = layer(&settings(&["*"], true)).unwrap_err().to_string();
        assert!(e.contains("cors_allow_credentials"), "{e}");
    }
}
