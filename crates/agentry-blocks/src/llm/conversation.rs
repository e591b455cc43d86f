//! AIConversationBlock: a list of messages (plus an optional last prompt) to a model, its
//! text answer out.

use agentry_core::{Block, BlockError, BlockMeta, Category, Cx};
use schemars::JsonSchema;
use serde::{Deserialize, Serialize};
use serde_json::Value;

use super::{call, structured};

pub struct AiConversation;

#[derive(Deserialize, JsonSchema)]
pub struct Input {
    /// The prompt to send to the language model.
    #[serde(default)]
    pub prompt: String,
    /// List of messages in the conversation.
    pub messages: Vec<Value>,
    /// The language model to use for the conversation.
    #[serde(default = "super::default_model")]
    pub model: String,
    /// API key for the LLM provider: the user's own api_key credentials for the model's
    /// provider when this names them by id, else the platform's key.
    #[serde(default)]
    #[schemars(transform = super::call::ai_credentials_schema)]
    pub credentials: Option<Value>,
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
    /// The model's response to the conversation.
    Response(String),
    /// The prompt sent to the language model.
    Prompt(Vec<Value>),
}

impl Block for AiConversation {
    const META: BlockMeta = BlockMeta::standard(
        "32a87eab-381e-4dd4-bdb8-4c47151be35a",
        "AIConversationBlock",
        "A block that facilitates multi-turn conversations with a Large Language Model (LLM), maintaining context across message exchanges.",
        &[Category::Ai],
    );
    type Input = Input;
    type Output = Output;

    async fn run(&self, input: Input, cx: &mut Cx<'_, Output>) -> Result<(), BlockError> {
        let answer = structured::generate(
            cx,
            structured::Ask {
                model: input.model,
                credentials: input.credentials,
                prompt: input.prompt,
                history: input.messages,
                retry: super::default_retry(),
                max_tokens: call::max_tokens(input.max_tokens),
                ..structured::Ask::default()
            },
        )
        .await?;
        cx.emit(Output::Response(answer.text()));
        cx.emit(Output::Prompt(call::prompt_pin(&answer.prompt)));
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::llm::testing::{Mock, openai_reply};
    use agentry_core::testing::{run_block_with, run_recorded};
    use serde_json::json;

    #[tokio::test]
    async fn sends_the_whole_conversation() {
        let mock = Mock::start().await;
        mock.reply_once(openai_reply("At Globe Life Field.", 40, 8))
            .await;
        let messages = json!([
            {"role": "system", "content": "You are a helpful assistant."},
            {"role": "user", "content": "Who won the world series in 2020?"},
            {"role": "assistant", "content": "The Los Angeles Dodgers won the World Series in 2020."},
            {"role": "user", "content": "Where was it played?"}
        ]);
        let rec = run_recorded(
            AiConversation,
            json!({"messages": messages, "model": "gpt-4o-mini"}),
            mock.recorder(),
        )
        .await;
        assert_eq!(
            rec.outputs,
            vec![
                ("response".into(), json!("At Globe Life Field.")),
                ("prompt".into(), messages.clone())
            ]
        );
        assert_eq!(mock.bodies().await[0]["messages"], messages);
        assert_eq!(rec.stats["input_token_count"], 40);
    }

    #[tokio::test]
    async fn no_messages_and_no_prompt_is_an_input_error() {
        let mock = Mock::start().await;
        let out = run_block_with(AiConversation, json!({"messages": []}), mock.recorder()).await;
        assert_eq!(out.len(), 1);
        assert!(
            out[0]
                .1
                .as_str()
                .unwrap()
                .contains("no messages and no prompt")
        );
        assert!(mock.bodies().await.is_empty());
    }
}
