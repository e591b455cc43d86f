//! Value coercion: converts pin values to the JSON type the block's input schema asks for,
//! as AutoGPT's `backend/util/type.py` does (strings to numbers, numbers to strings, …).
//!
//! The one port of type.py's converters (`to_bool`, `list_from_text`, `dict_from_text`,
//! `wrap_value`): the engine's input coercion here and the blocks that convert values
//! (UniversalTypeConverterBlock, IfInputMatchesBlock) call the same functions.

use serde_json::{Map, Number, Value};

/// The JSON types a schema allows, in the order given (`null` last).
fn schema_types(schema: &Value) -> Vec<&str> {
    let mut types = Vec::new();
    match schema.get("type") {
        Some(Value::String(t)) => types.push(t.as_str()),
        Some(Value::Array(ts)) => types.extend(ts.iter().filter_map(Value::as_str)),
        _ => {}
    }
    for key in ["anyOf", "oneOf"] {
        if let Some(Value::Array(alts)) = schema.get(key) {
            for alt in alts {
                types.extend(schema_types(alt));
            }
        }
    }
    types
}

fn matches_type(value: &Value, ty: &str) -> bool {
    match ty {
        "string" => value.is_string(),
        "number" => value.is_number(),
        "integer" => value.as_i64().is_some() || value.as_u64().is_some(),
        "boolean" => value.is_boolean(),
        "array" => value.is_array(),
        "object" => value.is_object(),
        "null" => value.is_null(),
        _ => true,
    }
}

/// Python's `str()` of a JSON value, which AutoGPT uses to turn values into text.
pub fn to_text(value: &Value) -> String {
    match value {
        Value::String(s) => s.clone(),
        Value::Bool(true) => "True".into(),
        Value::Bool(false) => "False".into(),
        Value::Null => "None".into(),
        Value::Number(n) => n.to_string(),
        other => other.to_string(),
    }
}

/// Python's `float(text)` for the texts JSON carries: surrounding whitespace allowed, `inf` and
/// `nan` refused (JSON has no place for them).
fn py_float(text: &str) -> Option<f64> {
    text.trim()
        .replace('_', "")
        .parse::<f64>()
        .ok()
        .filter(|f| f.is_finite())
}

/// type.py's `__convert_bool`: a text is true only when it reads "true" or "1" in any case
/// ("yes" is false); any other value by Python's truthiness.
pub fn to_bool(value: &Value) -> bool {
    match value {
        Value::Null => false,
        Value::Bool(b) => *b,
        Value::Number(n) => n.as_f64() != Some(0.0),
        Value::String(s) => matches!(s.to_lowercase().as_str(), "true" | "1"),
        Value::Array(a) => !a.is_empty(),
        Value::Object(o) => !o.is_empty(),
    }
}

/// type.py's `__convert_list` of a text: parsed when it looks like a JSON list, else the
/// trimmed text alone in a list.
pub fn list_from_text(s: &str) -> Value {
    let s = s.trim();
    let parsed = (s.starts_with('[') && s.ends_with(']'))
        .then(|| serde_json::from_str::<Value>(s).ok())
        .flatten();
    parsed.unwrap_or_else(|| Value::Array(vec![Value::String(s.to_string())]))
}

/// type.py's `__convert_dict` of a text: the JSON object it holds, else its value (or the
/// text itself) under `value`.
pub fn dict_from_text(s: &str) -> Value {
    match serde_json::from_str::<Value>(s) {
        Ok(v @ Value::Object(_)) => v,
        Ok(other) => wrap_value(other),
        Err(_) => wrap_value(Value::String(s.to_string())),
    }
}

/// `{"value": v}`, how type.py turns a non-mapping into a dict.
pub fn wrap_value(v: Value) -> Value {
    let mut map = Map::new();
    map.insert("value".into(), v);
    Value::Object(map)
}

fn convert(value: &Value, ty: &str) -> Option<Value> {
    match (ty, value) {
        ("string", v) if !v.is_null() => Some(Value::String(to_text(v))),
        // type.py's `__convert_num`: `float(value)`, and 0 when that fails ("Fallback
        // conversion"), so an empty or wordy text reaches a number pin as 0.
        ("number", Value::String(s)) => {
            Number::from_f64(py_float(s).unwrap_or(0.0)).map(Value::Number)
        }
        ("number", Value::Bool(b)) => Some(Value::from(u8::from(*b))),
        // `int(float(value))`: truncated, 0 when the text is no number.
        ("integer", Value::String(s)) => {
            Some(Value::from(py_float(s).unwrap_or(0.0).trunc() as i64))
        }
        ("integer", Value::Number(n)) => Some(Value::from(n.as_f64()?.trunc() as i64)),
        ("integer", Value::Bool(b)) => Some(Value::from(u8::from(*b))),
        ("boolean", v @ (Value::String(_) | Value::Number(_))) => Some(Value::Bool(to_bool(v))),
        ("array", Value::String(s)) => Some(list_from_text(s)),
        ("array", Value::Object(m)) => Some(Value::Array(
            m.iter()
                .map(|(k, v)| Value::Array(vec![Value::String(k.clone()), v.clone()]))
                .collect(),
        )),
        ("array", v) if !v.is_null() => Some(Value::Array(vec![v.clone()])),
        ("object", Value::String(s)) => Some(dict_from_text(s)),
        _ => None,
    }
}

/// Coerces one value to a property schema; returns it unchanged when no rule applies.
pub fn coerce_value(value: Value, schema: &Value) -> Value {
    let types = schema_types(schema);
    if types.is_empty() || types.iter().any(|t| matches_type(&value, t)) {
        return coerce_items(value, schema);
    }
    for ty in types.iter().filter(|t| **t != "null") {
        if let Some(converted) = convert(&value, ty) {
            return coerce_items(converted, schema);
        }
    }
    value
}

/// Recurses into array items and dictionary values when the schema says what they are, as
/// type.py converts `list[T]` items and `dict[str, T]` values (a map reaching
/// `dict[str, str]` becomes its JSON text).
fn coerce_items(value: Value, schema: &Value) -> Value {
    match value {
        Value::Array(items) => match schema.get("items").filter(|s| s.is_object()) {
            Some(item_schema) => Value::Array(
                items
                    .into_iter()
                    .map(|v| coerce_value(v, item_schema))
                    .collect(),
            ),
            None => Value::Array(items),
        },
        Value::Object(map) => match schema.get("additionalProperties").filter(|s| s.is_object()) {
            Some(value_schema) => Value::Object(
                map.into_iter()
                    .map(|(k, v)| (k, coerce_value(v, value_schema)))
                    .collect(),
            ),
            None => Value::Object(map),
        },
        v => v,
    }
}

/// Whether `coerce_value` can change a value on a pin of this schema: not on an untyped
/// ("any") pin whose items and values are untyped too, which a block takes as it comes.
pub fn may_coerce(schema: &Value) -> bool {
    !schema_types(schema).is_empty()
        || schema.get("items").is_some_and(Value::is_object)
        || schema
            .get("additionalProperties")
            .is_some_and(Value::is_object)
}

/// Coerces every input whose pin the schema describes, in place: each keeps its place in the
/// object (a remove and insert moved it to the end and another key into its place, and cost
/// a copy of its name and two more lookups, on every pin of every node start).
pub fn coerce_inputs(input: &mut Map<String, Value>, input_schema: &Value) {
    let Some(props) = input_schema.get("properties").and_then(Value::as_object) else {
        return;
    };
    for (name, schema) in props {
        if let Some(v) = input.get_mut(name) {
            *v = coerce_value(v.take(), schema);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn inputs_are_coerced_where_they_are() {
        let schema = json!({"properties": {
            "b": {"type": "number"}, "a": {"type": "string"}, "c": {}
        }});
        let mut input = serde_json::from_str::<Map<String, Value>>(
            r#"{"a": 1, "x": true, "b": "2", "c": "3"}"#,
        )
        .unwrap();
        coerce_inputs(&mut input, &schema);
        assert_eq!(
            Value::Object(input).to_string(),
            r#"{"a":"1","x":true,"b":2.0,"c":"3"}"#
        );
    }

    #[test]
    fn strings_become_numbers_and_back() {
        assert_eq!(
            coerce_value(json!("8"), &json!({"type": "number"})),
            json!(8.0)
        );
        assert_eq!(
            coerce_value(json!(" 3 "), &json!({"type": "integer"})),
            json!(3)
        );
        assert_eq!(
            coerce_value(json!(42.5), &json!({"type": "string"})),
            json!("42.5")
        );
        assert_eq!(
            coerce_value(json!(true), &json!({"type": "string"})),
            json!("True")
        );
        assert_eq!(
            coerce_value(json!({"a": 1}), &json!({"type": "string"})),
            json!("{\"a\":1}")
        );
    }

    #[test]
    fn optional_types_and_lists() {
        let opt = json!({"type": ["integer", "null"]});
        assert_eq!(coerce_value(json!(null), &opt), json!(null));
        assert_eq!(coerce_value(json!("5"), &opt), json!(5));
        let list = json!({"type": "array", "items": {"type": "string"}});
        assert_eq!(coerce_value(json!("[1, 2]"), &list), json!(["1", "2"]));
        assert_eq!(coerce_value(json!("x"), &list), json!(["x"]));
        // As type.py: only "true" and "1" are true.
        let flag = json!({"anyOf": [{"type": "boolean"}, {"type": "null"}]});
        assert_eq!(coerce_value(json!("yes"), &flag), json!(false));
        assert_eq!(coerce_value(json!("TRUE"), &flag), json!(true));
        assert_eq!(coerce_value(json!("1"), &flag), json!(true));
        assert_eq!(
            coerce_value(json!("x"), &json!({"type": "object"})),
            json!({"value": "x"})
        );
    }

    #[test]
    fn dictionary_values_are_coerced_to_their_type() {
        let prompt_values = json!({"type": "object", "additionalProperties": {"type": "string"}});
        assert_eq!(
            coerce_value(json!({"A": {"k": 1}, "B": 2}), &prompt_values),
            json!({"A": "{\"k\":1}", "B": "2"})
        );
    }

    #[test]
    fn unconvertible_numbers_fall_back_to_zero_as_type_py() {
        assert_eq!(
            coerce_value(json!("abc"), &json!({"type": "number"})),
            json!(0.0)
        );
        let optional_int = json!({"anyOf": [{"type": "integer"}, {"type": "null"}]});
        assert_eq!(coerce_value(json!(""), &optional_int), json!(0));
        assert_eq!(coerce_value(json!("3.7"), &optional_int), json!(3));
        assert_eq!(
            coerce_value(json!(2.9), &json!({"type": "integer"})),
            json!(2)
        );
    }
}
