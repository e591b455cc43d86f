//! ExtractTextInformationBlock: extracts a regex group from the first or every match.

use agentry_core::{Block, BlockError, BlockMeta, Category, Cx, Effect};
use schemars::JsonSchema;
use serde::{Deserialize, Serialize};
use serde_json::Value;

use super::pattern;

pub struct ExtractTextInformation;

fn yes() -> bool {
    true
}

#[derive(Deserialize, JsonSchema)]
pub struct Input {
    /// Text to parse
    pub text: Value,
    /// Pattern (Regex) to parse
    pub pattern: String,
    /// Group number to extract
    #[serde(default)]
    pub group: i64,
    /// Case sensitive match
    #[serde(default = "yes")]
    pub case_sensitive: bool,
    /// Dot matches all
    #[serde(default = "yes")]
    pub dot_all: bool,
    /// Find all matches
    #[serde(default)]
    pub find_all: bool,
}

#[derive(Serialize, JsonSchema)]
#[serde(tag = "pin", content = "value", rename_all = "snake_case")]
pub enum Output {
    /// Extracted text
    Positive(String),
    /// Original text
    Negative(String),
    /// List of matched results
    MatchedResults(Vec<String>),
    /// Number of matched results
    MatchedCount(usize),
}

impl Block for ExtractTextInformation {
    const META: BlockMeta = BlockMeta {
        effect: Effect::Pure,
        ..BlockMeta::standard(
            "3146e4fe-2cdd-4f29-bd12-0c9d5bb4deb0",
            "ExtractTextInformationBlock",
            "This block extracts the text from the given text using the pattern (regex).",
            &[Category::Text],
        )
    };
    type Input = Input;
    type Output = Output;

    async fn run(&self, input: Input, cx: &mut Cx<'_, Output>) -> Result<(), BlockError> {
        let regex = pattern::compile(&input.pattern, input.case_sensitive, input.dot_all)?;
        let group = usize::try_from(input.group).map_err(|_| BlockError::input("no such group"))?;
        let text = pattern::subject(&input.text);
        // As AutoGPT, matches lacking the group are skipped; a group that took no part in a
        // match yields None (null), as Python's `match.group(n)` does.
        let mut matches: Vec<Value> = Vec::new();
        if group < regex.captures_len() {
            for caps in regex.captures_iter(&text) {
                let caps = caps.map_err(|e| BlockError::input(format!("pattern failed: {e}")))?;
                matches.push(match caps.get(group) {
                    Some(m) => Value::from(m.as_str()),
                    None => Value::Null,
                });
                if !input.find_all {
                    break;
                }
            }
        }
        for m in &matches {
            cx.emit_raw("positive", m.clone());
        }
        if matches.is_empty() {
            // The original input, not its JSON text, as AutoGPT yields it.
            cx.emit_raw("negative", input.text);
        }
        let count = matches.len();
        cx.emit_raw("matched_results", Value::Array(matches));
        cx.emit(Output::MatchedCount(count));
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use agentry_core::testing::run_block;
    use serde_json::json;

    fn pins(list: &[(&str, Value)]) -> Vec<(String, Value)> {
        list.iter()
            .map(|(p, v)| (p.to_string(), v.clone()))
            .collect()
    }

    #[tokio::test]
    async fn autogpt_examples() {
        let hello = "Hello, World!";
        let two = "Hello, World!! Hello, Earth!!";
        let cases = [
            (
                json!({"text": hello, "pattern": "Hello, (.+)", "group": 1}),
                pins(&[
                    ("positive", json!("World!")),
                    ("matched_results", json!(["World!"])),
                    ("matched_count", json!(1)),
                ]),
            ),
            (
                json!({"text": hello, "pattern": "Hello, (.+)", "group": 0}),
                pins(&[
                    ("positive", json!(hello)),
                    ("matched_results", json!([hello])),
                    ("matched_count", json!(1)),
                ]),
            ),
            (
                json!({"text": hello, "pattern": "Hello, (.+)", "group": 2}),
                pins(&[
                    ("negative", json!(hello)),
                    ("matched_results", json!([])),
                    ("matched_count", json!(0)),
                ]),
            ),
            (
                json!({"text": hello, "pattern": "hello,", "case_sensitive": false}),
                pins(&[
                    ("positive", json!("Hello,")),
                    ("matched_results", json!(["Hello,"])),
                    ("matched_count", json!(1)),
                ]),
            ),
            (
                json!({"text": two, "pattern": "Hello, (\\S+)", "group": 1, "find_all": false}),
                pins(&[
                    ("positive", json!("World!!")),
                    ("matched_results", json!(["World!!"])),
                    ("matched_count", json!(1)),
                ]),
            ),
            (
                json!({"text": two, "pattern": "Hello, (\\S+)", "group": 1, "find_all": true}),
                pins(&[
                    ("positive", json!("World!!")),
                    ("positive", json!("Earth!!")),
                    ("matched_results", json!(["World!!", "Earth!!"])),
                    ("matched_count", json!(2)),
                ]),
            ),
        ];
        for (input, expected) in cases {
            assert_eq!(run_block(ExtractTextInformation, input).await, expected);
        }
    }

    /// Python patterns from the shared exports: look-ahead (Lead Finder) and look-behind
    /// (Smart Meeting Prep).
    #[tokio::test]
    async fn python_look_around_patterns_work() {
        let out = run_block(
            ExtractTextInformation,
            json!({"text": "Roast One", "pattern": "^(?!\\s*$).+"}),
        )
        .await;
        assert_eq!(out[0], ("positive".into(), json!("Roast One")));
        let out = run_block(
            ExtractTextInformation,
            json!({"text": "   ", "pattern": "^(?!\\s*$).+"}),
        )
        .await;
        assert_eq!(out[0], ("negative".into(), json!("   ")));
        let out = run_block(
            ExtractTextInformation,
            json!({"text": "ada@partner.example", "pattern": "(?<=@)[^@\\s]+"}),
        )
        .await;
        assert_eq!(out[0], ("positive".into(), json!("partner.example")));
    }

    #[tokio::test]
    async fn non_text_input_is_searched_as_json() {
        let input = json!({"text": {"id": 7}, "pattern": "\"id\":(\\d+)", "group": 1});
        let out = run_block(ExtractTextInformation, input).await;
        assert_eq!(out[0], ("positive".into(), json!("7")));
        let input = json!({"text": [1], "pattern": "x"});
        let out = run_block(ExtractTextInformation, input).await;
        assert_eq!(out[0], ("negative".into(), json!([1])));
    }

    #[tokio::test]
    async fn negative_group_is_an_error() {
        let input = json!({"text": "a", "pattern": "a", "group": -1});
        let out = run_block(ExtractTextInformation, input).await;
        assert_eq!(out, vec![("error".into(), json!("no such group"))]);
    }
}
