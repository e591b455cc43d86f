//! ConditionBlock: compares two values with a Python comparison operator and branches.

use std::cmp::Ordering;

use agentry_core::{Block, BlockError, BlockMeta, Category, Cx, Effect};
use schemars::JsonSchema;
use serde::{Deserialize, Serialize};
use serde_json::Value;

use crate::python::{float_value, parse_float, py_eq, py_order};

pub struct Condition;

#[derive(Debug, Clone, Copy, Deserialize, Serialize, JsonSchema)]
pub enum ComparisonOperator {
    #[serde(rename = "==")]
    Equal,
    #[serde(rename = "!=")]
    NotEqual,
    #[serde(rename = ">")]
    GreaterThan,
    #[serde(rename = "<")]
    LessThan,
    #[serde(rename = ">=")]
    GreaterThanOrEqual,
    #[serde(rename = "<=")]
    LessThanOrEqual,
}

impl ComparisonOperator {
    fn symbol(self) -> &'static str {
        match self {
            Self::Equal => "==",
            Self::NotEqual => "!=",
            Self::GreaterThan => ">",
            Self::LessThan => "<",
            Self::GreaterThanOrEqual => ">=",
            Self::LessThanOrEqual => "<=",
        }
    }

    /// Applies the operator with Python semantics; `Err` is Python's `TypeError` text.
    pub fn apply(self, a: &Value, b: &Value) -> Result<bool, String> {
        let order = |accept: fn(Ordering) -> bool| py_order(a, b, self.symbol()).map(accept);
        match self {
            Self::Equal => Ok(py_eq(a, b)),
            Self::NotEqual => Ok(!py_eq(a, b)),
            Self::GreaterThan => order(Ordering::is_gt),
            Self::LessThan => order(Ordering::is_lt),
            Self::GreaterThanOrEqual => order(Ordering::is_ge),
            Self::LessThanOrEqual => order(Ordering::is_le),
        }
    }
}

#[derive(Deserialize, JsonSchema)]
pub struct Input {
    /// Enter the first value for comparison
    pub value1: Value,
    /// Choose the comparison operator
    pub operator: ComparisonOperator,
    /// Enter the second value for comparison
    pub value2: Value,
    /// (Optional) Value to output if the condition is true. If not provided, value1 will be used.
    #[serde(default)]
    pub yes_value: Value,
    /// (Optional) Value to output if the condition is false. If not provided, value1 will be used.
    #[serde(default)]
    pub no_value: Value,
}

#[derive(Serialize, JsonSchema)]
#[serde(tag = "pin", content = "value", rename_all = "snake_case")]
pub enum Output {
    /// The result of the condition evaluation (True or False)
    Result(bool),
    /// The output value if the condition is true
    YesOutput(Value),
    /// The output value if the condition is false
    NoOutput(Value),
}

/// AutoGPT reads numeric strings as floats and strips the others before comparing.
fn normalize(value: Value) -> Value {
    match value {
        Value::String(s) => match parse_float(&s) {
            Some(f) => float_value(f),
            None => Value::String(s.trim().to_string()),
        },
        other => other,
    }
}

impl Block for Condition {
    const META: BlockMeta = BlockMeta {
        effect: Effect::Pure,
        ..BlockMeta::standard(
            "715696a0-e1da-45c8-b209-c2fa9c3b0be6",
            "ConditionBlock",
            "Handles conditional logic based on comparison operators",
            &[Category::Logic],
        )
    };
    type Input = Input;
    type Output = Output;

    async fn run(&self, input: Input, cx: &mut Cx<'_, Output>) -> Result<(), BlockError> {
        let value1 = normalize(input.value1);
        let value2 = normalize(input.value2);
        let result = input
            .operator
            .apply(&value1, &value2)
            .map_err(|e| BlockError::input(format!("Comparison failed: {e}")))?;
        cx.emit(Output::Result(result));
        // As AutoGPT: a missing yes value falls back to value1, a missing no value to value2.
        if result {
            let yes = if input.yes_value.is_null() {
                value1
            } else {
                input.yes_value
            };
            cx.emit(Output::YesOutput(yes));
        } else {
            let no = if input.no_value.is_null() {
                value2
            } else {
                input.no_value
            };
            cx.emit(Output::NoOutput(no));
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
        run_block(Condition, input).await
    }

    #[tokio::test]
    async fn greater_with_explicit_values() {
        let out = run(json!({"value1": 10, "operator": ">", "value2": 5,
            "yes_value": "Greater", "no_value": "Not greater"}))
        .await;
        assert_eq!(
            out,
            vec![
                ("result".into(), json!(true)),
                ("yes_output".into(), json!("Greater"))
            ]
        );
    }

    #[tokio::test]
    async fn numeric_strings_compare_as_numbers() {
        let out = run(json!({"value1": " 10 ", "operator": "<", "value2": "9.5"})).await;
        assert_eq!(
            out,
            vec![
                ("result".into(), json!(false)),
                ("no_output".into(), json!(9.5))
            ]
        );
        let out = run(json!({"value1": "3", "operator": "==", "value2": 3})).await;
        assert_eq!(
            out,
            vec![
                ("result".into(), json!(true)),
                ("yes_output".into(), json!(3.0))
            ]
        );
    }

    #[tokio::test]
    async fn text_is_stripped_and_compared() {
        let out = run(json!({"value1": " apple ", "operator": "<", "value2": "banana"})).await;
        assert_eq!(
            out,
            vec![
                ("result".into(), json!(true)),
                ("yes_output".into(), json!("apple"))
            ]
        );
        let out = run(json!({"value1": "a", "operator": "!=", "value2": 1})).await;
        assert_eq!(out[0], ("result".into(), json!(true)));
    }

    #[tokio::test]
    async fn bools_are_numbers_in_python() {
        let out = run(json!({"value1": true, "operator": ">=", "value2": 1})).await;
        assert_eq!(out[0], ("result".into(), json!(true)));
    }

    #[tokio::test]
    async fn unorderable_types_fail() {
        let out = run(json!({"value1": "abc", "operator": ">", "value2": 1})).await;
        assert_eq!(
            out,
            vec![(
                "error".into(),
                json!("Comparison failed: '>' not supported between instances of 'str' and 'int'")
            )]
        );
    }

    #[tokio::test]
    async fn unknown_operator_is_rejected() {
        let out = run(json!({"value1": 1, "operator": "=~", "value2": 1})).await;
        assert_eq!(out.len(), 1);
        assert_eq!(out[0].0, "error");
    }
}
