//! Python's equality, ordering and type conversion over JSON values, as AutoGPT's blocks see them.
//!
//! AutoGPT compares deserialised JSON with Python operators, so `1 == 1.0 == True` and ordering
//! two values of unrelated types is a `TypeError`. These functions reproduce that.

use std::cmp::Ordering;

use serde_json::{Map, Number, Value};

/// Python's name for the type a JSON value deserialises to, as used in `TypeError` messages.
pub fn type_name(value: &Value) -> &'static str {
    match value {
        Value::Null => "NoneType",
        Value::Bool(_) => "bool",
        Value::Number(n) if n.is_f64() => "float",
        Value::Number(_) => "int",
        Value::String(_) => "str",
        Value::Array(_) => "list",
        Value::Object(_) => "dict",
    }
}

/// Python's `bool(x)`.
pub fn truthy(value: &Value) -> bool {
    match value {
        Value::Null => false,
        Value::Bool(b) => *b,
        Value::Number(n) => n.as_f64() != Some(0.0),
        Value::String(s) => !s.is_empty(),
        Value::Array(a) => !a.is_empty(),
        Value::Object(o) => !o.is_empty(),
    }
}

/// A value Python treats as a number (`bool` is a subclass of `int`), as `f64`.
fn numeric(value: &Value) -> Option<f64> {
    match value {
        Value::Bool(b) => Some(f64::from(u8::from(*b))),
        Value::Number(n) => n.as_f64(),
        _ => None,
    }
}

/// Python's `a == b`.
pub fn py_eq(a: &Value, b: &Value) -> bool {
    match (a, b) {
        (Value::Number(x), Value::Number(y)) => match (x.as_i64(), y.as_i64()) {
            // Exact for big integers, which `f64` would round.
            (Some(x), Some(y)) => x == y,
            _ => x.as_f64() == y.as_f64(),
        },
        (Value::Array(x), Value::Array(y)) => {
            x.len() == y.len() && x.iter().zip(y).all(|(a, b)| py_eq(a, b))
        }
        (Value::Object(x), Value::Object(y)) => {
            x.len() == y.len()
                && x.iter()
                    .all(|(k, v)| y.get(k).is_some_and(|other| py_eq(v, other)))
        }
        _ => match (numeric(a), numeric(b)) {
            (Some(x), Some(y)) => x == y,
            _ => a == b,
        },
    }
}

/// Python's ordering of two values, or the `TypeError` text when they are not orderable.
pub fn py_order(a: &Value, b: &Value, op: &str) -> Result<Ordering, String> {
    if let (Some(x), Some(y)) = (numeric(a), numeric(b)) {
        return Ok(x.partial_cmp(&y).unwrap_or(Ordering::Equal));
    }
    match (a, b) {
        (Value::String(x), Value::String(y)) => Ok(x.cmp(y)),
        (Value::Array(x), Value::Array(y)) => {
            // Lists order by their first unequal element, then by length.
            match x.iter().zip(y).find(|(a, b)| !py_eq(a, b)) {
                Some((a, b)) => py_order(a, b, op),
                None => Ok(x.len().cmp(&y.len())),
            }
        }
        _ => Err(format!(
            "'{op}' not supported between instances of '{}' and '{}'",
            type_name(a),
            type_name(b)
        )),
    }
}

/// JSON for a float, or `null` when it is not finite (JSON has no NaN).
pub fn float_value(f: f64) -> Value {
    Number::from_f64(f).map_or(Value::Null, Value::Number)
}

/// Python's `float(s)` for the forms JSON users write; `None` where Python raises.
pub fn parse_float(s: &str) -> Option<f64> {
    s.trim().parse::<f64>().ok().filter(|f| f.is_finite())
}

/// Python's `json.dumps(value)`: `", "` and `": "` separators, non-ASCII escaped.
pub fn python_dumps(value: &Value) -> String {
    let mut out = String::new();
    write_dumps(value, &mut out);
    out
}

fn write_dumps(value: &Value, out: &mut String) {
    match value {
        Value::Array(items) => {
            out.push('[');
            for (i, item) in items.iter().enumerate() {
                if i > 0 {
                    out.push_str(", ");
                }
                write_dumps(item, out);
            }
            out.push(']');
        }
        Value::Object(map) => {
            out.push('{');
            for (i, (k, v)) in map.iter().enumerate() {
                if i > 0 {
                    out.push_str(", ");
                }
                write_dumps(&Value::String(k.clone()), out);
                out.push_str(": ");
                write_dumps(v, out);
            }
            out.push('}');
        }
        Value::String(s) => {
            for c in Value::String(s.clone()).to_string().chars() {
                if c.is_ascii() {
                    out.push(c);
                } else {
                    let mut units = [0u16; 2];
                    for unit in c.encode_utf16(&mut units) {
                        out.push_str(&format!("\\u{unit:04x}"));
                    }
                }
            }
        }
        other => out.push_str(&other.to_string()),
    }
}

/// AutoGPT's `convert(value, type(like))` (backend/util/type.py). `None` means the result is a
/// Python value no JSON value equals (a list of tuples, a dict with int keys).
pub fn convert_like(value: &Value, like: &Value) -> Option<Value> {
    let converted = match like {
        Value::Null => value.clone(),
        Value::Bool(_) => Value::Bool(match value {
            Value::String(s) => matches!(s.to_lowercase().as_str(), "true" | "1"),
            other => truthy(other),
        }),
        Value::Number(n) => to_number(value, n.is_f64()),
        Value::String(_) => match value {
            Value::String(_) => value.clone(),
            other => Value::String(python_dumps(other)),
        },
        Value::Array(_) => match value {
            Value::Array(_) => value.clone(),
            Value::Object(m) if m.is_empty() => Value::Array(Vec::new()),
            Value::Object(_) => return None,
            Value::String(s) => {
                let s = s.trim();
                let parsed = (s.starts_with('[') && s.ends_with(']'))
                    .then(|| serde_json::from_str::<Value>(s).ok())
                    .flatten();
                parsed.unwrap_or_else(|| Value::Array(vec![Value::String(s.to_string())]))
            }
            other => Value::Array(vec![other.clone()]),
        },
        Value::Object(_) => match value {
            Value::Object(_) => value.clone(),
            Value::Array(a) if a.is_empty() => Value::Object(Map::new()),
            Value::Array(_) => return None,
            Value::String(s) => match serde_json::from_str::<Value>(s) {
                Ok(v @ Value::Object(_)) => v,
                Ok(other) => wrap_value(other),
                Err(_) => wrap_value(value.clone()),
            },
            other => wrap_value(other.clone()),
        },
    };
    Some(converted)
}

fn wrap_value(v: Value) -> Value {
    let mut map = Map::new();
    map.insert("value".into(), v);
    Value::Object(map)
}

/// AutoGPT's `__convert_num`: collections count, numbers keep, the rest go through `float()`.
fn to_number(value: &Value, float: bool) -> Value {
    let f = match value {
        Value::Array(a) => a.len() as f64,
        Value::Object(o) => o.len() as f64,
        // `isinstance(True, int)` holds, so a bool stays as it is for int targets.
        Value::Bool(_) if !float => return value.clone(),
        Value::Number(n) if n.is_f64() == float => return value.clone(),
        Value::String(s) => parse_float(s).unwrap_or(0.0),
        other => numeric(other).unwrap_or(0.0),
    };
    if float {
        float_value(f)
    } else {
        Value::from(f.trunc() as i64)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn equality_follows_python() {
        assert!(py_eq(&json!(1), &json!(1.0)));
        assert!(py_eq(&json!(true), &json!(1)));
        assert!(!py_eq(&json!("1"), &json!(1)));
        assert!(py_eq(&json!({"a": [1, 2.0]}), &json!({"a": [1.0, 2]})));
    }

    #[test]
    fn ordering_follows_python() {
        assert_eq!(py_order(&json!(2), &json!(1.5), ">"), Ok(Ordering::Greater));
        assert_eq!(
            py_order(&json!([1, 2]), &json!([1, 3]), "<"),
            Ok(Ordering::Less)
        );
        assert_eq!(
            py_order(&json!("a"), &json!(1.0), ">"),
            Err("'>' not supported between instances of 'str' and 'float'".into())
        );
    }

    #[test]
    fn dumps_like_python() {
        assert_eq!(
            python_dumps(&json!({"a": [1, "é"]})),
            "{\"a\": [1, \"\\u00e9\"]}"
        );
    }

    #[test]
    fn converts_like_autogpt() {
        assert_eq!(convert_like(&json!("10"), &json!(5)), Some(json!(10)));
        assert_eq!(convert_like(&json!("abc"), &json!(5)), Some(json!(0)));
        assert_eq!(
            convert_like(&json!("TRUE"), &json!(false)),
            Some(json!(true))
        );
        assert_eq!(convert_like(&json!(10), &json!("x")), Some(json!("10")));
        assert_eq!(
            convert_like(&json!("[1, 2]"), &json!([])),
            Some(json!([1, 2]))
        );
        assert_eq!(convert_like(&json!({"a": 1}), &json!([])), None);
    }
}
