//! PrintToConsoleBlock: logs a value for debugging and passes it on.

use agentry_core::{Block, BlockError, BlockMeta, Category, Cx};
use schemars::JsonSchema;
use serde::{Deserialize, Serialize};
use serde_json::Value;

pub struct PrintToConsole;

#[derive(Deserialize, JsonSchema)]
pub struct Input {
    /// The data to print to the console.
    pub text: Value,
}

#[derive(Serialize, JsonSchema)]
#[serde(tag = "pin", content = "value", rename_all = "snake_case")]
pub enum Output {
    /// The data printed to the console.
    Output(Value),
    /// The status of the print operation.
    Status(String),
}

impl Block for PrintToConsole {
    const META: BlockMeta = BlockMeta::standard(
        "f3b1c1b2-4c4f-4f0d-8d2f-4c4f0d8d2f4c",
        "PrintToConsoleBlock",
        "Print the given text to the console, this is used for a debugging purpose.",
        &[Category::Basic],
    );
    type Input = Input;
    type Output = Output;

    async fn run(&self, input: Input, cx: &mut Cx<'_, Output>) -> Result<(), BlockError> {
        // The console of a server is its log.
        tracing::info!(node_id = %cx.info().node_id, text = %agentry_core::coerce::to_text(&input.text), "PrintToConsoleBlock");
        cx.emit(Output::Output(input.text));
        cx.emit(Output::Status("printed".into()));
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use agentry_core::testing::run_block;
    use serde_json::json;

    #[tokio::test]
    async fn autogpt_example() {
        let out = run_block(PrintToConsole, json!({"text": "Hello, World!"})).await;
        assert_eq!(
            out,
            vec![
                ("output".into(), json!("Hello, World!")),
                ("status".into(), json!("printed"))
            ]
        );
    }
}
