//! Embeddings over the provider layer: the OpenAI-compatible `POST {base}/embeddings` call
//! (OpenAI, Ollama's `/v1`, llama.cpp, vLLM…) and `LlmProviders::embed`, which routes a model
//! name as chat does and retries with the same policy.

use serde::{Deserialize, Serialize};
use serde_json::json;

use agentry_core::BlockError;

use super::openai::OpenAiCompatible;
use super::{CallError, LlmProviders, wire};

/// The embedding model used when a block names none.
pub const DEFAULT_EMBEDDING_MODEL: &str = "text-embedding-3-small";

/// Texts to embed with one model (its wire name).
#[derive(Debug, Clone, PartialEq)]
pub struct EmbedRequest {
    pub model: String,
    pub inputs: Vec<String>,
}

/// One vector per input, in input order, and the tokens the call used.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Embeddings {
    pub vectors: Vec<Vec<f32>>,
    pub prompt_tokens: u64,
}

#[derive(Deserialize)]
struct Reply {
    data: Vec<Item>,
    #[serde(default)]
    usage: Option<ReplyUsage>,
}

#[derive(Deserialize)]
struct Item {
    #[serde(default)]
    index: Option<usize>,
    embedding: Vector,
}

/// One vector, or one per token: llama.cpp servers answer so for a model without a pooling
/// layer (a chat model in embedding mode). Those are averaged into one (mean pooling).
#[derive(Deserialize)]
#[serde(untagged)]
enum Vector {
    Pooled(Vec<f32>),
    PerToken(Vec<Vec<f32>>),
}

impl Vector {
    fn pooled(self) -> Result<Vec<f32>, CallError> {
        let tokens = match self {
            Vector::Pooled(v) => return Ok(v),
            Vector::PerToken(tokens) => tokens,
        };
        let width = tokens.first().map_or(0, Vec::len);
        if width == 0 || tokens.iter().any(|t| t.len() != width) {
            return Err(CallError::Malformed(
                "per-token embeddings of differing widths".into(),
            ));
        }
        let mut mean = vec![0f32; width];
        for token in &tokens {
            for (sum, x) in mean.iter_mut().zip(token) {
                *sum += x;
            }
        }
        let n = tokens.len() as f32;
        Ok(mean.into_iter().map(|sum| sum / n).collect())
    }
}

#[derive(Deserialize, Serialize, Default)]
struct ReplyUsage {
    #[serde(default)]
    prompt_tokens: u64,
}

impl OpenAiCompatible {
    /// One attempt at `POST {base}/embeddings`.
    pub async fn embed_once(&self, request: &EmbedRequest) -> Result<Embeddings, CallError> {
        let url = format!("{}/embeddings", self.base_url.trim_end_matches('/'));
        let body = json!({"model": request.model, "input": request.inputs});
        let mut http = self.client.post(url).json(&body);
        if let Some(key) = &self.api_key {
            http = http.bearer_auth(key);
        }
        for (name, value) in &self.headers {
            http = http.header(name, value);
        }
        let reply: Reply = wire::read_json(wire::send(http).await?).await?;
        if reply.data.len() != request.inputs.len() {
            return Err(CallError::Malformed(format!(
                "asked for {} embeddings, got {}",
                request.inputs.len(),
                reply.data.len()
            )));
        }
        let mut items = reply.data;
        items.sort_by_key(|i| i.index.unwrap_or(usize::MAX));
        Ok(Embeddings {
            vectors: items
                .into_iter()
                .map(|i| i.embedding.pooled())
                .collect::<Result<_, _>>()?,
            prompt_tokens: reply.usage.unwrap_or_default().prompt_tokens,
        })
    }
}

impl LlmProviders {
    /// Embeds `inputs` with `model` (routed as a chat model name is), retrying 429, 5xx and
    /// timeouts by the policy; a rejected request is an input error.
    pub async fn embed(&self, model: &str, inputs: Vec<String>) -> Result<Embeddings, BlockError> {
        let route = self.resolve(model)?;
        let request = EmbedRequest {
            model: route.wire_model.clone(),
            inputs,
        };
        let policy = self.retry_policy();
        let name = route.name;
        let mut attempt = 0;
        loop {
            attempt += 1;
            let error = match route.provider.embed(&request).await {
                Ok(done) => return Ok(done),
                Err(e) => e,
            };
            let wait = policy.after_failure(&name, model, "embedding request", attempt, &error)?;
            tokio::time::sleep(wait).await;
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn per_token_vectors_are_mean_pooled() {
        let v: Vector = serde_json::from_str("[[1.0, 2.0], [3.0, 6.0]]").unwrap();
        assert_eq!(v.pooled().unwrap(), vec![2.0, 4.0]);
        let v: Vector = serde_json::from_str("[0.5, 1.5]").unwrap();
        assert_eq!(v.pooled().unwrap(), vec![0.5, 1.5]);
        let v: Vector = serde_json::from_str("[[1.0], [1.0, 2.0]]").unwrap();
        assert!(v.pooled().is_err());
    }

    use crate::llm::openai::JsonStyle;
    use crate::llm::providers::ProviderConfig;
    use crate::llm::testing::{Mock, fast_retry};
    use serde_json::Value;
    use wiremock::matchers::{header, method, path};
    use wiremock::{Mock as Route, ResponseTemplate};

    fn providers(mock: &Mock) -> LlmProviders {
        LlmProviders::builder()
            .provider(
                "openai",
                ProviderConfig::openai_compatible(
                    &format!("{}/v1", mock.server.uri()),
                    Some("sk-test"),
                    JsonStyle::JsonSchema,
                ),
            )
            .retry(fast_retry())
            .build()
            .unwrap()
    }

    #[tokio::test]
    async fn embeds_in_input_order_with_the_key() {
        let mock = Mock::start().await;
        Route::given(method("POST"))
            .and(path("/v1/embeddings"))
            .and(header("authorization", "Bearer sk-test"))
            .respond_with(ResponseTemplate::new(200).set_body_json(json!({
                "object": "list",
                "data": [
                    {"object": "embedding", "index": 1, "embedding": [0.0, 1.0]},
                    {"object": "embedding", "index": 0, "embedding": [1.0, 0.0]}
                ],
                "usage": {"prompt_tokens": 7, "total_tokens": 7}
            })))
            .expect(1)
            .mount(&mock.server)
            .await;
        let done = providers(&mock)
            .embed(DEFAULT_EMBEDDING_MODEL, vec!["a".into(), "b".into()])
            .await
            .unwrap();
        assert_eq!(done.vectors, vec![vec![1.0, 0.0], vec![0.0, 1.0]]);
        assert_eq!(done.prompt_tokens, 7);
        let sent: Value = mock.server.received_requests().await.unwrap()[0]
            .body_json()
            .unwrap();
        assert_eq!(
            sent,
            json!({"model": "text-embedding-3-small", "input": ["a", "b"]})
        );
    }

    #[tokio::test]
    async fn server_errors_are_retried_and_rejections_are_input_errors() {
        let mock = Mock::start().await;
        Route::given(path("/v1/embeddings"))
            .respond_with(ResponseTemplate::new(503))
            .expect(3)
            .mount(&mock.server)
            .await;
        let err = providers(&mock)
            .embed("m", vec!["a".into()])
            .await
            .unwrap_err();
        assert!(matches!(err, BlockError::System(_)), "{err:?}");

        let mock = Mock::start().await;
        Route::given(path("/v1/embeddings"))
            .respond_with(
                ResponseTemplate::new(400)
                    .set_body_json(json!({"error": {"message": "bad model"}})),
            )
            .expect(1)
            .mount(&mock.server)
            .await;
        let err = providers(&mock)
            .embed("m", vec!["a".into()])
            .await
            .unwrap_err();
        assert!(
            matches!(&err, BlockError::Input(m) if m.contains("bad model")),
            "{err:?}"
        );
    }

    #[tokio::test]
    async fn a_short_answer_is_malformed() {
        let mock = Mock::start().await;
        Route::given(path("/v1/embeddings"))
            .respond_with(ResponseTemplate::new(200).set_body_json(json!({"data": []})))
            .mount(&mock.server)
            .await;
        let err = providers(&mock)
            .embed("m", vec!["a".into()])
            .await
            .unwrap_err();
        assert!(
            matches!(&err, BlockError::System(m) if m.contains("malformed")),
            "{err:?}"
        );
    }
}
