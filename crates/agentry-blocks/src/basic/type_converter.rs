//! UniversalTypeConverterBlock: converts a value to a string, number, boolean, list or
//! dictionary with the rules of AutoGPT's `backend/util/type.py` `convert`.

use agentry_core::{Block, BlockError, BlockMeta, Category, Cx, Effect};
use schemars::JsonSchema;
use serde::{Deserialize, Serialize};
use serde_json::Value;

use crate::python::convert::{dict_from_text, list_from_text, to_bool, wrap_value};
use crate::python::python_dumps;

pub struct UniversalTypeConverter;

#[derive(Debug, Clone, Copy, Deserialize, Serialize, JsonSchema)]
#[serde(rename_all = "lowercase")]
pub enum TypeOptions {
    String,
    Number,
    Boolean,
    List,
    Dictionary,
}

#[derive(Deserialize, JsonSchema)]
pub struct Input {
    /// The value to convert to a universal type.
    pub value: Value,
    /// The type to convert the value to.
    #[serde(rename = "type")]
    pub target: TypeOptions,
}

#[derive(Serialize, JsonSchema)]
#[serde(tag = "pin", content = "value", rename_all = "snake_case")]
pub enum Output {
    /// The converted value.
    Value(Value),
}

impl Block for UniversalTypeConverter {
    const META: BlockMeta = BlockMeta {
        effect: Effect::Pure,
        ..BlockMeta::standard(
            "95d1b990-ce13-4d88-9737-ba5c2070c97b",
            "UniversalTypeConverterBlock",
            "This block is used to convert a value to a universal type.",
            &[Category::Basic],
        )
    };
    type Input = Input;
    type Output = Output;

    async fn run(&self, input: Input, cx: &mut Cx<'_, Output>) -> Result<(), BlockError> {
        let converted = convert(input.value, input.target);
        if converted.is_null() {
            // Only a NaN or infinite float ends here: JSON cannot carry it.
            return Err(BlockError::input(
                "Failed to convert value: not a finite number",
            ));
        }
        cx.emit(Output::Value(converted));
        Ok(())
    }
}

fn convert(value: Value, target: TypeOptions) -> Value {
    match target {
        TypeOptions::String => match value {
            Value::String(s) => Value::String(s),
            other => Value::String(python_dumps(&other)),
        },
        TypeOptions::Number => Value::from(to_float(&value)),
        TypeOptions::Boolean => Value::Bool(to_bool(&value)),
        TypeOptions::List => match value {
            Value::Array(items) => Value::Array(items),
            Value::Object(map) => Value::Array(
                map.into_iter()
                    .map(|(k, v)| Value::Array(vec![Value::String(k), v]))
                    .collect(),
            ),
            Value::String(s) => list_from_text(&s),
            other => Value::Array(vec![other]),
        },
        TypeOptions::Dictionary => match value {
            Value::Object(map) => Value::Object(map),
            Value::Array(items) => Value::Object(
                items
                    .into_iter()
                    .enumerate()
                    .map(|(i, v)| (i.to_string(), v))
                    .collect(),
            ),
            Value::String(s) => dict_from_text(&s),
            other => wrap_value(other),
        },
    }
}

/// Python's `float(x)` with AutoGPT's fallbacks: collections give their length, anything
/// unparsable gives 0.
fn to_float(value: &Value) -> f64 {
    match value {
        Value::Array(a) => a.len() as f64,
        Value::Object(o) => o.len() as f64,
        Value::Bool(b) => f64::from(u8::from(*b)),
        Value::Number(n) => n.as_f64().unwrap_or(0.0),
        Value::String(s) => s.trim().replace('_', "").parse().unwrap_or(0.0),
        Value::Null => 0.0,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use agentry_core::testing::run_block;
    use serde_json::json;

    async fn to(target: &str, value: Value) -> Value {
        let out = run_block(
            UniversalTypeConverter,
            json!({"value": value, "type": target}),
        )
        .await;
        assert_eq!(out.len(), 1, "{out:?}");
        assert_eq!(out[0].0, "value", "{out:?}");
        out[0].1.clone()
    }

    #[tokio::test]
    async fn to_string_is_python_json_dumps() {
        assert_eq!(to("string", json!("as is")).await, json!("as is"));
        assert_eq!(
            to("string", json!({"a": [1, 2.0, true, null]})).await,
            json!("{\"a\": [1, 2.0, true, null]}")
        );
        assert_eq!(to("string", json!(["é"])).await, json!("[\"\\u00e9\"]"));
    }

    #[tokio::test]
    async fn to_number_boolean() {
        assert_eq!(to("number", json!(" 3.5 ")).await, json!(3.5));
        assert_eq!(to("number", json!("abc")).await, json!(0.0));
        assert_eq!(to("number", json!([1, 2, 3])).await, json!(3.0));
        assert_eq!(to("number", json!(7)).await, json!(7.0));
        assert_eq!(to("boolean", json!("TRUE")).await, json!(true));
        assert_eq!(to("boolean", json!("yes")).await, json!(false));
        assert_eq!(to("boolean", json!(0)).await, json!(false));
        assert_eq!(to("boolean", json!([0])).await, json!(true));
    }

    #[tokio::test]
    async fn to_list_and_dictionary() {
        assert_eq!(to("list", json!(" [1, 2] ")).await, json!([1, 2]));
        assert_eq!(to("list", json!(" a,b ")).await, json!(["a,b"]));
        assert_eq!(to("list", json!({"k": 1})).await, json!([["k", 1]]));
        assert_eq!(to("list", json!(null)).await, json!([null]));
        assert_eq!(to("dictionary", json!("{\"a\": 1}")).await, json!({"a": 1}));
        assert_eq!(to("dictionary", json!("[1]")).await, json!({"value": [1]}));
        assert_eq!(
            to("dictionary", json!("not json")).await,
            json!({"value": "not json"})
        );
        assert_eq!(
            to("dictionary", json!(["x", "y"])).await,
            json!({"0": "x", "1": "y"})
        );
        assert_eq!(to("dictionary", json!(5)).await, json!({"value": 5}));
    }

    #[tokio::test]
    async fn unknown_type_is_an_input_error() {
        let out = run_block(UniversalTypeConverter, json!({"value": 1, "type": "tuple"})).await;
        assert_eq!(out[0].0, "error");
    }
}
