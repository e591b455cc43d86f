//! What the regex blocks share: Python `re` flags mapped to a `Regex`, and non-text input turned
//! into JSON text as AutoGPT does before matching. fancy-regex, because AutoGPT's patterns are
//! Python's: look-ahead (`^(?!\s*$).+` in the Lead Finder export), look-behind, backreferences.

use agentry_core::BlockError;
use fancy_regex::{Regex, RegexBuilder};
use serde_json::Value;

/// Compiles `pattern` with Python's `re.IGNORECASE` / `re.DOTALL` equivalents.
pub fn compile(pattern: &str, case_sensitive: bool, dot_all: bool) -> Result<Regex, BlockError> {
    RegexBuilder::new(pattern)
        .case_insensitive(!case_sensitive)
        .dot_matches_new_line(dot_all)
        .build()
        .map_err(|e| BlockError::input(format!("invalid pattern: {e}")))
}

/// The text to match: a string as is, anything else as compact JSON (AutoGPT's `json.dumps`).
pub fn subject(text: &Value) -> String {
    match text {
        Value::String(s) => s.clone(),
        other => other.to_string(),
    }
}
