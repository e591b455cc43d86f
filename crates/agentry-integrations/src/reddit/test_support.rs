//! What the Reddit tests share: the `credentials` input, a recorder for an OAuth2 token with
//! one scope, Reddit's listing answers, and Reddit's 403 answer checked for a block.

use agentry_core::Block;
use agentry_core::credentials::Credential;
use agentry_core::testing::Recorder;
use serde_json::{Value, json};
use wiremock::MockServer;

use crate::error_answers::assert_error_answers;
use crate::testing::{meta, oauth2, recorder};

/// The access token every Reddit test's credential holds.
pub const TOKEN: &str = "reddit-token";
/// The `Authorization` header every request with it carries.
pub const BEARER: &str = "Bearer reddit-token";

/// The `credentials` input naming the test credential.
pub fn creds() -> Value {
    meta("reddit", "oauth2")
}

/// The test credential, granted `scope` (`read`, `submit`…).
pub fn credential(scope: &str) -> Credential {
    oauth2("reddit", TOKEN, &[scope])
}

/// A recorder for a run against `server` with the credential granted `scope`.
pub fn rec(server: &MockServer, scope: &str) -> Recorder {
    recorder(server, credential(scope))
}

/// A Reddit `Listing` of `things` of `kind` (`t1` comments, `t3` posts…), `after` the next page.
pub fn listing(kind: &str, things: Value, after: Option<&str>) -> Value {
    let children: Vec<Value> = things
        .as_array()
        .expect("a list of things")
        .iter()
        .map(|t| json!({"kind": kind, "data": t}))
        .collect();
    json!({"kind": "Listing", "data": {"after": after, "children": children}})
}

/// The pins a run yielded on, in order.
pub fn pins(out: &[(String, Value)]) -> Vec<&str> {
    out.iter().map(|(p, _)| p.as_str()).collect()
}

/// `make()` on `input` meets Reddit's error answers (its `{"message", "error"}` body) with the
/// credential granted `scope`.
pub async fn assert_reddit_error_answers<B: Block>(
    make: impl Fn() -> B,
    input: Value,
    scope: &str,
) {
    let body = json!({"message": "Forbidden", "error": 403});
    assert_error_answers(make, input, credential(scope), "reddit", body, "Forbidden").await;
}

/// A `Listing` of posts (`t3`) with no next page.
pub fn posts(things: Value) -> Value {
    listing("t3", things, None)
}
