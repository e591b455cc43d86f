//! AgentInputBlock, the graph's input, and the pins its typed variants share.

use agentry_core::{Block, BlockError, BlockMeta, BlockType, Category, Cx};
use schemars::JsonSchema;
use serde::{Deserialize, Serialize};
use serde_json::Value;

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

pub struct AgentInput;

#[derive(Deserialize, JsonSchema)]
pub struct Input {
    #[serde(flatten)]
    pub fields: Fields,
    /// The value to be passed as input.
    #[serde(default)]
    pub value: Value,
}

#[derive(Serialize, JsonSchema)]
#[serde(tag = "pin", content = "value", rename_all = "snake_case")]
pub enum Output {
    /// The value passed as input.
    Result(Value),
}

impl Block for AgentInput {
    const META: BlockMeta = input_meta(
        "c0a8e994-ebf1-4a9c-a4d8-89d09c86741b",
        "AgentInputBlock",
        "A block that accepts and processes user input values within a workflow, supporting various input types and validation.",
    );
    type Input = Input;
    type Output = Output;

    async fn run(&self, input: Input, cx: &mut Cx<'_, Output>) -> Result<(), BlockError> {
        // No run input and no default: the input yields nothing, as in AutoGPT.
        if !input.value.is_null() {
            cx.emit(Output::Result(input.value));
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
