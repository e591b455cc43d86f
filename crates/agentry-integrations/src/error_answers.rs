//! Test support: running a provider block against a mock with a credential, and checking that
//! it meets its provider's error answers (401, 404, 429 after every retry,
//! 503 after every retry) and reports each as the provider's mapping says, the provider's own
//! message kept and the secret never shown.

use agentry_core::Block;
use agentry_core::credentials::{Credential, CredentialSecret};
use agentry_core::testing::run_block_with;
use serde_json::Value;
use wiremock::matchers::any;
use wiremock::{Mock, MockServer, ResponseTemplate};

use crate::testing::{error_of, recorder};

/// Runs `block` on `input` against `server` (every service pointed at it) with `credential`.
pub async fn run_against<B: Block>(
    server: &MockServer,
    block: B,
    input: Value,
    credential: Credential,
) -> Vec<(String, Value)> {
    run_block_with(block, input, recorder(server, credential)).await
}

/// Runs `make()` on `input` against a provider answering each error status with `body`, and
/// checks the message on the `error` pin (`message`: what the provider's body says).
pub async fn assert_error_answers<B: Block>(
    make: impl Fn() -> B,
    input: Value,
    credential: Credential,
    provider: &str,
    body: Value,
    message: &str,
) {
    answers(make, input, credential, provider, body, message, true, "").await;
}

/// As `assert_error_answers`, for a block whose failures start with `prefix` as AutoGPT words
/// them ("Failed to read Google Sheet: …").
pub async fn assert_error_answers_prefixed<B: Block>(
    make: impl Fn() -> B,
    input: Value,
    credential: Credential,
    provider: &str,
    body: Value,
    message: &str,
    prefix: &str,
) {
    answers(
        make, input, credential, provider, body, message, true, prefix,
    )
    .await;
}

/// As `assert_error_answers`, for a block that reads a 404 as "not found" and says so on a
/// pin of its own (Discord's lookups, as AutoGPT's do).
pub async fn assert_error_answers_but_404<B: Block>(
    make: impl Fn() -> B,
    input: Value,
    credential: Credential,
    provider: &str,
    body: Value,
    message: &str,
) {
    answers(make, input, credential, provider, body, message, false, "").await;
}

#[allow(clippy::too_many_arguments)]
async fn answers<B: Block>(
    make: impl Fn() -> B,
    input: Value,
    credential: Credential,
    provider: &str,
    body: Value,
    message: &str,
    with_404: bool,
    prefix: &str,
) {
    let expected = [
        (
            401,
            format!("{provider} refused the credentials (401): {message}"),
        ),
        (
            404,
            format!("{provider} rejected the request (404): {message}"),
        ),
        (
            429,
            format!("{provider} is rate limiting these requests; try again later"),
        ),
        (503, format!("{provider} failed (503): {message}")),
    ];
    for (status, wanted) in expected {
        if status == 404 && !with_404 {
            continue;
        }
        let server = MockServer::start().await;
        Mock::given(any())
            .respond_with(ResponseTemplate::new(status).set_body_json(&body))
            .mount(&server)
            .await;
        let out =
            run_block_with(make(), input.clone(), recorder(&server, credential.clone())).await;
        let error = error_of(&out);
        assert_eq!(
            error,
            format!("{prefix}{wanted}"),
            "{} answering {status}",
            B::META.name
        );
        if let CredentialSecret::ApiKey { api_key } = &credential.secret {
            assert!(!error.contains(api_key.expose()), "the key leaked: {error}");
        }
    }
}
