//! AddToDictionaryBlock: adds one key-value pair and a batch of entries to a dictionary.

use agentry_core::{Block, BlockError, BlockMeta, Category, Cx, Effect};
use schemars::JsonSchema;
use serde::{Deserialize, Serialize};
use serde_json::{Map, Value};

pub struct AddToDictionary;

#[derive(Deserialize, JsonSchema)]
pub struct Input {
    /// The dictionary to add the entry to. If not provided, a new dictionary will be created.
    #[serde(default)]
    pub dictionary: Map<String, Value>,
    /// The key for the new entry.
    #[serde(default)]
    pub key: String,
    /// The value for the new entry.
    #[serde(default)]
    pub value: Value,
    /// The entries to add to the dictionary. This is the batch version of the `key` and `value` fields.
    #[serde(default)]
    pub entries: Map<String, Value>,
}

#[derive(Serialize, JsonSchema)]
#[serde(tag = "pin", content = "value", rename_all = "snake_case")]
pub enum Output {
    /// The dictionary with the new entry added.
    UpdatedDictionary(Map<String, Value>),
}

impl Block for AddToDictionary {
    const META: BlockMeta = BlockMeta {
        effect: Effect::Pure,
        ..BlockMeta::standard(
            "31d1064e-7446-4693-a7d4-65e5ca1180d1",
            "AddToDictionaryBlock",
            "Adds a new key-value pair to a dictionary. If no dictionary is provided, a new one is created.",
            &[Category::Basic],
        )
    };
    type Input = Input;
    type Output = Output;

    async fn run(&self, input: Input, cx: &mut Cx<'_, Output>) -> Result<(), BlockError> {
        let mut dictionary = input.dictionary;
        // AutoGPT adds the single pair only with a non-empty key and a non-null value.
        if !input.key.is_empty() && !input.value.is_null() {
            dictionary.insert(input.key, input.value);
        }
        dictionary.extend(input.entries);
        cx.emit(Output::UpdatedDictionary(dictionary));
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
        let out = run_block(
            AddToDictionary,
            json!({"dictionary": {"existing_key": "existing_value"}, "key": "new_key", "value": "new_value"}),
        )
        .await;
        assert_eq!(
            out,
            vec![(
                "updated_dictionary".into(),
                json!({"existing_key": "existing_value", "new_key": "new_value"})
            )]
        );
        let out = run_block(
            AddToDictionary,
            json!({"key": "first_key", "value": "first_value"}),
        )
        .await;
        assert_eq!(
            out,
            vec![(
                "updated_dictionary".into(),
                json!({"first_key": "first_value"})
            )]
        );
        let out = run_block(
            AddToDictionary,
            json!({"dictionary": {"existing_key": "existing_value"},
                "entries": {"new_key": "new_value", "first_key": "first_value"}}),
        )
        .await;
        assert_eq!(
            out,
            vec![(
                "updated_dictionary".into(),
                json!({"existing_key": "existing_value", "new_key": "new_value", "first_key": "first_value"})
            )]
        );
    }

    #[tokio::test]
    async fn null_value_or_empty_key_adds_nothing() {
        let out = run_block(AddToDictionary, json!({"key": "k"})).await;
        assert_eq!(out, vec![("updated_dictionary".into(), json!({}))]);
        let out = run_block(AddToDictionary, json!({"value": 1})).await;
        assert_eq!(out, vec![("updated_dictionary".into(), json!({}))]);
    }
}
