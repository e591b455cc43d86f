//! SmartDecisionMakerBlock: a model chooses among the nodes linked from the `tools` pin.
//!
//! **Mode 0** (`agent_mode_max_iterations` = 0, AutoGPT's default): one model call (retried
//! with feedback while its tool calls are malformed). Each tool call's arguments are yielded
//! on `tools_^_{sink node}_~_{sink pin}`, which the engine delivers to that node and pin only;
//! `conversations` carries the history, and a later execution takes the tool's answer from
//! `last_tool_output` with `conversation_history`. An answer without tool calls goes to
//! `finished`.
//!
//! **Agent mode** (n > 0 iterations, or -1 for up to `UNBOUNDED_ITERATIONS`): the loop runs
//! inside the block. Each tool call runs its node through the engine (`Cx::tool_nodes`) as a
//! real node execution of the run, and the node's outputs go back to the model, until it
//! answers without tool calls, the iterations run out, or the calls have used
//! `TOKEN_BUDGET` tokens; then `finished` and `conversations`.

use std::collections::BTreeMap;

use agentry_core::tool_nodes::{ToolFunction, pending_tool_calls, tool_pin};
use agentry_core::{Block, BlockError, BlockMeta, BlockType, Category, Cx};
use schemars::JsonSchema;
use serde::{Deserialize, Serialize};
use serde_json::{Map, Value, json};

use super::call;
use super::provider::{ChatRequest, ChatResponse, Role};
use super::tool_conversation::{self as talk, MAIN_OBJECTIVE_PREFIX};

pub struct SmartDecisionMaker;

/// The most iterations of unbounded agent mode (`agent_mode_max_iterations` = -1).
pub const UNBOUNDED_ITERATIONS: u64 = 100;
/// The most tokens (prompt and completion, all calls) one agent-mode execution may use.
pub const TOKEN_BUDGET: u64 = 2_000_000;

fn default_sys_prompt() -> String {
    "Thinking carefully step by step decide which function to call. Always choose a function call from the list of function signatures, and always provide the complete argument provided with the type matching the required jsonschema signature, no missing argument is allowed. If you have already completed the task objective, you can end the task by providing the end result of your work as a finish message. Function parameters that has no default value and not optional typed has to be provided. ".to_string()
}

fn default_true() -> bool {
    true
}

#[derive(Deserialize, JsonSchema)]
pub struct Input {
    /// The prompt to send to the language model.
    pub prompt: String,
    /// The language model to use for answering the prompt.
    #[serde(default = "super::default_model")]
    pub model: String,
    /// API key for the LLM provider: the user's own api_key credentials for the model's
    /// provider when this names them by id, else the platform's key.
    #[serde(default)]
    #[schemars(transform = super::call::ai_credentials_schema)]
    pub credentials: Option<Value>,
    /// Whether to allow multiple tool calls in a single response.
    #[serde(default)]
    pub multiple_tool_calls: bool,
    /// The system prompt to provide additional context to the model.
    #[serde(default = "default_sys_prompt")]
    pub sys_prompt: String,
    /// The conversation history to provide context for the prompt.
    #[serde(default)]
    pub conversation_history: Option<Vec<Value>>,
    /// The output of the last tool that was called.
    #[serde(default)]
    pub last_tool_output: Option<Value>,
    /// Number of times to retry the LLM call if the response does not match the expected format.
    #[serde(default = "super::default_retry")]
    pub retry: i64,
    /// Values used to fill in the prompt, e.g. {{variable_name}}.
    #[serde(default)]
    pub prompt_values: BTreeMap<String, String>,
    /// The maximum number of tokens to generate in the chat completion.
    #[serde(default)]
    pub max_tokens: Option<i64>,
    /// Ollama host for local models (ignored: the server's OLLAMA_HOST is used).
    #[serde(default = "super::default_ollama_host")]
    pub ollama_host: String,
    /// Maximum iterations for agent mode. 0 = traditional mode (single LLM call, yield tool
    /// calls for external execution), -1 = infinite agent mode (loop until finished), 1+ =
    /// agent mode with max iterations limit.
    #[serde(default)]
    pub agent_mode_max_iterations: i64,
    /// Automatically compact the context window once it hits the limit (accepted; not yet
    /// implemented).
    #[serde(default = "default_true")]
    pub conversation_compaction: bool,
}

#[derive(Serialize, JsonSchema)]
#[serde(tag = "pin", content = "value", rename_all = "snake_case")]
pub enum Output {
    /// The tools that are available to use (tool calls leave on `tools_^_{node}_~_{pin}`).
    Tools(Value),
    /// The finished message to display to the user.
    Finished(String),
    /// The conversation history to provide context for the prompt.
    Conversations(Vec<Value>),
}

impl Block for SmartDecisionMaker {
    const META: BlockMeta = BlockMeta {
        block_type: BlockType::Ai,
        ..BlockMeta::standard(
            agentry_core::tool_nodes::SMART_DECISION_MAKER_ID,
            "SmartDecisionMakerBlock",
            "Uses AI to intelligently decide what tool to use.",
            &[Category::Ai],
        )
    };
    type Input = Input;
    type Output = Output;

    async fn run(&self, input: Input, cx: &mut Cx<'_, Output>) -> Result<(), BlockError> {
        let functions = cx
            .tool_nodes()
            .map(|t| t.describe())
            .filter(|f| !f.is_empty())
            .ok_or_else(|| BlockError::Input("There is no next node to execute.".into()))?;
        let described: Vec<Value> = functions.iter().map(ToolFunction::to_json).collect();
        cx.emit_raw(
            "tool_functions",
            Value::String(Value::Array(described).to_string()),
        );

        let mut prompt = opening_prompt(&input)?;
        if !pending_tool_calls(&prompt).is_empty() {
            // A tool answered one of several calls: wait for the others' answers.
            cx.emit(Output::Conversations(prompt));
            return Ok(());
        }
        let prompt_text = call::fill(&input.prompt, &input.prompt_values)?;
        let sys_prompt = call::fill(&input.sys_prompt, &input.prompt_values)?;
        if !sys_prompt.is_empty() && !talk::has_objective(&prompt, Role::System) {
            prompt.push(json!({"role": "system", "content": format!("{MAIN_OBJECTIVE_PREFIX}{sys_prompt}")}));
        }
        if !prompt_text.is_empty() && !talk::has_objective(&prompt, Role::User) {
            prompt.push(
                json!({"role": "user", "content": format!("{MAIN_OBJECTIVE_PREFIX}{prompt_text}")}),
            );
        }
        if input.agent_mode_max_iterations != 0 {
            return agent_mode(&input, cx, &functions, prompt).await;
        }

        let attempts = input.retry.max(1);
        let mut asked = prompt.clone();
        let mut last_error = String::new();
        for attempt in 0..attempts {
            if attempt > 0 {
                call::count_retry(cx, 1);
            }
            let reply = ask(&input, cx, &functions, &asked).await?;
            let chosen = match talk::check_calls(&reply.tool_calls, &functions) {
                Ok(chosen) => chosen,
                Err(problems) => {
                    asked.push(json!({"role": "user", "content": format!(
                        "Your tool call had errors. Please fix the following issues and try again:\n- {problems}\n\nPlease make sure to use the exact tool and parameter names as specified in the function schema."
                    )}));
                    last_error = problems;
                    continue;
                }
            };
            if chosen.is_empty() {
                cx.emit(Output::Finished(reply.text));
                return Ok(());
            }
            for c in &chosen {
                for (pin, value) in c.function.inputs(&c.arguments) {
                    cx.emit_raw(&tool_pin(&c.function.node_id, &pin), value);
                }
            }
            prompt.push(talk::assistant_entry(&reply));
            cx.emit(Output::Conversations(prompt));
            return Ok(());
        }
        Err(BlockError::Input(last_error))
    }
}

/// The history the model sees: `conversation_history`, with `last_tool_output` answering its
/// first pending tool call.
fn opening_prompt(input: &Input) -> Result<Vec<Value>, BlockError> {
    let mut prompt: Vec<Value> = input
        .conversation_history
        .clone()
        .unwrap_or_default()
        .into_iter()
        .filter(|v| !v.is_null() && v.as_object().is_none_or(|m| !m.is_empty()))
        .collect();
    let pending = pending_tool_calls(&prompt);
    let output = input.last_tool_output.as_ref().filter(|v| !v.is_null());
    match (pending.first(), output) {
        (Some(_), None) => Err(BlockError::Input(format!(
            "Tool call requires an output for {pending:?}"
        ))),
        (Some(first), Some(output)) => {
            prompt.push(talk::tool_entry(first, output));
            Ok(prompt)
        }
        (None, Some(output)) => {
            prompt.push(json!({"role": "user", "content": format!("Last tool output: {output}")}));
            Ok(prompt)
        }
        (None, None) => Ok(prompt),
    }
}

/// One model call with the tools; only the first tool call is kept unless
/// `multiple_tool_calls` allows more.
async fn ask(
    input: &Input,
    cx: &mut Cx<'_, Output>,
    functions: &[ToolFunction],
    prompt: &[Value],
) -> Result<ChatResponse, BlockError> {
    let request = ChatRequest {
        messages: talk::messages(prompt)?,
        tools: talk::provider_tools(functions),
        max_tokens: call::max_tokens(input.max_tokens),
        ..ChatRequest::default()
    };
    let mut reply = call::chat(cx, &input.model, input.credentials.as_ref(), request).await?;
    if !input.multiple_tool_calls {
        reply.tool_calls.truncate(1);
    }
    Ok(reply)
}

async fn agent_mode(
    input: &Input,
    cx: &mut Cx<'_, Output>,
    functions: &[ToolFunction],
    mut prompt: Vec<Value>,
) -> Result<(), BlockError> {
    let bounded = input.agent_mode_max_iterations > 0;
    let limit = if bounded {
        input.agent_mode_max_iterations as u64
    } else {
        UNBOUNDED_ITERATIONS
    };
    let mut used_tokens = 0u64;
    let mut iteration = 0u64;
    while iteration < limit {
        iteration += 1;
        let mut asked = prompt.clone();
        if bounded && iteration == limit {
            asked.push(json!({"role": "system", "content": format!(
                "{MAIN_OBJECTIVE_PREFIX}This is your last iteration ({iteration}/{limit}). Try to complete the task with the information you have. If you cannot fully complete it, provide a summary of what you've accomplished and what remains to be done. Prefer finishing with a clear response rather than making additional tool calls."
            )}));
        }
        let reply = ask(input, cx, functions, &asked).await.map_err(|e| {
            let msg = format!("LLM call failed in agent mode iteration {iteration}: {e}");
            match e {
                BlockError::Input(_) => BlockError::Input(msg),
                BlockError::System(_) => BlockError::System(msg),
            }
        })?;
        used_tokens += reply.usage.prompt_tokens + reply.usage.completion_tokens;
        let chosen = talk::check_calls(&reply.tool_calls, functions).map_err(|e| {
            BlockError::Input(format!(
                "LLM call failed in agent mode iteration {iteration}: {e}"
            ))
        })?;
        if chosen.is_empty() {
            prompt.push(talk::assistant_entry(&reply));
            cx.emit(Output::Finished(reply.text));
            cx.emit(Output::Conversations(prompt));
            return Ok(());
        }
        let mut answers = Vec::new();
        for c in &chosen {
            let inputs: Map<String, Value> = c.function.inputs(&c.arguments).into_iter().collect();
            let result = match cx.tool_nodes() {
                Some(tools) => tools.run(&c.function.node_id, inputs).await,
                None => Err(BlockError::System(
                    "tool nodes run only inside a graph run".into(),
                )),
            };
            let content = match result {
                Ok(run) => talk::tool_result_text(&run),
                Err(e) => Value::String(format!("Tool execution failed: {e}")),
            };
            answers.push(talk::tool_entry(&c.call.id, &content));
        }
        prompt.push(talk::assistant_entry(&reply));
        prompt.extend(answers);
        cx.emit(Output::Conversations(prompt.clone()));
        if used_tokens >= TOKEN_BUDGET {
            cx.emit(Output::Finished(format!(
                "Agent mode stopped after {iteration} iterations: the budget of {TOKEN_BUDGET} tokens is spent"
            )));
            cx.emit(Output::Conversations(prompt));
            return Ok(());
        }
    }
    let finished = if bounded {
        format!("Agent mode completed after {limit} iterations (limit reached)")
    } else {
        format!("Agent mode completed after {iteration} iterations")
    };
    cx.emit(Output::Finished(finished));
    cx.emit(Output::Conversations(prompt));
    Ok(())
}

#[cfg(test)]
#[path = "smart_decision_maker_tests.rs"]
mod tests;
