//! Test support for blocks: a fake `Context` that records what a block yields.

use chrono::{DateTime, Utc};
use serde_json::{Map, Value};

use crate::block::{Block, BlockError, Context, ExecutionInfo};
use crate::prepare::prepare_input;
use crate::registry::Registry;

/// Records every `(pin, value)` a block emits.
#[derive(Default)]
pub struct Recorder {
    pub info: ExecutionInfo,
    pub outputs: Vec<(String, Value)>,
    pub now: Option<DateTime<Utc>>,
    pub resources: crate::Resources,
    /// What the block recorded with `add_stats`.
    pub stats: Map<String, Value>,
    /// The memory offered to the block (`None`: no memory, as outside the engine).
    pub memory: Option<std::sync::Arc<dyn crate::memory::Memory>>,
    /// The tool nodes a SmartDecisionMaker under test may call.
    pub tool_nodes: Option<std::sync::Arc<dyn crate::tool_nodes::ToolNodes>>,
    /// The user's credentials offered to the block (`FixedCredentials` in tests).
    pub credentials: Option<std::sync::Arc<dyn crate::credentials::Credentials>>,
}

impl std::fmt::Debug for Recorder {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Recorder")
            .field("info", &self.info)
            .field("outputs", &self.outputs)
            .field("stats", &self.stats)
            .field("memory", &self.memory.is_some())
            .field("tool_nodes", &self.tool_nodes.is_some())
            .field("credentials", &self.credentials.is_some())
            .finish()
    }
}

impl Context for Recorder {
    fn emit(&mut self, pin: &str, value: Value) {
        self.outputs.push((pin.to_string(), value));
    }
    fn info(&self) -> &ExecutionInfo {
        &self.info
    }
    fn now(&self) -> DateTime<Utc> {
        self.now.unwrap_or_else(Utc::now)
    }
    fn resources(&self) -> &crate::Resources {
        &self.resources
    }
    fn memory(&self) -> Option<&dyn crate::memory::Memory> {
        self.memory.as_deref()
    }
    fn add_stats(&mut self, stats: Map<String, Value>) {
        crate::block::merge_stats(&mut self.stats, stats);
    }
    fn tool_nodes(&self) -> Option<&dyn crate::tool_nodes::ToolNodes> {
        self.tool_nodes.as_deref()
    }
    fn credentials(&self) -> Option<&dyn crate::credentials::Credentials> {
        self.credentials.as_deref()
    }
}

/// Runs one block as the engine would (nested pins merged, types coerced) and returns what it
/// yielded; an `Err` is reported as a final `("error", message)` pair, as the engine does.
pub async fn run_block<B: Block>(block: B, input: Value) -> Vec<(String, Value)> {
    run_block_with(block, input, Recorder::default()).await
}

/// As `run_block`, with a prepared recorder (fixed time, execution info, resources).
pub async fn run_block_with<B: Block>(
    block: B,
    input: Value,
    recorder: Recorder,
) -> Vec<(String, Value)> {
    run_recorded(block, input, recorder).await.outputs
}

/// As `run_block_with`, returning the whole recorder (outputs and stats).
pub async fn run_recorded<B: Block>(block: B, input: Value, mut recorder: Recorder) -> Recorder {
    let mut registry = Registry::new();
    registry.register(block);
    let registered = registry.get(B::META.id).expect("just registered").clone();
    let received: Map<String, Value> = match input {
        Value::Object(m) => m,
        other => panic!("block input must be an object, got {other}"),
    };
    let input = match prepare_input(&registered.info, &Map::new(), received) {
        Ok(input) => input,
        Err(e) => {
            recorder.outputs.push(("error".into(), Value::String(e)));
            return recorder;
        }
    };
    let result: Result<(), BlockError> = registered.run(input, &mut recorder).await;
    if let Err(e) = result {
        recorder
            .outputs
            .push(("error".into(), Value::String(e.to_string())));
    }
    recorder
}
