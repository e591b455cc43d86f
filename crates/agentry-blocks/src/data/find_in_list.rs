//! FindInListBlock: the index of the first element equal to a value.

use agentry_core::{Block, BlockError, BlockMeta, Category, Cx, Effect};
use schemars::JsonSchema;
use serde::{Deserialize, Serialize};
use serde_json::Value;

use crate::python::py_eq;

pub struct FindInList;

#[derive(Deserialize, JsonSchema)]
pub struct Input {
    /// The list to search in.
    pub list: Vec<Value>,
    /// The value to search for.
    pub value: Value,
}

#[derive(Serialize, JsonSchema)]
#[serde(tag = "pin", content = "value", rename_all = "snake_case")]
pub enum Output {
    /// The index of the value in the list.
    Index(i64),
    /// Whether the value was found in the list.
    Found(bool),
    /// The value that was not found in the list.
    NotFoundValue(Value),
}

impl Block for FindInList {
    const META: BlockMeta = BlockMeta {
        effect: Effect::Pure,
        ..BlockMeta::standard(
            "5e2c6d0a-1e37-489f-b1d0-8e1812b23333",
            "FindInListBlock",
            "Finds the index of the value in the list.",
            &[Category::Basic],
        )
    };
    type Input = Input;
    type Output = Output;

    async fn run(&self, input: Input, cx: &mut Cx<'_, Output>) -> Result<(), BlockError> {
        match input.list.iter().position(|item| py_eq(item, &input.value)) {
            Some(index) => {
                cx.emit(Output::Index(index as i64));
                cx.emit(Output::Found(true));
            }
            None => {
                cx.emit(Output::Found(false));
                cx.emit(Output::NotFoundValue(input.value));
            }
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
    async fn finds_and_misses() {
        let out = run_block(FindInList, json!({"list": [1, 2, 3, 4, 5], "value": 3})).await;
        assert_eq!(
            out,
            vec![("index".into(), json!(2)), ("found".into(), json!(true))]
        );
        let out = run_block(FindInList, json!({"list": [1, 2, 3, 4, 5], "value": 6})).await;
        assert_eq!(
            out,
            vec![
                ("found".into(), json!(false)),
                ("not_found_value".into(), json!(6))
            ]
        );
    }

    #[tokio::test]
    async fn equality_is_pythons() {
        let out = run_block(FindInList, json!({"list": ["a", 2.0], "value": 2})).await;
        assert_eq!(out[0], ("index".into(), json!(1)));
    }
}
