//! DictionaryIsEmptyBlock: whether a dictionary has no keys.

use agentry_core::{Block, BlockError, BlockMeta, Category, Cx, Effect};
use schemars::JsonSchema;
use serde::{Deserialize, Serialize};
use serde_json::{Map, Value};

pub struct DictionaryIsEmpty;

#[derive(Deserialize, JsonSchema)]
pub struct Input {
    /// The dictionary to check.
    pub dictionary: Map<String, Value>,
}

#[derive(Serialize, JsonSchema)]
#[serde(tag = "pin", content = "value", rename_all = "snake_case")]
pub enum Output {
    /// True if the dictionary is empty.
    IsEmpty(bool),
}

impl Block for DictionaryIsEmpty {
    const META: BlockMeta = BlockMeta {
        effect: Effect::Pure,
        ..BlockMeta::standard(
            "a3cf3f64-6bb9-4cc6-9900-608a0b3359b0",
            "DictionaryIsEmptyBlock",
            "Checks if a dictionary is empty.",
            &[Category::Basic],
        )
    };
    type Input = Input;
    type Output = Output;

    async fn run(&self, input: Input, cx: &mut Cx<'_, Output>) -> Result<(), BlockError> {
        cx.emit(Output::IsEmpty(input.dictionary.is_empty()));
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
        let out = run_block(DictionaryIsEmpty, json!({"dictionary": {}})).await;
        assert_eq!(out, vec![("is_empty".into(), json!(true))]);
        let out = run_block(DictionaryIsEmpty, json!({"dictionary": {"a": 1}})).await;
        assert_eq!(out, vec![("is_empty".into(), json!(false))]);
    }
}
