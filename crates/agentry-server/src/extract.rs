//! Extractors whose rejections answer in the API's error envelope, and the one JSON reader
//! every body goes through: size-limited (413), depth-limited (400 `json_too_deep`), then
//! parsed (400 `invalid_json` when malformed, 422 `invalid_body` when of the wrong shape).

use axum::extract::{FromRequest, FromRequestParts, Request};
use axum::http::{HeaderMap, header};
use axum::response::{IntoResponse, Response};
use serde::de::DeserializeOwned;

use crate::error::{ApiError, ApiResult, Code};

/// The deepest nesting of arrays and objects a body may have. Deep enough for any graph
/// (a graph file nests about six levels before its users' values); shallow enough that no
/// parser, validator or `Drop` down the line recurses far on a hostile body.
pub const MAX_JSON_DEPTH: usize = 64;

/// JSON body sent as `application/json`.
pub struct Json<T>(pub T);

impl<T: DeserializeOwned, S: Send + Sync> FromRequest<S> for Json<T> {
    type Rejection = ApiError;

    async fn from_request(req: Request, state: &S) -> Result<Self, ApiError> {
        require_json_content_type(req.headers())?;
        let RawBody(bytes) = RawBody::from_request(req, state).await?;
        parse_json(&bytes).map(Json)
    }
}

impl<T: serde::Serialize> IntoResponse for Json<T> {
    fn into_response(self) -> Response {
        axum::Json(self.0).into_response()
    }
}

/// A JSON body that may be absent: an empty body reads as `T::default()`; AutoGPT's clients
/// send none to run a graph that takes no inputs.
pub struct OptionalJson<T>(pub T);

impl<T: DeserializeOwned + Default, S: Send + Sync> FromRequest<S> for OptionalJson<T> {
    type Rejection = ApiError;

    async fn from_request(req: Request, state: &S) -> Result<Self, ApiError> {
        let headers = req.headers().clone();
        let RawBody(bytes) = RawBody::from_request(req, state).await?;
        if bytes.iter().all(u8::is_ascii_whitespace) {
            return Ok(OptionalJson(T::default()));
        }
        require_json_content_type(&headers)?;
        parse_json(&bytes).map(OptionalJson)
    }
}

/// The raw body, for routes that read it themselves; one over the size limit is a 413
/// `payload_too_large` in our envelope (axum's own answer is plain text).
pub struct RawBody(pub axum::body::Bytes);

impl<S: Send + Sync> FromRequest<S> for RawBody {
    type Rejection = ApiError;

    async fn from_request(req: Request, state: &S) -> Result<Self, ApiError> {
        let bytes = axum::body::Bytes::from_request(req, state).await?;
        Ok(RawBody(bytes))
    }
}

/// Reads a JSON body: depth first (a cheap scan), then the typed parse.
pub fn parse_json<T: DeserializeOwned>(bytes: &[u8]) -> ApiResult<T> {
    if nesting_depth(bytes) > MAX_JSON_DEPTH {
        return Err(ApiError::new(
            Code::JsonTooDeep,
            format!("the body nests deeper than {MAX_JSON_DEPTH} levels"),
        ));
    }
    // JSON is UTF-8 (RFC 8259); serde checks only the strings it keeps, so a body with invalid
    // bytes in a field it skips would otherwise pass.
    if let Err(e) = std::str::from_utf8(bytes) {
        return Err(ApiError::new(
            Code::InvalidJson,
            format!(
                "the body is not UTF-8 (invalid byte at {})",
                e.valid_up_to()
            ),
        ));
    }
    // Every body of this API is an object; serde would also read a struct from an array by
    // position (`[{"inputs": …}]` as the first field), which no client means.
    if bytes.iter().find(|b| !b.is_ascii_whitespace()) != Some(&b'{') {
        return Err(ApiError::new(
            Code::InvalidJson,
            "the body must be a JSON object",
        ));
    }
    axum::Json::<T>::from_bytes(bytes)
        .map(|axum::Json(value)| value)
        .map_err(ApiError::from)
}

/// `application/json` or any `…+json` type; anything else is a 415.
fn require_json_content_type(headers: &HeaderMap) -> ApiResult<()> {
    let essence = headers
        .get(header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.split(';').next())
        .map(|v| v.trim().to_ascii_lowercase());
    match essence {
        Some(t)
            if t == "application/json"
                || (t.starts_with("application/") && t.ends_with("+json")) =>
        {
            Ok(())
        }
        _ => Err(ApiError::new(
            Code::UnsupportedMediaType,
            "expected a body with `Content-Type: application/json`",
        )),
    }
}

/// The deepest nesting of `[` and `{` outside strings. Malformed input gets some number; the
/// parser reports what is wrong with it.
fn nesting_depth(bytes: &[u8]) -> usize {
    let (mut depth, mut deepest) = (0usize, 0usize);
    let (mut in_string, mut escaped) = (false, false);
    for &b in bytes {
        if in_string {
            match b {
                _ if escaped => escaped = false,
                b'\\' => escaped = true,
                b'"' => in_string = false,
                _ => {}
            }
            continue;
        }
        match b {
            b'"' => in_string = true,
            b'[' | b'{' => {
                depth += 1;
                deepest = deepest.max(depth);
            }
            b']' | b'}' => depth = depth.saturating_sub(1),
            _ => {}
        }
    }
    deepest
}

/// Path parameters; a bad one is a 400 `invalid_path`.
#[derive(FromRequestParts)]
#[from_request(via(axum::extract::Path), rejection(ApiError))]
pub struct Path<T>(pub T);

/// Query parameters; a bad one is a 400 `invalid_query`.
#[derive(FromRequestParts)]
#[from_request(via(axum::extract::Query), rejection(ApiError))]
pub struct Query<T>(pub T);

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn depth_counts_brackets_outside_strings_only() {
        assert_eq!(nesting_depth(b"1"), 0);
        assert_eq!(nesting_depth(br#"{"a":[1,{"b":[]}]}"#), 4);
        assert_eq!(nesting_depth(br#"{"a":"[[[[{{{{\"[[["}"#), 1);
        let deep = format!("{}{}", "[".repeat(65), "]".repeat(65));
        let err = parse_json::<serde_json::Value>(deep.as_bytes()).unwrap_err();
        assert_eq!(err.code, Code::JsonTooDeep);
        let ok = format!("{{\"a\":{}{}}}", "[".repeat(63), "]".repeat(63));
        assert!(parse_json::<serde_json::Value>(ok.as_bytes()).is_ok());
    }

    #[test]
    fn bodies_are_utf8_objects() {
        let array = parse_json::<serde_json::Value>(b" [1]").unwrap_err();
        assert_eq!(array.code, Code::InvalidJson);
        assert!(array.message.contains("JSON object"), "{}", array.message);
        let bytes = parse_json::<serde_json::Value>(b"{\"a\": \"\xff\"}").unwrap_err();
        assert_eq!(bytes.code, Code::InvalidJson);
        assert!(parse_json::<serde_json::Value>(b" {\"a\": 1}").is_ok());
    }
}
