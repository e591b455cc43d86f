//! GetListItemBlock: the element at an index, negative indices counting from the end.

use agentry_core::{Block, BlockError, BlockMeta, Category, Cx, Effect};
use schemars::JsonSchema;
use serde::{Deserialize, Serialize};
use serde_json::Value;

pub struct GetListItem;

#[derive(Deserialize, JsonSchema)]
pub struct Input {
    /// The list to get the item from.
    pub list: Vec<Value>,
    /// The 0-based index of the item (supports negative indices).
    pub index: i64,
}

#[derive(Serialize, JsonSchema)]
#[serde(tag = "pin", content = "value", rename_all = "snake_case")]
pub enum Output {
    /// The item at the specified index.
    Item(Value),
}

/// Python's index into a list of `len` items, `None` where Python raises `IndexError`.
pub fn python_index(index: i64, len: usize) -> Option<usize> {
    let len = len as i64;
    let at = if index < 0 { index + len } else { index };
    (0..len).contains(&at).then_some(at as usize)
}

impl Block for GetListItem {
    const META: BlockMeta = BlockMeta {
        effect: Effect::Pure,
        ..BlockMeta::standard(
            "262ca24c-1025-43cf-a578-534e23234e97",
            "GetListItemBlock",
            "Returns the element at the given index.",
            &[Category::Basic],
        )
    };
    type Input = Input;
    type Output = Output;

    async fn run(&self, mut input: Input, cx: &mut Cx<'_, Output>) -> Result<(), BlockError> {
        let at = python_index(input.index, input.list.len())
            .ok_or_else(|| BlockError::input("Index out of range"))?;
        cx.emit(Output::Item(input.list.swap_remove(at)));
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use agentry_core::testing::run_block;
    use serde_json::json;

    #[tokio::test]
    async fn gets_by_positive_and_negative_index() {
        let out = run_block(GetListItem, json!({"list": [1, 2, 3], "index": 1})).await;
        assert_eq!(out, vec![("item".into(), json!(2))]);
        let out = run_block(GetListItem, json!({"list": [1, 2, 3], "index": -1})).await;
        assert_eq!(out, vec![("item".into(), json!(3))]);
    }

    #[tokio::test]
    async fn out_of_range_is_an_error() {
        let out = run_block(GetListItem, json!({"list": [1, 2, 3], "index": -4})).await;
        assert_eq!(out, vec![("error".into(), json!("Index out of range"))]);
    }
}
