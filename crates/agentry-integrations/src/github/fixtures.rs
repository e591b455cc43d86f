//! Test support for the GitHub blocks: the test token's credentials, canned answers, and the
//! check that a block meets GitHub's error answers.

use agentry_core::Block;
use serde_json::{Value, json};
use wiremock::matchers::{method, path};
use wiremock::{Mock, MockServer, ResponseTemplate};

use crate::error_answers::assert_error_answers;
use crate::testing::{api_key, meta};

const TOKEN: &str = "ghp_test_token";

/// `input` with the test credentials.
pub fn with_creds(mut input: Value) -> Value {
    input["credentials"] = meta("github", "api_key");
    input
}

/// GitHub answers `verb at` with `status` and `body`.
pub async fn answer(server: &MockServer, verb: &str, at: &str, status: u16, body: Value) {
    Mock::given(method(verb))
        .and(path(at))
        .respond_with(ResponseTemplate::new(status).set_body_json(body))
        .mount(server)
        .await;
}

/// Runs `block` on `input` (with the test credentials) against `server`.
pub async fn run<B: Block>(server: &MockServer, block: B, input: Value) -> Vec<(String, Value)> {
    crate::error_answers::run_against(server, block, with_creds(input), api_key("github", TOKEN))
        .await
}

pub fn pins(out: &[(String, Value)]) -> Vec<&str> {
    out.iter().map(|(p, _)| p.as_str()).collect()
}

/// The block meets GitHub's 401, 404, 429 and 503 answers (`{"message": …}` bodies).
pub async fn refuses<B: Block>(make: impl Fn() -> B, input: Value) {
    let message = "Bad credentials";
    let body = json!({"message": message, "documentation_url": "https://docs.github.com/rest"});
    assert_error_answers(
        make,
        with_creds(input),
        api_key("github", TOKEN),
        "github",
        body,
        message,
    )
    .await;
}
