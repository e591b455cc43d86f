//! SearchTheWebBlock: Jina search of the web for a query, answered as text.

use agentry_core::{Block, BlockError, BlockMeta, Category, CredentialsMeta, Cx};
use schemars::JsonSchema;
use serde::{Deserialize, Serialize};

use crate::api::{Client, meta_for};
use crate::error::prefixed;

pub struct SearchTheWeb;

#[derive(Deserialize, JsonSchema)]
pub struct Input {
    /// The Jina integration can be used with an API Key.
    #[serde(default)]
    #[schemars(extend("credentials_provider" = ["jina"], "credentials_types" = ["api_key"]))]
    pub credentials: CredentialsMeta,
    /// The search query to search the web for
    pub query: String,
}

#[derive(Serialize, JsonSchema)]
#[serde(tag = "pin", content = "value", rename_all = "snake_case")]
pub enum Output {
    /// The search results including content from top 5 URLs
    Results(String),
}

impl Block for SearchTheWeb {
    const META: BlockMeta = BlockMeta::standard(
        "87840993-2053-44b7-8da4-187ad4ee518c",
        "SearchTheWebBlock",
        "This block searches the internet for the given search query.",
        &[Category::Search],
    );
    type Input = Input;
    type Output = Output;

    async fn run(&self, input: Input, cx: &mut Cx<'_, Output>) -> Result<(), BlockError> {
        let meta = meta_for(&input.credentials, super::PROVIDER);
        let credential = crate::api::credential(cx, &meta).await?;
        let client = Client::new(cx, super::SEARCH, &meta, credential)?;
        let path = format!("/{}", encode_path(&input.query));
        let results = client
            .get_text(cx, &path)
            .await
            .map_err(|e| prefixed(e.into(), "Search failed: "))?;
        cx.emit(Output::Results(results));
        Ok(())
    }
}

/// Python's `urllib.parse.quote(text)`: everything but letters, digits, `_.-~` and `/`
/// percent-encoded as UTF-8.
pub fn encode_path(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for byte in text.bytes() {
        if byte.is_ascii_alphanumeric() || b"_.-~/".contains(&byte) {
            out.push(byte as char);
        } else {
            out.push_str(&format!("%{byte:02X}"));
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::testing::{api_key, error_of, meta, recorder};
    use agentry_core::testing::run_block_with;
    use serde_json::json;
    use wiremock::matchers::{header, method, path};
    use wiremock::{Mock, MockServer, ResponseTemplate};

    #[test]
    fn quotes_as_python() {
        assert_eq!(
            encode_path("Artificial Intelligence"),
            "Artificial%20Intelligence"
        );
        assert_eq!(encode_path("a/b?c=d&é"), "a/b%3Fc%3Dd%26%C3%A9");
    }

    #[tokio::test]
    async fn searches_with_the_users_key() {
        let server = MockServer::start().await;
        Mock::given(method("GET"))
            .and(path("/Artificial%20Intelligence"))
            .and(header("authorization", "Bearer jina-key"))
            .respond_with(ResponseTemplate::new(200).set_body_string(
                "[1] Title: AI\n[1] URL Source: https://example.com/ai\n[1] Markdown Content:\nAI is…",
            ))
            .expect(1)
            .mount(&server)
            .await;
        let out = run_block_with(
            SearchTheWeb,
            json!({"credentials": meta("jina", "api_key"), "query": "Artificial Intelligence"}),
            recorder(&server, api_key("jina", "jina-key")),
        )
        .await;
        assert_eq!(out.len(), 1, "{out:?}");
        assert_eq!(out[0].0, "results");
        assert!(out[0].1.as_str().unwrap().contains("AI is…"));
    }

    #[tokio::test]
    async fn a_refused_key_names_jina_and_never_the_key() {
        let server = MockServer::start().await;
        Mock::given(method("GET"))
            .respond_with(ResponseTemplate::new(401).set_body_json(json!({
                "code": 401, "name": "AuthenticationRequiredError", "status": 40103,
                "message": "Invalid API key, please get a new one from https://jina.ai"
            })))
            .mount(&server)
            .await;
        let out = run_block_with(
            SearchTheWeb,
            json!({"credentials": meta("jina", "api_key"), "query": "x"}),
            recorder(&server, api_key("jina", "jina-secret-key")),
        )
        .await;
        let error = error_of(&out);
        assert!(
            error.starts_with("Search failed: jina refused the credentials (401)"),
            "{error}"
        );
        assert!(error.contains("Invalid API key"), "{error}");
        assert!(!error.contains("jina-secret-key"));
    }

    #[tokio::test]
    async fn server_errors_are_retried_then_reported() {
        let server = MockServer::start().await;
        Mock::given(method("GET"))
            .respond_with(ResponseTemplate::new(503).set_body_string("overloaded"))
            .expect(3)
            .mount(&server)
            .await;
        let out = run_block_with(
            SearchTheWeb,
            json!({"credentials": meta("jina", "api_key"), "query": "x"}),
            recorder(&server, api_key("jina", "k")),
        )
        .await;
        assert_eq!(
            error_of(&out),
            "Search failed: jina failed (503): overloaded"
        );
    }

    #[tokio::test]
    async fn rate_limits_wait_for_retry_after() {
        let server = MockServer::start().await;
        Mock::given(method("GET"))
            .respond_with(ResponseTemplate::new(429).insert_header("retry-after", "0"))
            .up_to_n_times(1)
            .mount(&server)
            .await;
        Mock::given(method("GET"))
            .respond_with(ResponseTemplate::new(200).set_body_string("found"))
            .mount(&server)
            .await;
        let out = run_block_with(
            SearchTheWeb,
            json!({"credentials": meta("jina", "api_key"), "query": "x"}),
            recorder(&server, api_key("jina", "k")),
        )
        .await;
        assert_eq!(out, vec![("results".into(), json!("found"))]);
    }

    /// A recorder with the user's `jina` key in the store and the operator's `integration_keys`
    /// entry for jina configured too.
    fn with_platform_key(server: &MockServer) -> agentry_core::testing::Recorder {
        let mut recorder = recorder(server, api_key("jina", "users-key"));
        let mut settings = recorder
            .resources
            .get::<crate::IntegrationSettings>()
            .cloned()
            .unwrap();
        let mut platform = api_key("jina", "platform-key");
        platform.id = "platform-jina".into();
        settings = settings.with_platform_credential(platform);
        recorder.resources.insert(settings);
        recorder
    }

    #[tokio::test]
    async fn the_users_credentials_win_over_the_platform_key() {
        let server = MockServer::start().await;
        Mock::given(method("GET"))
            .and(header("authorization", "Bearer users-key"))
            .respond_with(ResponseTemplate::new(200).set_body_string("mine"))
            .expect(1)
            .mount(&server)
            .await;
        let out = run_block_with(
            SearchTheWeb,
            json!({"credentials": meta("jina", "api_key"), "query": "x"}),
            with_platform_key(&server),
        )
        .await;
        assert_eq!(out, vec![("results".into(), json!("mine"))]);
    }

    #[tokio::test]
    async fn a_node_naming_no_credentials_uses_the_platform_key() {
        let server = MockServer::start().await;
        Mock::given(method("GET"))
            .and(header("authorization", "Bearer platform-key"))
            .respond_with(ResponseTemplate::new(200).set_body_string("platform"))
            .expect(1)
            .mount(&server)
            .await;
        let out = run_block_with(
            SearchTheWeb,
            json!({"query": "x"}),
            with_platform_key(&server),
        )
        .await;
        assert_eq!(out, vec![("results".into(), json!("platform"))]);
    }

    #[tokio::test]
    async fn missing_credentials_are_named() {
        let server = MockServer::start().await;
        let out = run_block_with(
            SearchTheWeb,
            json!({"query": "x"}),
            recorder(&server, api_key("jina", "k")),
        )
        .await;
        assert!(error_of(&out).contains("jina"), "{out:?}");
        assert!(server.received_requests().await.unwrap().is_empty());
    }
}
