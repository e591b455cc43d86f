//! What the runner writes back: the user's stdout, then a marker and one JSON `Report`.
//!
//! A program may print the marker itself; it only fools its own result, which it controls anyway.

use serde::{Deserialize, Serialize};

/// Separates the user's stdout from the report that closes it.
pub const MARKER: &str = "\u{0}AGENTRY-SANDBOX-REPORT\u{0}";

/// How the code ended, as the runner saw it.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct Report {
    /// The text form of the value of the last expression, when there is one.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub result: Option<String>,
    /// `Name: message` of an uncaught exception.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub error: Option<String>,
}

/// Splits raw stdout into the user's part and the report, when one was written.
pub fn split(stdout: &str) -> (&str, Option<Report>) {
    match stdout.rfind(MARKER) {
        Some(at) => {
            let report = serde_json::from_str(stdout[at + MARKER.len()..].trim()).ok();
            match report {
                Some(report) => (&stdout[..at], Some(report)),
                None => (stdout, None),
            }
        }
        None => (stdout, None),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn splits_the_last_report_off() {
        let raw = format!("hi\n{MARKER}{{\"result\":\"3\"}}");
        let (out, report) = split(&raw);
        assert_eq!(out, "hi\n");
        assert_eq!(report.unwrap().result.as_deref(), Some("3"));
        assert_eq!(split("plain"), ("plain", None));
        let broken = format!("x{MARKER}not json");
        assert_eq!(split(&broken), (broken.as_str(), None));
    }
}
