//! PersistInformationBlock: stores a value that later runs read back (AutoGPT's persistence.py).

use agentry_core::{Block, BlockError, BlockMeta, Category, Cx};
use schemars::JsonSchema;
use serde::{Deserialize, Serialize};
use serde_json::Value;

use super::StorageScope;

pub struct PersistInformation;

#[derive(Deserialize, JsonSchema)]
pub struct Input {
    /// Key to store the information under
    pub key: String,
    /// Value to store
    pub value: Value,
    /// Scope of persistence: 'within_agent' — shared across all runs of this agent;
    /// 'across_agents' — shared across all agents for this user
    #[serde(default)]
    pub scope: StorageScope,
}

#[derive(Serialize, JsonSchema)]
#[serde(tag = "pin", content = "value", rename_all = "snake_case")]
pub enum Output {
    /// Value that was stored
    Value(Value),
}

impl Block for PersistInformation {
    const META: BlockMeta = BlockMeta::standard(
        "1d055e55-a2b9-4547-8311-907d05b0304d",
        "PersistInformationBlock",
        "Saves a key-value pair that persists across multiple runs. Use to store state, \
         counters, or memory that must survive between executions. Pair with \
         RetrieveInformationBlock to read the value back in a later run. For temporary \
         within-run value passing, use StoreValueBlock instead.",
        &[Category::Data],
    );
    type Input = Input;
    type Output = Output;

    async fn run(&self, input: Input, cx: &mut Cx<'_, Output>) -> Result<(), BlockError> {
        let scope = input.scope.key(&cx.info().graph_id);
        cx.memory()?
            .put(&scope, &input.key, input.value.clone())
            .await?;
        cx.emit(Output::Value(input.value));
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use std::sync::Arc;

    use super::*;
    use crate::memory::retrieve_information::RetrieveInformation;
    use agentry_core::memory::{InMemory, Memory};
    use agentry_core::testing::{Recorder, run_block, run_block_with};
    use serde_json::json;

    fn recorder(memory: &Arc<InMemory>, graph_id: &str) -> Recorder {
        let mut r = Recorder {
            memory: Some(memory.clone() as Arc<dyn Memory>),
            ..Recorder::default()
        };
        r.info.graph_id = graph_id.into();
        r
    }

    #[tokio::test]
    async fn stores_then_retrieves_per_scope() {
        let memory = Arc::new(InMemory::default());
        let value = json!({"theme": "dark", "language": "en"});
        let out = run_block_with(
            PersistInformation,
            json!({"key": "user_preference", "value": value}),
            recorder(&memory, "g1"),
        )
        .await;
        assert_eq!(out, vec![("value".into(), value.clone())]);
        assert_eq!(
            memory.get("agent#g1", "user_preference").await.unwrap(),
            Some(value.clone())
        );

        let read = |graph: &'static str, scope: &'static str| {
            let memory = memory.clone();
            async move {
                run_block_with(
                    RetrieveInformation,
                    json!({"key": "user_preference", "scope": scope, "default_value": "none"}),
                    recorder(&memory, graph),
                )
                .await
            }
        };
        assert_eq!(
            read("g1", "within_agent").await,
            vec![("value".into(), value)]
        );
        assert_eq!(
            read("g2", "within_agent").await,
            vec![("value".into(), json!("none"))],
            "another agent does not see this agent's value"
        );
        assert_eq!(
            read("g1", "across_agents").await,
            vec![("value".into(), json!("none"))]
        );

        run_block_with(
            PersistInformation,
            json!({"key": "user_preference", "value": 3, "scope": "across_agents"}),
            recorder(&memory, "g1"),
        )
        .await;
        assert_eq!(
            read("g2", "across_agents").await,
            vec![("value".into(), json!(3))]
        );
    }

    #[tokio::test]
    async fn without_memory_it_is_a_system_error_and_bad_scopes_are_refused() {
        let out = run_block(PersistInformation, json!({"key": "k", "value": 1})).await;
        assert_eq!(out.len(), 1);
        assert_eq!(out[0].0, "error");
        let memory = Arc::new(InMemory::default());
        let out = run_block_with(
            PersistInformation,
            json!({"key": "k", "value": 1, "scope": "everywhere"}),
            recorder(&memory, "g"),
        )
        .await;
        assert_eq!(out[0].0, "error");
        assert_eq!(memory.get("agent#g", "k").await.unwrap(), None);
    }
}
