//! IfInputMatchesBlock: branches on whether an input equals a value, converting the value to
//! the input's type first as AutoGPT does.

use agentry_core::{Block, BlockError, BlockMeta, Category, Cx, Effect};
use schemars::JsonSchema;
use serde::Deserialize;
use serde_json::Value;

use crate::python::{convert_like, py_eq};

pub struct IfInputMatches;

#[derive(Deserialize, JsonSchema)]
pub struct Input {
    /// The input to match against
    pub input: Value,
    /// The value to output if the input matches
    pub value: Value,
    /// The value to output if the input matches
    #[serde(default)]
    pub yes_value: Value,
    /// The value to output if the input does not match
    #[serde(default)]
    pub no_value: Value,
}

// AutoGPT gives this block ConditionBlock's output pins, docs included.
pub use super::condition::Output;

/// Python's `input == value`, after converting `value` to `type(input)` when they differ.
fn matches(input: &Value, value: &Value) -> bool {
    if py_eq(input, value) {
        return true;
    }
    if input.is_null() || value.is_null() {
        return false;
    }
    convert_like(value, input).is_some_and(|converted| py_eq(input, &converted))
}

impl Block for IfInputMatches {
    const META: BlockMeta = BlockMeta {
        effect: Effect::Pure,
        ..BlockMeta::standard(
            "6dbbc4b3-ca6c-42b6-b508-da52d23e13f2",
            "IfInputMatchesBlock",
            "Handles conditional logic based on comparison operators",
            &[Category::Logic],
        )
    };
    type Input = Input;
    type Output = Output;

    async fn run(&self, input: Input, cx: &mut Cx<'_, Output>) -> Result<(), BlockError> {
        if matches(&input.input, &input.value) {
            cx.emit(Output::Result(true));
            cx.emit(Output::YesOutput(input.yes_value));
        } else {
            cx.emit(Output::Result(false));
            cx.emit(Output::NoOutput(input.no_value));
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use agentry_core::testing::run_block;
    use serde_json::json;

    async fn run(input: Value) -> Vec<(String, Value)> {
        run_block(IfInputMatches, input).await
    }

    #[tokio::test]
    async fn autogpt_examples() {
        let yes_no = |input: Value, value: Value| json!({"input": input, "value": value, "yes_value": "Greater", "no_value": "Not greater"});
        assert_eq!(
            run(yes_no(json!(10), json!(10))).await,
            vec![
                ("result".into(), json!(true)),
                ("yes_output".into(), json!("Greater"))
            ]
        );
        assert_eq!(
            run(yes_no(json!(10), json!(20))).await,
            vec![
                ("result".into(), json!(false)),
                ("no_output".into(), json!("Not greater"))
            ]
        );
        let out =
            run(json!({"input": 10, "value": "None", "yes_value": "Yes", "no_value": "No"})).await;
        assert_eq!(
            out,
            vec![
                ("result".into(), json!(false)),
                ("no_output".into(), json!("No"))
            ]
        );
    }

    #[tokio::test]
    async fn value_is_converted_to_the_input_type() {
        let out = run(json!({"input": 10, "value": "10"})).await;
        assert_eq!(
            out,
            vec![
                ("result".into(), json!(true)),
                ("yes_output".into(), json!(null))
            ]
        );
        let out = run(json!({"input": true, "value": "True"})).await;
        assert_eq!(out[0], ("result".into(), json!(true)));
        let out = run(json!({"input": "[1, 2]", "value": [1, 2]})).await;
        assert_eq!(out[0], ("result".into(), json!(true)));
    }

    #[tokio::test]
    async fn missing_value_is_an_error() {
        let out = run(json!({"input": 1})).await;
        assert_eq!(out.len(), 1);
        assert_eq!(out[0].0, "error");
    }
}
