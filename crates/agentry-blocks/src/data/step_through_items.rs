//! StepThroughItemsBlock: yields each element of a list, dictionary or JSON string with its key.

use agentry_core::{Block, BlockError, BlockMeta, Category, Cx, Effect};
use schemars::JsonSchema;
use serde::{Deserialize, Serialize};
use serde_json::{Map, Value};

pub struct StepThroughItems;

/// AutoGPT's limits against runaway fan-out.
const MAX_ITEMS: usize = 10_000;
const MAX_ITEM_SIZE: usize = 1024 * 1024;

#[derive(Deserialize, JsonSchema)]
pub struct Input {
    /// The list or dictionary of items to iterate over
    #[serde(default)]
    pub items: Vec<Value>,
    /// The list or dictionary of items to iterate over
    #[serde(default)]
    pub items_object: Map<String, Value>,
    /// The list or dictionary of items to iterate over
    #[serde(default)]
    pub items_str: String,
}

#[derive(Serialize, JsonSchema)]
#[serde(tag = "pin", content = "value", rename_all = "snake_case")]
pub enum Output {
    /// The current item in the iteration
    Item(Value),
    /// The key or index of the current item in the iteration
    Key(Value),
}

fn too_many(n: usize) -> Result<(), BlockError> {
    if n > MAX_ITEMS {
        return Err(BlockError::input(format!(
            "Too many items: {n} > {MAX_ITEMS}"
        )));
    }
    Ok(())
}

fn step_list(items: Vec<Value>, cx: &mut Cx<'_, Output>) -> Result<(), BlockError> {
    too_many(items.len())?;
    for (index, item) in items.into_iter().enumerate() {
        cx.emit(Output::Item(item));
        cx.emit(Output::Key(Value::from(index)));
    }
    Ok(())
}

fn step_map(map: Map<String, Value>, cx: &mut Cx<'_, Output>) -> Result<(), BlockError> {
    too_many(map.len())?;
    for (key, value) in map {
        cx.emit(Output::Item(value));
        cx.emit(Output::Key(Value::String(key)));
    }
    Ok(())
}

fn step_str(text: &str, cx: &mut Cx<'_, Output>) -> Result<(), BlockError> {
    let len = text.chars().count();
    if len > MAX_ITEM_SIZE {
        return Err(BlockError::input(format!(
            "Input too large: {len} bytes > {MAX_ITEM_SIZE} bytes"
        )));
    }
    let parsed: Value = serde_json::from_str(text)
        .map_err(|e| BlockError::input(format!("items_str is not valid JSON: {e}")))?;
    match parsed {
        Value::Array(items) => step_list(items, cx),
        Value::Object(map) => step_map(map, cx),
        // Python enumerates a str character by character.
        Value::String(s) => step_list(s.chars().map(|c| Value::from(c.to_string())).collect(), cx),
        other => Err(BlockError::input(format!(
            "'{}' object is not iterable",
            crate::python::type_name(&other)
        ))),
    }
}

impl Block for StepThroughItems {
    const META: BlockMeta = BlockMeta {
        effect: Effect::Pure,
        ..BlockMeta::standard(
            "f66a3543-28d3-4ab5-8945-9b336371e2ce",
            "StepThroughItemsBlock",
            "Iterates over a list or dictionary and outputs each item.",
            &[Category::Logic],
        )
    };
    type Input = Input;
    type Output = Output;

    async fn run(&self, input: Input, cx: &mut Cx<'_, Output>) -> Result<(), BlockError> {
        // As AutoGPT, every non-empty source is stepped through, in this order.
        if !input.items.is_empty() {
            step_list(input.items, cx)?;
        }
        if !input.items_object.is_empty() {
            step_map(input.items_object, cx)?;
        }
        if !input.items_str.is_empty() {
            step_str(&input.items_str, cx)?;
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use agentry_core::testing::run_block;
    use serde_json::json;

    fn pairs(pairs: &[(Value, Value)]) -> Vec<(String, Value)> {
        pairs
            .iter()
            .flat_map(|(item, key)| [("item".into(), item.clone()), ("key".into(), key.clone())])
            .collect()
    }

    #[tokio::test]
    async fn steps_through_a_list() {
        let out = run_block(
            StepThroughItems,
            json!({"items": [1, 2, 3, {"key1": "value1", "key2": "value2"}]}),
        )
        .await;
        let expected = pairs(&[
            (json!(1), json!(0)),
            (json!(2), json!(1)),
            (json!(3), json!(2)),
            (json!({"key1": "value1", "key2": "value2"}), json!(3)),
        ]);
        assert_eq!(out, expected);
    }

    #[tokio::test]
    async fn steps_through_a_dict_and_a_json_string() {
        let out = run_block(
            StepThroughItems,
            json!({"items_object": {"a": 1, "b": 2}, "items_str": "[\"x\"]"}),
        )
        .await;
        let expected = pairs(&[
            (json!(1), json!("a")),
            (json!(2), json!("b")),
            (json!("x"), json!(0)),
        ]);
        assert_eq!(out, expected);
    }

    #[tokio::test]
    async fn nothing_given_yields_nothing() {
        assert!(run_block(StepThroughItems, json!({})).await.is_empty());
    }

    #[tokio::test]
    async fn limits_and_bad_json_fail() {
        let many: Vec<usize> = (0..=MAX_ITEMS).collect();
        let out = run_block(StepThroughItems, json!({ "items": many })).await;
        assert_eq!(
            out,
            vec![("error".into(), json!("Too many items: 10001 > 10000"))]
        );
        let out = run_block(StepThroughItems, json!({"items_str": "{not json"})).await;
        assert_eq!(out.len(), 1);
        assert_eq!(out[0].0, "error");
        let out = run_block(StepThroughItems, json!({"items_str": "5"})).await;
        assert_eq!(
            out,
            vec![("error".into(), json!("'int' object is not iterable"))]
        );
    }
}
