//! Running one block outside any graph, as AutoGPT's `POST /blocks/{id}/execute` does.

use agentry_core::prepare::prepare_input;
use agentry_core::{Context, ExecutionInfo};
use serde_json::{Map, Value};

use crate::Engine;
use crate::limits::RunLimits;
use crate::services::NodeServices;

/// What one direct block run yielded.
#[derive(Debug, Clone)]
pub struct BlockRun {
    pub outputs: Vec<(String, Value)>,
    /// Set when the block failed; its message is also the last `error` output.
    pub error: Option<String>,
}

struct Collect {
    info: ExecutionInfo,
    outputs: Vec<(String, Value)>,
    /// The user's memory and credentials and the process's resources (`services.rs`).
    services: NodeServices,
}

impl Context for Collect {
    fn emit(&mut self, pin: &str, value: Value) {
        self.outputs.push((pin.to_string(), value));
    }
    fn info(&self) -> &ExecutionInfo {
        &self.info
    }
    fn resources(&self) -> &agentry_core::Resources {
        &self.services.resources
    }
    fn memory(&self) -> Option<&dyn agentry_core::Memory> {
        self.services.memory.as_deref()
    }
    fn credentials(&self) -> Option<&dyn agentry_core::Credentials> {
        self.services.credentials.as_deref()
    }
}

impl Engine {
    /// A context for provider calls the platform makes for `user_id` outside any run
    /// (registering a trigger's webhook): the user's credentials and the process's resources;
    /// what is emitted into it is dropped.
    pub fn user_context(&self, user_id: &str) -> impl Context + '_ {
        Collect {
            info: ExecutionInfo {
                user_id: user_id.to_string(),
                ..ExecutionInfo::default()
            },
            outputs: Vec::new(),
            // Outside a run no cap applies: the block's own work is all there is.
            services: self.user_services(user_id, RunLimits::default()),
        }
    }

    /// The process's resources (`Config::resources`).
    pub fn resources(&self) -> &agentry_core::Resources {
        &self.inner.config.resources
    }

    /// Runs a block on `input`; `None` when no block has that id.
    pub async fn run_block(
        &self,
        block_id: &str,
        user_id: &str,
        input: Map<String, Value>,
    ) -> Option<BlockRun> {
        let block = self.registry().get(block_id)?.clone();
        let mut cx = Collect {
            info: ExecutionInfo {
                user_id: user_id.to_string(),
                ..ExecutionInfo::default()
            },
            outputs: Vec::new(),
            // Outside a run no cap applies: the block's own work is all there is.
            services: self.user_services(user_id, RunLimits::default()),
        };
        let result = match prepare_input(&block.info, &Map::new(), input) {
            Ok(input) => block.run(input, &mut cx).await.map_err(|e| e.to_string()),
            Err(e) => Err(e),
        };
        let error = result.err();
        if let Some(e) = &error {
            cx.outputs.push(("error".into(), Value::String(e.clone())));
        }
        Some(BlockRun {
            outputs: cx.outputs,
            error,
        })
    }
}
