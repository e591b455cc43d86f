//! AgentDropdownInputBlock: a text graph input chosen from a list.

use agentry_core::{Block, BlockError, BlockMeta, Cx};
use schemars::JsonSchema;
use serde::{Deserialize, Serialize};

use super::input::{Fields, input_meta};

pub struct AgentDropdownInput;

#[derive(Deserialize, JsonSchema)]
pub struct Input {
    #[serde(flatten)]
    pub fields: Fields,
    /// Text selected from a dropdown.
    #[serde(default)]
    #[schemars(title = "Default Value")]
    pub value: Option<String>,
}

#[derive(Serialize, JsonSchema)]
#[serde(tag = "pin", content = "value", rename_all = "snake_case")]
pub enum Output {
    /// Selected dropdown value.
    Result(String),
}

impl Block for AgentDropdownInput {
    const META: BlockMeta = input_meta(
        "655d6fdf-a334-421c-b733-520549c07cd1",
        "AgentDropdownInputBlock",
        "Block for dropdown text selection.",
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
            (json!("Option A"), json!("Option A")),
            (json!("Option C"), json!("Option C")),
        ] {
            let out = run_block(AgentDropdownInput, json!({"value": value, "name": "in"})).await;
            assert_eq!(out, vec![("result".into(), expected)]);
        }
        assert!(
            run_block(AgentDropdownInput, json!({"name": "in"}))
                .await
                .is_empty()
        );
    }
}
