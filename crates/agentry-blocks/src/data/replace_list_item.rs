//! ReplaceListItemBlock: puts a new value at an index (negative counts from the end).

use agentry_core::{Block, BlockError, BlockMeta, Category, Cx, Effect};
use schemars::JsonSchema;
use serde::{Deserialize, Serialize};
use serde_json::Value;

use super::get_list_item::python_index;

pub struct ReplaceListItem;

#[derive(Deserialize, JsonSchema)]
pub struct Input {
    /// The list to modify.
    pub list: Vec<Value>,
    /// Index of the item to replace (supports negative indices).
    pub index: i64,
    /// The new value for the given index.
    pub value: Value,
}

#[derive(Serialize, JsonSchema)]
#[serde(tag = "pin", content = "value", rename_all = "snake_case")]
pub enum Output {
    /// The list after replacement.
    UpdatedList(Vec<Value>),
    /// The item that was replaced.
    OldItem(Value),
}

impl Block for ReplaceListItem {
    const META: BlockMeta = BlockMeta {
        effect: Effect::Pure,
        ..BlockMeta::standard(
            "fbf62922-bea1-4a3d-8bac-23587f810b38",
            "ReplaceListItemBlock",
            "Replaces an item at the specified index.",
            &[Category::Basic],
        )
    };
    type Input = Input;
    type Output = Output;

    async fn run(&self, input: Input, cx: &mut Cx<'_, Output>) -> Result<(), BlockError> {
        let mut list = input.list;
        let at = python_index(input.index, list.len())
            .ok_or_else(|| BlockError::input("Index out of range"))?;
        let old = std::mem::replace(&mut list[at], input.value);
        cx.emit(Output::UpdatedList(list));
        cx.emit(Output::OldItem(old));
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use agentry_core::testing::run_block;
    use serde_json::json;

    #[tokio::test]
    async fn autogpt_examples_and_out_of_range() {
        let out = run_block(
            ReplaceListItem,
            json!({"list": [1, 2, 3], "index": 1, "value": 99}),
        )
        .await;
        assert_eq!(
            out,
            vec![
                ("updated_list".into(), json!([1, 99, 3])),
                ("old_item".into(), json!(2))
            ]
        );
        let out = run_block(
            ReplaceListItem,
            json!({"list": ["a", "b"], "index": -1, "value": "c"}),
        )
        .await;
        assert_eq!(
            out,
            vec![
                ("updated_list".into(), json!(["a", "c"])),
                ("old_item".into(), json!("b"))
            ]
        );
        let out = run_block(
            ReplaceListItem,
            json!({"list": ["a"], "index": 3, "value": "c"}),
        )
        .await;
        assert_eq!(out, vec![("error".into(), json!("Index out of range"))]);
    }
}
