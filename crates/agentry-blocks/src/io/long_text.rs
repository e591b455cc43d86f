//! AgentLongTextInputBlock: a multi-line text graph input.

use agentry_core::{Block, BlockError, BlockMeta, Cx};
use schemars::JsonSchema;
use serde::{Deserialize, Serialize};

use super::input::{Fields, input_meta};

pub struct AgentLongTextInput;

#[derive(Deserialize, JsonSchema)]
pub struct Input {
    #[serde(flatten)]
    pub fields: Fields,
    /// Long text input (potentially multi-line).
    #[serde(default)]
    #[schemars(title = "Default Value", extend("format" = "long-text"))]
    pub value: Option<String>,
}

#[derive(Serialize, JsonSchema)]
#[serde(tag = "pin", content = "value", rename_all = "snake_case")]
pub enum Output {
    /// Long text result.
    Result(String),
}

impl Block for AgentLongTextInput {
    const META: BlockMeta = input_meta(
        "90a56ffb-7024-4b2b-ab50-e26c5e5ab8ba",
        "AgentLongTextInputBlock",
        "Block for long text input (multi-line).",
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
        for (value, expected) in [
            (
                json!("Lorem ipsum dolor sit amet..."),
                json!("Lorem ipsum dolor sit amet..."),
            ),
            (json!("two\nlines"), json!("two\nlines")),
        ] {
            let out = run_block(AgentLongTextInput, json!({"value": value, "name": "in"})).await;
            assert_eq!(out, vec![("result".into(), expected)]);
        }
        assert!(
            run_block(AgentLongTextInput, json!({"name": "in"}))
                .await
                .is_empty()
        );
    }
}
