//! `agentry run` of a real AutoGPT LLM agent with only the standard provider variables set,
//! against a mock OpenAI-compatible server on 127.0.0.1.

use serde_json::{Value, json};
use wiremock::matchers::{header, method, path};
use wiremock::{Mock, MockServer, ResponseTemplate};

use crate::{agent, agentry_with_env, text};

fn completion(content: &str) -> Value {
    json!({
        "id": "chatcmpl-1",
        "object": "chat.completion",
        "created": 1_700_000_000,
        "model": "o3-mini",
        "choices": [{
            "index": 0,
            "message": {"role": "assistant", "content": content},
            "finish_reason": "stop"
        }],
        "usage": {"prompt_tokens": 120, "completion_tokens": 9, "total_tokens": 129}
    })
}

#[tokio::test(flavor = "multi_thread")]
async fn the_ai_function_agent_runs_with_the_platform_key() {
    let server = MockServer::start().await;
    Mock::given(method("POST"))
        .and(path("/v1/chat/completions"))
        .and(header("authorization", "Bearer sk-platform"))
        .respond_with(ResponseTemplate::new(200).set_body_json(completion("[1, 2, 3]")))
        .expect(1)
        .mount(&server)
        .await;
    let base = format!("{}/v1", server.uri());
    let out = tokio::task::spawn_blocking(move || {
        let dir = tempfile::tempdir().unwrap();
        let file = agent("agent_516d813b-d1bc-470f-add7-c63a4b2c2bad.json");
        agentry_with_env(
            dir.path(),
            &[
                "run",
                file.to_str().unwrap(),
                "--input",
                "Arguments=3",
                "--input",
                "Function Definition=def first(n: int) -> list[int]:",
                "--input",
                "Description=The first n positive integers.",
            ],
            &[
                ("OPENAI_BASE_URL", base.as_str()),
                ("OPENAI_API_KEY", "sk-platform"),
            ],
        )
    })
    .await
    .unwrap();
    assert!(out.status.success(), "{}", text(&out.stderr));
    assert_eq!(text(&out.stdout), "return: [1, 2, 3]\n");

    // The graph's inputs reached the model through the prompt values of the export.
    let requests = server.received_requests().await.unwrap();
    let body: Value = serde_json::from_slice(&requests[0].body).unwrap();
    assert_eq!(body["model"], "o3-mini");
    let messages = body["messages"].as_array().unwrap();
    let system = messages[0]["content"].as_str().unwrap();
    assert!(
        system.contains("# The first n positive integers.")
            && system.contains("def first(n: int) -> list[int]:"),
        "{system}"
    );
    assert_eq!(messages.last().unwrap()["content"], "3");
}

#[test]
fn without_a_key_the_llm_node_fails_with_a_clear_error() {
    let dir = tempfile::tempdir().unwrap();
    let file = agent("agent_516d813b-d1bc-470f-add7-c63a4b2c2bad.json");
    // No OpenAI variable at all: the node fails at once, naming the variable to set.
    let out = agentry_with_env(
        dir.path(),
        &[
            "run",
            file.to_str().unwrap(),
            "--input",
            "Arguments=3",
            "--json",
        ],
        &[],
    );
    assert_eq!(out.status.code(), Some(1), "{}", text(&out.stderr));
    let all = format!("{}{}", text(&out.stdout), text(&out.stderr));
    assert!(all.contains("OPENAI_API_KEY"), "{all}");
}
