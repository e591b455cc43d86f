//! Buying credits through a Stripe-compatible payment API: a Checkout Session opened with
//! Stripe's real request shape (`POST /v1/checkout/sessions`, form-encoded, bearer secret key),
//! and the webhook's `Stripe-Signature` checked as Stripe documents it (HMAC-SHA256 of
//! `{t}.{body}` with the endpoint secret, compared in constant time, within a tolerance).

use std::time::Duration;

use hmac::{Hmac, Mac};
use serde::Deserialize;
use sha2::Sha256;

/// How far a signature's timestamp may be from now: Stripe's default tolerance.
pub const SIGNATURE_TOLERANCE: Duration = Duration::from_secs(300);

/// The operator's payment settings (`[payments]` in the configuration).
#[derive(Clone)]
pub struct PaymentSettings {
    /// `https://api.stripe.com` in production; a local mock in tests.
    pub api_base: String,
    /// The secret API key (`sk_…`); never logged.
    pub secret_key: String,
    /// The webhook endpoint's signing secret (`whsec_…`); never logged.
    pub webhook_secret: String,
    pub success_url: String,
    pub cancel_url: String,
    /// ISO currency code the credits are priced in (100 credits = 1 unit).
    pub currency: String,
}

impl std::fmt::Debug for PaymentSettings {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("PaymentSettings")
            .field("api_base", &self.api_base)
            .field("currency", &self.currency)
            .finish_non_exhaustive()
    }
}

/// Why a payment call failed; the message never quotes a key.
#[derive(Debug, thiserror::Error)]
pub enum PaymentError {
    #[error("the payment provider could not be reached: {0}")]
    Unreachable(String),
    #[error("the payment provider refused the checkout (HTTP {0})")]
    Refused(u16),
    #[error("the payment provider answered in an unexpected shape")]
    BadAnswer,
}

/// A Checkout Session the provider opened.
#[derive(Debug, Deserialize)]
pub struct CheckoutSession {
    pub id: String,
    pub url: String,
}

/// The payment provider's client.
pub struct Payments {
    settings: PaymentSettings,
    http: reqwest::Client,
}

impl Payments {
    pub fn new(settings: PaymentSettings) -> Payments {
        let http = reqwest::Client::builder()
            .timeout(Duration::from_secs(30))
            .build()
            .unwrap_or_default();
        Payments { settings, http }
    }

    /// Opens a Checkout Session for `amount` credits bought by `user_id`.
    pub async fn open_checkout(
        &self,
        user_id: &str,
        amount: i64,
    ) -> Result<CheckoutSession, PaymentError> {
        let s = &self.settings;
        let body = url::form_urlencoded::Serializer::new(String::new())
            .append_pair("mode", "payment")
            .append_pair("success_url", &s.success_url)
            .append_pair("cancel_url", &s.cancel_url)
            .append_pair("client_reference_id", user_id)
            .append_pair("line_items[0][price_data][currency]", &s.currency)
            .append_pair(
                "line_items[0][price_data][unit_amount]",
                &amount.to_string(),
            )
            .append_pair(
                "line_items[0][price_data][product_data][name]",
                "Agentry credits",
            )
            .append_pair("line_items[0][quantity]", "1")
            .append_pair("metadata[user_id]", user_id)
            .append_pair("metadata[credit_amount]", &amount.to_string())
            .finish();
        let url = format!("{}/v1/checkout/sessions", s.api_base.trim_end_matches('/'));
        let answer = self
            .http
            .post(url)
            .bearer_auth(&s.secret_key)
            .header("content-type", "application/x-www-form-urlencoded")
            .body(body)
            .send()
            .await
            .map_err(|e| PaymentError::Unreachable(e.without_url().to_string()))?;
        if !answer.status().is_success() {
            return Err(PaymentError::Refused(answer.status().as_u16()));
        }
        answer.json().await.map_err(|_| PaymentError::BadAnswer)
    }

    /// Whether `header` (`Stripe-Signature`) signs `body` with the webhook secret, at a time
    /// within the tolerance of `now` (epoch seconds).
    pub fn signature_ok(&self, header: &str, body: &[u8], now: i64) -> bool {
        signature_ok(&self.settings.webhook_secret, header, body, now)
    }
}

/// `t=…,v1=…[,v1=…]`: any v1 signature that verifies is enough (Stripe sends several while a
/// secret is being rolled).
pub fn signature_ok(secret: &str, header: &str, body: &[u8], now: i64) -> bool {
    let mut timestamp = None;
    let mut signatures = Vec::new();
    for part in header.split(',') {
        match part.trim().split_once('=') {
            Some(("t", t)) => timestamp = t.parse::<i64>().ok(),
            Some(("v1", sig)) => signatures.extend(hex::decode(sig).ok()),
            _ => {}
        }
    }
    let Some(t) = timestamp else {
        return false;
    };
    if (now - t).unsigned_abs() > SIGNATURE_TOLERANCE.as_secs() {
        return false;
    }
    signatures.iter().any(|sig| {
        let Ok(mut mac) = Hmac::<Sha256>::new_from_slice(secret.as_bytes()) else {
            return false;
        };
        mac.update(t.to_string().as_bytes());
        mac.update(b".");
        mac.update(body);
        mac.verify_slice(sig).is_ok()
    })
}

/// The header Stripe would send for `body` at `t` (for tests and local tools).
pub fn sign(secret: &str, body: &[u8], t: i64) -> String {
    let mut mac = Hmac::<Sha256>::new_from_slice(secret.as_bytes()).expect("any key length");
    mac.update(t.to_string().as_bytes());
    mac.update(b".");
    mac.update(body);
    format!("t={t},v1={}", hex::encode(mac.finalize().into_bytes()))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn signatures_verify_only_for_the_secret_body_and_time() {
        let header = sign("whsec_a", b"{}", 1000);
        assert!(signature_ok("whsec_a", &header, b"{}", 1000));
        assert!(signature_ok("whsec_a", &header, b"{}", 1200));
        assert!(!signature_ok("whsec_a", &header, b"{}", 1400), "too old");
        assert!(
            !signature_ok("whsec_b", &header, b"{}", 1000),
            "other secret"
        );
        assert!(
            !signature_ok("whsec_a", &header, b"{ }", 1000),
            "other body"
        );
        assert!(
            !signature_ok("whsec_a", "t=1000", b"{}", 1000),
            "no signature"
        );
        assert!(!signature_ok("whsec_a", "v1=00", b"{}", 1000), "no time");
        let rolled = format!("{header},v1=deadbeef");
        assert!(signature_ok("whsec_a", &rolled, b"{}", 1000));
    }
}
