//! TextSplitBlock: splits a text into a list by a delimiter.

use agentry_core::{Block, BlockError, BlockMeta, Category, Cx, Effect};
use schemars::JsonSchema;
use serde::{Deserialize, Serialize};

pub struct TextSplit;

fn yes() -> bool {
    true
}

#[derive(Deserialize, JsonSchema)]
pub struct Input {
    /// The text to split.
    pub text: String,
    /// The delimiter to split the text by.
    pub delimiter: String,
    /// Whether to strip the text.
    #[serde(default = "yes")]
    pub strip: bool,
}

#[derive(Serialize, JsonSchema)]
#[serde(tag = "pin", content = "value", rename_all = "snake_case")]
pub enum Output {
    /// The text split into a list of strings.
    Texts(Vec<String>),
}

impl Block for TextSplit {
    const META: BlockMeta = BlockMeta {
        effect: Effect::Pure,
        ..BlockMeta::standard(
            "d5ea33c8-a575-477a-b42f-2fe3be5055ec",
            "TextSplitBlock",
            "This block is used to split a text into a list of strings.",
            &[Category::Text],
        )
    };
    type Input = Input;
    type Output = Output;

    async fn run(&self, input: Input, cx: &mut Cx<'_, Output>) -> Result<(), BlockError> {
        if input.text.is_empty() {
            cx.emit(Output::Texts(Vec::new()));
            return Ok(());
        }
        // Python's str.split rejects an empty separator; so do we.
        if input.delimiter.is_empty() {
            return Err(BlockError::input("empty separator"));
        }
        let texts = input
            .text
            .split(&input.delimiter)
            .map(|t| if input.strip { t.trim() } else { t }.to_string())
            .collect();
        cx.emit(Output::Texts(texts));
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use agentry_core::testing::run_block;
    use serde_json::{Value, json};

    async fn run(input: Value) -> Vec<(String, Value)> {
        run_block(TextSplit, input).await
    }

    #[tokio::test]
    async fn autogpt_examples() {
        let out = run(json!({"text": "Hello, World!", "delimiter": ","})).await;
        assert_eq!(out, vec![("texts".into(), json!(["Hello", "World!"]))]);
        let out = run(json!({"text": "Hello, World!", "delimiter": ",", "strip": false})).await;
        assert_eq!(out, vec![("texts".into(), json!(["Hello", " World!"]))]);
    }

    #[tokio::test]
    async fn empty_text_and_empty_delimiter() {
        let out = run(json!({"text": "", "delimiter": ","})).await;
        assert_eq!(out, vec![("texts".into(), json!([]))]);
        let out = run(json!({"text": "abc", "delimiter": ""})).await;
        assert_eq!(out, vec![("error".into(), json!("empty separator"))]);
    }
}
