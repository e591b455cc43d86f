//! ReverseListOrderBlock: the list, last element first.

use agentry_core::{Block, BlockError, BlockMeta, Category, Cx, Effect};
use schemars::JsonSchema;
use serde::{Deserialize, Serialize};
use serde_json::Value;

pub struct ReverseListOrder;

#[derive(Deserialize, JsonSchema)]
pub struct Input {
    /// The list to reverse
    pub input_list: Vec<Value>,
}

#[derive(Serialize, JsonSchema)]
#[serde(tag = "pin", content = "value", rename_all = "snake_case")]
pub enum Output {
    /// The list in reversed order
    ReversedList(Vec<Value>),
}

impl Block for ReverseListOrder {
    const META: BlockMeta = BlockMeta {
        effect: Effect::Pure,
        ..BlockMeta::standard(
            "422cb708-3109-4277-bfe3-bc2ae5812777",
            "ReverseListOrderBlock",
            "Reverses the order of elements in a list",
            &[Category::Basic],
        )
    };
    type Input = Input;
    type Output = Output;

    async fn run(&self, input: Input, cx: &mut Cx<'_, Output>) -> Result<(), BlockError> {
        let mut list = input.input_list;
        list.reverse();
        cx.emit(Output::ReversedList(list));
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use agentry_core::testing::run_block;
    use serde_json::json;

    #[tokio::test]
    async fn reverses() {
        let out = run_block(ReverseListOrder, json!({"input_list": [1, 2, 3, 4, 5]})).await;
        assert_eq!(out, vec![("reversed_list".into(), json!([5, 4, 3, 2, 1]))]);
        let out = run_block(ReverseListOrder, json!({"input_list": []})).await;
        assert_eq!(out, vec![("reversed_list".into(), json!([]))]);
    }
}
