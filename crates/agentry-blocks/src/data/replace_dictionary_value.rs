//! ReplaceDictionaryValueBlock: sets a new value for an existing key and yields the old one.

use agentry_core::{Block, BlockError, BlockMeta, Category, Cx, Effect};
use schemars::JsonSchema;
use serde::{Deserialize, Serialize};
use serde_json::{Map, Value};

use super::find_in_dictionary::Key;
use super::remove_from_dictionary::missing;

pub struct ReplaceDictionaryValue;

#[derive(Deserialize, JsonSchema)]
pub struct Input {
    /// The dictionary to modify.
    pub dictionary: Map<String, Value>,
    /// Key to replace the value for.
    pub key: Key,
    /// The new value for the given key.
    pub value: Value,
}

#[derive(Serialize, JsonSchema)]
#[serde(tag = "pin", content = "value", rename_all = "snake_case")]
pub enum Output {
    /// The dictionary after replacement.
    UpdatedDictionary(Map<String, Value>),
    /// The value that was replaced.
    OldValue(Value),
}

impl Block for ReplaceDictionaryValue {
    const META: BlockMeta = BlockMeta {
        effect: Effect::Pure,
        ..BlockMeta::standard(
            "27e31876-18b6-44f3-ab97-f6226d8b3889",
            "ReplaceDictionaryValueBlock",
            "Replaces the value for a specified key in a dictionary.",
            &[Category::Basic],
        )
    };
    type Input = Input;
    type Output = Output;

    async fn run(&self, input: Input, cx: &mut Cx<'_, Output>) -> Result<(), BlockError> {
        let mut dictionary = input.dictionary;
        let slot = match &input.key {
            Key::Str(k) => dictionary.get_mut(k),
            Key::Int(_) => None,
        };
        let slot = slot.ok_or_else(|| missing(&input.key))?;
        let old = std::mem::replace(slot, input.value);
        cx.emit(Output::UpdatedDictionary(dictionary));
        cx.emit(Output::OldValue(old));
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
            ReplaceDictionaryValue,
            json!({"dictionary": {"a": 1, "b": 2, "c": 3}, "key": "b", "value": 99}),
        )
        .await;
        assert_eq!(
            out,
            vec![
                (
                    "updated_dictionary".into(),
                    json!({"a": 1, "b": 99, "c": 3})
                ),
                ("old_value".into(), json!(2))
            ]
        );
        let out = run_block(
            ReplaceDictionaryValue,
            json!({"dictionary": {"a": 1}, "key": "q", "value": 2}),
        )
        .await;
        assert_eq!(
            out,
            vec![("error".into(), json!("Key 'q' not found in dictionary"))]
        );
    }
}
