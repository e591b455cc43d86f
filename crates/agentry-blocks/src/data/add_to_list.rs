//! AddToListBlock: inserts one entry and a batch of entries into a list.

use agentry_core::{Block, BlockError, BlockMeta, Category, Cx, Effect};
use schemars::JsonSchema;
use serde::{Deserialize, Serialize};
use serde_json::Value;

use crate::python::truthy;

pub struct AddToList;

#[derive(Deserialize, JsonSchema)]
pub struct Input {
    /// The list to add the entry to. If not provided, a new list will be created.
    #[serde(default)]
    pub list: Vec<Value>,
    /// The entry to add to the list. Can be of any type (string, int, dict, etc.).
    #[serde(default)]
    pub entry: Value,
    /// The entries to add to the list. This is the batch version of the `entry` field.
    #[serde(default)]
    pub entries: Vec<Value>,
    /// The position to insert the new entry. If not provided, the entry will be appended to the end of the list.
    #[serde(default)]
    pub position: Option<i64>,
}

#[derive(Serialize, JsonSchema)]
#[serde(tag = "pin", content = "value", rename_all = "snake_case")]
pub enum Output {
    /// The list with the new entry added.
    UpdatedList(Vec<Value>),
}

/// Python's slice bound: negative counts from the end, out-of-range clamps.
pub fn slice_index(pos: i64, len: usize) -> usize {
    let len = len as i64;
    let pos = if pos < 0 { pos + len } else { pos };
    pos.clamp(0, len) as usize
}

impl Block for AddToList {
    const META: BlockMeta = BlockMeta {
        effect: Effect::Pure,
        ..BlockMeta::standard(
            "aeb08fc1-2fc1-4141-bc8e-f758f183a822",
            "AddToListBlock",
            "Adds a new entry to a list. The entry can be of any type. If no list is provided, a new one is created.",
            &[Category::Basic],
        )
    };
    type Input = Input;
    type Output = Output;

    async fn run(&self, input: Input, cx: &mut Cx<'_, Output>) -> Result<(), BlockError> {
        let mut added = input.entries;
        // AutoGPT skips falsy entries (None, "", 0, [], {}), not only missing ones.
        if truthy(&input.entry) {
            added.push(input.entry);
        }
        let mut list = input.list;
        match input.position {
            Some(pos) => {
                let at = slice_index(pos, list.len());
                list.splice(at..at, added);
            }
            None => list.extend(added),
        }
        cx.emit(Output::UpdatedList(list));
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use agentry_core::testing::run_block;
    use serde_json::json;

    async fn updated(input: Value) -> Vec<(String, Value)> {
        run_block(AddToList, input).await
    }

    #[tokio::test]
    async fn autogpt_examples() {
        let out = updated(
            json!({"list": [1, "string", {"existing_key": "existing_value"}],
            "entry": {"new_key": "new_value"}, "position": 1}),
        )
        .await;
        assert_eq!(
            out,
            vec![(
                "updated_list".into(),
                json!([1, {"new_key": "new_value"}, "string", {"existing_key": "existing_value"}])
            )]
        );
        let out = updated(json!({"entry": "first_entry"})).await;
        assert_eq!(out, vec![("updated_list".into(), json!(["first_entry"]))]);
        let out = updated(json!({"list": ["a", "b", "c"], "entry": "d"})).await;
        assert_eq!(
            out,
            vec![("updated_list".into(), json!(["a", "b", "c", "d"]))]
        );
        let out = updated(
            json!({"entry": "e", "entries": ["f", "g"], "list": ["a", "b"], "position": 1}),
        )
        .await;
        assert_eq!(
            out,
            vec![("updated_list".into(), json!(["a", "f", "g", "e", "b"]))]
        );
    }

    #[tokio::test]
    async fn negative_and_far_positions_slice_like_python() {
        let out = updated(json!({"list": [1, 2, 3], "entry": 9, "position": -1})).await;
        assert_eq!(out, vec![("updated_list".into(), json!([1, 2, 9, 3]))]);
        let out = updated(json!({"list": [1], "entry": 9, "position": 10})).await;
        assert_eq!(out, vec![("updated_list".into(), json!([1, 9]))]);
        let out = updated(json!({"list": [1], "entry": 0})).await;
        assert_eq!(out, vec![("updated_list".into(), json!([1]))]);
    }
}
