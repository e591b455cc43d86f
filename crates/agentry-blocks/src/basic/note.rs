//! NoteBlock: a sticky note on the canvas; the engine never runs it.

use agentry_core::{Block, BlockError, BlockMeta, BlockType, Category, Cx, Effect};
use schemars::JsonSchema;
use serde::{Deserialize, Serialize};

pub struct Note;

#[derive(Deserialize, JsonSchema)]
pub struct Input {
    /// The text to display in the sticky note.
    pub text: String,
}

#[derive(Serialize, JsonSchema)]
#[serde(tag = "pin", content = "value", rename_all = "snake_case")]
pub enum Output {
    /// The text to display in the sticky note.
    Output(String),
}

impl Block for Note {
    const META: BlockMeta = BlockMeta {
        effect: Effect::Pure,
        block_type: BlockType::Note,
        ..BlockMeta::standard(
            "cc10ff7b-7753-4ff2-9af6-9399b1a7eddc",
            "NoteBlock",
            "This block is used to display a sticky note with the given text.",
            &[Category::Basic],
        )
    };
    type Input = Input;
    type Output = Output;

    async fn run(&self, input: Input, cx: &mut Cx<'_, Output>) -> Result<(), BlockError> {
        cx.emit(Output::Output(input.text));
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
        let out = run_block(Note, json!({"text": "Hello, World!"})).await;
        assert_eq!(out, vec![("output".into(), json!("Hello, World!"))]);
    }
}
