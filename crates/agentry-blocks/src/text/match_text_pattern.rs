//! MatchTextPatternBlock: routes data to `positive` or `negative` by whether a regex matches.

use agentry_core::{Block, BlockError, BlockMeta, Category, Cx, Effect};
use schemars::JsonSchema;
use serde::{Deserialize, Serialize};
use serde_json::Value;

use super::pattern;
use crate::python;

pub struct MatchTextPattern;

fn yes() -> bool {
    true
}

#[derive(Deserialize, JsonSchema)]
pub struct Input {
    /// Text to match
    pub text: Value,
    /// Pattern (Regex) to match
    #[serde(rename = "match")]
    pub pattern: String,
    /// Data to be forwarded to output
    pub data: Value,
    /// Case sensitive match
    #[serde(default = "yes")]
    pub case_sensitive: bool,
    /// Dot matches all
    #[serde(default = "yes")]
    pub dot_all: bool,
}

#[derive(Serialize, JsonSchema)]
#[serde(tag = "pin", content = "value", rename_all = "snake_case")]
pub enum Output {
    /// Output data if match is found
    Positive(Value),
    /// Output data if match is not found
    Negative(Value),
}

impl Block for MatchTextPattern {
    const META: BlockMeta = BlockMeta {
        effect: Effect::Pure,
        ..BlockMeta::standard(
            "3060088f-6ed9-4928-9ba7-9c92823a7ccd",
            "MatchTextPatternBlock",
            "Matches text against a regex pattern and forwards data to positive or negative output based on the match.",
            &[Category::Text],
        )
    };
    type Input = Input;
    type Output = Output;

    async fn run(&self, input: Input, cx: &mut Cx<'_, Output>) -> Result<(), BlockError> {
        let regex = pattern::compile(&input.pattern, input.case_sensitive, input.dot_all)?;
        let found = regex
            .is_match(&pattern::subject(&input.text))
            .map_err(|e| BlockError::input(format!("pattern failed: {e}")))?;
        // AutoGPT forwards `data or text`: falsy data (empty, zero, null) forwards the text.
        let output = if python::truthy(&input.data) {
            input.data
        } else {
            input.text
        };
        cx.emit(if found {
            Output::Positive(output)
        } else {
            Output::Negative(output)
        });
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
        let cases = [
            (
                json!({"text": "ABC", "match": "ab", "data": "X", "case_sensitive": false}),
                "positive",
                "X",
            ),
            (
                json!({"text": "ABC", "match": "ab", "data": "Y", "case_sensitive": true}),
                "negative",
                "Y",
            ),
            (
                json!({"text": "Hello World!", "match": ".orld.+", "data": "Z"}),
                "positive",
                "Z",
            ),
            (
                json!({"text": "Hello World!", "match": "World![a-z]+", "data": "Z"}),
                "negative",
                "Z",
            ),
        ];
        for (input, pin, value) in cases {
            assert_eq!(
                run_block(MatchTextPattern, input).await,
                vec![(pin.into(), json!(value))]
            );
        }
    }

    #[tokio::test]
    async fn non_text_is_matched_as_json_and_falsy_data_forwards_text() {
        let input = json!({"text": {"k": 1}, "match": "\"k\":1", "data": ""});
        let out = run_block(MatchTextPattern, input).await;
        assert_eq!(out, vec![("positive".into(), json!({"k": 1}))]);
    }

    #[tokio::test]
    async fn dot_all_and_bad_patterns() {
        let input = json!({"text": "a\nb", "match": "a.b", "data": 1, "dot_all": false});
        assert_eq!(
            run_block(MatchTextPattern, input).await,
            vec![("negative".into(), json!(1))]
        );
        let input = json!({"text": "a", "match": "(", "data": 1});
        let out = run_block(MatchTextPattern, input).await;
        assert_eq!(out[0].0, "error");
    }
}
