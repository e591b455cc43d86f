//! AgentInputBlock, the graph's input, and what its typed variants share: the common pins,
//! the metadata and the `typed_input!` macro that declares each variant.

use agentry_core::{BlockMeta, BlockType, Category, Datum, Effect};
use schemars::JsonSchema;
use serde::Deserialize;
use serde_json::Value;
use serde_json::value::RawValue;

/// What every input block is: a graph input, shown in the Input and Basic categories, whose
/// output may be read by any number of consumers.
pub const fn input_meta(
    id: &'static str,
    name: &'static str,
    description: &'static str,
) -> BlockMeta {
    BlockMeta {
        block_type: BlockType::Input,
        static_output: true,
        effect: Effect::Pure,
        ..BlockMeta::standard(id, name, description, &[Category::Input, Category::Basic])
    }
}

// The pins every input block has besides `value` (a plain comment: a doc comment here would
// become the description of every input schema). The engine writes the graph's run input for
// `name` into `value`; the rest describes the input to the UI.
#[derive(Deserialize, JsonSchema)]
pub struct Fields {
    /// The name of the input.
    pub name: String,
    /// The title of the input.
    #[serde(default)]
    pub title: Option<String>,
    /// The description of the input.
    #[serde(default)]
    pub description: Option<String>,
    /// Values to suggest to the user.
    #[serde(default)]
    pub placeholder_values: Vec<Value>,
    /// Whether to show the input in the advanced section, if the field is not required.
    #[serde(default)]
    pub advanced: bool,
    /// Whether the input should be treated as a secret.
    #[serde(default)]
    pub secret: bool,
}

/// An input's `value` pin, and what of it reaches the `result` pin.
pub trait Given {
    type Result;
    fn given(self) -> Option<Self::Result>;
}

/// Typed inputs without a value yield nothing.
impl<T> Given for Option<T> {
    type Result = T;
    fn given(self) -> Option<T> {
        self
    }
}

/// The toggle defaults to false, never None, so it always yields.
impl Given for bool {
    type Result = bool;
    fn given(self) -> Option<bool> {
        Some(self)
    }
}

/// No run input and no default (`null`): the untyped input yields nothing, as in AutoGPT.
/// Its value is read as the JSON text it is and passed on as that text, never parsed: a graph
/// input may be megabytes, and a tree of it tens of times more.
impl Given for Box<RawValue> {
    type Result = Box<RawValue>;
    fn given(self) -> Option<Box<RawValue>> {
        (self.get() != "null").then_some(self)
    }
}

/// A `result` pin's value as the engine takes it, moved where the type allows (text, a
/// string, a table): `Cx::emit` would serialize it into a second tree.
pub trait PinValue {
    fn into_pin_value(self) -> Datum;
}

impl PinValue for Box<RawValue> {
    fn into_pin_value(self) -> Datum {
        Datum::from_text(self)
    }
}

impl PinValue for String {
    fn into_pin_value(self) -> Datum {
        Value::String(self).into()
    }
}

impl PinValue for bool {
    fn into_pin_value(self) -> Datum {
        Value::Bool(self).into()
    }
}

impl PinValue for i64 {
    fn into_pin_value(self) -> Datum {
        Value::from(self).into()
    }
}

impl PinValue for Vec<serde_json::Map<String, Value>> {
    fn into_pin_value(self) -> Datum {
        Value::Array(self.into_iter().map(Value::Object).collect()).into()
    }
}

/// Dates and times are written as their serde form ("2026-12-03", "14:05:00").
impl PinValue for chrono::NaiveDate {
    fn into_pin_value(self) -> Datum {
        serde_json::to_value(self).unwrap_or(Value::Null).into()
    }
}

impl PinValue for chrono::NaiveTime {
    fn into_pin_value(self) -> Datum {
        serde_json::to_value(self).unwrap_or(Value::Null).into()
    }
}

/// Declares an input block: its type, metadata, `value` pin (doc and schema attributes, then
/// type), `result` pin, any further pins, and optionally a `given` function in place of
/// `Given::given`. Each invocation is a module of its own, as `Input` and `Output` are fixed
/// names. `tests::every_block_file_is_registered` reads the first line after `typed_input! {`.
macro_rules! typed_input {
    (
        $block:ident: $meta:expr,
        $(#[$value_attr:meta])* value: $value:ty,
        $(#[$result_attr:meta])* result: $result:ty,
        $($(#[$pin_attr:meta])* pin $pin:ident: $pin_ty:ty,)*
        $(given: $given:expr,)?
    ) => {
        pub struct $block;

        #[derive(schemars::JsonSchema)]
        pub struct Input {
            #[serde(flatten)]
            pub fields: $crate::io::input::Fields,
            $(#[$value_attr])*
            #[serde(default)]
            pub value: $value,
            $($(#[$pin_attr])* #[serde(default)] pub $pin: $pin_ty,)*
        }

        /// `Input` as it is read: the common pins inline instead of `#[serde(flatten)]`, which
        /// would first buffer the whole object, the (possibly huge) value included, as a copy.
        #[derive(serde::Deserialize)]
        struct Wire {
            name: String,
            #[serde(default)]
            title: Option<String>,
            #[serde(default)]
            description: Option<String>,
            #[serde(default)]
            placeholder_values: Vec<serde_json::Value>,
            #[serde(default)]
            advanced: bool,
            #[serde(default)]
            secret: bool,
            #[serde(default)]
            value: $value,
            $(#[serde(default)] $pin: $pin_ty,)*
        }

        impl<'de> serde::Deserialize<'de> for Input {
            fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
                let w = <Wire as serde::Deserialize>::deserialize(d)?;
                Ok(Input {
                    fields: $crate::io::input::Fields {
                        name: w.name,
                        title: w.title,
                        description: w.description,
                        placeholder_values: w.placeholder_values,
                        advanced: w.advanced,
                        secret: w.secret,
                    },
                    value: w.value,
                    $($pin: w.$pin,)*
                })
            }
        }

        #[derive(serde::Serialize, schemars::JsonSchema)]
        #[serde(tag = "pin", content = "value", rename_all = "snake_case")]
        pub enum Output {
            $(#[$result_attr])*
            Result($result),
        }

        impl agentry_core::Block for $block {
            const META: agentry_core::BlockMeta = $meta;
            type Input = Input;
            type Output = Output;

            async fn run(
                &self,
                input: Input,
                cx: &mut agentry_core::Cx<'_, Output>,
            ) -> Result<(), agentry_core::BlockError> {
                let given = $crate::io::input::typed_input!(@given $($given)?);
                if let Some(value) = given(input.value) {
                    // Moved onto the pin, not serialized again: a huge input is not copied.
                    let value = $crate::io::input::PinValue::into_pin_value(value);
                    cx.emit_datum("result", value);
                }
                Ok(())
            }
        }
    };
    (@given) => {
        $crate::io::input::Given::given
    };
    (@given $given:expr) => {
        $given
    };
}

pub(crate) use typed_input;

typed_input! {
    AgentInput: input_meta(
        "c0a8e994-ebf1-4a9c-a4d8-89d09c86741b",
        "AgentInputBlock",
        "A block that accepts and processes user input values within a workflow, supporting various input types and validation.",
    ),
    /// The value to be passed as input.
    #[schemars(with = "Value")]
    value: Box<RawValue>,
    /// The value passed as input.
    result: Value,
}

#[cfg(test)]
mod tests {
    use super::*;
    use agentry_core::testing::run_block;
    use serde_json::json;

    #[tokio::test]
    async fn autogpt_examples() {
        let out = run_block(
            AgentInput,
            json!({"value": "Hello, World!", "name": "input_1", "description": "Example test input."}),
        )
        .await;
        assert_eq!(out, vec![("result".into(), json!("Hello, World!"))]);
        let out = run_block(AgentInput, json!({"value": 42, "name": "input_2"})).await;
        assert_eq!(out, vec![("result".into(), json!(42))]);
    }

    #[tokio::test]
    async fn no_value_yields_nothing_but_falsy_values_pass() {
        assert!(run_block(AgentInput, json!({"name": "x"})).await.is_empty());
        let out = run_block(AgentInput, json!({"name": "x", "value": ""})).await;
        assert_eq!(out, vec![("result".into(), json!(""))]);
    }
}
