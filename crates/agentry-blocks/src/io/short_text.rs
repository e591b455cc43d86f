//! AgentShortTextInputBlock: a single-line text graph input.

use agentry_core::{Block, BlockError, BlockMeta, Cx};
use schemars::JsonSchema;
use serde::{Deserialize, Serialize};

use super::input::{Fields, input_meta};

pub struct AgentShortTextInput;

#[derive(Deserialize, JsonSchema)]
pub struct Input {
    #[serde(flatten)]
    pub fields: Fields,
    /// Short text input.
    #[serde(default)]
    #[schemars(title = "Default Value", extend("format" = "short-text"))]
    pub value: Option<String>,
}

#[derive(Serialize, JsonSchema)]
#[serde(tag = "pin", content = "value", rename_all = "snake_case")]
pub enum Output {
    /// Short text result.
    Result(String),
}

impl Block for AgentShortTextInput {
    const META: BlockMeta = input_meta(
        "7fcd3bcb-8e1b-4e69-903d-32d3d4a92158",
        "AgentShortTextInputBlock",
        "Block for short text input (single-line).",
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
        for text in ["Hello", "Quick test"] {
            let out = run_block(AgentShortTextInput, json!({"value": text, "name": "s"})).await;
            assert_eq!(out, vec![("result".into(), json!(text))]);
        }
        assert!(
            run_block(AgentShortTextInput, json!({"name": "s"}))
                .await
                .is_empty()
        );
    }
}
