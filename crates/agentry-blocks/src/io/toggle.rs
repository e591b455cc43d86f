//! AgentToggleInputBlock: a boolean graph input, false unless set.

use agentry_core::{Block, BlockError, BlockMeta, Cx};
use schemars::JsonSchema;
use serde::{Deserialize, Serialize};

use super::input::{Fields, input_meta};

pub struct AgentToggleInput;

#[derive(Deserialize, JsonSchema)]
pub struct Input {
    #[serde(flatten)]
    pub fields: Fields,
    /// Boolean toggle input.
    #[serde(default)]
    #[schemars(title = "Default Value")]
    pub value: bool,
}

#[derive(Serialize, JsonSchema)]
#[serde(tag = "pin", content = "value", rename_all = "snake_case")]
pub enum Output {
    /// Boolean toggle result.
    Result(bool),
}

impl Block for AgentToggleInput {
    const META: BlockMeta = input_meta(
        "cbf36ab5-df4a-43b6-8a7f-f7ed8652116e",
        "AgentToggleInputBlock",
        "Block for boolean toggle input.",
    );
    type Input = Input;
    type Output = Output;

    async fn run(&self, input: Input, cx: &mut Cx<'_, Output>) -> Result<(), BlockError> {
        // The value defaults to false, never None, so the toggle always yields.
        cx.emit(Output::Result(input.value));
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
        for (value, expected) in [
            (json!(true), true),
            (json!(false), false),
            (json!("yes"), true),
        ] {
            let out = run_block(AgentToggleInput, json!({"value": value, "name": "t"})).await;
            assert_eq!(out, vec![("result".into(), json!(expected))]);
        }
        let out = run_block(AgentToggleInput, json!({"name": "t"})).await;
        assert_eq!(out, vec![("result".into(), json!(false))]);
    }
}
