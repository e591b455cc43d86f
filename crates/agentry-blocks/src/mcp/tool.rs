//! MCPToolBlock: calls one tool of a Model Context Protocol server (streamable HTTP) with the
//! given arguments and yields its result. Linked from a SmartDecisionMaker's `tools` pin by its
//! `tool_arguments` pin, it is offered to the model as the selected tool, with the tool's own
//! input schema (`tool_input_schema`) as the function's parameters.

use agentry_core::{Block, BlockError, BlockMeta, Category, Cx};
use schemars::JsonSchema;
use serde::{Deserialize, Serialize};
use serde_json::{Map, Value};

use super::client::McpSession;
use crate::http::OutboundHttp;

pub struct McpTool;

#[derive(Deserialize, JsonSchema)]
pub struct Input {
    /// URL of the MCP server (Streamable HTTP endpoint).
    pub server_url: String,
    /// MCP server OAuth credentials (accepted and ignored until a credential store exists).
    #[serde(default)]
    pub credentials: Option<Value>,
    /// The MCP tool to execute.
    #[serde(default)]
    pub selected_tool: String,
    /// JSON Schema for the selected tool's input parameters.
    #[serde(default)]
    pub tool_input_schema: Map<String, Value>,
    /// Arguments to pass to the selected MCP tool.
    #[serde(default)]
    pub tool_arguments: Map<String, Value>,
}

#[derive(Serialize, JsonSchema)]
#[serde(tag = "pin", content = "value", rename_all = "snake_case")]
pub enum Output {
    /// The result returned by the MCP tool.
    Result(Value),
}

impl Block for McpTool {
    const META: BlockMeta = BlockMeta::standard(
        "a0a4b1c2-d3e4-4f56-a7b8-c9d0e1f2a3b4",
        "MCPToolBlock",
        "Connect to any MCP server and execute its tools. Provide a server URL, select a tool, and pass arguments dynamically.",
        &[Category::DeveloperTools],
    );
    type Input = Input;
    type Output = Output;

    async fn run(&self, input: Input, cx: &mut Cx<'_, Output>) -> Result<(), BlockError> {
        if input.server_url.trim().is_empty() {
            return Err(BlockError::input("MCP server URL is required"));
        }
        if input.selected_tool.is_empty() {
            return Err(BlockError::input(
                "No tool selected. Please select a tool from the dropdown.",
            ));
        }
        let mut missing: Vec<&str> = input
            .tool_input_schema
            .get("required")
            .and_then(Value::as_array)
            .into_iter()
            .flatten()
            .filter_map(Value::as_str)
            .filter(|name| !input.tool_arguments.contains_key(*name))
            .collect();
        if !missing.is_empty() {
            missing.sort_unstable();
            return Err(BlockError::Input(format!(
                "Missing required argument(s): {}. Please fill in all required fields marked with * in the block form.",
                missing.join(", ")
            )));
        }
        let http = OutboundHttp::from_cx(cx);
        let mut session = McpSession::open(http, &input.server_url).await?;
        let result = session
            .call_tool(&input.selected_tool, Value::Object(input.tool_arguments))
            .await?;
        cx.emit(Output::Result(tool_result(&input.selected_tool, &result)?));
        Ok(())
    }
}

/// A `tools/call` result as one value: text parsed as JSON when it is JSON, images and
/// resources kept, a single part unwrapped; `isError` results are input errors.
fn tool_result(tool: &str, result: &Value) -> Result<Value, BlockError> {
    let content = result["content"].as_array().cloned().unwrap_or_default();
    let text_of = |item: &Value| item["text"].as_str().unwrap_or_default().to_string();
    if result["isError"].as_bool() == Some(true) {
        let text: String = content
            .iter()
            .filter(|i| i["type"] == "text")
            .map(text_of)
            .collect();
        let text = if text.is_empty() {
            "Unknown error".to_string()
        } else {
            text
        };
        return Err(BlockError::Input(format!(
            "MCP tool '{tool}' returned an error: {text}"
        )));
    }
    let mut parts: Vec<Value> = Vec::new();
    for item in &content {
        match item["type"].as_str() {
            Some("text") => {
                let text = text_of(item);
                parts.push(serde_json::from_str(&text).unwrap_or(Value::String(text)));
            }
            Some("image") => parts.push(serde_json::json!({
                "type": "image", "data": item["data"], "mimeType": item["mimeType"],
            })),
            Some("resource") => parts.push(item["resource"].clone()),
            _ => {}
        }
    }
    Ok(match parts.len() {
        0 => Value::Null,
        1 => parts.remove(0),
        _ => Value::Array(parts),
    })
}

#[cfg(test)]
#[path = "tool_tests.rs"]
mod tests;
