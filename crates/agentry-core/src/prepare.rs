//! Turns a node's defaults and received pin values into the input object its block runs on.

use std::collections::HashMap;

use serde::Serialize;
use serde_json::{Map, Value};

use crate::datum::Datum;
use crate::pin::{is_nested, merge_nested_inputs};
use crate::registry::BlockInfo;

/// Overlays received values on the node's `input_default`, rebuilds nested pins and coerces
/// types to the block's input schema. Fails only on malformed nested pin names.
pub fn prepare_input(
    info: &BlockInfo,
    defaults: &Map<String, Value>,
    received: impl IntoIterator<Item = (String, Value)>,
) -> Result<Value, String> {
    let mut input = defaults.clone();
    for (pin, value) in received {
        input.insert(pin, value);
    }
    merge_nested_inputs(&mut input)?;
    info.input_coercion().apply(&mut input);
    Ok(Value::Object(input))
}

/// As `prepare_input`, written straight to the compact JSON text the engine keeps, from values
/// it shares (`Datum`): a value on an untyped pin is written where it is, as its text when it
/// is held as text, never copied or parsed, so a huge value routed on is not cloned out of the
/// rows and events that still hold it. Values that may be coerced are taken (a tree, cloned
/// only if shared, parsed if text) and coerced as `prepare_input` does.
pub fn prepare_input_json(
    info: &BlockInfo,
    defaults: &Map<String, Value>,
    received: impl IntoIterator<Item = (String, Datum)>,
) -> Result<String, String> {
    let received: Vec<(String, Datum)> = received.into_iter().collect();
    let nested =
        received.iter().any(|(pin, _)| is_nested(pin)) || defaults.keys().any(|k| is_nested(k));
    if nested {
        let owned = received
            .into_iter()
            .map(|(pin, value)| (pin, value.into_tree()));
        return prepare_input(info, defaults, owned).map(|input| input.to_string());
    }
    let coercion = info.input_coercion();
    let mut input = defaults.clone();
    let mut shared = HashMap::new();
    for (pin, value) in received {
        if coercion.changes(&pin) {
            shared.remove(&pin);
            input.insert(pin, value.into_tree());
        } else {
            // Keeps the pin's place in the object (a default's, or the next one).
            input.insert(pin.clone(), Value::Null);
            shared.insert(pin, value);
        }
    }
    // The shared pins hold `null` here, which their untyped schemas leave as it is; the
    // object then has the keys, in the order, `prepare_input` gives it.
    coercion.apply(&mut input);
    let object = Object {
        input: &input,
        shared: &shared,
    };
    serde_json::to_string(&object).map_err(|e| format!("cannot write the input: {e}"))
}

/// The input object with its shared pins written from where they are held.
struct Object<'a> {
    input: &'a Map<String, Value>,
    shared: &'a HashMap<String, Datum>,
}

impl Serialize for Object<'_> {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.collect_map(
            self.input
                .iter()
                .map(|(pin, value)| match self.shared.get(pin) {
                    Some(held) => (pin, Pin::Held(held)),
                    None => (pin, Pin::Tree(value)),
                }),
        )
    }
}

/// One pin's value in the written object.
enum Pin<'a> {
    Tree(&'a Value),
    Held(&'a Datum),
}

impl Serialize for Pin<'_> {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        match self {
            Pin::Tree(v) => v.serialize(s),
            Pin::Held(d) => d.serialize(s),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;
    use serde_json::value::RawValue;

    fn info(schema: Value) -> BlockInfo {
        BlockInfo {
            id: "id",
            name: "Block",
            description: "",
            categories: &[],
            block_type: crate::BlockType::Standard,
            static_output: false,
            effect: crate::Effect::Pure,
            input_schema: crate::LazySchema::ready(schema),
            output_schema: crate::LazySchema::ready(json!({})),
            input_coercion: Default::default(),
        }
    }

    /// The text is what `prepare_input` makes, and an untyped pin's value is not copied.
    #[test]
    fn the_json_path_agrees_with_the_tree_path() {
        let info = info(json!({"properties": {
            "n": {"type": "number"}, "any": {}, "list": {"type": "array", "items": {"type": "integer"}}
        }}));
        let mut defaults = Map::new();
        defaults.insert("name".into(), json!("x"));
        defaults.insert("any".into(), json!("default"));
        defaults.insert("n".into(), json!("4"));
        let received = vec![
            ("any".to_string(), Datum::from(json!([1, {"a": 2}]))),
            ("list".to_string(), Datum::from(json!(["1", 2.0]))),
        ];
        let text = prepare_input_json(&info, &defaults, received.clone()).unwrap();
        let tree = prepare_input(
            &info,
            &defaults,
            received.into_iter().map(|(k, v)| (k, v.into_tree())),
        )
        .unwrap();
        assert_eq!(text, tree.to_string());
    }

    /// A value held as text is written as it is, and one that may be coerced is coerced.
    #[test]
    fn text_values_are_written_as_they_are() {
        let info = info(json!({"properties": {"any": {}, "n": {"type": "number"}}}));
        let raw = |t: &str| Datum::from_text(RawValue::from_string(t.into()).unwrap());
        let received = vec![
            ("any".to_string(), raw(r#"[1,{"a":2e0}]"#)),
            ("n".to_string(), raw(r#""4""#)),
        ];
        let text = prepare_input_json(&info, &Map::new(), received).unwrap();
        // `2e0` as written: a tree would have made it `2.0`.
        assert_eq!(text, r#"{"any":[1,{"a":2e0}],"n":4.0}"#);
    }

    #[test]
    fn nested_pins_take_the_tree_path() {
        let info = info(json!({"properties": {"d": {"type": "object"}}}));
        let received = vec![("d_#_a".to_string(), Datum::from(json!(1)))];
        let text = prepare_input_json(&info, &Map::new(), received).unwrap();
        let tree = prepare_input(&info, &Map::new(), [("d_#_a".to_string(), json!(1))]).unwrap();
        assert_eq!(text, tree.to_string());
        assert!(text.contains(r#""d":{"a":1}"#), "{text}");
        let bad = vec![("l_$_x".to_string(), Datum::from(json!(1)))];
        assert!(prepare_input_json(&info, &Map::new(), bad).is_err());
    }
}
