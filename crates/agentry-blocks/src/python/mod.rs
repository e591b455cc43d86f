//! Python value semantics AutoGPT's blocks rely on, in one place: truthiness, equality and
//! ordering here; printing (`str()`, `repr()`, `json.dumps`) in `print`; conversion in `convert`.
//!
//! AutoGPT compares deserialised JSON with Python operators, so `1 == 1.0 == True` and ordering
//! two values of unrelated types is a `TypeError`. These functions reproduce that.

use std::cmp::Ordering;

use serde_json::{Number, Value};

pub mod convert;
pub mod print;
pub mod random;

pub use convert::convert_like;
pub use print::{float, json_repr, json_str, python_dumps, repr_of, str_of, string_repr};

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

/// Python's `bool(x)` (`data or input` in AutoGPT): null, false, zero and empty strings, lists
/// and objects are false.
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
pub fn numeric(value: &Value) -> Option<f64> {
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
}
