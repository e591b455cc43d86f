//! Value coercion: converts pin values to the JSON type the block's input schema asks for,
//! as AutoGPT's `backend/util/type.py` does (strings to numbers, numbers to strings, …).
//!
//! The one port of type.py's converters (`to_bool`, `list_from_text`, `dict_from_text`,
//! `wrap_value`): the engine's input coercion here and the blocks that convert values
//! (UniversalTypeConverterBlock, IfInputMatchesBlock) call the same functions.

use serde_json::{Map, Number, Value};

/// A JSON type a schema names; `Other` is one coercion does not know, which every value
/// matches and none is converted to.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum JsonType {
    String,
    Number,
    Integer,
    Boolean,
    Array,
    Object,
    Null,
    Other,
}

impl JsonType {
    fn named(name: &str) -> Self {
        match name {
            "string" => JsonType::String,
            "number" => JsonType::Number,
            "integer" => JsonType::Integer,
            "boolean" => JsonType::Boolean,
            "array" => JsonType::Array,
            "object" => JsonType::Object,
            "null" => JsonType::Null,
            _ => JsonType::Other,
        }
    }

    fn matches(self, value: &Value) -> bool {
        match self {
            JsonType::String => value.is_string(),
            JsonType::Number => value.is_number(),
            JsonType::Integer => value.as_i64().is_some() || value.as_u64().is_some(),
            JsonType::Boolean => value.is_boolean(),
            JsonType::Array => value.is_array(),
            JsonType::Object => value.is_object(),
            JsonType::Null => value.is_null(),
            JsonType::Other => true,
        }
    }
}

/// The JSON types a schema allows, in the order given (`null` last).
fn schema_types(schema: &Value, types: &mut Vec<JsonType>) {
    match schema.get("type") {
        Some(Value::String(t)) => types.push(JsonType::named(t)),
        Some(Value::Array(ts)) => {
            types.extend(ts.iter().filter_map(Value::as_str).map(JsonType::named))
        }
        _ => {}
    }
    for key in ["anyOf", "oneOf"] {
        if let Some(Value::Array(alts)) = schema.get(key) {
            for alt in alts {
                schema_types(alt, types);
            }
        }
    }
}

/// What coercion reads of one property schema, worked out once: the types it allows, and
/// what its array items and dictionary values are (type.py's `list[T]` and `dict[str, T]`).
#[derive(Debug, Clone)]
pub struct Coercion {
    types: Vec<JsonType>,
    items: Option<Box<Coercion>>,
    values: Option<Box<Coercion>>,
}

impl Coercion {
    pub fn of(schema: &Value) -> Self {
        let mut types = Vec::new();
        schema_types(schema, &mut types);
        let nested = |key: &str| {
            schema
                .get(key)
                .filter(|s| s.is_object())
                .map(|s| Box::new(Coercion::of(s)))
        };
        Coercion {
            types,
            items: nested("items"),
            values: nested("additionalProperties"),
        }
    }

    /// Whether `apply` can change a value: not on an untyped ("any") pin whose items and
    /// values are untyped too, which a block takes as it comes.
    pub fn may_change(&self) -> bool {
        !self.types.is_empty() || self.items.is_some() || self.values.is_some()
    }

    /// Coerces one value; returns it unchanged when no rule applies.
    pub fn apply(&self, value: Value) -> Value {
        if self.types.is_empty() || self.types.iter().any(|t| t.matches(&value)) {
            return self.apply_inside(value);
        }
        for ty in self.types.iter().filter(|t| **t != JsonType::Null) {
            if let Some(converted) = convert(&value, *ty) {
                return self.apply_inside(converted);
            }
        }
        value
    }

    /// Recurses into array items and dictionary values when the schema says what they are, as
    /// type.py converts `list[T]` items and `dict[str, T]` values (a map reaching
    /// `dict[str, str]` becomes its JSON text).
    fn apply_inside(&self, value: Value) -> Value {
        match (value, &self.items, &self.values) {
            (Value::Array(items), Some(item), _) => {
                Value::Array(items.into_iter().map(|v| item.apply(v)).collect())
            }
            (Value::Object(map), _, Some(each)) => {
                Value::Object(map.into_iter().map(|(k, v)| (k, each.apply(v))).collect())
            }
            (v, _, _) => v,
        }
    }
}

/// A block's input coercion, worked out once from its input schema (`BlockInfo::input_coercion`):
/// the pins a value may change on, in the schema's order.
#[derive(Debug, Clone)]
pub struct InputCoercion {
    pins: Vec<(String, Coercion)>,
}

impl InputCoercion {
    pub fn of(input_schema: &Value) -> Self {
        let pins = input_schema
            .get("properties")
            .and_then(Value::as_object)
            .into_iter()
            .flatten()
            .map(|(name, schema)| (name.clone(), Coercion::of(schema)))
            .filter(|(_, coercion)| coercion.may_change())
            .collect();
        InputCoercion { pins }
    }

    /// Whether a value on `pin` may be changed (a few pins: a scan beats hashing the name).
    pub fn changes(&self, pin: &str) -> bool {
        self.pins.iter().any(|(name, _)| name == pin)
    }

    /// Coerces every input whose pin the schema types, in place: each keeps its place in the
    /// object (a remove and insert moved it to the end and another key into its place).
    pub fn apply(&self, input: &mut Map<String, Value>) {
        for (name, coercion) in &self.pins {
            if let Some(v) = input.get_mut(name) {
                *v = coercion.apply(v.take());
            }
        }
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

fn convert(value: &Value, ty: JsonType) -> Option<Value> {
    match (ty, value) {
        (JsonType::String, v) if !v.is_null() => Some(Value::String(to_text(v))),
        // type.py's `__convert_num`: `float(value)`, and 0 when that fails ("Fallback
        // conversion"), so an empty or wordy text reaches a number pin as 0.
        (JsonType::Number, Value::String(s)) => {
            Number::from_f64(py_float(s).unwrap_or(0.0)).map(Value::Number)
        }
        (JsonType::Number, Value::Bool(b)) => Some(Value::from(u8::from(*b))),
        // `int(float(value))`: truncated, 0 when the text is no number.
        (JsonType::Integer, Value::String(s)) => {
            Some(Value::from(py_float(s).unwrap_or(0.0).trunc() as i64))
        }
        (JsonType::Integer, Value::Number(n)) => Some(Value::from(n.as_f64()?.trunc() as i64)),
        (JsonType::Integer, Value::Bool(b)) => Some(Value::from(u8::from(*b))),
        (JsonType::Boolean, v @ (Value::String(_) | Value::Number(_))) => {
            Some(Value::Bool(to_bool(v)))
        }
        (JsonType::Array, Value::String(s)) => Some(list_from_text(s)),
        (JsonType::Array, Value::Object(m)) => Some(Value::Array(
            m.iter()
                .map(|(k, v)| Value::Array(vec![Value::String(k.clone()), v.clone()]))
                .collect(),
        )),
        (JsonType::Array, v) if !v.is_null() => Some(Value::Array(vec![v.clone()])),
        (JsonType::Object, Value::String(s)) => Some(dict_from_text(s)),
        _ => None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    /// One value coerced to a property schema.
    fn coerce_value(value: Value, schema: &Value) -> Value {
        Coercion::of(schema).apply(value)
    }

    #[test]
    fn inputs_are_coerced_where_they_are() {
        let schema = json!({"properties": {
            "b": {"type": "number"}, "a": {"type": "string"}, "c": {}
        }});
        let mut input = serde_json::from_str::<Map<String, Value>>(
            r#"{"a": 1, "x": true, "b": "2", "c": "3"}"#,
        )
        .unwrap();
        InputCoercion::of(&schema).apply(&mut input);
        assert_eq!(
            Value::Object(input).to_string(),
            r#"{"a":"1","x":true,"b":2.0,"c":"3"}"#
        );
    }

    /// Only pins a value may change on are kept, in the schema's order; an untyped list of
    /// typed items is one of them, an untyped pin is not.
    #[test]
    fn a_blocks_coercion_keeps_the_pins_a_value_may_change_on() {
        let schema = json!({"properties": {
            "any": {}, "n": {"type": "number"}, "list": {"items": {"type": "integer"}},
            "opt": {"anyOf": [{"type": "string"}, {"type": "null"}]}, "map": {"type": "object"},
            "untyped_items": {"items": {}}
        }});
        let coercion = InputCoercion::of(&schema);
        let pins: Vec<&str> = coercion.pins.iter().map(|(n, _)| n.as_str()).collect();
        assert_eq!(pins, ["n", "list", "opt", "map", "untyped_items"]);
        assert!(coercion.changes("list") && !coercion.changes("any"));
        let mut input = serde_json::from_str::<Map<String, Value>>(
            r#"{"any": "1", "n": "2", "list": ["3", 4.5], "opt": 6, "map": "{\"k\": 7}"}"#,
        )
        .unwrap();
        coercion.apply(&mut input);
        assert_eq!(
            Value::Object(input),
            json!({"any": "1", "n": 2.0, "list": [3, 4], "opt": "6", "map": {"k": 7}})
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
