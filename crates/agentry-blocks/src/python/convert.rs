//! AutoGPT's `convert(value, type)` (backend/util/type.py) over JSON values: the target type is
//! the type of a value (`like`). The converters themselves are `agentry_core::coerce`'s, the
//! one port of type.py, which the engine's input coercion uses too.

use serde_json::{Map, Value};

pub use agentry_core::coerce::{dict_from_text, list_from_text, to_bool, wrap_value};

use super::{float_value, numeric, parse_float, python_dumps};

/// AutoGPT's `convert(value, type(like))`. `None` means the result is a Python value no JSON
/// value equals (a list of tuples, a dict with int keys).
pub fn convert_like(value: &Value, like: &Value) -> Option<Value> {
    let converted = match like {
        Value::Null => value.clone(),
        Value::Bool(_) => Value::Bool(to_bool(value)),
        Value::Number(n) => to_number(value, n.is_f64()),
        Value::String(_) => match value {
            Value::String(_) => value.clone(),
            other => Value::String(python_dumps(other)),
        },
        Value::Array(_) => match value {
            Value::Array(_) => value.clone(),
            Value::Object(m) if m.is_empty() => Value::Array(Vec::new()),
            Value::Object(_) => return None,
            Value::String(s) => list_from_text(s),
            other => Value::Array(vec![other.clone()]),
        },
        Value::Object(_) => match value {
            Value::Object(_) => value.clone(),
            Value::Array(a) if a.is_empty() => Value::Object(Map::new()),
            Value::Array(_) => return None,
            Value::String(s) => dict_from_text(s),
            other => wrap_value(other.clone()),
        },
    };
    Some(converted)
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
