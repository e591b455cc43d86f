//! AITextSummarizerBlock: splits a long text into overlapping word chunks, summarizes each
//! through the structured-answer loop, then combines the summaries (summarizing the combined
//! text again, level by level, while it is still longer than `max_tokens` words).

use agentry_core::{Block, BlockError, BlockMeta, Category, Cx};
use schemars::JsonSchema;
use serde::{Deserialize, Serialize};
use serde_json::{Map, Value};

use super::{call, structured};

pub struct AiTextSummarizer;

/// AutoGPT's `SummaryStyle`.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Deserialize, Serialize, JsonSchema)]
pub enum SummaryStyle {
    #[default]
    #[serde(rename = "concise")]
    Concise,
    #[serde(rename = "detailed")]
    Detailed,
    #[serde(rename = "bullet points")]
    BulletPoints,
    #[serde(rename = "numbered list")]
    NumberedList,
}

impl SummaryStyle {
    fn as_str(self) -> &'static str {
        match self {
            SummaryStyle::Concise => "concise",
            SummaryStyle::Detailed => "detailed",
            SummaryStyle::BulletPoints => "bullet points",
            SummaryStyle::NumberedList => "numbered list",
        }
    }
}

#[derive(Deserialize, JsonSchema)]
pub struct Input {
    /// The text to summarize.
    pub text: String,
    /// The language model to use for summarizing the text.
    #[serde(default = "super::default_model")]
    pub model: String,
    /// The topic to focus on in the summary.
    #[serde(default = "default_focus")]
    pub focus: String,
    /// The style of the summary to generate.
    #[serde(default)]
    pub style: SummaryStyle,
    /// API key for the LLM provider: the user's own api_key credentials for the model's
    /// provider when this names them by id, else the platform's key.
    #[serde(default)]
    #[schemars(transform = super::call::ai_credentials_schema)]
    pub credentials: Option<Value>,
    /// The maximum number of tokens (here: words) per chunk.
    #[serde(default = "default_max_tokens")]
    pub max_tokens: i64,
    /// The number of overlapping words between chunks to maintain context.
    #[serde(default = "default_overlap")]
    pub chunk_overlap: i64,
    /// Ollama host for local models (ignored: the server's OLLAMA_HOST is used).
    #[serde(default = "super::default_ollama_host")]
    pub ollama_host: String,
}

fn default_focus() -> String {
    "general information".into()
}
fn default_max_tokens() -> i64 {
    4096
}
fn default_overlap() -> i64 {
    100
}

#[derive(Serialize, JsonSchema)]
#[serde(tag = "pin", content = "value", rename_all = "snake_case")]
pub enum Output {
    /// The final summary of the text.
    Summary(String),
    /// The prompt sent to the language model.
    Prompt(Vec<Value>),
}

/// Longest text read, in characters; the rest is dropped (as AutoGPT).
const MAX_TEXT_CHARS: usize = 1_000_000;
/// Most chunks per level; words past them are dropped (as AutoGPT).
const MAX_CHUNKS: usize = 100;
/// Most levels of summaries of summaries before giving up.
const MAX_LEVELS: usize = 5;

/// Chunks of `max_words` words, each starting `max_words - overlap` words after the last.
pub fn split_text(text: &str, max_words: usize, overlap: usize) -> Vec<String> {
    let text = match text.char_indices().nth(MAX_TEXT_CHARS) {
        Some((cut, _)) => &text[..cut],
        None => text,
    };
    let step = max_words.saturating_sub(overlap).max(1);
    let words: Vec<&str> = text.split_whitespace().collect();
    (0..words.len())
        .step_by(step)
        .take(MAX_CHUNKS)
        .map(|start| words[start..(start + max_words).min(words.len())].join(" "))
        .collect()
}

impl AiTextSummarizer {
    async fn ask(
        cx: &mut Cx<'_, Output>,
        model: &str,
        credentials: Option<&Value>,
        prompt: String,
        key: &str,
        description: &str,
        last_prompt: &mut Vec<Value>,
    ) -> Result<String, BlockError> {
        let mut expected = Map::new();
        expected.insert(key.into(), description.into());
        let answer = structured::generate(
            cx,
            structured::Ask {
                model: model.to_string(),
                credentials: credentials.cloned(),
                prompt,
                expected_format: expected,
                retry: super::default_retry(),
                ..structured::Ask::default()
            },
        )
        .await?;
        *last_prompt = call::prompt_pin(&answer.prompt);
        match &answer.response[key] {
            Value::String(s) => Ok(s.clone()),
            other => Err(BlockError::Input(format!(
                "LLM generation failed: expected a string {key}, but received {other}"
            ))),
        }
    }
}

impl Block for AiTextSummarizer {
    const META: BlockMeta = BlockMeta::standard(
        "a0a69be1-4528-491c-a85a-a4ab6873e3f0",
        "AITextSummarizerBlock",
        "A block that summarizes long texts using a Large Language Model (LLM), with configurable focus topics and summary styles.",
        &[Category::Ai, Category::Text],
    );
    type Input = Input;
    type Output = Output;

    async fn run(&self, input: Input, cx: &mut Cx<'_, Output>) -> Result<(), BlockError> {
        if input.max_tokens < 1 {
            return Err(BlockError::input("max_tokens must be at least 1"));
        }
        if input.chunk_overlap < 0 {
            return Err(BlockError::input("chunk_overlap must not be negative"));
        }
        let max_words = usize::try_from(input.max_tokens).unwrap_or(usize::MAX);
        let overlap = usize::try_from(input.chunk_overlap).unwrap_or(0);
        let (mut text, mut focus, mut style) = (input.text, input.focus, input.style);
        let mut last_prompt = Vec::new();
        for _ in 0..MAX_LEVELS {
            let mut summaries = Vec::new();
            for chunk in split_text(&text, max_words, overlap) {
                let prompt = format!(
                    "Summarize the following text in a {} form. Focus your summary on the topic of `{focus}` if present, otherwise just provide a general summary:\n\n```{chunk}```",
                    style.as_str()
                );
                let summary = Self::ask(
                    cx,
                    &input.model,
                    input.credentials.as_ref(),
                    prompt,
                    "summary",
                    "The summary of the given text.",
                    &mut last_prompt,
                )
                .await?;
                summaries.push(summary);
            }
            let combined = summaries.join("\n\n");
            if combined.split_whitespace().count() <= max_words {
                let prompt = format!(
                    "Provide a final summary of the following section summaries in a {} form, focus your summary on the topic of `{focus}` if present:\n\n ```{combined}```\n\n Just respond with the final_summary in the format specified.",
                    style.as_str()
                );
                let summary = Self::ask(
                    cx,
                    &input.model,
                    input.credentials.as_ref(),
                    prompt,
                    "final_summary",
                    "The final summary of all provided summaries.",
                    &mut last_prompt,
                )
                .await?;
                cx.emit(Output::Summary(summary));
                cx.emit(Output::Prompt(last_prompt));
                return Ok(());
            }
            // Still too long: summarize the summaries, as AutoGPT's nested run does (with
            // the default focus and style).
            text = combined;
            focus = default_focus();
            style = SummaryStyle::default();
        }
        Err(BlockError::Input(format!(
            "the summaries are still longer than {max_words} words after {MAX_LEVELS} levels; raise max_tokens"
        )))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::llm::testing::{Mock, Script};
    use agentry_core::testing::run_recorded;
    use serde_json::json;

    #[test]
    fn chunks_overlap() {
        let text = (1..=20)
            .map(|i| i.to_string())
            .collect::<Vec<_>>()
            .join(" ");
        let chunks = split_text(&text, 10, 2);
        assert_eq!(
            chunks,
            [
                "1 2 3 4 5 6 7 8 9 10",
                "9 10 11 12 13 14 15 16 17 18",
                "17 18 19 20"
            ]
        );
        assert_eq!(split_text("a b c", 2, 5), ["a b", "b c", "c"]);
        assert!(split_text("   ", 10, 0).is_empty());
        assert_eq!(split_text(&"w ".repeat(100_000), 10, 0).len(), MAX_CHUNKS);
    }

    #[tokio::test]
    async fn summarizes_each_chunk_then_combines() {
        let mock = Mock::start().await;
        mock.reply_with(Script::new(&[
            "{TAG}{\"summary\": \"one\"}</json_output>",
            "{TAG}{\"summary\": \"two\"}</json_output>",
            "{TAG}{\"summary\": \"three\"}</json_output>",
            "{TAG}{\"final_summary\": \"all of it\"}</json_output>",
        ]))
        .await;
        let text = (1..=20)
            .map(|i| format!("w{i}"))
            .collect::<Vec<_>>()
            .join(" ");
        let rec = run_recorded(
            AiTextSummarizer,
            json!({"text": text, "max_tokens": 10, "chunk_overlap": 2, "style": "bullet points",
                   "model": "gpt-4o"}),
            mock.recorder(),
        )
        .await;
        assert_eq!(rec.outputs[0], ("summary".into(), json!("all of it")));
        assert_eq!(rec.outputs[1].0, "prompt");
        let sent = mock.bodies().await;
        assert_eq!(sent.len(), 4);
        let user = |i: usize| {
            sent[i]["messages"][1]["content"]
                .as_str()
                .unwrap()
                .to_string()
        };
        assert!(user(0).contains("in a bullet points form"), "{}", user(0));
        assert!(user(1).contains("```w9 w10 w11"), "{}", user(1));
        assert!(user(3).contains("```one\n\ntwo\n\nthree```"), "{}", user(3));
        assert_eq!(rec.stats["llm_call_count"], 4);
        assert_eq!(rec.stats["input_token_count"], 40);
    }

    #[tokio::test]
    async fn a_summary_that_is_not_text_is_an_error() {
        let mock = Mock::start().await;
        mock.reply_with(Script::new(&["{TAG}{\"summary\": [1, 2]}</json_output>"]))
            .await;
        let rec = run_recorded(
            AiTextSummarizer,
            json!({"text": "short text"}),
            mock.recorder(),
        )
        .await;
        assert_eq!(rec.outputs.len(), 1);
        assert!(
            rec.outputs[0]
                .1
                .as_str()
                .unwrap()
                .contains("expected a string summary")
        );
    }
}
