//! ExecuteCodeBlock: runs code on E2B when the process has an E2B key, else locally in the
//! sandboxed runner (Python and JavaScript only), and yields AutoGPT's result pins.

use std::time::Duration;

use agentry_core::{Block, BlockError, BlockMeta, Category, Cx};
use agentry_sandbox::{CodeSandbox, Language};
use schemars::JsonSchema;
use serde::{Deserialize, Serialize};
use serde_json::{Map, Value};

use super::e2b::{E2b, Execution};

pub struct ExecuteCode;

/// AutoGPT's `ProgrammingLanguage`.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Deserialize, Serialize, JsonSchema)]
pub enum ProgrammingLanguage {
    #[default]
    #[serde(rename = "python")]
    Python,
    #[serde(rename = "js")]
    Javascript,
    #[serde(rename = "bash")]
    Bash,
    #[serde(rename = "r")]
    R,
    #[serde(rename = "java")]
    Java,
}

impl ProgrammingLanguage {
    fn wire(self) -> &'static str {
        match self {
            ProgrammingLanguage::Python => "python",
            ProgrammingLanguage::Javascript => "js",
            ProgrammingLanguage::Bash => "bash",
            ProgrammingLanguage::R => "r",
            ProgrammingLanguage::Java => "java",
        }
    }
}

fn default_timeout() -> i64 {
    300
}

fn yes() -> bool {
    true
}

#[derive(Deserialize, JsonSchema)]
pub struct Input {
    /// Enter your API key for the E2B platform (accepted and ignored: the operator's key is used).
    #[serde(default)]
    pub credentials: Option<Value>,
    /// Shell commands to set up the sandbox before running the code.
    #[serde(default)]
    pub setup_commands: Vec<String>,
    /// Code to execute in the sandbox
    #[serde(default)]
    pub code: String,
    /// Programming language to execute
    #[serde(default)]
    pub language: ProgrammingLanguage,
    /// Execution timeout in seconds
    #[serde(default = "default_timeout")]
    pub timeout: i64,
    /// Whether to dispose of the sandbox immediately after execution.
    #[serde(default = "yes")]
    pub dispose_sandbox: bool,
    /// You can use an E2B sandbox template by entering its ID here.
    #[serde(default)]
    pub template_id: String,
}

#[derive(Serialize, JsonSchema)]
#[serde(tag = "pin", content = "value", rename_all = "snake_case")]
pub enum Output {
    /// The main result from the code execution
    MainResult(Map<String, Value>),
    /// List of results from the code execution
    Results(Vec<Map<String, Value>>),
    /// Text output (if any) of the main execution result
    Response(String),
    /// Standard output logs from execution
    StdoutLogs(String),
    /// Standard error logs from execution
    StderrLogs(String),
}

/// Runs the code locally and shapes the outcome as an E2B execution.
async fn run_local(sandbox: &CodeSandbox, input: &Input) -> Result<Execution, BlockError> {
    let language = match input.language {
        ProgrammingLanguage::Python => Language::Python,
        ProgrammingLanguage::Javascript => Language::Javascript,
        other => {
            return Err(BlockError::input(format!(
                "language '{}' needs E2B (set E2B_API_KEY); the local sandbox runs python and js",
                other.wire()
            )));
        }
    };
    if !input.setup_commands.is_empty() {
        return Err(BlockError::input(
            "setup_commands need E2B (set E2B_API_KEY); the local sandbox runs no shell",
        ));
    }
    let wall = Duration::from_secs(input.timeout.max(1) as u64);
    let outcome = sandbox
        .run(language, &input.code, Some(wall))
        .await
        .map_err(|e| BlockError::System(e.to_string()))?;
    let results = outcome
        .result
        .map(|text| {
            let mut result = Map::new();
            result.insert("text".into(), Value::String(text));
            result.insert("is_main_result".into(), Value::Bool(true));
            vec![result]
        })
        .unwrap_or_default();
    Ok(Execution {
        results,
        stdout: outcome.stdout,
        stderr: outcome.stderr,
        error: outcome.error,
    })
}

impl Block for ExecuteCode {
    const META: BlockMeta = BlockMeta::standard(
        "0b02b072-abe7-11ef-8372-fb5d162dd712",
        "ExecuteCodeBlock",
        "Executes code in a sandbox environment with internet access.",
        &[Category::DeveloperTools],
    );
    type Input = Input;
    type Output = Output;

    async fn run(&self, input: Input, cx: &mut Cx<'_, Output>) -> Result<(), BlockError> {
        let execution = if let Ok(e2b) = cx.resource::<E2b>() {
            e2b.run(
                &input.code,
                input.language.wire(),
                &input.template_id,
                input.timeout.max(1) as u64,
                input.dispose_sandbox,
            )
            .await?
        } else if let Ok(sandbox) = cx.resource::<CodeSandbox>() {
            run_local(sandbox, &input).await?
        } else {
            return Err(BlockError::System(
                "ExecuteCodeBlock needs E2B (E2B_API_KEY) or the local code sandbox, and this \
                 process has neither configured"
                    .into(),
            ));
        };
        // Logs first, so that a failing program still shows what it printed.
        if let Some(error) = execution.error {
            if !execution.stdout.is_empty() {
                cx.emit(Output::StdoutLogs(execution.stdout));
            }
            if !execution.stderr.is_empty() {
                cx.emit(Output::StderrLogs(execution.stderr));
            }
            return Err(BlockError::Input(error));
        }
        let text = execution.text();
        let main = execution
            .results
            .iter()
            .find(|r| r.get("is_main_result") == Some(&Value::Bool(true)))
            .map(|r| {
                let mut main = r.clone();
                main.remove("is_main_result");
                main
            });
        if let Some(main) = main {
            cx.emit(Output::MainResult(main));
        }
        cx.emit(Output::Results(execution.results));
        if let Some(text) = text.filter(|t| !t.is_empty()) {
            cx.emit(Output::Response(text));
        }
        if !execution.stdout.is_empty() {
            cx.emit(Output::StdoutLogs(execution.stdout));
        }
        if !execution.stderr.is_empty() {
            cx.emit(Output::StderrLogs(execution.stderr));
        }
        Ok(())
    }
}

#[cfg(test)]
#[path = "execute_code_tests.rs"]
mod tests;
