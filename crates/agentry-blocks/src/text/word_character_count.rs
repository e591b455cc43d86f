//! WordCharacterCountBlock: counts the words and characters of a text.

use agentry_core::{Block, BlockError, BlockMeta, Category, Cx, Effect};
use schemars::JsonSchema;
use serde::{Deserialize, Serialize};

pub struct WordCharacterCount;

#[derive(Deserialize, JsonSchema)]
pub struct Input {
    /// Input text to count words and characters
    pub text: String,
}

#[derive(Serialize, JsonSchema)]
#[serde(tag = "pin", content = "value", rename_all = "snake_case")]
pub enum Output {
    /// Number of words in the input text
    WordCount(usize),
    /// Number of characters in the input text
    CharacterCount(usize),
}

impl Block for WordCharacterCount {
    const META: BlockMeta = BlockMeta {
        effect: Effect::Pure,
        ..BlockMeta::standard(
            "ab2a782d-22cf-4587-8a70-55b59b3f9f90",
            "WordCharacterCountBlock",
            "Counts the number of words and characters in a given text.",
            &[Category::Text],
        )
    };
    type Input = Input;
    type Output = Output;

    async fn run(&self, input: Input, cx: &mut Cx<'_, Output>) -> Result<(), BlockError> {
        // Python's `len(text.split())` and `len(text)`: whitespace-separated words, code points.
        cx.emit(Output::WordCount(input.text.split_whitespace().count()));
        cx.emit(Output::CharacterCount(input.text.chars().count()));
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use agentry_core::testing::run_block;
    use serde_json::json;

    #[tokio::test]
    async fn counts_words_and_code_points() {
        let out = run_block(WordCharacterCount, json!({"text": "Hello, how are you?"})).await;
        assert_eq!(
            out,
            vec![
                ("word_count".into(), json!(4)),
                ("character_count".into(), json!(19))
            ]
        );
        let out = run_block(WordCharacterCount, json!({"text": "  héllo\n\twörld  "})).await;
        assert_eq!(out[0].1, json!(2));
        assert_eq!(out[1].1, json!(16));
        let out = run_block(WordCharacterCount, json!({"text": ""})).await;
        assert_eq!(
            out,
            vec![
                ("word_count".into(), json!(0)),
                ("character_count".into(), json!(0))
            ]
        );
    }
}
