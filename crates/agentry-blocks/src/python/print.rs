//! Python's printing of values AutoGPT's blocks show: `str()` and `repr()` of template values,
//! so that rendered text matches Jinja2's (`True`, `None`, `['a', 1]`, `1.0`), and `json.dumps`.

use minijinja::value::{Value, ValueKind};
use serde_json::Value as Json;

/// Python's `str()` of a template value: strings as they are, everything else as `repr()`.
pub fn str_of(value: &Value) -> String {
    match value.as_str() {
        Some(s) => s.to_string(),
        None => repr_of(value),
    }
}

/// Python's `str()` of a JSON value.
pub fn json_str(value: &Json) -> String {
    str_of(&crate::text::template::to_value(value))
}

/// Python's `repr()` of a JSON value.
pub fn json_repr(value: &Json) -> String {
    repr_of(&crate::text::template::to_value(value))
}

/// Python's `repr()` of a template value.
pub fn repr_of(value: &Value) -> String {
    let mut out = String::new();
    write_repr(&mut out, value);
    out
}

fn write_repr(out: &mut String, value: &Value) {
    match value.kind() {
        ValueKind::Undefined => {}
        ValueKind::None => out.push_str("None"),
        ValueKind::Bool => out.push_str(if value.is_true() { "True" } else { "False" }),
        ValueKind::Number if value.is_integer() => out.push_str(&value.to_string()),
        ValueKind::Number => match f64::try_from(value.clone()) {
            Ok(f) => out.push_str(&float(f)),
            Err(_) => out.push_str(&value.to_string()),
        },
        ValueKind::String => out.push_str(&string_repr(value.as_str().unwrap_or_default())),
        ValueKind::Seq | ValueKind::Iterable => {
            out.push('[');
            if let Ok(items) = value.try_iter() {
                for (i, item) in items.enumerate() {
                    if i > 0 {
                        out.push_str(", ");
                    }
                    write_repr(out, &item);
                }
            }
            out.push(']');
        }
        ValueKind::Map => {
            out.push('{');
            if let Ok(keys) = value.try_iter() {
                for (i, key) in keys.enumerate() {
                    if i > 0 {
                        out.push_str(", ");
                    }
                    write_repr(out, &key);
                    out.push_str(": ");
                    write_repr(out, &value.get_item(&key).unwrap_or_default());
                }
            }
            out.push('}');
        }
        _ => out.push_str(&value.to_string()),
    }
}

/// Python's `repr()` of a float: shortest round trip, `.0` on whole numbers, exponent outside
/// `1e-4 <= |x| < 1e16`.
pub fn float(f: f64) -> String {
    if f.is_nan() {
        return "nan".into();
    }
    if f.is_infinite() {
        return if f > 0.0 { "inf" } else { "-inf" }.into();
    }
    let sci = format!("{f:e}");
    let (mantissa, exp) = sci.split_once('e').unwrap_or((&sci, "0"));
    let exp: i32 = exp.parse().unwrap_or(0);
    if f == 0.0 || (-4..16).contains(&exp) {
        let plain = f.to_string();
        if plain.contains('.') {
            plain
        } else {
            format!("{plain}.0")
        }
    } else {
        let sign = if exp < 0 { '-' } else { '+' };
        format!("{mantissa}e{sign}{:02}", exp.abs())
    }
}

/// Python's `repr()` of a string: single quotes unless the text holds only single quotes.
pub fn string_repr(s: &str) -> String {
    let quote = if s.contains('\'') && !s.contains('"') {
        '"'
    } else {
        '\''
    };
    let mut out = String::with_capacity(s.len() + 2);
    out.push(quote);
    for c in s.chars() {
        match c {
            '\\' => out.push_str("\\\\"),
            '\n' => out.push_str("\\n"),
            '\r' => out.push_str("\\r"),
            '\t' => out.push_str("\\t"),
            c if c == quote => {
                out.push('\\');
                out.push(c);
            }
            c if (c as u32) < 0x20 || c as u32 == 0x7f => {
                out.push_str(&format!("\\x{:02x}", c as u32));
            }
            c => out.push(c),
        }
    }
    out.push(quote);
    out
}

/// Python's `json.dumps` with its defaults: `", "` and `": "` separators, ASCII-only output.
pub fn python_dumps(value: &Json) -> String {
    let mut out = String::new();
    write_json(&mut out, value);
    out
}

fn write_json(out: &mut String, value: &Json) {
    match value {
        Json::Null => out.push_str("null"),
        Json::Bool(b) => out.push_str(if *b { "true" } else { "false" }),
        Json::Number(n) if n.is_f64() => match n.as_f64() {
            Some(f) => out.push_str(&float(f)),
            None => out.push_str(&n.to_string()),
        },
        Json::Number(n) => out.push_str(&n.to_string()),
        Json::String(s) => write_json_string(out, s),
        Json::Array(items) => {
            out.push('[');
            for (i, item) in items.iter().enumerate() {
                if i > 0 {
                    out.push_str(", ");
                }
                write_json(out, item);
            }
            out.push(']');
        }
        Json::Object(map) => {
            out.push('{');
            for (i, (k, v)) in map.iter().enumerate() {
                if i > 0 {
                    out.push_str(", ");
                }
                write_json_string(out, k);
                out.push_str(": ");
                write_json(out, v);
            }
            out.push('}');
        }
    }
}

fn write_json_string(out: &mut String, s: &str) {
    out.push('"');
    for c in s.chars() {
        match c {
            '"' => out.push_str("\\\""),
            '\\' => out.push_str("\\\\"),
            '\n' => out.push_str("\\n"),
            '\r' => out.push_str("\\r"),
            '\t' => out.push_str("\\t"),
            '\u{8}' => out.push_str("\\b"),
            '\u{c}' => out.push_str("\\f"),
            c if c.is_ascii() && !c.is_ascii_control() => out.push(c),
            c => {
                let mut units = [0u16; 2];
                for unit in c.encode_utf16(&mut units) {
                    out.push_str(&format!("\\u{unit:04x}"));
                }
            }
        }
    }
    out.push('"');
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn floats_print_as_python() {
        assert_eq!(float(1.0), "1.0");
        assert_eq!(float(0.1 + 0.2), "0.30000000000000004");
        assert_eq!(float(1e20), "1e+20");
        assert_eq!(float(1.5e-7), "1.5e-07");
        assert_eq!(float(-0.0001), "-0.0001");
        assert_eq!(float(1e15), "1000000000000000.0");
    }

    #[test]
    fn containers_print_as_python() {
        let v = crate::text::template::to_value(
            &serde_json::json!({"a": [true, null, "it's", 2, 2.5]}),
        );
        assert_eq!(str_of(&v), "{'a': [True, None, \"it's\", 2, 2.5]}");
        assert_eq!(str_of(&Value::from("plain")), "plain");
        assert_eq!(string_repr("a'b\"c\n"), "'a\\'b\"c\\n'");
    }

    #[test]
    fn dumps_like_python() {
        assert_eq!(
            python_dumps(&json!({"a": [1, "é"]})),
            "{\"a\": [1, \"\\u00e9\"]}"
        );
    }
}
