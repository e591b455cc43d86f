//! A run's inputs as the JSON text of an object: checked for shape, size and required names
//! without building a tree, written to the run row as they are, and split into each input's
//! text when the run starts here (never parsed into trees on the way to the input nodes). A parsed tree costs tens of times its text (72 bytes a number in a list of
//! numbers), so a request's megabytes of inputs never meet a second copy before the run.

use std::collections::HashMap;
use std::ops::Deref;

use agentry_core::Datum;
use serde_json::value::RawValue;
use serde_json::{Map, Value};

use crate::RunRow;

/// The JSON text of a run's inputs, always an object, without insignificant whitespace.
#[derive(Debug, Clone)]
pub struct RunInputs(Box<RawValue>);

impl RunInputs {
    /// Inputs given as a map (schedules, presets, sub-agents, tests).
    pub fn from_map(map: &Map<String, Value>) -> RunInputs {
        // A map of `Value`s always serializes.
        RunInputs(serde_json::value::to_raw_value(map).expect("a JSON map serializes"))
    }

    /// Inputs given as text (a request body's `inputs`): an object, or an error naming what
    /// the text is instead. The text is kept, compacted, never parsed to a tree.
    pub fn from_text(raw: &RawValue) -> Result<RunInputs, String> {
        let text = raw.get().trim_start();
        if !text.starts_with('{') {
            let kind = match text.as_bytes().first() {
                Some(b'[') => "an array",
                Some(b'"') => "a string",
                Some(b'n') => "null",
                Some(b't' | b'f') => "a boolean",
                _ => "a number",
            };
            return Err(format!("inputs must be a JSON object, not {kind}"));
        }
        let compact = compact(raw.get());
        // Compacting valid JSON gives valid JSON.
        RawValue::from_string(compact)
            .map(RunInputs)
            .map_err(|e| format!("inputs: {e}"))
    }

    /// Inputs as written to a run's row (they were a `RunInputs` before).
    pub(crate) fn written(raw: Box<RawValue>) -> RunInputs {
        RunInputs(raw)
    }

    /// No inputs: `{}`.
    pub fn empty() -> RunInputs {
        RunInputs::from_map(&Map::new())
    }

    /// The compact JSON text.
    pub fn text(&self) -> &str {
        self.0.get()
    }

    /// The text's length in bytes, which is what the size cap counts.
    pub fn bytes(&self) -> u64 {
        self.0.get().len() as u64
    }

    /// Which of `required` are absent or null, read from the text without parsing values.
    pub fn missing(&self, required: impl IntoIterator<Item = String>) -> Vec<String> {
        // Borrowed: each value is a slice of the text; duplicate names keep the last, as a
        // parsed map (and both databases' JSON) do.
        let fields: HashMap<String, &RawValue> =
            serde_json::from_str(self.0.get()).unwrap_or_default();
        required
            .into_iter()
            .filter(|name| fields.get(name).is_none_or(|v| v.get() == "null"))
            .collect()
    }

    /// The inputs by name, each value held as its own text, for a run starting in this
    /// process: its input nodes take the text as it is.
    pub fn values(&self) -> HashMap<String, Datum> {
        // Always an object (checked or written from a map); duplicate names keep the last.
        let fields: HashMap<String, Box<RawValue>> =
            serde_json::from_str(self.0.get()).unwrap_or_default();
        fields
            .into_iter()
            .map(|(name, text)| (name, Datum::from_text(text)))
            .collect()
    }

    pub fn into_raw(self) -> Box<RawValue> {
        self.0
    }
}

/// Valid JSON without whitespace outside strings; strings, numbers and escapes stay as written.
fn compact(json: &str) -> String {
    let mut out = String::with_capacity(json.len());
    let (mut in_string, mut escaped) = (false, false);
    for c in json.chars() {
        if in_string {
            out.push(c);
            if escaped {
                escaped = false;
            } else if c == '\\' {
                escaped = true;
            } else if c == '"' {
                in_string = false;
            }
        } else if !matches!(c, ' ' | '\t' | '\n' | '\r') {
            in_string = c == '"';
            out.push(c);
        }
    }
    out
}

/// A run as created: its row, and its inputs as text (the row's `inputs` is null: the text is
/// what was written, and a copy of it as a tree is what this type avoids).
#[derive(Debug)]
pub struct CreatedRun {
    pub row: RunRow,
    pub inputs: RunInputs,
}

impl Deref for CreatedRun {
    type Target = RunRow;

    fn deref(&self) -> &RunRow {
        &self.row
    }
}

#[cfg(test)]
mod tests {
    use serde_json::json;

    use super::*;

    fn raw(text: &str) -> Box<RawValue> {
        RawValue::from_string(text.into()).unwrap()
    }

    #[test]
    fn text_is_compacted_outside_strings_only() {
        let inputs =
            RunInputs::from_text(&raw("{ \"a b\" : [1, 2 ,\n3],\t\"s\": \"x \\\" y\\\\\" }"))
                .unwrap();
        assert_eq!(inputs.text(), r#"{"a b":[1,2,3],"s":"x \" y\\"}"#);
        let values = inputs.values();
        assert_eq!(values["a b"].as_text(), Some("[1,2,3]"));
        assert_eq!(values["s"], json!("x \" y\\"));
        assert_eq!(inputs.bytes(), inputs.text().len() as u64);
    }

    #[test]
    fn only_an_object_is_accepted() {
        for (text, kind) in [
            ("[1]", "an array"),
            ("\"x\"", "a string"),
            ("null", "null"),
            ("true", "a boolean"),
            ("3", "a number"),
        ] {
            let err = RunInputs::from_text(&raw(text)).unwrap_err();
            assert_eq!(err, format!("inputs must be a JSON object, not {kind}"));
        }
    }

    #[test]
    fn missing_names_are_absent_or_null() {
        let inputs =
            RunInputs::from_text(&raw(r#"{"a": 1, "b": null, "c": {"a": null}}"#)).unwrap();
        let missing = inputs.missing(["a", "b", "c", "d"].map(String::from));
        assert_eq!(missing, ["b", "d"]);
        let from_map = RunInputs::from_map(json!({"a": 1}).as_object().unwrap());
        assert_eq!(from_map.text(), r#"{"a":1}"#);
        assert_eq!(RunInputs::empty().text(), "{}");
    }
}
