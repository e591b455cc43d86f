//! ConcatenateListsBlock: joins lists in order, optionally without duplicates or nulls.

use agentry_core::{Block, BlockError, BlockMeta, Category, Cx, Effect};
use schemars::JsonSchema;
use serde::{Deserialize, Serialize};
use serde_json::Value;

use crate::python::{py_eq, type_name};

pub struct ConcatenateLists;

#[derive(Deserialize, JsonSchema)]
pub struct Input {
    /// A list of lists to concatenate together. All lists will be combined in order into a single list.
    pub lists: Vec<Value>,
    /// If True, remove duplicate elements from the concatenated result while preserving order.
    #[serde(default)]
    pub deduplicate: bool,
    /// If True, remove None values from the concatenated result.
    #[serde(default)]
    pub remove_none: bool,
}

#[derive(Serialize, JsonSchema)]
#[serde(tag = "pin", content = "value", rename_all = "snake_case")]
pub enum Output {
    /// The concatenated list containing all elements from all input lists in order.
    ConcatenatedList(Vec<Value>),
    /// The total number of elements in the concatenated list.
    Length(usize),
}

impl Block for ConcatenateLists {
    const META: BlockMeta = BlockMeta {
        effect: Effect::Pure,
        ..BlockMeta::standard(
            "3cf9298b-5817-4141-9d80-7c2cc5199c8e",
            "ConcatenateListsBlock",
            "Concatenates multiple lists into a single list. All elements from all input lists are combined in order. Supports optional deduplication and None removal.",
            &[Category::Basic],
        )
    };
    type Input = Input;
    type Output = Output;

    async fn run(&self, input: Input, cx: &mut Cx<'_, Output>) -> Result<(), BlockError> {
        let mut result = Vec::new();
        for (i, item) in input.lists.into_iter().enumerate() {
            match item {
                // Nulls stand for missing lists and are skipped.
                Value::Null => {}
                Value::Array(items) => result.extend(items),
                other => {
                    return Err(BlockError::Input(format!(
                        "Invalid input at index {i}: expected a list, got {}. All items in 'lists' must be lists (e.g., [[1, 2], [3, 4]]).",
                        type_name(&other)
                    )));
                }
            }
        }
        if input.remove_none {
            result.retain(|v| !v.is_null());
        }
        if input.deduplicate {
            let mut kept: Vec<Value> = Vec::with_capacity(result.len());
            for v in result {
                if !kept.iter().any(|k| py_eq(k, &v)) {
                    kept.push(v);
                }
            }
            result = kept;
        }
        let len = result.len();
        cx.emit(Output::ConcatenatedList(result));
        cx.emit(Output::Length(len));
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
        let cases = [
            (
                json!({"lists": [[1, 2, 3], [4, 5, 6]]}),
                json!([1, 2, 3, 4, 5, 6]),
            ),
            (
                json!({"lists": [["a", "b"], ["c"], ["d", "e", "f"]]}),
                json!(["a", "b", "c", "d", "e", "f"]),
            ),
            (json!({"lists": [[1, 2], []]}), json!([1, 2])),
            (json!({"lists": []}), json!([])),
            (
                json!({"lists": [[1, 2, 2, 3], [3, 4]], "deduplicate": true}),
                json!([1, 2, 3, 4]),
            ),
            (
                json!({"lists": [[1, null, 2], [null, 3]], "remove_none": true}),
                json!([1, 2, 3]),
            ),
        ];
        for (input, want) in cases {
            let len = want.as_array().unwrap().len();
            let out = run_block(ConcatenateLists, input).await;
            assert_eq!(
                out,
                vec![
                    ("concatenated_list".into(), want),
                    ("length".into(), json!(len))
                ]
            );
        }
    }

    #[tokio::test]
    async fn non_lists_are_refused_and_nulls_skipped() {
        let out = run_block(ConcatenateLists, json!({"lists": [[1], null, [2]]})).await;
        assert_eq!(out[0], ("concatenated_list".into(), json!([1, 2])));
        let out = run_block(ConcatenateLists, json!({"lists": [[1], "ab"]})).await;
        assert_eq!(out.len(), 1);
        assert!(
            out[0]
                .1
                .as_str()
                .unwrap()
                .starts_with("Invalid input at index 1: expected a list, got str.")
        );
    }
}
