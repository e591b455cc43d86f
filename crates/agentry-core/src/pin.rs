//! Pin names: AutoGPT's nested (dynamic) pin syntax `_#_` dict key, `_$_` list index, `_@_` attribute.

use serde_json::{Map, Value};

pub const LIST_SPLIT: &str = "_$_";
pub const DICT_SPLIT: &str = "_#_";
pub const OBJC_SPLIT: &str = "_@_";
/// Tool-call routing pins emitted by SmartDecisionMaker: `tools_^_{sink}_~_{field}`.
pub const TOOL_SPLIT: &str = "_^_";

const DELIMITERS: [&str; 3] = [LIST_SPLIT, DICT_SPLIT, OBJC_SPLIT];

/// The largest list index a nested sink pin may name. The list is padded up to it, so an
/// unbounded index (`x_$_99999999999`) would abort the process on allocation.
pub const MAX_LIST_INDEX: usize = 65_535;

/// The pin a (possibly nested) pin name belongs to: `values_#_name` → `values`, `tools_^_x_~_y` → `tools`.
pub fn base_name(pin: &str) -> &str {
    // The first delimiter of any kind (`_$_`, `_#_`, `_@_`, `_^_`), in one pass over the bytes:
    // a `str::find` per delimiter set up a substring searcher each time, and every pin of every
    // node start asks this (5 % of a pure step's instructions, docs/benchmarks.md). A `_` is
    // ASCII, so its index is a character boundary.
    let end = pin
        .as_bytes()
        .windows(3)
        .position(|w| w[0] == b'_' && w[2] == b'_' && matches!(w[1], b'$' | b'#' | b'@' | b'^'))
        .unwrap_or(pin.len());
    &pin[..end]
}

/// True when the name addresses a part of a pin rather than the whole pin.
pub fn is_nested(pin: &str) -> bool {
    base_name(pin).len() != pin.len()
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Step<'a> {
    Index(&'a str),
    Key(&'a str),
    Attr(&'a str),
}

fn next_delimiter(s: &str) -> Option<(usize, &'static str)> {
    DELIMITERS
        .iter()
        .filter_map(|d| s.find(d).map(|i| (i, *d)))
        .min_by_key(|(i, _)| *i)
}

/// Splits a path that starts with a delimiter into steps; `None` when malformed.
fn tokenize(mut path: &str) -> Option<Vec<Step<'_>>> {
    let mut steps = Vec::new();
    while !path.is_empty() {
        let delim = DELIMITERS.iter().find(|d| path.starts_with(**d))?;
        path = &path[delim.len()..];
        let end = next_delimiter(path).map_or(path.len(), |(i, _)| i);
        let ident = &path[..end];
        if ident.is_empty() {
            return None;
        }
        path = &path[end..];
        steps.push(match *delim {
            LIST_SPLIT => Step::Index(ident),
            DICT_SPLIT => Step::Key(ident),
            _ => Step::Attr(ident),
        });
    }
    Some(steps)
}

/// Source side: picks the value a link named `selector` takes from output `(pin, value)`.
/// Exact name → the whole value; a nested selector → the part; any miss → `None` (nothing sent).
pub fn select_output<'v>(pin: &str, value: &'v Value, selector: &str) -> Option<&'v Value> {
    if selector == pin {
        return Some(value);
    }
    let path = selector.strip_prefix(pin)?;
    if path.is_empty() {
        return None;
    }
    let mut cur = value;
    for step in tokenize(path)? {
        cur = match step {
            Step::Index(i) => cur.as_array()?.get(i.parse::<usize>().ok()?)?,
            Step::Key(k) | Step::Attr(k) => cur.as_object()?.get(k)?,
        };
    }
    Some(cur)
}

fn assign(container: Value, steps: &[Step<'_>], value: Value) -> Result<Value, String> {
    let Some((first, rest)) = steps.split_first() else {
        return Ok(value);
    };
    match first {
        Step::Index(i) => {
            let idx: usize = i
                .parse()
                .map_err(|_| format!("list index `{i}` must be an integer"))?;
            if idx > MAX_LIST_INDEX {
                return Err(format!(
                    "list index {idx} is too large (at most {MAX_LIST_INDEX})"
                ));
            }
            let mut list = match container {
                Value::Array(a) => a,
                _ => Vec::new(),
            };
            if list.len() <= idx {
                list.resize(idx + 1, Value::Null);
            }
            let slot = std::mem::take(&mut list[idx]);
            list[idx] = assign(slot, rest, value)?;
            Ok(Value::Array(list))
        }
        Step::Key(k) | Step::Attr(k) => {
            let mut map = match container {
                Value::Object(m) => m,
                _ => Map::new(),
            };
            let slot = map.remove(*k).unwrap_or(Value::Null);
            map.insert((*k).to_string(), assign(slot, rest, value)?);
            Ok(Value::Object(map))
        }
    }
}

/// Sink side: rebuilds nested values from flattened pins (`values_#_a` → `values["a"]`).
/// The base pin's existing value (e.g. an `input_default` placeholder) is the starting container.
/// Flattened keys stay in the map; blocks ignore them.
pub fn merge_nested_inputs(data: &mut Map<String, Value>) -> Result<(), String> {
    let nested: Vec<String> = data
        .keys()
        .filter(|k| next_delimiter(k).is_some())
        .cloned()
        .collect();
    for key in nested {
        let Some((pos, _)) = next_delimiter(&key) else {
            continue;
        };
        let (base, path) = key.split_at(pos);
        let Some(steps) = tokenize(path) else {
            continue;
        };
        let value = data.get(&key).cloned().unwrap_or(Value::Null);
        let container = data.remove(base).unwrap_or(Value::Null);
        let merged = assign(container, &steps, value)?;
        data.insert(base.to_string(), merged);
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn base_names() {
        assert_eq!(base_name("values_#_Confidence Score"), "values");
        assert_eq!(base_name("input_$_1"), "input");
        assert_eq!(base_name("obj_@_attr"), "obj");
        assert_eq!(base_name("tools_^_abc_~_prompt"), "tools");
        assert_eq!(base_name("plain_name"), "plain_name");
        // As the earliest of each delimiter's first occurrence, which is what it was written as.
        let by_find = |pin: &str| {
            let end = DELIMITERS
                .iter()
                .chain(std::iter::once(&TOOL_SPLIT))
                .filter_map(|d| pin.find(d))
                .min()
                .unwrap_or(pin.len());
            pin[..end].to_string()
        };
        for pin in [
            "",
            "_",
            "__",
            "_$_",
            "a_$_",
            "a__$_0",
            "a_$__#_b",
            "x_#_k_$_0",
            "été_@_ü",
            "ü_^_t_~_f",
            "a_$",
            "$_a",
            "_$$_",
            "a_%_b",
            "tools_^_x_#_y",
            "ends_with_",
        ] {
            assert_eq!(base_name(pin), by_find(pin), "{pin:?}");
        }
        assert!(is_nested("list_$_0"));
        assert!(!is_nested("list"));
    }

    #[test]
    fn select_whole_and_nested() {
        let v = json!({"attendees": ["a", "b"], "n": {"m": 1}});
        assert_eq!(select_output("event", &v, "event"), Some(&v));
        assert_eq!(
            select_output("event", &v, "event_#_attendees_$_1"),
            Some(&json!("b"))
        );
        assert_eq!(select_output("event", &v, "event_#_n_@_m"), Some(&json!(1)));
        assert_eq!(select_output("event", &v, "event_#_missing"), None);
        assert_eq!(select_output("event", &v, "event_#_attendees_$_9"), None);
        assert_eq!(select_output("event", &v, "other"), None);
        assert_eq!(select_output("event", &v, "event_#_"), None);
    }

    #[test]
    fn merge_builds_dicts_and_pads_lists() {
        let mut data = json!({
            "input": ["", ""],
            "input_$_1": "b",
            "values_#_Email ID": "x",
            "values_#_n": 2,
            "list_$_2": "z",
        })
        .as_object()
        .cloned()
        .unwrap();
        merge_nested_inputs(&mut data).unwrap();
        assert_eq!(data["input"], json!(["", "b"]));
        assert_eq!(data["values"], json!({"Email ID": "x", "n": 2}));
        assert_eq!(data["list"], json!([null, null, "z"]));
    }

    #[test]
    fn merge_rejects_non_integer_index() {
        let mut data = json!({"list_$_x": 1}).as_object().cloned().unwrap();
        assert!(merge_nested_inputs(&mut data).is_err());
    }

    #[test]
    fn merge_rejects_an_index_too_large_to_pad_to() {
        for name in [
            "list_$_65536",
            "list_$_99999999999",
            "list_$_18446744073709551615",
        ] {
            let mut data = json!({name: 1}).as_object().cloned().unwrap();
            let err = merge_nested_inputs(&mut data).unwrap_err();
            assert!(err.contains("too large"), "{err}");
        }
        let mut data = json!({"list_$_65535": 1}).as_object().cloned().unwrap();
        merge_nested_inputs(&mut data).unwrap();
        assert_eq!(data["list"].as_array().unwrap().len(), 65_536);
    }
}
