//! RemoveFromListBlock: removes an item by index or by value.

use agentry_core::{Block, BlockError, BlockMeta, Category, Cx, Effect};
use schemars::JsonSchema;
use serde::{Deserialize, Serialize};
use serde_json::Value;

use super::get_list_item::python_index;
use crate::python::py_eq;

pub struct RemoveFromList;

#[derive(Deserialize, JsonSchema)]
pub struct Input {
    /// The list to modify.
    pub list: Vec<Value>,
    /// Value to remove from the list.
    #[serde(default)]
    pub value: Value,
    /// Index of the item to pop (supports negative indices).
    #[serde(default)]
    pub index: Option<i64>,
    /// Whether to return the removed item.
    #[serde(default)]
    pub return_item: bool,
}

#[derive(Serialize, JsonSchema)]
#[serde(tag = "pin", content = "value", rename_all = "snake_case")]
pub enum Output {
    /// The list after removal.
    UpdatedList(Vec<Value>),
    /// The removed item if requested.
    RemovedItem(Value),
}

impl Block for RemoveFromList {
    const META: BlockMeta = BlockMeta {
        effect: Effect::Pure,
        ..BlockMeta::standard(
            "d93c5a93-ac7e-41c1-ae5c-ef67e6e9b826",
            "RemoveFromListBlock",
            "Removes an item from a list by value or index.",
            &[Category::Basic],
        )
    };
    type Input = Input;
    type Output = Output;

    async fn run(&self, input: Input, cx: &mut Cx<'_, Output>) -> Result<(), BlockError> {
        let mut list = input.list;
        // The index wins over the value, as in AutoGPT.
        let at = match input.index {
            Some(index) => python_index(index, list.len()),
            None if !input.value.is_null() => {
                list.iter().position(|item| py_eq(item, &input.value))
            }
            None => None,
        };
        let at = at.ok_or_else(|| BlockError::input("Index or value not found"))?;
        let removed = list.remove(at);
        cx.emit(Output::UpdatedList(list));
        if input.return_item {
            cx.emit(Output::RemovedItem(removed));
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
    async fn removes_by_index_or_value() {
        let out = run_block(
            RemoveFromList,
            json!({"list": [1, 2, 3], "index": 1, "return_item": true}),
        )
        .await;
        assert_eq!(
            out,
            vec![
                ("updated_list".into(), json!([1, 3])),
                ("removed_item".into(), json!(2))
            ]
        );
        let out = run_block(
            RemoveFromList,
            json!({"list": ["a", "b", "c"], "value": "b"}),
        )
        .await;
        assert_eq!(out, vec![("updated_list".into(), json!(["a", "c"]))]);
    }

    #[tokio::test]
    async fn nothing_to_remove_is_an_error() {
        for input in [
            json!({"list": [1]}),
            json!({"list": [1], "value": 5}),
            json!({"list": [1], "index": 3}),
        ] {
            let out = run_block(RemoveFromList, input).await;
            assert_eq!(
                out,
                vec![("error".into(), json!("Index or value not found"))]
            );
        }
    }
}
