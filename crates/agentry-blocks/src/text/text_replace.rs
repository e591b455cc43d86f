//! TextReplaceBlock: replaces every occurrence of one text with another.

use agentry_core::{Block, BlockError, BlockMeta, Category, Cx, Effect};
use schemars::JsonSchema;
use serde::{Deserialize, Serialize};

pub struct TextReplace;

#[derive(Deserialize, JsonSchema)]
pub struct Input {
    /// The text to replace.
    pub text: String,
    /// The old text to replace.
    pub old: String,
    /// The new text to replace with.
    pub new: String,
}

#[derive(Serialize, JsonSchema)]
#[serde(tag = "pin", content = "value", rename_all = "snake_case")]
pub enum Output {
    /// The text with the replaced text.
    Output(String),
}

impl Block for TextReplace {
    const META: BlockMeta = BlockMeta {
        effect: Effect::Pure,
        ..BlockMeta::standard(
            "7e7c87ab-3469-4bcc-9abe-67705091b713",
            "TextReplaceBlock",
            "This block is used to replace a text with a new text.",
            &[Category::Text],
        )
    };
    type Input = Input;
    type Output = Output;

    async fn run(&self, input: Input, cx: &mut Cx<'_, Output>) -> Result<(), BlockError> {
        // Rust's `replace` with an empty pattern inserts between characters, as Python's does.
        cx.emit(Output::Output(input.text.replace(&input.old, &input.new)));
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
        let out = run_block(
            TextReplace,
            json!({"text": "Hello, World!", "old": "Hello", "new": "Hi"}),
        )
        .await;
        assert_eq!(out, vec![("output".into(), json!("Hi, World!"))]);
    }

    #[tokio::test]
    async fn empty_old_inserts_between_characters_as_python() {
        let out = run_block(TextReplace, json!({"text": "ab", "old": "", "new": "-"})).await;
        assert_eq!(out, vec![("output".into(), json!("-a-b-"))]);
    }
}
