//! AIListGeneratorBlock: a list of strings from a focus and/or source data, through the
//! structured-answer loop with the key `list`; yields the list, then each item.

use agentry_core::{Block, BlockError, BlockMeta, Category, Cx};
use schemars::JsonSchema;
use serde::{Deserialize, Serialize};
use serde_json::{Map, Value};

use super::{call, structured};

pub struct AiListGenerator;

#[derive(Deserialize, JsonSchema)]
pub struct Input {
    /// The focus of the list to generate.
    #[serde(default)]
    pub focus: Option<String>,
    /// The data to generate the list from.
    #[serde(default)]
    pub source_data: Option<String>,
    /// The language model to use for generating the list.
    #[serde(default = "super::default_model")]
    pub model: String,
    /// API key for the LLM provider: the user's own api_key credentials for the model's
    /// provider when this names them by id, else the platform's key.
    #[serde(default)]
    #[schemars(transform = super::call::ai_credentials_schema)]
    pub credentials: Option<Value>,
    /// Maximum number of retries for generating a valid list.
    #[serde(default = "super::default_retry")]
    pub max_retries: i64,
    /// Whether to force the LLM to produce a JSON-only response.
    #[serde(default)]
    pub force_json_output: bool,
    /// The maximum number of tokens to generate in the chat completion.
    #[serde(default)]
    pub max_tokens: Option<i64>,
    /// Ollama host for local models (ignored: the server's OLLAMA_HOST is used).
    #[serde(default = "super::default_ollama_host")]
    pub ollama_host: String,
}

#[derive(Serialize, JsonSchema)]
#[serde(tag = "pin", content = "value", rename_all = "snake_case")]
pub enum Output {
    /// The generated list.
    GeneratedList(Vec<Value>),
    /// Each individual item in the list.
    ListItem(Value),
    /// The prompt sent to the language model.
    Prompt(Vec<Value>),
}

const SYSTEM_PROMPT: &str = "You generate JSON arrays of strings from the user's request.\n\n\
The 'list' field must hold a JSON array of the generated values, and the array may hold ONLY \
strings, e.g. [\"string1\", \"string2\", \"string3\"].\n\n\
Make sure the 'list' field is a proper JSON array of strings.";

/// The user prompt, as AutoGPT builds it from focus and source data.
pub fn build_prompt(focus: Option<&str>, source: Option<&str>) -> String {
    let focus = focus.filter(|f| !f.is_empty());
    let source = source.filter(|s| !s.is_empty());
    let mut prompt = match (focus, source) {
        (Some(focus), _) => {
            format!("Generate a list with the following focus:\n<focus>\n\n{focus}</focus>")
        }
        (None, Some(_)) => "Extract the main focus of the source data to a list.\ni.e if the \
            source data is a news website, the focus would be the news stories rather than the \
            social links in the footer."
            .to_string(),
        (None, None) => "Generate a random list.".to_string(),
    };
    match source {
        Some(source) => prompt.push_str(&format!(
            "\n\nUse the following source data to generate the list from:\n\n<source_data>\n\n\
             {source}</source_data>\n\nDo not invent fictional data that is not present in the source data."
        )),
        None => prompt.push_str("\n\nInvent the data to generate the list from."),
    }
    prompt
}

impl Block for AiListGenerator {
    const META: BlockMeta = BlockMeta::standard(
        "9c0b0450-d199-458b-a731-072189dd6593",
        "AIListGeneratorBlock",
        "A block that creates lists of items based on prompts using a Large Language Model (LLM), with optional source data for context.",
        &[Category::Ai, Category::Text],
    );
    type Input = Input;
    type Output = Output;

    async fn run(&self, input: Input, cx: &mut Cx<'_, Output>) -> Result<(), BlockError> {
        let mut expected = Map::new();
        if input.force_json_output {
            expected.insert("reasoning".into(), "... (optional)".into());
        }
        expected.insert(
            "list".into(),
            "A JSON array containing the generated string values".into(),
        );
        let answer = structured::generate(
            cx,
            structured::Ask {
                model: input.model,
                credentials: input.credentials,
                sys_prompt: SYSTEM_PROMPT.into(),
                prompt: build_prompt(input.focus.as_deref(), input.source_data.as_deref()),
                expected_format: expected,
                force_json_output: input.force_json_output,
                retry: input.max_retries,
                max_tokens: call::max_tokens(input.max_tokens),
                ..structured::Ask::default()
            },
        )
        .await?;
        let list = match answer.response {
            Value::Object(mut map) if map.contains_key("list") => {
                map.remove("list").unwrap_or_default()
            }
            other => other,
        };
        let Value::Array(items) = list else {
            return Err(BlockError::Input(format!(
                "Expected a list, but got {}",
                crate::text::template::python_str(&list)
            )));
        };
        cx.emit(Output::GeneratedList(items.clone()));
        cx.emit(Output::Prompt(call::prompt_pin(&answer.prompt)));
        for item in items {
            cx.emit(Output::ListItem(item));
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::llm::testing::{Mock, Script};
    use agentry_core::testing::run_recorded;
    use serde_json::json;

    #[test]
    fn prompts_follow_focus_and_source() {
        assert!(build_prompt(None, None).starts_with("Generate a random list.\n\nInvent"));
        let p = build_prompt(Some("planets"), Some("Zylora Prime is…"));
        assert!(p.contains("<focus>\n\nplanets</focus>") && p.contains("<source_data>\n\nZylora"));
        assert!(build_prompt(None, Some("x")).starts_with("Extract the main focus"));
    }

    #[tokio::test]
    async fn yields_the_list_then_each_item() {
        let mock = Mock::start().await;
        mock.reply_with(Script::new(&[
            "{TAG}{\"list\": [\"Zylora Prime\", \"Kharon-9\", \"Vortexia\"]}</json_output>",
        ]))
        .await;
        let rec = run_recorded(
            AiListGenerator,
            json!({"focus": "planets", "source_data": "Zylora Prime, Kharon-9 and Vortexia are planets.",
                   "model": "gpt-4o"}),
            mock.recorder(),
        )
        .await;
        let pins: Vec<&str> = rec.outputs.iter().map(|(p, _)| p.as_str()).collect();
        assert_eq!(
            pins,
            [
                "generated_list",
                "prompt",
                "list_item",
                "list_item",
                "list_item"
            ]
        );
        assert_eq!(
            rec.outputs[0].1,
            json!(["Zylora Prime", "Kharon-9", "Vortexia"])
        );
        assert_eq!(rec.outputs[4].1, json!("Vortexia"));
        let sent = &mock.bodies().await[0];
        assert!(
            sent["messages"][0]["content"]
                .as_str()
                .unwrap()
                .contains("JSON arrays of strings")
        );
        assert_eq!(rec.stats["llm_call_count"], 1);
    }

    #[tokio::test]
    async fn a_list_that_is_not_a_list_is_an_error() {
        let mock = Mock::start().await;
        mock.reply_with(Script::new(&["{TAG}{\"list\": \"a, b\"}</json_output>"]))
            .await;
        let rec = run_recorded(AiListGenerator, json!({"model": "gpt-4o"}), mock.recorder()).await;
        assert_eq!(
            rec.outputs,
            vec![("error".into(), json!("Expected a list, but got a, b"))]
        );
    }
}
