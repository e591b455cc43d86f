//! CreateDictionaryBlock: builds a dictionary from key-value pairs (often `values_#_key` pins).

use agentry_core::{Block, BlockError, BlockMeta, Category, Cx, Effect};
use schemars::JsonSchema;
use serde::{Deserialize, Serialize};
use serde_json::{Map, Value};

pub struct CreateDictionary;

#[derive(Deserialize, JsonSchema)]
pub struct Input {
    /// Key-value pairs to create the dictionary with
    pub values: Map<String, Value>,
}

#[derive(Serialize, JsonSchema)]
#[serde(tag = "pin", content = "value", rename_all = "snake_case")]
pub enum Output {
    /// The created dictionary containing the specified key-value pairs
    Dictionary(Map<String, Value>),
}

impl Block for CreateDictionary {
    const META: BlockMeta = BlockMeta {
        effect: Effect::Pure,
        ..BlockMeta::standard(
            "b924ddf4-de4f-4b56-9a85-358930dcbc91",
            "CreateDictionaryBlock",
            "Creates a dictionary with the specified key-value pairs. Use this when you know all the values you want to add upfront.",
            &[Category::Data],
        )
    };
    type Input = Input;
    type Output = Output;

    async fn run(&self, input: Input, cx: &mut Cx<'_, Output>) -> Result<(), BlockError> {
        cx.emit(Output::Dictionary(input.values));
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use agentry_core::testing::run_block;
    use serde_json::json;

    #[tokio::test]
    async fn creates_from_values() {
        let values = json!({"name": "Alice", "age": 25, "city": "New York"});
        let out = run_block(CreateDictionary, json!({ "values": values })).await;
        assert_eq!(out, vec![("dictionary".into(), values)]);
    }

    #[tokio::test]
    async fn creates_from_nested_pins() {
        let out = run_block(
            CreateDictionary,
            json!({"values_#_numbers": [1, 2, 3], "values_#_active": true}),
        )
        .await;
        assert_eq!(
            out,
            vec![(
                "dictionary".into(),
                json!({"numbers": [1, 2, 3], "active": true})
            )]
        );
    }
}
