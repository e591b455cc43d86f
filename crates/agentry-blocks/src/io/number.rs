//! AgentNumberInputBlock: a whole-number graph input.

use agentry_core::{Block, BlockError, BlockMeta, Cx};
use schemars::JsonSchema;
use serde::{Deserialize, Serialize};

use super::input::{Fields, input_meta};

pub struct AgentNumberInput;

#[derive(Deserialize, JsonSchema)]
pub struct Input {
    #[serde(flatten)]
    pub fields: Fields,
    /// Number input.
    #[serde(default)]
    #[schemars(title = "Default Value")]
    pub value: Option<i64>,
}

#[derive(Serialize, JsonSchema)]
#[serde(tag = "pin", content = "value", rename_all = "snake_case")]
pub enum Output {
    /// Number result.
    Result(i64),
}

impl Block for AgentNumberInput {
    const META: BlockMeta = input_meta(
        "96dae2bb-97a2-41c2-bd2f-13a3b5a8ea98",
        "AgentNumberInputBlock",
        "Block for number input.",
    );
    type Input = Input;
    type Output = Output;

    async fn run(&self, input: Input, cx: &mut Cx<'_, Output>) -> Result<(), BlockError> {
        if let Some(value) = input.value {
            cx.emit(Output::Result(value));
        }
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
        for (value, expected) in [(json!(42), json!(42)), (json!("314"), json!(314))] {
            let out = run_block(AgentNumberInput, json!({"value": value, "name": "in"})).await;
            assert_eq!(out, vec![("result".into(), expected)]);
        }
        assert!(
            run_block(AgentNumberInput, json!({"name": "in"}))
                .await
                .is_empty()
        );
    }
}
