//! FindInDictionaryBlock: looks a key up in a dictionary, an index up in a list, or a key up
//! in every dictionary of a list.

use agentry_core::{Block, BlockError, BlockMeta, Category, Cx, Effect};
use schemars::JsonSchema;
use serde::{Deserialize, Serialize};
use serde_json::Value;

pub struct FindInDictionary;

/// AutoGPT's `str | int` key.
#[derive(Debug, Clone, Deserialize, Serialize, JsonSchema)]
#[serde(untagged)]
pub enum Key {
    Str(String),
    Int(i64),
}

#[derive(Deserialize, JsonSchema)]
pub struct Input {
    /// Dictionary to lookup from
    pub input: Value,
    /// Key to lookup in the dictionary
    pub key: Key,
}

#[derive(Serialize, JsonSchema)]
#[serde(tag = "pin", content = "value", rename_all = "snake_case")]
pub enum Output {
    /// Value found for the given key
    Output(Value),
    /// Value of the input that missing the key
    Missing(Value),
}

/// The value found, or `None` when the key is missing.
fn lookup(obj: &Value, key: &Key) -> Option<Value> {
    match (obj, key) {
        (Value::Object(map), Key::Str(k)) => map.get(k).cloned(),
        // Only non-negative indices, unlike Python's own indexing.
        (Value::Array(items), Key::Int(i)) => {
            usize::try_from(*i).ok().and_then(|i| items.get(i)).cloned()
        }
        // A string key on a list collects that key from every dictionary holding it, when the
        // first element holds it; otherwise AutoGPT's attribute lookup finds nothing.
        (Value::Array(items), Key::Str(k)) => {
            let first_has_key = items
                .first()
                .and_then(Value::as_object)
                .is_some_and(|m| m.contains_key(k));
            let found = if first_has_key {
                items
                    .iter()
                    .filter_map(|item| item.as_object()?.get(k).cloned())
                    .collect()
            } else {
                Vec::new()
            };
            Some(Value::Array(found))
        }
        _ => None,
    }
}

impl Block for FindInDictionary {
    const META: BlockMeta = BlockMeta {
        effect: Effect::Pure,
        ..BlockMeta::standard(
            "0e50422c-6dee-4145-83d6-3a5a392f65de",
            "FindInDictionaryBlock",
            "A block that looks up a value in a dictionary, list, or object by key or index and returns the corresponding value.",
            &[Category::Basic],
        )
    };
    type Input = Input;
    type Output = Output;

    async fn run(&self, input: Input, cx: &mut Cx<'_, Output>) -> Result<(), BlockError> {
        // AutoGPT parses a string input as JSON first and fails when it is not JSON.
        let parsed = match &input.input {
            Value::String(s) => Some(
                serde_json::from_str::<Value>(s)
                    .map_err(|e| BlockError::input(format!("input is not valid JSON: {e}")))?,
            ),
            _ => None,
        };
        let obj = parsed.as_ref().unwrap_or(&input.input);
        match lookup(obj, &input.key) {
            Some(found) => cx.emit(Output::Output(found)),
            None => cx.emit(Output::Missing(input.input)),
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use agentry_core::testing::run_block;
    use serde_json::json;

    async fn find(input: Value, key: Value) -> Vec<(String, Value)> {
        run_block(FindInDictionary, json!({"input": input, "key": key})).await
    }

    #[tokio::test]
    async fn autogpt_examples() {
        let out = find(
            json!({"apple": 1, "banana": 2, "cherry": 3}),
            json!("banana"),
        )
        .await;
        assert_eq!(out, vec![("output".into(), json!(2))]);
        let out = find(json!({"x": 10, "y": 20, "z": 30}), json!("w")).await;
        assert_eq!(
            out,
            vec![("missing".into(), json!({"x": 10, "y": 20, "z": 30}))]
        );
        assert_eq!(
            find(json!([1, 2, 3]), json!(1)).await,
            vec![("output".into(), json!(2))]
        );
        assert_eq!(
            find(json!([1, 2, 3]), json!(3)).await,
            vec![("missing".into(), json!([1, 2, 3]))]
        );
        let out = find(
            json!([{"k1": "v1"}, {"k2": "v2"}, {"k1": "v3"}]),
            json!("k1"),
        )
        .await;
        assert_eq!(out, vec![("output".into(), json!(["v1", "v3"]))]);
    }

    #[tokio::test]
    async fn json_string_input_is_parsed() {
        let out = find(json!("{\"a\": {\"b\": 1}}"), json!("a")).await;
        assert_eq!(out, vec![("output".into(), json!({"b": 1}))]);
        let out = find(json!("{\"a\": 1}"), json!("z")).await;
        assert_eq!(out, vec![("missing".into(), json!("{\"a\": 1}"))]);
        let out = find(json!("not json"), json!("a")).await;
        assert_eq!(out[0].0, "error");
    }

    #[tokio::test]
    async fn lists_without_the_key_give_an_empty_list() {
        assert_eq!(
            find(json!([]), json!("k")).await,
            vec![("output".into(), json!([]))]
        );
        assert_eq!(
            find(json!([1, 2]), json!("k")).await,
            vec![("output".into(), json!([]))]
        );
        assert_eq!(
            find(json!(5), json!("k")).await,
            vec![("missing".into(), json!(5))]
        );
    }
}
