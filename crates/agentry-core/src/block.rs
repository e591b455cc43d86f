//! The block contract: a typed `Block` trait, its metadata, and the `Cx` door to the world.

use std::future::Future;
use std::marker::PhantomData;

use chrono::{DateTime, Utc};
use schemars::JsonSchema;
use serde::de::DeserializeOwned;
use serde::{Deserialize, Serialize};
use serde_json::Value;

/// What the UI and the engine treat specially, as AutoGPT's `BlockType`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "SCREAMING_SNAKE_CASE")]
pub enum BlockType {
    Standard,
    Input,
    Output,
    Note,
    Webhook,
    WebhookManual,
    Agent,
    Ai,
    HumanInTheLoop,
}

impl BlockType {
    /// AutoGPT gives every block an `error` output pin except these.
    pub fn has_error_pin(self) -> bool {
        !matches!(
            self,
            BlockType::Input | BlockType::Output | BlockType::Agent
        )
    }
}

/// Block categories, as AutoGPT's `BlockCategory`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "SCREAMING_SNAKE_CASE")]
pub enum Category {
    Ai,
    Social,
    Text,
    Search,
    Basic,
    Input,
    Output,
    Logic,
    Communication,
    DeveloperTools,
    Data,
    Hardware,
    Agent,
    Crm,
    Safety,
    Productivity,
    IssueTracking,
    Multimedia,
    Marketing,
}

/// Whether running a block has an effect outside its run. The engine lets a pure node start
/// on values that are not yet committed (after a crash it simply runs again), and starts a
/// node that touches the world only on committed values (ARCHITECTURE.md, "commit order").
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum Effect {
    /// HTTP, email, code, files, models, sub-agents, reviews, triggers, the clock…: the default.
    #[default]
    World,
    /// Text, math, lists, dictionaries, conditions, templates, graph inputs and outputs, type
    /// conversion: the output is a function of the input alone.
    Pure,
}

/// The constant facts about a block. `id` and `name` are AutoGPT's and never change.
#[derive(Debug, Clone, Copy)]
pub struct BlockMeta {
    /// AutoGPT's block UUID.
    pub id: &'static str,
    /// AutoGPT's class name, e.g. `CalculatorBlock`.
    pub name: &'static str,
    pub description: &'static str,
    pub categories: &'static [Category],
    pub block_type: BlockType,
    /// Links leaving this block are forced static (AutoGPT's `static_output`).
    pub static_output: bool,
    pub effect: Effect,
}

impl BlockMeta {
    /// Metadata for an ordinary block; adjust fields with struct update syntax.
    pub const fn standard(
        id: &'static str,
        name: &'static str,
        description: &'static str,
        categories: &'static [Category],
    ) -> Self {
        BlockMeta {
            id,
            name,
            description,
            categories,
            block_type: BlockType::Standard,
            static_output: false,
            effect: Effect::World,
        }
    }
}

/// Why a block run failed.
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
pub enum BlockError {
    /// The input is wrong: reported on the `error` pin, never retried.
    #[error("{0}")]
    Input(String),
    /// The world failed (upstream 5xx, 429, timeout, internal): may be retried by policy.
    #[error("{0}")]
    System(String),
}

impl BlockError {
    pub fn input(msg: impl Into<String>) -> Self {
        BlockError::Input(msg.into())
    }
    pub fn is_retryable(&self) -> bool {
        matches!(self, BlockError::System(_))
    }
}

/// Where a block runs: identifiers of the run and node, as AutoGPT passes them as kwargs.
#[derive(Debug, Clone, Default, Serialize, Deserialize)]
pub struct ExecutionInfo {
    pub user_id: String,
    pub graph_id: String,
    pub graph_version: i32,
    pub graph_exec_id: String,
    pub node_id: String,
    pub node_exec_id: String,
    /// The user's IANA time zone, when known.
    pub user_timezone: Option<String>,
}

/// A child run's request: a graph version of the same user, and its inputs.
#[derive(Debug, Clone)]
pub struct SubRunRequest {
    pub graph_id: String,
    pub graph_version: i32,
    pub inputs: serde_json::Map<String, Value>,
}

/// How a child run ended: its graph outputs by name, in the order they were yielded.
#[derive(Debug, Clone)]
pub struct SubRunResult {
    pub exec_id: String,
    pub status: crate::ExecutionStatus,
    pub outputs: serde_json::Map<String, Value>,
    pub error: Option<String>,
}

/// Runs graphs as children of the current run (for AgentExecutorBlock). Dropping the future
/// before it resolves stops the child.
pub trait SubAgents: Send + Sync {
    fn run(
        &self,
        request: SubRunRequest,
    ) -> std::pin::Pin<Box<dyn Future<Output = Result<SubRunResult, BlockError>> + Send + '_>>;
}

/// What the engine provides to a running block. Implemented by the engine and by test fakes.
pub trait Context: Send {
    /// Hands one value on one output pin to the engine, which persists and routes it.
    fn emit(&mut self, pin: &str, value: Value);
    /// As `emit`, for a value the block holds as a datum (a pass-through block's JSON text):
    /// the engine keeps it as it is; a context that only takes trees parses it.
    fn emit_datum(&mut self, pin: &str, value: crate::Datum) {
        self.emit(pin, value.into_tree());
    }
    fn info(&self) -> &ExecutionInfo;
    /// The current time; a swap point so that tests can fix it.
    fn now(&self) -> DateTime<Utc> {
        Utc::now()
    }
    /// Running child graphs, where the engine offers it.
    fn sub_agents(&self) -> Option<&dyn SubAgents> {
        None
    }
    /// Durable memory of the user the block runs for, where the engine offers it.
    fn memory(&self) -> Option<&dyn crate::memory::Memory> {
        None
    }
    /// Running the tool nodes linked from this node's `tools` pin, where the engine offers it.
    fn tool_nodes(&self) -> Option<&dyn crate::tool_nodes::ToolNodes> {
        None
    }
    /// Human review of this node execution's data, where the engine offers it.
    fn reviews(&self) -> Option<&dyn crate::Reviews> {
        None
    }
    /// The run's user's stored credentials, where the engine offers them.
    fn credentials(&self) -> Option<&dyn crate::credentials::Credentials> {
        None
    }
    /// The services the process was started with.
    fn resources(&self) -> &crate::Resources {
        crate::resources::none()
    }
    /// Adds to the node execution's stats: numbers are summed, other values replace.
    fn add_stats(&mut self, _stats: serde_json::Map<String, Value>) {}
    /// A piece of the text this execution is producing for `pin` (a model's tokens as they
    /// arrive), for whoever watches the run live. Never stored and never routed: the block
    /// still yields the whole value once.
    fn stream_text(&mut self, _pin: &str, _delta: &str) {}
}

/// Merges `add` into `into`: numbers are summed, other values replace (token counts and costs
/// of several LLM calls in one node add up).
pub fn merge_stats(into: &mut serde_json::Map<String, Value>, add: serde_json::Map<String, Value>) {
    for (key, value) in add {
        let merged = match (into.get(&key), &value) {
            (Some(Value::Number(a)), Value::Number(b)) => match (a.as_i64(), b.as_i64()) {
                (Some(a), Some(b)) => Value::from(a.saturating_add(b)),
                _ => Value::from(a.as_f64().unwrap_or(0.0) + b.as_f64().unwrap_or(0.0)),
            },
            _ => value,
        };
        into.insert(key, merged);
    }
}

/// The typed door a block uses to talk to the world.
pub struct Cx<'a, O> {
    inner: &'a mut dyn Context,
    _output: PhantomData<fn(O)>,
}

impl<'a, O: Serialize> Cx<'a, O> {
    pub fn new(inner: &'a mut dyn Context) -> Self {
        Cx {
            inner,
            _output: PhantomData,
        }
    }

    /// Yields one output. A block may yield the same pin many times.
    pub fn emit(&mut self, output: O) {
        match serde_json::to_value(output) {
            Ok(Value::Object(mut map)) => {
                let Some(Value::String(pin)) = map.remove("pin") else {
                    return;
                };
                let value = map.remove("value").unwrap_or(Value::Null);
                self.inner.emit(&pin, value);
            }
            _ => debug_assert!(false, "block outputs must be adjacently tagged enums"),
        }
    }

    /// Yields a value on a pin named at run time (dynamic pins).
    pub fn emit_raw(&mut self, pin: &str, value: Value) {
        self.inner.emit(pin, value);
    }

    /// Yields a value held as a datum on a pin named at run time: a block that only passes
    /// its input on hands over the JSON text it read, never a tree of it.
    pub fn emit_datum(&mut self, pin: &str, value: crate::Datum) {
        self.inner.emit_datum(pin, value);
    }

    pub fn info(&self) -> &ExecutionInfo {
        self.inner.info()
    }

    pub fn now(&self) -> DateTime<Utc> {
        self.inner.now()
    }

    pub fn sub_agents(&self) -> Option<&dyn SubAgents> {
        self.inner.sub_agents()
    }

    /// The user's durable memory, or a system error when this context offers none.
    pub fn memory(&self) -> Result<&dyn crate::memory::Memory, BlockError> {
        self.inner
            .memory()
            .ok_or_else(|| BlockError::System("this context offers no memory store".into()))
    }

    pub fn tool_nodes(&self) -> Option<&dyn crate::tool_nodes::ToolNodes> {
        self.inner.tool_nodes()
    }

    /// Human review of this node execution's data, where the engine offers it.
    pub fn reviews(&self) -> Option<&dyn crate::Reviews> {
        self.inner.reviews()
    }

    /// The user's credential that a `credentials` input names, decrypted for this node only.
    /// An input error naming the provider when the context has no credential store or the user
    /// has no such credential. The future borrows only the credential store, not the context,
    /// so a block's future stays `Send` across the await.
    pub fn credential<'s>(
        &'s self,
        meta: &'s crate::credentials::CredentialsMeta,
    ) -> crate::credentials::CredentialFuture<'s> {
        match self.inner.credentials() {
            Some(store) => store.get(meta),
            None => {
                let error = BlockError::Input(format!(
                    "{} credentials are needed, and this run has no credential store",
                    meta.provider.as_deref().unwrap_or("the block's")
                ));
                Box::pin(std::future::ready(Err(error)))
            }
        }
    }

    /// After the provider refused a token (401): the refreshed credential (OAuth2).
    pub fn refresh_credential<'s>(
        &'s self,
        meta: &'s crate::credentials::CredentialsMeta,
    ) -> crate::credentials::CredentialFuture<'s> {
        match self.inner.credentials() {
            Some(store) => store.refresh(meta),
            None => Box::pin(std::future::ready(Err(BlockError::Input(
                "this run has no credential store to refresh from".into(),
            )))),
        }
    }

    /// The service of type `T`, or a system error naming it when the process has none.
    pub fn resource<T: Send + Sync + 'static>(&self) -> Result<&T, BlockError> {
        self.inner.resources().get::<T>().ok_or_else(|| {
            BlockError::System(format!(
                "this process has no {} configured",
                std::any::type_name::<T>()
            ))
        })
    }

    /// Records usage in the node execution's stats (token counts, cost); numbers add up.
    pub fn add_stats(&mut self, stats: serde_json::Map<String, Value>) {
        self.inner.add_stats(stats);
    }

    /// Sends partial text of the value this execution will yield on `pin` to live watchers
    /// (`Context::stream_text`); not an output.
    pub fn stream_text(&mut self, pin: &str, delta: &str) {
        self.inner.stream_text(pin, delta);
    }
}

/// A block: typed input, typed output pins, and an async run that yields outputs as it goes.
///
/// `Input` is a struct (one field per input pin; `#[serde(default)]` fields are optional).
/// `Output` is an enum tagged `#[serde(tag = "pin", content = "value", rename_all = "snake_case")]`,
/// one variant per output pin. The `error` pin is added by the registry; return
/// `Err(BlockError::Input(..))` to yield on it.
pub trait Block: Send + Sync + 'static {
    const META: BlockMeta;
    type Input: DeserializeOwned + JsonSchema + Send + 'static;
    type Output: Serialize + JsonSchema + Send + 'static;

    fn run(
        &self,
        input: Self::Input,
        cx: &mut Cx<'_, Self::Output>,
    ) -> impl Future<Output = Result<(), BlockError>> + Send;
}
