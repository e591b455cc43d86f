//! RetrieveInformationBlock: reads back what PersistInformationBlock stored, or a default.

use agentry_core::{Block, BlockError, BlockMeta, Category, Cx};
use schemars::JsonSchema;
use serde::{Deserialize, Serialize};
use serde_json::Value;

use super::StorageScope;

pub struct RetrieveInformation;

#[derive(Deserialize, JsonSchema)]
pub struct Input {
    /// Key to retrieve the information for
    pub key: String,
    /// Scope of persistence: 'within_agent' — shared across all runs of this agent;
    /// 'across_agents' — shared across all agents for this user
    #[serde(default)]
    pub scope: StorageScope,
    /// Default value to return if key is not found
    #[serde(default)]
    pub default_value: Value,
}

#[derive(Serialize, JsonSchema)]
#[serde(tag = "pin", content = "value", rename_all = "snake_case")]
pub enum Output {
    /// Retrieved value or default value
    Value(Value),
}

impl Block for RetrieveInformation {
    const META: BlockMeta = BlockMeta {
        static_output: true,
        ..BlockMeta::standard(
            "d8710fc9-6e29-481e-a7d5-165eb16f8471",
            "RetrieveInformationBlock",
            "Reads back a key-value pair previously saved by PersistInformationBlock. Returns \
             data that persists across runs. Use with PersistInformationBlock to build durable \
             memory, counters, or state. Does NOT retrieve values from StoreValueBlock (those \
             are ephemeral, within-run only).",
            &[Category::Data],
        )
    };
    type Input = Input;
    type Output = Output;

    async fn run(&self, input: Input, cx: &mut Cx<'_, Output>) -> Result<(), BlockError> {
        let scope = input.scope.key(&cx.info().graph_id);
        let stored = cx.memory()?.get(&scope, &input.key).await?;
        // AutoGPT falls back to the default when nothing, or a stored None, is found.
        cx.emit(Output::Value(match stored {
            Some(value) if !value.is_null() => value,
            _ => input.default_value,
        }));
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use std::sync::Arc;

    use super::*;
    use agentry_core::memory::{InMemory, Memory};
    use agentry_core::testing::{Recorder, run_block_with};
    use serde_json::json;

    #[tokio::test]
    async fn autogpt_example_default_when_missing_or_null() {
        let memory = Arc::new(InMemory::default());
        let recorder = || Recorder {
            memory: Some(memory.clone() as Arc<dyn Memory>),
            ..Recorder::default()
        };
        let default = json!({"theme": "light", "language": "en"});
        let input =
            json!({"key": "user_preference", "scope": "within_agent", "default_value": default});
        let out = run_block_with(RetrieveInformation, input.clone(), recorder()).await;
        assert_eq!(out, vec![("value".into(), default.clone())]);
        memory
            .put("agent#", "user_preference", json!(null))
            .await
            .unwrap();
        let out = run_block_with(RetrieveInformation, input.clone(), recorder()).await;
        assert_eq!(out, vec![("value".into(), default)]);
        memory
            .put("agent#", "user_preference", json!(0))
            .await
            .unwrap();
        let out = run_block_with(RetrieveInformation, input, recorder()).await;
        assert_eq!(out, vec![("value".into(), json!(0))]);
        let out = run_block_with(RetrieveInformation, json!({"key": "nothing"}), recorder()).await;
        assert_eq!(out, vec![("value".into(), json!(null))]);
    }
}
