//! RemoveFromDictionaryBlock: removes one key, optionally yielding the value it held.

use agentry_core::{Block, BlockError, BlockMeta, Category, Cx, Effect};
use schemars::JsonSchema;
use serde::{Deserialize, Serialize};
use serde_json::{Map, Value};

use super::find_in_dictionary::Key;

pub struct RemoveFromDictionary;

#[derive(Deserialize, JsonSchema)]
pub struct Input {
    /// The dictionary to modify.
    pub dictionary: Map<String, Value>,
    /// Key to remove from the dictionary.
    pub key: Key,
    /// Whether to return the removed value.
    #[serde(default)]
    pub return_value: bool,
}

#[derive(Serialize, JsonSchema)]
#[serde(tag = "pin", content = "value", rename_all = "snake_case")]
pub enum Output {
    /// The dictionary after removal.
    UpdatedDictionary(Map<String, Value>),
    /// The removed value if requested.
    RemovedValue(Value),
}

/// The key as it appears in AutoGPT's error message; JSON object keys are strings, so an
/// integer key is never found, as in Python.
pub(crate) fn missing(key: &Key) -> BlockError {
    let shown = match key {
        Key::Str(s) => s.clone(),
        Key::Int(i) => i.to_string(),
    };
    BlockError::Input(format!("Key '{shown}' not found in dictionary"))
}

impl Block for RemoveFromDictionary {
    const META: BlockMeta = BlockMeta {
        effect: Effect::Pure,
        ..BlockMeta::standard(
            "46afe2ea-c613-43f8-95ff-6692c3ef6876",
            "RemoveFromDictionaryBlock",
            "Removes a key-value pair from a dictionary.",
            &[Category::Basic],
        )
    };
    type Input = Input;
    type Output = Output;

    async fn run(&self, input: Input, cx: &mut Cx<'_, Output>) -> Result<(), BlockError> {
        let mut dictionary = input.dictionary;
        let removed = match &input.key {
            Key::Str(k) => dictionary.shift_remove(k),
            Key::Int(_) => None,
        };
        let removed = removed.ok_or_else(|| missing(&input.key))?;
        cx.emit(Output::UpdatedDictionary(dictionary));
        if input.return_value {
            cx.emit(Output::RemovedValue(removed));
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
    async fn autogpt_examples_and_missing_keys() {
        let out = run_block(
            RemoveFromDictionary,
            json!({"dictionary": {"a": 1, "b": 2, "c": 3}, "key": "b", "return_value": true}),
        )
        .await;
        assert_eq!(
            out,
            vec![
                ("updated_dictionary".into(), json!({"a": 1, "c": 3})),
                ("removed_value".into(), json!(2))
            ]
        );
        let out = run_block(
            RemoveFromDictionary,
            json!({"dictionary": {"x": "hello", "y": "world"}, "key": "x"}),
        )
        .await;
        assert_eq!(
            out,
            vec![("updated_dictionary".into(), json!({"y": "world"}))]
        );
        let out = run_block(
            RemoveFromDictionary,
            json!({"dictionary": {"x": 1}, "key": "z"}),
        )
        .await;
        assert_eq!(
            out,
            vec![("error".into(), json!("Key 'z' not found in dictionary"))]
        );
    }
}
