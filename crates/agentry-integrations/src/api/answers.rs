//! Reading a provider's answers: its own error message, `Retry-After`, the secret a request
//! carries, and keeping that secret out of every message.

use std::time::Duration;

use agentry_core::credentials::CredentialSecret;
use agentry_core::{BlockError, SecretString};
use agentry_services::http::Fetched;
use serde_json::Value;

/// A key sent as a query parameter can appear in a transport error's URL: never let it out.
pub(super) fn redact_text(text: &str, secret: &SecretString) -> String {
    if secret.expose().is_empty() {
        return text.to_string();
    }
    text.replace(secret.expose(), "<redacted>")
}

pub(super) fn redact(e: BlockError, secret: &SecretString) -> BlockError {
    match e {
        BlockError::Input(m) => BlockError::Input(redact_text(&m, secret)),
        BlockError::System(m) => BlockError::System(redact_text(&m, secret)),
    }
}

/// The secret a bearer or key style API wants from a credential.
pub(super) fn bearer(
    secret: &CredentialSecret,
    provider: &str,
) -> Result<SecretString, BlockError> {
    secret.bearer().cloned().ok_or_else(|| {
        BlockError::Input(format!(
            "{provider} needs an API key or OAuth2 credential, and these are {}",
            secret.kind().as_str()
        ))
    })
}

/// `Retry-After` in seconds (the HTTP-date form is not used by these providers).
pub(super) fn retry_after(fetched: &Fetched) -> Option<Duration> {
    fetched
        .headers
        .get(reqwest::header::RETRY_AFTER)?
        .to_str()
        .ok()?
        .trim()
        .parse::<f64>()
        .ok()
        .filter(|s| s.is_finite() && *s >= 0.0)
        .map(Duration::from_secs_f64)
}

/// The provider's own error text: `error.message`, `error` as a string, `message`, or the body.
pub fn provider_message(fetched: &Fetched) -> String {
    let text = fetched.text();
    let parsed: Option<Value> = serde_json::from_str(&text).ok();
    let found = parsed.as_ref().and_then(|v| {
        v.pointer("/error/message")
            .or_else(|| v.get("error").filter(|e| e.is_string()))
            .or_else(|| v.get("message"))
            .or_else(|| v.get("error_message"))
            .and_then(Value::as_str)
            .map(str::to_string)
    });
    let mut message = found.unwrap_or(text);
    if message.len() > 500 {
        let mut end = 500;
        while !message.is_char_boundary(end) {
            end -= 1;
        }
        message.truncate(end);
        message.push('…');
    }
    message
}
