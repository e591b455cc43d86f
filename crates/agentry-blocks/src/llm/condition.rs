//! AIConditionBlock: asks a model whether `input_value` meets a condition written in plain
//! English, then routes `yes_value` or `no_value` as ConditionBlock does.

use agentry_core::{Block, BlockError, BlockMeta, Category, Cx};
use schemars::JsonSchema;
use serde::{Deserialize, Serialize};
use serde_json::Value;

use super::call;
use super::provider::{ChatRequest, Message};
use crate::text::template::python_str;

pub struct AiCondition;

/// A true/false answer fits in this many tokens.
const ANSWER_TOKENS: u32 = 16;

#[derive(Deserialize, JsonSchema)]
pub struct Input {
    /// The input value to evaluate with the AI condition.
    pub input_value: Value,
    /// A plaintext English description of the condition to evaluate.
    pub condition: String,
    /// (Optional) Value to output if the condition is true. If not provided, input_value will be used.
    #[serde(default)]
    pub yes_value: Value,
    /// (Optional) Value to output if the condition is false. If not provided, input_value will be used.
    #[serde(default)]
    pub no_value: Value,
    /// The language model to use for evaluating the condition.
    #[serde(default = "super::default_model")]
    pub model: String,
    /// API key for the LLM provider: the user's own api_key credentials for the model's
    /// provider when this names them by id, else the platform's key.
    #[serde(default)]
    #[schemars(transform = super::call::ai_credentials_schema)]
    pub credentials: Option<Value>,
}

#[derive(Serialize, JsonSchema)]
#[serde(tag = "pin", content = "value", rename_all = "snake_case")]
pub enum Output {
    /// The result of the AI condition evaluation (True or False).
    Result(bool),
    /// The output value if the condition is true.
    YesOutput(Value),
    /// The output value if the condition is false.
    NoOutput(Value),
}

/// Reads the model's answer: exactly `true`/`false`, or one unambiguous word among
/// true/false/yes/no/1/0.
pub fn parse_answer(text: &str) -> Result<bool, String> {
    let lower = text.trim().to_lowercase();
    match lower.as_str() {
        "true" => return Ok(true),
        "false" => return Ok(false),
        _ => {}
    }
    let words: std::collections::BTreeSet<&str> = lower
        .split(|c: char| !c.is_alphanumeric() && c != '_')
        .filter(|w| matches!(*w, "true" | "false" | "yes" | "no" | "1" | "0"))
        .collect();
    match words.into_iter().collect::<Vec<_>>().as_slice() {
        ["true"] | ["yes"] | ["1"] => Ok(true),
        ["false"] | ["no"] | ["0"] => Ok(false),
        _ => Err(format!("Unclear AI response: '{text}'")),
    }
}

impl Block for AiCondition {
    const META: BlockMeta = BlockMeta::standard(
        "553ec5b8-6c45-4299-8d75-b394d05f72ff",
        "AIConditionBlock",
        "Uses AI to evaluate natural language conditions and provide conditional outputs",
        &[Category::Ai, Category::Logic],
    );
    type Input = Input;
    type Output = Output;

    async fn run(&self, input: Input, cx: &mut Cx<'_, Output>) -> Result<(), BlockError> {
        let or_input = |v: Value| {
            if v.is_null() {
                input.input_value.clone()
            } else {
                v
            }
        };
        let yes = or_input(input.yes_value.clone());
        let no = or_input(input.no_value.clone());
        let messages = vec![
            Message::system(
                "You evaluate whether a condition holds for an input value. Answer with only \
                 'true' or 'false' (lowercase). Consider the meaning of both the input and the \
                 condition, and be accurate.",
            ),
            Message::user(format!(
                "Input value: {}\nCondition to evaluate: {}\n\nDoes the input value satisfy the condition? Respond with only 'true' or 'false'.",
                python_str(&input.input_value),
                input.condition
            )),
        ];
        let request = ChatRequest {
            messages,
            max_tokens: Some(ANSWER_TOKENS),
            ..ChatRequest::default()
        };
        let reply = call::chat(cx, &input.model, input.credentials.as_ref(), request).await?;
        // AutoGPT yields `error` for an unclear answer, which fails the node there too.
        let result = parse_answer(&reply.text).map_err(BlockError::Input)?;
        cx.emit(Output::Result(result));
        cx.emit(if result {
            Output::YesOutput(yes)
        } else {
            Output::NoOutput(no)
        });
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::llm::testing::{Mock, openai_reply};
    use agentry_core::testing::run_recorded;
    use serde_json::json;

    #[test]
    fn answers_are_read_strictly() {
        assert_eq!(parse_answer(" True\n"), Ok(true));
        assert_eq!(parse_answer("false"), Ok(false));
        assert_eq!(parse_answer("Yes, it is."), Ok(true));
        assert_eq!(parse_answer("The answer: 0"), Ok(false));
        assert!(parse_answer("untrue").is_err());
        assert!(parse_answer("yes and no").is_err());
        assert!(parse_answer("maybe").is_err());
    }

    #[tokio::test]
    async fn true_routes_the_yes_value() {
        let mock = Mock::start().await;
        mock.reply_once(openai_reply("true", 50, 1)).await;
        let rec = run_recorded(
            AiCondition,
            json!({"input_value": "john@example.com", "condition": "the input is an email address",
                   "yes_value": "Valid email", "no_value": "Not an email",
                   "model": "claude-sonnet-4-5-20250929"}),
            mock.recorder(),
        )
        .await;
        // A Claude model goes to the anthropic provider, which this mock does not serve.
        assert_eq!(rec.outputs[0].0, "error", "{:?}", rec.outputs);

        let rec = run_recorded(
            AiCondition,
            json!({"input_value": "john@example.com", "condition": "the input is an email address",
                   "yes_value": "Valid email", "no_value": "Not an email", "model": "gpt-4o"}),
            mock.recorder(),
        )
        .await;
        assert_eq!(
            rec.outputs,
            vec![
                ("result".into(), json!(true)),
                ("yes_output".into(), json!("Valid email"))
            ]
        );
        let sent = mock.bodies().await;
        let last = sent.last().unwrap();
        assert_eq!(last["max_tokens"], 16);
        let user = last["messages"][1]["content"].as_str().unwrap();
        assert!(user.starts_with("Input value: john@example.com\nCondition to evaluate: the input is an email address"), "{user}");
        assert_eq!(rec.stats["input_token_count"], 50);
    }

    #[tokio::test]
    async fn false_routes_the_input_and_unclear_is_an_error() {
        let mock = Mock::start().await;
        mock.reply_once(openai_reply("false", 5, 1)).await;
        mock.reply_once(openai_reply("I cannot tell", 5, 3)).await;
        let input = json!({"input_value": {"n": 1}, "condition": "is a city", "model": "gpt-4o"});
        let rec = run_recorded(AiCondition, input.clone(), mock.recorder()).await;
        assert_eq!(
            rec.outputs,
            vec![
                ("result".into(), json!(false)),
                ("no_output".into(), json!({"n": 1}))
            ]
        );
        let rec = run_recorded(AiCondition, input, mock.recorder()).await;
        assert_eq!(
            rec.outputs,
            vec![(
                "error".into(),
                json!("Unclear AI response: 'I cannot tell'")
            )]
        );
        assert_eq!(
            rec.stats["output_token_count"], 3,
            "usage is recorded even so"
        );
    }
}
