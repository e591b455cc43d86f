//! CountItemsBlock: the number of items in a list, dictionary or string.

use agentry_core::{Block, BlockError, BlockMeta, Category, Cx, Effect};
use schemars::JsonSchema;
use serde::{Deserialize, Serialize};
use serde_json::Value;

pub struct CountItems;

#[derive(Deserialize, JsonSchema)]
pub struct Input {
    /// Enter the collection you want to count. This can be a list, dictionary, string, or any other iterable.
    pub collection: Value,
}

#[derive(Serialize, JsonSchema)]
#[serde(tag = "pin", content = "value", rename_all = "snake_case")]
pub enum Output {
    /// The number of items in the collection
    Count(i64),
}

impl Block for CountItems {
    const META: BlockMeta = BlockMeta {
        effect: Effect::Pure,
        ..BlockMeta::standard(
            "3c9c2f42-b0c3-435f-ba35-05f7a25c772a",
            "CountItemsBlock",
            "Counts the number of items in a collection.",
            &[Category::Logic],
        )
    };
    type Input = Input;
    type Output = Output;

    async fn run(&self, input: Input, cx: &mut Cx<'_, Output>) -> Result<(), BlockError> {
        let count = match &input.collection {
            // Python's len() of a str counts code points.
            Value::String(s) => s.chars().count(),
            Value::Array(items) => items.len(),
            Value::Object(map) => map.len(),
            // AutoGPT yields -1 rather than an error for things that are not collections.
            _ => {
                cx.emit(Output::Count(-1));
                return Ok(());
            }
        };
        cx.emit(Output::Count(count as i64));
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use agentry_core::testing::run_block;
    use serde_json::json;

    async fn count(collection: Value) -> Vec<(String, Value)> {
        run_block(CountItems, json!({ "collection": collection })).await
    }

    #[tokio::test]
    async fn counts_lists_dicts_and_strings() {
        assert_eq!(
            count(json!([1, 2, 3, 4, 5])).await,
            vec![("count".into(), json!(5))]
        );
        assert_eq!(
            count(json!({"a": 1, "b": 2})).await,
            vec![("count".into(), json!(2))]
        );
        assert_eq!(
            count(json!("héllo")).await,
            vec![("count".into(), json!(5))]
        );
    }

    #[tokio::test]
    async fn non_collections_count_minus_one() {
        assert_eq!(count(json!(42)).await, vec![("count".into(), json!(-1))]);
        assert_eq!(count(json!(null)).await, vec![("count".into(), json!(-1))]);
    }
}
