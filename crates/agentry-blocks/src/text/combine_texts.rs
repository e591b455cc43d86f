//! CombineTextsBlock: joins a list of texts with a delimiter.

use agentry_core::{Block, BlockError, BlockMeta, Category, Cx, Effect};
use schemars::JsonSchema;
use serde::{Deserialize, Serialize};

pub struct CombineTexts;

#[derive(Deserialize, JsonSchema)]
pub struct Input {
    /// text input to combine
    pub input: Vec<String>,
    /// Delimiter to combine texts
    #[serde(default)]
    pub delimiter: String,
}

#[derive(Serialize, JsonSchema)]
#[serde(tag = "pin", content = "value", rename_all = "snake_case")]
pub enum Output {
    /// Combined text
    Output(String),
}

impl Block for CombineTexts {
    const META: BlockMeta = BlockMeta {
        effect: Effect::Pure,
        ..BlockMeta::standard(
            "e30a4d42-7b7d-4e6a-b36e-1f9b8e3b7d85",
            "CombineTextsBlock",
            "This block combines multiple input texts into a single output text.",
            &[Category::Text],
        )
    };
    type Input = Input;
    type Output = Output;

    async fn run(&self, input: Input, cx: &mut Cx<'_, Output>) -> Result<(), BlockError> {
        cx.emit(Output::Output(input.input.join(&input.delimiter)));
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use agentry_core::testing::run_block;
    use serde_json::json;

    #[tokio::test]
    async fn autogpt_examples() {
        let out = run_block(
            CombineTexts,
            json!({"input": ["Hello world I like ", "cake and to go for walks"]}),
        )
        .await;
        assert_eq!(
            out,
            vec![(
                "output".into(),
                json!("Hello world I like cake and to go for walks")
            )]
        );
        let out = run_block(
            CombineTexts,
            json!({"input": ["This is a test", "Hi!"], "delimiter": "! "}),
        )
        .await;
        assert_eq!(out, vec![("output".into(), json!("This is a test! Hi!"))]);
    }

    #[tokio::test]
    async fn non_string_items_are_coerced_to_text() {
        let out = run_block(
            CombineTexts,
            json!({"input": ["a", 1, true], "delimiter": ","}),
        )
        .await;
        assert_eq!(out, vec![("output".into(), json!("a,1,True"))]);
    }
}
