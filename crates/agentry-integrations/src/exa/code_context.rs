//! ExaCodeContextBlock: code snippets and examples from open source repositories,
//! documentation and Stack Overflow (`POST /context`).

use agentry_core::{Block, BlockError, BlockMeta, Category, CredentialsMeta, Cx};
use reqwest::Method;
use schemars::JsonSchema;
use serde::{Deserialize, Serialize};
use serde_json::{Value, json};

pub struct ExaCodeContext;

fn dynamic() -> Value {
    json!("dynamic")
}

#[derive(Deserialize, JsonSchema)]
pub struct Input {
    /// The Exa integration requires an API Key.
    #[serde(default)]
    #[schemars(extend("credentials_provider" = ["exa"], "credentials_types" = ["api_key"]))]
    pub credentials: CredentialsMeta,
    /// Search query to find relevant code snippets. Describe what you're trying to do or what code you're looking for.
    pub query: String,
    /// Token limit for response. Use 'dynamic' for automatic sizing, 5000 for standard queries, or 10000 for comprehensive examples.
    #[serde(default = "dynamic")]
    #[schemars(with = "TokensNum")]
    pub tokens_num: Value,
}

/// AutoGPT's `Union[str, int]`.
#[derive(JsonSchema)]
#[allow(dead_code)]
#[serde(untagged)]
enum TokensNum {
    Text(String),
    Number(i64),
}

#[derive(Serialize, JsonSchema)]
#[serde(tag = "pin", content = "value", rename_all = "snake_case")]
pub enum Output {
    /// Unique identifier for this request
    RequestId(String),
    /// The search query used
    Query(String),
    /// Formatted code snippets and contextual examples with sources
    Response(String),
    /// Number of code sources found and included
    ResultsCount(i64),
    /// Cost of this request in dollars
    CostDollars(String),
    /// Time taken to search in milliseconds
    SearchTime(f64),
    /// Number of tokens in the response
    OutputTokens(i64),
}

impl Block for ExaCodeContext {
    const META: BlockMeta = BlockMeta::standard(
        "8f9e0d1c-2b3a-4567-8901-23456789abcd",
        "ExaCodeContextBlock",
        "Search billions of GitHub repos, docs, and Stack Overflow for relevant code examples",
        &[Category::Search, Category::DeveloperTools],
    );
    type Input = Input;
    type Output = Output;

    async fn run(&self, input: Input, cx: &mut Cx<'_, Output>) -> Result<(), BlockError> {
        let tokens = match &input.tokens_num {
            Value::String(s) => match s.trim().parse::<i64>() {
                Ok(n) => json!(n),
                Err(_) => json!(s),
            },
            Value::Number(n) => json!(n),
            other => {
                return Err(BlockError::Input(format!(
                    "tokens_num must be 'dynamic' or a number, not {other}"
                )));
            }
        };
        let client = super::client(cx, &input.credentials).await?;
        let body = json!({"query": input.query, "tokensNum": tokens});
        let answer = client
            .send_json(cx, Method::POST, "/context", &body)
            .await?;
        let text = |k: &str| answer[k].as_str().unwrap_or_default().to_string();
        // Exa sends the cost as a JSON-encoded string; kept as text, as AutoGPT does.
        let cost = match &answer["costDollars"] {
            Value::String(s) => s.clone(),
            Value::Null => String::new(),
            other => other.to_string(),
        };
        cx.emit(Output::RequestId(text("requestId")));
        cx.emit(Output::Query(text("query")));
        cx.emit(Output::Response(text("response")));
        cx.emit(Output::ResultsCount(
            answer["resultsCount"].as_i64().unwrap_or(0),
        ));
        cx.emit(Output::CostDollars(cost));
        cx.emit(Output::SearchTime(
            answer["searchTime"].as_f64().unwrap_or(0.0),
        ));
        cx.emit(Output::OutputTokens(
            answer["outputTokens"].as_i64().unwrap_or(0),
        ));
        Ok(())
    }
}
