//! CalculatorBlock: one arithmetic operation on two numbers.

use agentry_core::{Block, BlockError, BlockMeta, Category, Cx, Effect};
use schemars::JsonSchema;
use serde::{Deserialize, Serialize};

pub struct Calculator;

#[derive(Debug, Clone, Copy, Deserialize, Serialize, JsonSchema)]
pub enum Operation {
    Add,
    Subtract,
    Multiply,
    Divide,
    Power,
}

#[derive(Deserialize, JsonSchema)]
pub struct Input {
    /// The type of operation to perform.
    pub operation: Operation,
    /// The first number.
    pub a: f64,
    /// The second number.
    pub b: f64,
    /// Whether to round the result to a whole number.
    #[serde(default)]
    pub round_result: bool,
}

#[derive(Serialize, JsonSchema)]
#[serde(tag = "pin", content = "value", rename_all = "snake_case")]
pub enum Output {
    /// The result of the calculation.
    Result(f64),
}

impl Block for Calculator {
    const META: BlockMeta = BlockMeta {
        effect: Effect::Pure,
        ..BlockMeta::standard(
            "b1ab9b19-67a6-406d-abf5-2dba76d00c79",
            "CalculatorBlock",
            "Performs a mathematical operation on two numbers.",
            &[Category::Logic],
        )
    };
    type Input = Input;
    type Output = Output;

    async fn run(&self, input: Input, cx: &mut Cx<'_, Output>) -> Result<(), BlockError> {
        let (a, b) = (input.a, input.b);
        let result = match input.operation {
            Operation::Add => a + b,
            Operation::Subtract => a - b,
            Operation::Multiply => a * b,
            Operation::Divide if b == 0.0 => {
                return Err(BlockError::input("Cannot divide by zero"));
            }
            Operation::Divide => a / b,
            Operation::Power => a.powf(b),
        };
        cx.emit(Output::Result(if input.round_result {
            result.round()
        } else {
            result
        }));
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use agentry_core::testing::run_block;
    use serde_json::json;

    #[tokio::test]
    async fn adds_coerced_strings() {
        let out = run_block(Calculator, json!({"operation": "Add", "a": "8", "b": 34})).await;
        assert_eq!(out, vec![("result".into(), json!(42.0))]);
    }

    #[tokio::test]
    async fn rounds_and_powers() {
        let out = run_block(
            Calculator,
            json!({"operation": "Power", "a": 2.5, "b": 2, "round_result": true}),
        )
        .await;
        assert_eq!(out, vec![("result".into(), json!(6.0))]);
    }

    #[tokio::test]
    async fn division_by_zero_goes_to_the_error_pin() {
        let out = run_block(Calculator, json!({"operation": "Divide", "a": 1, "b": 0})).await;
        assert_eq!(out, vec![("error".into(), json!("Cannot divide by zero"))]);
    }

    #[tokio::test]
    async fn missing_operation_is_an_input_error() {
        let out = run_block(Calculator, json!({"a": 1, "b": 2})).await;
        assert_eq!(out.len(), 1);
        assert_eq!(out[0].0, "error");
        assert!(out[0].1.as_str().unwrap().contains("operation"));
    }
}
