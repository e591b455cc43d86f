//! What the webset blocks' tests share: the Exa key, a credentials input and a recorder for it,
//! a block run with both, a mock of the API's plain answers, the check of Exa's error answers
//! and the output pins in order.

use agentry_core::Block;
use agentry_core::testing::run_block_with;
use serde::Serialize;
use serde_json::Value;
use wiremock::matchers::{method, path};
use wiremock::{Mock, MockServer, ResponseTemplate};

use crate::error_answers::assert_error_answers;
use crate::testing::{api_key, error_of, meta, recorder};

pub(crate) const KEY: &str = "exa-key";

/// `v` with the Exa API key credentials on its `credentials` pin.
pub(crate) fn input(mut v: Value) -> Value {
    v["credentials"] = meta("exa", "api_key");
    v
}

/// A recorder whose credentials hold `KEY`.
pub(crate) fn rec(server: &MockServer) -> agentry_core::testing::Recorder {
    recorder(server, api_key("exa", KEY))
}

/// The outputs of `block` run on `v` with the Exa credentials against `server`.
pub(crate) async fn run<B: Block>(block: B, v: Value, server: &MockServer) -> Vec<(String, Value)> {
    run_block_with(block, input(v), rec(server)).await
}

/// The error `block` answers for `v` (the run must fail).
pub(crate) async fn refused<B: Block>(block: B, v: Value, server: &MockServer) -> String {
    error_of(&run(block, v, server).await)
}

/// A mock of `verb` on `at` answering 200 with `body` as JSON (to mount, with an expectation).
pub(crate) fn answering(verb: &str, at: impl Into<String>, body: impl Serialize) -> Mock {
    Mock::given(method(verb))
        .and(path(at))
        .respond_with(ResponseTemplate::new(200).set_body_json(body))
}

/// Checks the block made by `make` meets Exa's error answers (401, 403, 404, 429, 5xx) on
/// `v`, Exa answering `body` whose message is "Invalid API key".
pub(crate) async fn answers_errors<B: Block>(make: impl Fn() -> B, v: Value, body: &Value) {
    let key = api_key("exa", KEY);
    assert_error_answers(make, input(v), key, "exa", body.clone(), "Invalid API key").await;
}

/// The pins of `out`, in order.
pub(crate) fn pins(out: &[(String, Value)]) -> Vec<&str> {
    out.iter().map(|(p, _)| p.as_str()).collect()
}
