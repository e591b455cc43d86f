//! AgentExecutorBlock: runs another graph (a sub-agent) as a child run and yields each of its
//! graph outputs on the pin of the same name. Its pins are the sub-graph's input and output names.

use agentry_core::{
    Block, BlockError, BlockMeta, BlockType, Category, Cx, ExecutionStatus, SubRunRequest,
};
use schemars::JsonSchema;
use serde::{Deserialize, Serialize};
use serde_json::{Map, Value};

pub struct AgentExecutor;

#[derive(Deserialize, JsonSchema)]
pub struct Input {
    /// The owner of the graph to run (rewritten on import; the run's user is used).
    pub user_id: String,
    /// The sub-graph's id.
    pub graph_id: String,
    /// The sub-graph's version.
    pub graph_version: i32,
    /// The sub-agent's display name.
    #[serde(default)]
    pub agent_name: Option<String>,
    /// Default values for the sub-graph's inputs.
    pub inputs: Map<String, Value>,
    /// The sub-graph's input schema; its property names are this node's input pins.
    pub input_schema: Map<String, Value>,
    /// The sub-graph's output schema; its property names are this node's output pins.
    pub output_schema: Map<String, Value>,
    /// Per-node input overrides for the child run (accepted for AutoGPT compatibility).
    #[serde(default)]
    pub nodes_input_masks: Option<Value>,
    /// Values that arrived on the dynamic pins named after the sub-graph's inputs.
    #[serde(flatten)]
    #[schemars(skip)]
    pub pins: Map<String, Value>,
}

/// Output pins are dynamic: one per sub-graph output name.
#[derive(Serialize, JsonSchema)]
pub enum Output {}

impl Input {
    /// The child run's inputs: the defaults, overridden by values on the node's dynamic pins.
    fn child_inputs(mut self) -> Map<String, Value> {
        let names: Vec<String> = self
            .input_schema
            .get("properties")
            .and_then(Value::as_object)
            .map(|p| p.keys().cloned().collect())
            .unwrap_or_default();
        for name in names {
            if let Some(value) = self.pins.remove(&name) {
                self.inputs.insert(name, value);
            }
        }
        self.inputs
    }
}

impl Block for AgentExecutor {
    const META: BlockMeta = BlockMeta {
        block_type: BlockType::Agent,
        ..BlockMeta::standard(
            "e189baac-8c20-45a1-94a7-55177ea42565",
            "AgentExecutorBlock",
            "Executes an existing agent inside your agent.",
            &[Category::Agent],
        )
    };
    type Input = Input;
    type Output = Output;

    async fn run(&self, input: Input, cx: &mut Cx<'_, Output>) -> Result<(), BlockError> {
        let request = SubRunRequest {
            graph_id: input.graph_id.clone(),
            graph_version: input.graph_version,
            inputs: input.child_inputs(),
        };
        let result = {
            let runner = cx.sub_agents().ok_or_else(|| {
                BlockError::System("sub-agents can only run inside a graph run".into())
            })?;
            runner.run(request).await?
        };
        for (name, values) in result.outputs {
            for value in values.as_array().cloned().unwrap_or_default() {
                cx.emit_raw(&name, value);
            }
        }
        match result.status {
            ExecutionStatus::Completed => Ok(()),
            status => Err(BlockError::Input(format!(
                "sub-agent run {} ended {status}{}",
                result.exec_id,
                result.error.map(|e| format!(": {e}")).unwrap_or_default()
            ))),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn dynamic_pins_override_default_inputs() {
        let input: Input = serde_json::from_value(json!({
            "user_id": "u", "graph_id": "g", "graph_version": 3,
            "inputs": {"Topic": "default", "Other": 1},
            "input_schema": {"properties": {"Topic": {}, "Other": {}}},
            "output_schema": {"properties": {"Report": {}}},
            "Topic": "space",
            "not_an_input": true,
        }))
        .unwrap();
        assert_eq!(
            input.child_inputs(),
            json!({"Topic": "space", "Other": 1})
                .as_object()
                .cloned()
                .unwrap()
        );
    }

    #[tokio::test]
    async fn without_an_engine_it_is_a_system_error() {
        let out = agentry_core::testing::run_block(
            AgentExecutor,
            json!({"user_id": "u", "graph_id": "g", "graph_version": 1, "inputs": {},
                   "input_schema": {}, "output_schema": {}}),
        )
        .await;
        assert_eq!(
            out,
            vec![(
                "error".to_string(),
                json!("sub-agents can only run inside a graph run")
            )]
        );
    }
}
