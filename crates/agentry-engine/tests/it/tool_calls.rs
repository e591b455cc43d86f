//! SmartDecisionMaker in real runs, against a mock OpenAI-compatible server on 127.0.0.1:
//! mode 0 routes tool calls through `tools_^_` links and loops back through
//! `last_tool_output`; agent mode runs the tool node as a node execution of the run.

use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::Duration;

use agentry_blocks::llm::provider::openai::JsonStyle;
use agentry_blocks::llm::provider::providers::ProviderConfig;
use agentry_blocks::llm::provider::{LlmProviders, RetryPolicy};
use agentry_core::{ExecutionStatus, Graph, Resources};
use agentry_engine::Config;
use agentry_store::DEFAULT_USER_ID;
use serde_json::{Value, json};
use wiremock::matchers::{method, path};
use wiremock::{MockServer, Request, Respond, ResponseTemplate};

use crate::support::*;

const SDM: &str = "3b191d9f-356f-482d-8238-ba04b6d18381";

/// Answers chat completions with `bodies` in turn, the last one repeating.
struct Seq(Vec<Value>, AtomicUsize);

impl Respond for Seq {
    fn respond(&self, _: &Request) -> ResponseTemplate {
        let i = self.1.fetch_add(1, Ordering::SeqCst);
        ResponseTemplate::new(200).set_body_json(&self.0[i.min(self.0.len() - 1)])
    }
}

fn tool_call(id: &str, name: &str, args: Value) -> Value {
    json!({"id": "c", "object": "chat.completion", "model": "m",
        "choices": [{"index": 0, "finish_reason": "tool_calls", "message": {"role": "assistant",
            "content": null, "tool_calls": [{"id": id, "type": "function",
                "function": {"name": name, "arguments": args.to_string()}}]}}],
        "usage": {"prompt_tokens": 10, "completion_tokens": 5, "total_tokens": 15}})
}

fn answer(text: &str) -> Value {
    json!({"id": "c", "object": "chat.completion", "model": "m",
        "choices": [{"index": 0, "finish_reason": "stop",
            "message": {"role": "assistant", "content": text}}],
        "usage": {"prompt_tokens": 10, "completion_tokens": 5, "total_tokens": 15}})
}

/// An engine whose `LlmProviders` point at a mock answering `bodies` in turn.
async fn engine_and_model(bodies: Vec<Value>) -> (TestEngine, MockServer) {
    let server = MockServer::start().await;
    wiremock::Mock::given(method("POST"))
        .and(path("/v1/chat/completions"))
        .respond_with(Seq(bodies, AtomicUsize::new(0)))
        .mount(&server)
        .await;
    let providers = LlmProviders::builder()
        .provider(
            "openai",
            ProviderConfig::openai_compatible(
                &format!("{}/v1", server.uri()),
                Some("sk-test"),
                JsonStyle::JsonSchema,
            ),
        )
        .retry(RetryPolicy {
            max_attempts: 1,
            ..RetryPolicy::default()
        })
        .timeout(Duration::from_secs(5))
        .build()
        .unwrap();
    let config = Config {
        resources: Arc::new(Resources::new().with(providers)),
        ..Config::default()
    };
    (
        engine_with(agentry_blocks::registry(), config).await,
        server,
    )
}

/// input q → SmartDecisionMaker (tools: a calculator, linked in the block-name form for `a`
/// and the node-id form for `b`) → output "answer". With `looped`, the calculator's result
/// and the conversation come back to the decision maker, as mode 0 wants.
fn decision_graph(agent_iterations: i64, looped: bool) -> Graph {
    let mut links = vec![
        ("q", "result", "sdm", "prompt"),
        ("sdm", "tools_^_calculatorblock_~_a", "calc", "a"),
        ("sdm", "tools_^_calc_~_b", "calc", "b"),
        ("sdm", "finished", "answer", "value"),
    ];
    if looped {
        links.push(("calc", "result", "sdm", "last_tool_output"));
        links.push(("sdm", "conversations", "sdm", "conversation_history"));
    }
    graph(
        &[
            ("q", INPUT, json!({"name": "q"})),
            (
                "sdm",
                SDM,
                json!({"model": "gpt-4o", "agent_mode_max_iterations": agent_iterations}),
            ),
            ("calc", CALCULATOR, json!({"operation": "Add"})),
            ("answer", OUTPUT, json!({"name": "answer"})),
        ],
        &links,
    )
}

async fn node_runs(t: &TestEngine, exec_id: &str, node: &str) -> Vec<(String, Value, Value)> {
    let record = t
        .store
        .get_execution(DEFAULT_USER_ID, exec_id)
        .await
        .unwrap();
    record
        .nodes
        .iter()
        .filter(|n| n.row.node_id == node)
        .map(|n| {
            (
                n.row.status.as_str().to_string(),
                n.row.input_data.clone(),
                json!(n.outputs),
            )
        })
        .collect()
}

#[tokio::test]
async fn mode_0_routes_tool_calls_and_loops_back_through_last_tool_output() {
    let (t, server) = engine_and_model(vec![
        tool_call("call_1", "calculatorblock", json!({"a": 2, "b": 3})),
        answer("The sum is 5."),
    ])
    .await;
    let (id, result) = t
        .run(
            &decision_graph(0, true),
            inputs(json!({"q": "What is 2 + 3?"})),
        )
        .await;
    assert_eq!(
        result.status,
        ExecutionStatus::Completed,
        "{:?}",
        result.error
    );
    assert_eq!(result.outputs.tree()["answer"], json!(["The sum is 5."]));

    let calc = node_runs(&t, &id, "calc").await;
    assert_eq!(calc.len(), 1, "{calc:?}");
    assert_eq!(calc[0].1["a"], json!(2));
    assert_eq!(calc[0].1["b"], json!(3));
    let sdm = node_runs(&t, &id, "sdm").await;
    assert_eq!(
        sdm.len(),
        2,
        "the answer brought the decision maker back: {sdm:?}"
    );
    let first_outputs = sdm[0].2.to_string();
    assert!(
        first_outputs.contains("tools_^_calc_~_a"),
        "{first_outputs}"
    );

    let requests = server.received_requests().await.unwrap();
    assert_eq!(requests.len(), 2);
    let second: Value = serde_json::from_slice(&requests[1].body).unwrap();
    let tool_answer = second["messages"]
        .as_array()
        .unwrap()
        .iter()
        .find(|m| m["role"] == "tool")
        .cloned()
        .expect("the calculator's result went back to the model");
    assert_eq!(tool_answer["tool_call_id"], "call_1");
    assert_eq!(tool_answer["content"], "5.0");
}

#[tokio::test]
async fn agent_mode_runs_the_tool_node_as_a_node_execution_of_the_run() {
    let (t, server) = engine_and_model(vec![
        tool_call("call_1", "calculatorblock", json!({"a": 2, "b": 3})),
        answer("The sum is 5."),
    ])
    .await;
    let (id, result) = t
        .run(
            &decision_graph(4, false),
            inputs(json!({"q": "What is 2 + 3?"})),
        )
        .await;
    assert_eq!(
        result.status,
        ExecutionStatus::Completed,
        "{:?}",
        result.error
    );
    assert_eq!(result.outputs.tree()["answer"], json!(["The sum is 5."]));

    let calc = node_runs(&t, &id, "calc").await;
    assert_eq!(calc.len(), 1, "{calc:?}");
    let (status, input, outputs) = &calc[0];
    assert_eq!(status, "COMPLETED");
    assert_eq!(input["a"], json!(2));
    assert_eq!(
        input["operation"],
        json!("Add"),
        "the node's defaults apply"
    );
    assert_eq!(outputs, &json!([["result", 5.0]]));
    assert_eq!(
        node_runs(&t, &id, "sdm").await.len(),
        1,
        "the loop ran inside one execution"
    );

    // The tool node's execution is in the run's events like any other.
    let record = t.store.get_execution(DEFAULT_USER_ID, &id).await.unwrap();
    let calc_exec = record
        .nodes
        .iter()
        .find(|n| n.row.node_id == "calc")
        .unwrap()
        .row
        .id
        .clone();
    let events = t.store.events_since(DEFAULT_USER_ID, &id, 0).await.unwrap();
    let about_calc: Vec<String> = events
        .iter()
        .map(Value::to_string)
        .filter(|e| e.contains(&calc_exec))
        .collect();
    assert!(
        about_calc.iter().any(|e| e.contains("COMPLETED")),
        "{about_calc:?}"
    );

    let requests = server.received_requests().await.unwrap();
    assert_eq!(requests.len(), 2);
    let second: Value = serde_json::from_slice(&requests[1].body).unwrap();
    let tool_answer = second["messages"]
        .as_array()
        .unwrap()
        .iter()
        .find(|m| m["role"] == "tool")
        .cloned()
        .unwrap();
    assert_eq!(tool_answer["content"], r#"{"result":[5.0]}"#);
}

#[tokio::test]
async fn agent_mode_stops_at_its_iteration_cap_in_a_run() {
    let (t, server) = engine_and_model(vec![tool_call(
        "call_1",
        "calculatorblock",
        json!({"a": 1, "b": 1}),
    )])
    .await;
    let (id, result) = t
        .run(
            &decision_graph(3, false),
            inputs(json!({"q": "Count forever"})),
        )
        .await;
    assert_eq!(
        result.status,
        ExecutionStatus::Completed,
        "{:?}",
        result.error
    );
    assert_eq!(
        result.outputs.tree()["answer"],
        json!(["Agent mode completed after 3 iterations (limit reached)"])
    );
    assert_eq!(node_runs(&t, &id, "calc").await.len(), 3);
    assert_eq!(server.received_requests().await.unwrap().len(), 3);
}
