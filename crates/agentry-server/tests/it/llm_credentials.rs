//! An LLM block run through the API with the user's own provider key: the graph asks for
//! credentials of the model's provider, the key chosen at execute is the one the mock provider
//! on 127.0.0.1 receives (the platform's key otherwise), and neither a used nor a refused key
//! appears in any answer, event, stored row or log line.

use std::sync::Arc;

use agentry_blocks::llm::provider::LlmProviders;
use agentry_blocks::llm::provider::openai::JsonStyle;
use agentry_blocks::llm::provider::providers::ProviderConfig;
use agentry_core::Resources;
use agentry_engine::Config;
use agentry_engine::integrations::{CredentialSettings, Keyring};
use serde_json::{Value, json};
use wiremock::matchers::{header, method, path};
use wiremock::{Mock, MockServer, ResponseTemplate};

use crate::integrations::{Captured, dump_database};
use crate::support::{TestApp, graph};

const TEXT_GENERATOR: &str = "1f292d4a-41a4-4977-9684-7c8d560b9f91";
const USER_KEY: &str = "sk-user-5e1f-own-key";
const REFUSED_KEY: &str = "sk-user-9d2c-revoked-key";
const PLATFORM_KEY: &str = "sk-platform-key";

fn reply(text: &str) -> Value {
    json!({"id": "chatcmpl-1", "object": "chat.completion", "model": "gpt-4o",
           "choices": [{"index": 0, "finish_reason": "stop",
                        "message": {"role": "assistant", "content": text}}],
           "usage": {"prompt_tokens": 3, "completion_tokens": 1, "total_tokens": 4}})
}

/// The mock provider: a reply per accepted key, a 401 quoting the refused one.
async fn provider() -> MockServer {
    let server = MockServer::start().await;
    for (key, answer) in [
        (
            USER_KEY,
            ResponseTemplate::new(200).set_body_json(reply("from the user's key")),
        ),
        (
            PLATFORM_KEY,
            ResponseTemplate::new(200).set_body_json(reply("from the platform")),
        ),
        (
            REFUSED_KEY,
            ResponseTemplate::new(401).set_body_json(json!({"error": {
                "message": format!("Incorrect API key provided: {REFUSED_KEY}"),
                "type": "invalid_request_error"}})),
        ),
    ] {
        Mock::given(method("POST"))
            .and(path("/v1/chat/completions"))
            .and(header("authorization", format!("Bearer {key}").as_str()))
            .respond_with(answer)
            .mount(&server)
            .await;
    }
    server
}

fn config(server: &MockServer) -> Config {
    let llm = LlmProviders::builder()
        .provider(
            "openai",
            ProviderConfig::openai_compatible(
                &format!("{}/v1", server.uri()),
                Some(PLATFORM_KEY),
                JsonStyle::JsonSchema,
            ),
        )
        .build()
        .unwrap();
    Config {
        credentials: CredentialSettings {
            keyring: Some(Arc::new(
                Keyring::parse(&[Keyring::generate_spec("k1")]).unwrap(),
            )),
            ..CredentialSettings::default()
        },
        resources: Arc::new(Resources::new().with(llm)),
        ..Config::default()
    }
}

async fn store(app: &TestApp, key: &str) -> Value {
    let body = json!({"type": "api_key", "title": "own key", "api_key": key});
    app.post_json("/api/integrations/openai/credentials", &body)
        .await
        .expect(201)
}

/// Runs the graph to its end: the run and its details.
async fn run(app: &TestApp, graph_id: &str, body: Value) -> (Value, Value) {
    let execute = format!("/api/graphs/{graph_id}/execute/1?wait=true");
    let run = app.post_json(&execute, &body).await.expect(200);
    let exec_id = run["id"].as_str().unwrap();
    let detail = app
        .get(&format!("/api/graphs/{graph_id}/executions/{exec_id}"))
        .await
        .expect(200);
    (run, detail)
}

#[tokio::test]
async fn an_llm_block_sends_the_users_key_and_nothing_shows_it() {
    let logs = Captured::default();
    let writer = logs.clone();
    tracing_subscriber::fmt()
        .with_env_filter("debug")
        .with_writer(move || writer.clone())
        .with_ansi(false)
        .init();
    let server = provider().await;
    let app = TestApp::start_with_config(config(&server), false).await;
    let mut answers: Vec<Value> = Vec::new();
    let own = store(&app, USER_KEY).await;
    let refused = store(&app, REFUSED_KEY).await;

    // The graph asks for credentials of each LLM node's provider, chosen by its model (its
    // default model when the node sets none).
    let mixed = app
        .create_graph(&graph(
            "two providers",
            &[
                ("gpt", TEXT_GENERATOR, json!({"prompt": "Hi"})),
                (
                    "claude",
                    TEXT_GENERATOR,
                    json!({"prompt": "Hi", "model": "claude-sonnet-4-20250514"}),
                ),
            ],
            &[],
        ))
        .await;
    let properties = &mixed["credentials_input_schema"]["properties"];
    for (field, provider) in [
        ("openai_api_key_credentials", "openai"),
        ("anthropic_api_key_credentials", "anthropic"),
    ] {
        assert_eq!(
            properties[field]["properties"]["provider"]["const"], provider,
            "{properties}"
        );
    }

    let saved = app
        .create_graph(&graph(
            "asks a model",
            &[(
                "llm",
                TEXT_GENERATOR,
                json!({"prompt": "Hi", "model": "gpt-4o"}),
            )],
            &[],
        ))
        .await;
    let graph_id = saved["id"].as_str().unwrap().to_string();
    answers.push(saved);
    let with = |credential: &Value| {
        json!({"credentials_inputs": {"openai_api_key_credentials":
            {"id": credential["id"], "provider": "openai", "type": "api_key"}}})
    };
    let (mine, detail) = run(&app, &graph_id, with(&own)).await;
    assert_eq!(mine["status"], "COMPLETED", "{mine}");
    assert_eq!(
        detail["node_executions"][0]["output_data"]["response"],
        json!(["from the user's key"]),
        "{detail}"
    );
    answers.extend([mine, detail]);

    let (platform, detail) = run(&app, &graph_id, json!({})).await;
    assert_eq!(
        detail["node_executions"][0]["output_data"]["response"],
        json!(["from the platform"]),
        "{platform} {detail}"
    );
    answers.extend([platform, detail]);

    let (failed, detail) = run(&app, &graph_id, with(&refused)).await;
    assert_eq!(failed["status"], "FAILED", "{failed}");
    let error = detail["node_executions"][0]["output_data"]["error"][0]
        .as_str()
        .unwrap_or_default()
        .to_string();
    assert!(error.contains("401"), "{detail}");
    answers.extend([failed, detail]);
    answers.push(app.get("/api/integrations/credentials").await.expect(200));
    answers.push(
        app.get(&format!("/api/graphs/{graph_id}/executions"))
            .await
            .expect(200),
    );

    let stored = dump_database(app.database_url()).await;
    let logged = String::from_utf8_lossy(&logs.0.lock().unwrap()).into_owned();
    for key in [USER_KEY, REFUSED_KEY] {
        for answer in &answers {
            assert!(
                !answer.to_string().contains(key),
                "an answer holds {key}: {answer}"
            );
        }
        assert!(!stored.contains(key), "a stored row holds {key}");
        assert!(!logged.contains(key), "a log line holds {key}");
    }
    assert!(
        stored.contains("from the user's key"),
        "the dump reads the outputs"
    );
}
