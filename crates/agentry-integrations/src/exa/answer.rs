//! ExaAnswerBlock: an LLM answer to a question with the Exa search results behind it
//! (`POST /answer`).

use agentry_core::{Block, BlockError, BlockMeta, Category, CredentialsMeta, Cx};
use reqwest::Method;
use schemars::JsonSchema;
use serde::{Deserialize, Serialize};
use serde_json::{Value, json};

pub struct ExaAnswer;

fn yes() -> bool {
    true
}

#[derive(Deserialize, JsonSchema)]
pub struct Input {
    /// The Exa integration requires an API Key.
    #[serde(default)]
    #[schemars(extend("credentials_provider" = ["exa"], "credentials_types" = ["api_key"]))]
    pub credentials: CredentialsMeta,
    /// The question or query to answer
    pub query: String,
    /// Include full text content in the search results used for the answer
    #[serde(default = "yes")]
    pub text: bool,
}

#[derive(Serialize, JsonSchema)]
#[serde(tag = "pin", content = "value", rename_all = "snake_case")]
pub enum Output {
    /// The generated answer based on search results
    Answer(Value),
    /// Search results used to generate the answer
    Citations(Vec<Value>),
    /// Individual citation from the answer
    Citation(Value),
}

impl Block for ExaAnswer {
    const META: BlockMeta = BlockMeta::standard(
        "b79ca4cc-9d5e-47d1-9d4f-e3a2d7f28df5",
        "ExaAnswerBlock",
        "Get an LLM answer to a question informed by Exa search results",
        &[Category::Search, Category::Ai],
    );
    type Input = Input;
    type Output = Output;

    async fn run(&self, input: Input, cx: &mut Cx<'_, Output>) -> Result<(), BlockError> {
        let client = super::client(cx, &input.credentials).await?;
        let body = json!({"query": input.query, "text": input.text, "stream": false});
        let answer = client.send_json(cx, Method::POST, "/answer", &body).await?;
        // AutoGPT's `AnswerCitation`: these keys, null when absent.
        let citations: Vec<Value> = answer["citations"]
            .as_array()
            .into_iter()
            .flatten()
            .map(|c| {
                let field = |k: &str| c.get(k).cloned().unwrap_or(Value::Null);
                json!({
                    "id": c.get("id").cloned().unwrap_or(json!("")),
                    "url": c.get("url").cloned().unwrap_or(json!("")),
                    "title": field("title"),
                    "author": field("author"),
                    "publishedDate": field("publishedDate"),
                    "text": field("text"),
                    "image": field("image"),
                    "favicon": field("favicon"),
                })
            })
            .collect();
        cx.emit(Output::Answer(answer["answer"].clone()));
        cx.emit(Output::Citations(citations.clone()));
        for citation in citations {
            cx.emit(Output::Citation(citation));
        }
        Ok(())
    }
}
