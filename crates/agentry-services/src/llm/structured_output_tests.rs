//! Structured-output styles against a mock server on 127.0.0.1: the probe that detects a
//! server's style once, the operator's setting per base URL, and the fallback when a server
//! refuses a schema.

use std::time::Duration;

use serde_json::{Value, json};
use wiremock::matchers::{body_partial_json, method, path};
use wiremock::{Mock, MockServer, Request, ResponseTemplate};

use crate::llm::openai::JsonStyle;
use crate::llm::providers::ProviderConfig;
use crate::llm::testing::{fast_retry, only_provider, openai_reply, received_bodies};
use crate::llm::{ChatRequest, LlmProviders, Message, ResponseFormat};

fn providers(server: &MockServer, style: JsonStyle) -> LlmProviders {
    let base = format!("{}/v1", server.uri());
    let config = ProviderConfig::openai_compatible(&base, None, style);
    only_provider("openai", config, Duration::from_secs(5))
}

/// A llama-cpp-python-like server: `json_schema` is refused (with a 500, as 0.3.36 does), a `json_object` response
/// format with a schema is honoured, and without one the model chats.
async fn llama_cpp_python() -> MockServer {
    let server = MockServer::start().await;
    Mock::given(method("POST"))
        .and(path("/v1/chat/completions"))
        .respond_with(|request: &Request| {
            let body: Value = serde_json::from_slice(&request.body).unwrap();
            match body["response_format"]["type"].as_str() {
                Some("json_schema") => ResponseTemplate::new(422).set_body_json(
                    json!({"detail": [{"msg": "Input should be 'text' or 'json_object'"}]}),
                ),
                Some("json_object") if body["response_format"].get("schema").is_some() => {
                    ResponseTemplate::new(200).set_body_json(openai_reply("{\"ok\": true}", 9, 5))
                }
                _ => ResponseTemplate::new(200).set_body_json(openai_reply(
                    "Hello! How can I help?",
                    9,
                    7,
                )),
            }
        })
        .mount(&server)
        .await;
    server
}

fn structured_request() -> ChatRequest {
    ChatRequest {
        messages: vec![Message::user("Who?")],
        response_format: ResponseFormat::JsonSchema {
            name: "response".into(),
            schema: json!({"type": "object", "properties": {"name": {}}, "required": ["name"]}),
        },
        ..ChatRequest::default()
    }
}

#[tokio::test]
async fn the_style_is_probed_once_and_then_used() {
    let server = llama_cpp_python().await;
    let p = providers(&server, JsonStyle::Detect);
    assert!(p.constrained_output("local-model", None).await.unwrap());
    assert!(p.constrained_output("local-model", None).await.unwrap());
    let probes = received_bodies(&server).await;
    assert_eq!(
        probes.len(),
        2,
        "json_schema refused, then json_object with schema fits"
    );
    assert_eq!(probes[0]["response_format"]["type"], "json_schema");
    assert_eq!(probes[1]["response_format"]["type"], "json_object");
    assert_eq!(
        probes[1]["messages"],
        json!([{"role": "user", "content": "Say hello."}])
    );
    assert_eq!(probes[1]["model"], "local-model");

    p.chat("local-model", structured_request()).await.unwrap();
    let sent = received_bodies(&server).await;
    assert_eq!(sent.len(), 3, "no probe again");
    assert_eq!(
        sent[2]["response_format"],
        json!({"type": "json_object", "schema": {"type": "object", "properties": {"name": {}}, "required": ["name"]}})
    );
}

#[tokio::test]
async fn a_server_that_ignores_schemas_gets_the_prompt_style() {
    let server = MockServer::start().await;
    Mock::given(method("POST"))
        .respond_with(ResponseTemplate::new(200).set_body_json(openai_reply("Hello!", 5, 2)))
        .mount(&server)
        .await;
    let p = providers(&server, JsonStyle::Detect);
    assert!(!p.constrained_output("m", None).await.unwrap());
    let probes = received_bodies(&server).await;
    let styles: Vec<Value> = probes
        .iter()
        .map(|b| json!([b["response_format"]["type"], b.get("format").is_some()]))
        .collect();
    assert_eq!(
        styles,
        [
            json!(["json_schema", false]),
            json!(["json_object", false]),
            json!(["json_schema", true])
        ],
        "all three styles tried"
    );
    assert!(!p.constrained_output("m", None).await.unwrap());
    assert_eq!(
        received_bodies(&server).await.len(),
        3,
        "the verdict is kept"
    );
    p.chat("m", structured_request()).await.unwrap();
    let last = received_bodies(&server).await.pop().unwrap();
    assert!(
        last.get("response_format").is_none() && last.get("format").is_none(),
        "{last}"
    );
}

#[tokio::test]
async fn a_probe_that_fails_for_now_is_tried_again_later() {
    let server = MockServer::start().await;
    Mock::given(method("POST"))
        .respond_with(ResponseTemplate::new(503).set_body_string("loading model"))
        .up_to_n_times(3)
        .mount(&server)
        .await;
    Mock::given(method("POST"))
        .and(body_partial_json(
            json!({"response_format": {"type": "json_schema"}}),
        ))
        .respond_with(ResponseTemplate::new(200).set_body_json(openai_reply(
            "{\"ok\":false}",
            5,
            4,
        )))
        .mount(&server)
        .await;
    let p = providers(&server, JsonStyle::Detect);
    assert!(
        !p.constrained_output("m", None).await.unwrap(),
        "unknown for now: the prompt"
    );
    assert!(
        p.constrained_output("m", None).await.unwrap(),
        "probed again"
    );
    assert_eq!(
        received_bodies(&server).await.len(),
        4,
        "three styles, then the first fits"
    );
}

#[tokio::test]
async fn the_operators_style_for_a_base_url_wins_and_is_never_probed() {
    let server = llama_cpp_python().await;
    let base = format!("{}/v1/", server.uri());
    let p = LlmProviders::builder()
        .provider(
            "openai",
            ProviderConfig::openai_compatible(&base, None, JsonStyle::Detect),
        )
        .json_style_for(&base, JsonStyle::JsonObjectWithSchema)
        .retry(fast_retry())
        .build()
        .unwrap();
    assert!(p.constrained_output("m", None).await.unwrap());
    assert!(received_bodies(&server).await.is_empty(), "no probe");
    let p = LlmProviders::builder()
        .provider(
            "openai",
            ProviderConfig::openai_compatible(&base, None, JsonStyle::Detect),
        )
        .json_style_for(base.trim_end_matches('/'), JsonStyle::Prompt)
        .build()
        .unwrap();
    assert!(!p.constrained_output("m", None).await.unwrap());
    assert!(received_bodies(&server).await.is_empty(), "no probe");
}

#[tokio::test]
async fn a_refused_schema_marks_the_model_for_the_prompt_style() {
    let server = MockServer::start().await;
    Mock::given(method("POST"))
        .and(body_partial_json(json!({"response_format": {"type": "json_schema"}})))
        .and(body_partial_json(json!({"model": "old-model"})))
        .respond_with(ResponseTemplate::new(400).set_body_json(
            json!({"error": {"message": "response_format json_schema is not supported with this model"}}),
        ))
        .mount(&server)
        .await;
    Mock::given(method("POST"))
        .respond_with(ResponseTemplate::new(200).set_body_json(openai_reply("{}", 1, 1)))
        .mount(&server)
        .await;
    // Configured as OpenAI-style, which this server refuses.
    let p = providers(&server, JsonStyle::JsonSchema);
    assert!(p.constrained_output("old-model", None).await.unwrap());
    let failed = p.chat("old-model", structured_request()).await.unwrap_err();
    assert!(failed.schema_refused, "{failed:?}");
    assert_eq!(
        received_bodies(&server).await.len(),
        1,
        "a 400 is not retried"
    );
    assert!(!p.constrained_output("old-model", None).await.unwrap());
    assert!(
        p.constrained_output("other-model", None).await.unwrap(),
        "per model"
    );
    let plain = ChatRequest {
        messages: vec![Message::user("hi")],
        ..ChatRequest::default()
    };
    let failed = p.chat("old-model", plain).await;
    assert!(failed.is_ok(), "a request without a schema goes through");
}

#[test]
fn the_environment_detects_local_servers_only() {
    use crate::llm::providers::Wire;
    let styles = |vars: &[(&str, &str)]| {
        let vars: Vec<(String, String)> = vars
            .iter()
            .map(|(k, v)| (k.to_string(), v.to_string()))
            .collect();
        let builder = LlmProviders::builder_from(|name| {
            vars.iter().find(|(k, _)| k == name).map(|(_, v)| v.clone())
        });
        builder
            .configs()
            .iter()
            .filter_map(|(name, c)| match &c.wire {
                Wire::OpenAi { json_style, .. } => Some((name.clone(), *json_style)),
                Wire::Anthropic => None,
            })
            .collect::<std::collections::BTreeMap<_, _>>()
    };
    let hosted = styles(&[("OPENAI_API_KEY", "sk-x")]);
    assert_eq!(hosted["openai"], JsonStyle::JsonSchema);
    assert_eq!(hosted["ollama"], JsonStyle::Detect);
    let local = styles(&[("OPENAI_BASE_URL", "http://127.0.0.1:8080/v1")]);
    assert_eq!(local["openai"], JsonStyle::Detect);
}
