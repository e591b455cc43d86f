//! HTTP for the adapters: sending a request and classifying the reply into `CallError`s.

use std::time::Duration;

use serde::de::DeserializeOwned;
use serde_json::Value;

use super::CallError;

/// How much of an error body we quote.
const QUOTE: usize = 500;

/// Maps a transport failure (no HTTP status) to a `CallError`. The URL is left out of the
/// message: an operator's base URL may carry a key in its query.
pub fn transport_error(e: reqwest::Error) -> CallError {
    let (timeout, decode) = (e.is_timeout(), e.is_decode());
    let e = e.without_url();
    let mut msg = e.to_string();
    let mut source = std::error::Error::source(&e);
    while let Some(s) = source {
        msg = format!("{msg}: {s}");
        source = s.source();
    }
    if timeout {
        CallError::Timeout(msg)
    } else if decode {
        CallError::Malformed(msg)
    } else {
        CallError::Connect(msg)
    }
}

/// Sends `request`; a non-2xx status becomes the matching `CallError`.
pub async fn send(request: reqwest::RequestBuilder) -> Result<reqwest::Response, CallError> {
    let response = request.send().await.map_err(transport_error)?;
    let status = response.status();
    if status.is_success() {
        return Ok(response);
    }
    let retry_after = response
        .headers()
        .get(reqwest::header::RETRY_AFTER)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.trim().parse::<f64>().ok())
        .filter(|s| s.is_finite() && *s >= 0.0)
        .map(Duration::from_secs_f64);
    let body = response.text().await.unwrap_or_default();
    let message = error_message(&body);
    let code = status.as_u16();
    Err(match code {
        429 => CallError::RateLimited {
            retry_after,
            message,
        },
        500..=599 => CallError::Server {
            status: code,
            message,
        },
        _ => CallError::Client {
            status: code,
            message,
        },
    })
}

/// Reads a 2xx body as JSON of type `T`.
pub async fn read_json<T: DeserializeOwned>(response: reqwest::Response) -> Result<T, CallError> {
    let body = response.text().await.map_err(transport_error)?;
    parse_json(&body)
}

/// Parses a reply body, quoting its start when it is not what we expect.
pub fn parse_json<T: DeserializeOwned>(body: &str) -> Result<T, CallError> {
    serde_json::from_str(body)
        .map_err(|e| CallError::Malformed(format!("{e}; the reply began: {:?}", quote(body))))
}

/// The provider's message: `error.message` (OpenAI, Anthropic), `error` or `message` when a
/// string, else the body's start.
pub fn error_message(body: &str) -> String {
    let parsed: Option<Value> = serde_json::from_str(body).ok();
    let found = parsed.as_ref().and_then(|v| {
        v.pointer("/error/message")
            .or_else(|| v.get("error").filter(|e| e.is_string()))
            .or_else(|| v.get("message"))
            .or_else(|| v.get("detail"))
            .and_then(Value::as_str)
            .map(str::to_string)
    });
    match found {
        Some(m) => m,
        None if body.trim().is_empty() => "(empty body)".into(),
        None => quote(body),
    }
}

fn quote(body: &str) -> String {
    let mut end = body.len().min(QUOTE);
    while !body.is_char_boundary(end) {
        end -= 1;
    }
    body[..end].to_string()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn finds_the_providers_message() {
        assert_eq!(
            error_message(r#"{"error":{"message":"Invalid key","type":"x"}}"#),
            "Invalid key"
        );
        assert_eq!(error_message(r#"{"error":"nope"}"#), "nope");
        assert_eq!(error_message("Bad Gateway"), "Bad Gateway");
        assert_eq!(error_message(""), "(empty body)");
    }

    #[test]
    fn malformed_json_quotes_the_body() {
        let err = parse_json::<Value>("<html>oops").unwrap_err();
        let CallError::Malformed(m) = err else {
            panic!("{err:?}")
        };
        assert!(m.contains("<html>oops"), "{m}");
    }
}
