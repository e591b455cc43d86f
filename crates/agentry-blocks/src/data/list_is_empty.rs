//! ListIsEmptyBlock: whether a list has no items.

use agentry_core::{Block, BlockError, BlockMeta, Category, Cx, Effect};
use schemars::JsonSchema;
use serde::{Deserialize, Serialize};
use serde_json::Value;

pub struct ListIsEmpty;

#[derive(Deserialize, JsonSchema)]
pub struct Input {
    /// The list to check.
    pub list: Vec<Value>,
}

#[derive(Serialize, JsonSchema)]
#[serde(tag = "pin", content = "value", rename_all = "snake_case")]
pub enum Output {
    /// True if the list is empty.
    IsEmpty(bool),
}

impl Block for ListIsEmpty {
    const META: BlockMeta = BlockMeta {
        effect: Effect::Pure,
        ..BlockMeta::standard(
            "896ed73b-27d0-41be-813c-c1c1dc856c03",
            "ListIsEmptyBlock",
            "Checks if a list is empty.",
            &[Category::Basic],
        )
    };
    type Input = Input;
    type Output = Output;

    async fn run(&self, input: Input, cx: &mut Cx<'_, Output>) -> Result<(), BlockError> {
        cx.emit(Output::IsEmpty(input.list.is_empty()));
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use agentry_core::testing::run_block;
    use serde_json::json;

    #[tokio::test]
    async fn empty_and_not() {
        let out = run_block(ListIsEmpty, json!({"list": []})).await;
        assert_eq!(out, vec![("is_empty".into(), json!(true))]);
        let out = run_block(ListIsEmpty, json!({"list": [1]})).await;
        assert_eq!(out, vec![("is_empty".into(), json!(false))]);
    }
}
