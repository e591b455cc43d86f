//! StoreValueBlock: holds a constant (or the trigger input) so many consumers can read it.

use agentry_core::{Block, BlockError, BlockMeta, Category, Cx, Effect};
use schemars::JsonSchema;
use serde::{Deserialize, Serialize};
use serde_json::Value;

use crate::python;

pub struct StoreValue;

#[derive(Deserialize, JsonSchema)]
pub struct Input {
    /// Trigger the block to produce the output. The value is only used when `data` is None.
    pub input: Value,
    /// The constant data to be retained in the block. This value is passed as `output`.
    #[serde(default)]
    pub data: Value,
}

#[derive(Serialize, JsonSchema)]
#[serde(tag = "pin", content = "value", rename_all = "snake_case")]
pub enum Output {
    /// The stored data retained in the block.
    Output(Value),
}

impl Block for StoreValue {
    const META: BlockMeta = BlockMeta {
        effect: Effect::Pure,
        static_output: true,
        ..BlockMeta::standard(
            "1ff065e9-88e8-4358-9d82-8dc91f622ba9",
            "StoreValueBlock",
            "This block forwards an input value as output, allowing reuse without change.",
            &[Category::Basic],
        )
    };
    type Input = Input;
    type Output = Output;

    async fn run(&self, input: Input, cx: &mut Cx<'_, Output>) -> Result<(), BlockError> {
        // AutoGPT yields `data or input`: falsy data ("", 0, [], false) also falls back.
        // Moved onto the pin as it came: `emit` would serialize a second tree of it.
        let value = if python::truthy(&input.data) {
            input.data
        } else {
            input.input
        };
        cx.emit_raw("output", value);
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use agentry_core::testing::run_block;
    use serde_json::json;

    #[tokio::test]
    async fn autogpt_examples() {
        let out = run_block(StoreValue, json!({"input": "Hello, World!"})).await;
        assert_eq!(out, vec![("output".into(), json!("Hello, World!"))]);
        let out = run_block(
            StoreValue,
            json!({"input": "Hello, World!", "data": "Existing Data"}),
        )
        .await;
        assert_eq!(out, vec![("output".into(), json!("Existing Data"))]);
    }

    #[tokio::test]
    async fn falsy_data_falls_back_to_input_as_python_or() {
        let out = run_block(StoreValue, json!({"input": 1, "data": 0})).await;
        assert_eq!(out, vec![("output".into(), json!(1))]);
        let out = run_block(StoreValue, json!({"input": 1, "data": [0]})).await;
        assert_eq!(out, vec![("output".into(), json!([0]))]);
    }
}
