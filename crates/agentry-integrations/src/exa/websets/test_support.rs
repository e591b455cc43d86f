//! What the webset blocks' tests share: the Exa key, a credentials input and a recorder for it,
//! and the output pins in order.

use serde_json::Value;
use wiremock::MockServer;

use crate::testing::{api_key, meta, recorder};

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

/// The pins of `out`, in order.
pub(crate) fn pins(out: &[(String, Value)]) -> Vec<&str> {
    out.iter().map(|(p, _)| p.as_str()).collect()
}
