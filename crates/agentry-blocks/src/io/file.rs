//! AgentFileInputBlock: a file graph input (a data URI, URL or stored file reference).

use agentry_core::{Block, BlockError, BlockMeta, Cx};
use schemars::JsonSchema;
use serde::{Deserialize, Serialize};

use super::input::{Fields, input_meta};

pub struct AgentFileInput;

#[derive(Deserialize, JsonSchema)]
pub struct Input {
    #[serde(flatten)]
    pub fields: Fields,
    /// Path or reference to an uploaded file.
    #[serde(default)]
    #[schemars(title = "Default Value", extend("format" = "file"))]
    pub value: Option<String>,
    /// Whether to produce output in base64 format (not recommended; you can pass the file reference across blocks).
    #[serde(default)]
    #[schemars(title = "Produce Base64 Output")]
    pub base_64: bool,
}

#[derive(Serialize, JsonSchema)]
#[serde(tag = "pin", content = "value", rename_all = "snake_case")]
pub enum Output {
    /// File reference/path result.
    Result(String),
}

impl Block for AgentFileInput {
    const META: BlockMeta = input_meta(
        "95ead23f-8283-4654-aef3-10c053b74a31",
        "AgentFileInputBlock",
        "Block for file upload input (string path for example).",
    );
    type Input = Input;
    type Output = Output;

    async fn run(&self, input: Input, cx: &mut Cx<'_, Output>) -> Result<(), BlockError> {
        // AutoGPT skips empty values too. It then stores the file (fetching URLs, turning it
        // into a data URI when `base_64`); there is no file store yet, so the reference passes
        // through as given.
        match input.value {
            Some(value) if !value.is_empty() => cx.emit(Output::Result(value)),
            _ => {}
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use agentry_core::testing::run_block;
    use serde_json::json;

    #[tokio::test]
    async fn autogpt_example_and_empty_values() {
        let uri = "data:image/png;base64,MQ==";
        let out = run_block(AgentFileInput, json!({"value": uri, "name": "f"})).await;
        assert_eq!(out, vec![("result".into(), json!(uri))]);
        assert!(
            run_block(AgentFileInput, json!({"value": "", "name": "f"}))
                .await
                .is_empty()
        );
        assert!(
            run_block(AgentFileInput, json!({"name": "f"}))
                .await
                .is_empty()
        );
    }
}
