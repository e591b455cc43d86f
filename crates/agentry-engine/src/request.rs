//! What `Engine::execute` takes: a request to run a graph version, with inputs for the run and
//! for single starting nodes (stored with the run, so any worker can start or resume it).

use std::collections::HashMap;

use serde_json::{Map, Value};

use crate::run_inputs::RunInputs;

/// Inputs for single nodes of a run, by node id, applied to each of their executions.
pub type NodeInputs = HashMap<String, Map<String, Value>>;

/// Node inputs as stored with the run.
pub(crate) fn node_inputs_json(node_inputs: &NodeInputs) -> Value {
    Value::Object(
        node_inputs
            .iter()
            .map(|(node, inputs)| (node.clone(), Value::Object(inputs.clone())))
            .collect(),
    )
}

/// Node inputs read back from the run's row; anything but an object of objects is ignored.
pub(crate) fn node_inputs_from(stored: Option<Value>) -> NodeInputs {
    let Some(Value::Object(nodes)) = stored else {
        return NodeInputs::new();
    };
    nodes
        .into_iter()
        .filter_map(|(node, inputs)| match inputs {
            Value::Object(map) => Some((node, map)),
            _ => None,
        })
        .collect()
}

/// A request to run a graph version: the engine resolves the version itself (the user's own
/// graph, or an approved store agent in their library) from its cache.
#[derive(Debug, Clone)]
pub struct ExecuteRequest {
    pub user_id: String,
    pub graph_id: String,
    pub graph_version: i32,
    /// The run's inputs as JSON text, written to its row as they are.
    pub inputs: RunInputs,
    /// Inputs for given starting nodes by node id (a webhook's payload for its trigger node,
    /// the credentials chosen for the run). They are stored with the run, so any worker can
    /// start or resume it.
    pub node_inputs: NodeInputs,
    /// The schedule that starts the run: the run is linked to it (with credits on, its
    /// spending counts against the schedule's cap; its failures against its streak).
    pub schedule_id: Option<String>,
}

impl ExecuteRequest {
    pub fn new(
        user_id: impl Into<String>,
        graph_id: impl Into<String>,
        graph_version: i32,
        inputs: Map<String, Value>,
    ) -> ExecuteRequest {
        ExecuteRequest::with_inputs(
            user_id,
            graph_id,
            graph_version,
            RunInputs::from_map(&inputs),
        )
    }

    /// As `new`, with inputs given as text (a request body's, never parsed to a tree).
    pub fn with_inputs(
        user_id: impl Into<String>,
        graph_id: impl Into<String>,
        graph_version: i32,
        inputs: RunInputs,
    ) -> ExecuteRequest {
        ExecuteRequest {
            user_id: user_id.into(),
            graph_id: graph_id.into(),
            graph_version,
            inputs,
            node_inputs: NodeInputs::new(),
            schedule_id: None,
        }
    }

    /// With inputs for given starting nodes.
    pub fn with_node_inputs(mut self, node_inputs: NodeInputs) -> ExecuteRequest {
        self.node_inputs = node_inputs;
        self
    }

    /// As a run the schedule `schedule_id` starts.
    pub fn for_schedule(mut self, schedule_id: impl Into<String>) -> ExecuteRequest {
        self.schedule_id = Some(schedule_id.into());
        self
    }
}
