//! CreateListBlock: yields a list of values, split into batches by size or token budget.

use agentry_core::{Block, BlockError, BlockMeta, Category, Cx, Effect};
use schemars::JsonSchema;
use serde::{Deserialize, Serialize};
use serde_json::Value;

use crate::python::python_dumps;

pub struct CreateList;

#[derive(Deserialize, JsonSchema)]
pub struct Input {
    /// A list of values to be combined into a new list.
    pub values: Vec<Value>,
    /// Maximum size of the list. If provided, the list will be yielded in chunks of this size.
    #[serde(default)]
    pub max_size: Option<i64>,
    /// Maximum tokens for the list. If provided, the list will be yielded in chunks that fit within this token limit.
    #[serde(default)]
    pub max_tokens: Option<i64>,
}

#[derive(Serialize, JsonSchema)]
#[serde(tag = "pin", content = "value", rename_all = "snake_case")]
pub enum Output {
    /// The created list containing the specified values.
    List(Vec<Value>),
}

/// Approximate token count of a value's text (AutoGPT uses tiktoken; about four characters a
/// token is the usual estimate for English).
fn estimate_tokens(value: &Value) -> i64 {
    let chars = match value {
        Value::String(s) => s.chars().count(),
        other => python_dumps(other).chars().count(),
    };
    chars.div_ceil(4) as i64
}

impl Block for CreateList {
    const META: BlockMeta = BlockMeta {
        effect: Effect::Pure,
        ..BlockMeta::standard(
            "a912d5c7-6e00-4542-b2a9-8034136930e4",
            "CreateListBlock",
            "Creates a list with the specified values. Use this when you know all the values you want to add upfront. This block can also yield the list in batches based on a maximum size or token limit.",
            &[Category::Data],
        )
    };
    type Input = Input;
    type Output = Output;

    async fn run(&self, input: Input, cx: &mut Cx<'_, Output>) -> Result<(), BlockError> {
        // Zero means "no limit", as Python's truthiness check in AutoGPT does.
        let max_size = input.max_size.filter(|&n| n != 0);
        let max_tokens = input.max_tokens.filter(|&n| n != 0);
        let was_empty = input.values.is_empty();
        let mut chunk = Vec::new();
        let (mut size, mut tokens) = (0i64, 0i64);
        for value in input.values {
            let cost = if max_tokens.is_some() {
                estimate_tokens(&value)
            } else {
                0
            };
            let over_tokens = max_tokens.is_some_and(|max| tokens + cost > max);
            let over_size = max_size.is_some_and(|max| size + 1 > max);
            if over_tokens || over_size {
                // AutoGPT yields the current chunk even when it is empty.
                cx.emit(Output::List(std::mem::take(&mut chunk)));
                chunk.push(value);
                (size, tokens) = (1, cost);
            } else {
                chunk.push(value);
                (size, tokens) = (size + 1, tokens + cost);
            }
        }
        if !chunk.is_empty() || was_empty {
            cx.emit(Output::List(chunk));
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
    async fn creates_one_list() {
        let out = run_block(CreateList, json!({"values": ["Alice", 25, true]})).await;
        assert_eq!(out, vec![("list".into(), json!(["Alice", 25, true]))]);
        let out = run_block(CreateList, json!({"values": []})).await;
        assert_eq!(out, vec![("list".into(), json!([]))]);
    }

    #[tokio::test]
    async fn batches_by_size() {
        let out = run_block(
            CreateList,
            json!({"values": [1, 2, 3, 4, 5], "max_size": 2}),
        )
        .await;
        assert_eq!(
            out,
            vec![
                ("list".into(), json!([1, 2])),
                ("list".into(), json!([3, 4])),
                ("list".into(), json!([5])),
            ]
        );
    }

    #[tokio::test]
    async fn batches_by_tokens() {
        // "aaaaaaaa" is about 2 tokens, so two fit in a budget of 4.
        let out = run_block(
            CreateList,
            json!({"values": ["aaaaaaaa", "bbbbbbbb", "cccccccc"], "max_tokens": 4}),
        )
        .await;
        assert_eq!(
            out,
            vec![
                ("list".into(), json!(["aaaaaaaa", "bbbbbbbb"])),
                ("list".into(), json!(["cccccccc"])),
            ]
        );
    }

    #[tokio::test]
    async fn missing_values_is_an_error() {
        let out = run_block(CreateList, json!({})).await;
        assert_eq!(out[0].0, "error");
    }
}
