//! SmartDecisionMaker against a mock OpenAI-compatible server on 127.0.0.1, with fake tool
//! nodes standing in for the engine.

use std::future::Future;
use std::pin::Pin;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Arc, Mutex};

use agentry_core::testing::{Recorder, run_recorded};
use agentry_core::tool_nodes::{ToolFunction, ToolNodes, ToolRun};
use agentry_core::{BlockError, ExecutionStatus};
use serde_json::{Map, Value, json};
use wiremock::{Request, Respond, ResponseTemplate};

use super::*;
use crate::llm::testing::{Mock, openai_reply};

/// A completion asking for one tool call.
pub fn tool_call_reply(id: &str, name: &str, args: Value) -> Value {
    json!({
        "id": "chatcmpl-2", "object": "chat.completion", "model": "m",
        "choices": [{"index": 0, "finish_reason": "tool_calls",
            "message": {"role": "assistant", "content": null, "tool_calls": [
                {"id": id, "type": "function",
                 "function": {"name": name, "arguments": args.to_string()}}]}}],
        "usage": {"prompt_tokens": 20, "completion_tokens": 7, "total_tokens": 27}
    })
}

/// Answers with `bodies` in turn, the last one repeating.
struct Seq {
    bodies: Vec<Value>,
    next: AtomicUsize,
}

impl Respond for Seq {
    fn respond(&self, _: &Request) -> ResponseTemplate {
        let i = self.next.fetch_add(1, Ordering::SeqCst);
        ResponseTemplate::new(200).set_body_json(&self.bodies[i.min(self.bodies.len() - 1)])
    }
}

async fn mock(bodies: Vec<Value>) -> Mock {
    let m = Mock::start().await;
    m.reply_with(Seq {
        bodies,
        next: AtomicUsize::new(0),
    })
    .await;
    m
}

/// One tool, `weather` (node `w1`, pin `city`, required), answering `{"forecast": "sunny"}`.
#[derive(Default)]
struct FakeTools {
    calls: Mutex<Vec<(String, Map<String, Value>)>>,
}

impl ToolNodes for FakeTools {
    fn describe(&self) -> Vec<ToolFunction> {
        vec![ToolFunction {
            node_id: "w1".into(),
            name: "weather".into(),
            description: "Tells the weather".into(),
            parameters: json!({"type": "object", "additionalProperties": false,
                "properties": {"city": {"type": "string"}}, "required": ["city"]}),
            fields: vec![("city".into(), "city".into())],
            whole_arguments_pin: None,
        }]
    }
    fn run(
        &self,
        node_id: &str,
        inputs: Map<String, Value>,
    ) -> Pin<Box<dyn Future<Output = Result<ToolRun, BlockError>> + Send + '_>> {
        self.calls
            .lock()
            .unwrap()
            .push((node_id.to_string(), inputs));
        Box::pin(async {
            Ok(ToolRun {
                node_exec_id: "e1".into(),
                status: ExecutionStatus::Completed,
                outputs: vec![("forecast".into(), json!("sunny"))],
            })
        })
    }
}

async fn run(m: &Mock, tools: Arc<FakeTools>, input: Value) -> Vec<(String, Value)> {
    let recorder = Recorder {
        tool_nodes: Some(tools),
        ..m.recorder()
    };
    run_recorded(SmartDecisionMaker, input, recorder)
        .await
        .outputs
}

fn pin<'a>(out: &'a [(String, Value)], name: &str) -> Vec<&'a Value> {
    out.iter()
        .filter(|(p, _)| p == name)
        .map(|(_, v)| v)
        .collect()
}

#[tokio::test]
async fn mode_0_emits_tool_calls_on_routed_pins() {
    let m = mock(vec![tool_call_reply(
        "call_1",
        "weather",
        json!({"city": "Oslo"}),
    )])
    .await;
    let tools = Arc::new(FakeTools::default());
    let out = run(
        &m,
        tools.clone(),
        json!({"prompt": "Weather in {{c}}?", "prompt_values": {"c": "Oslo"}}),
    )
    .await;
    assert_eq!(pin(&out, "tools_^_w1_~_city"), vec![&json!("Oslo")]);
    assert!(pin(&out, "finished").is_empty());
    assert!(pin(&out, "error").is_empty(), "{out:?}");
    let conv = pin(&out, "conversations")[0].as_array().unwrap().clone();
    assert_eq!(
        conv[0]["content"],
        format!("{MAIN_OBJECTIVE_PREFIX}{}", default_sys_prompt())
    );
    assert_eq!(
        conv[1]["content"],
        "[Main Objective Prompt]: Weather in Oslo?"
    );
    assert_eq!(conv[2]["tool_calls"][0]["id"], "call_1");
    assert!(
        tools.calls.lock().unwrap().is_empty(),
        "mode 0 runs no tool itself"
    );
    let sent = &m.bodies().await[0];
    assert_eq!(sent["tools"][0]["function"]["name"], "weather");
    assert_eq!(pin(&out, "tool_functions").len(), 1);

    // The next execution: the tool's answer comes back with the history.
    let m2 = mock(vec![openai_reply("It is sunny in Oslo.", 30, 6)]).await;
    let out = run(
        &m2,
        tools,
        json!({"prompt": "Weather in Oslo?", "conversation_history": conv, "last_tool_output": {"forecast": "sunny"}}),
    )
    .await;
    assert_eq!(pin(&out, "finished"), vec![&json!("It is sunny in Oslo.")]);
    assert!(
        pin(&out, "conversations").is_empty(),
        "no loop without tool calls"
    );
    let messages = m2.bodies().await[0]["messages"].as_array().unwrap().clone();
    assert_eq!(
        messages.len(),
        4,
        "the objective is not added twice: {messages:?}"
    );
    assert_eq!(messages[3]["role"], "tool");
    assert_eq!(messages[3]["tool_call_id"], "call_1");
    assert_eq!(messages[3]["content"], r#"{"forecast":"sunny"}"#);
}

#[tokio::test]
async fn mode_0_retries_a_malformed_tool_call_with_feedback() {
    let m = mock(vec![
        tool_call_reply("call_1", "weather", json!({"town": "Oslo"})),
        tool_call_reply("call_2", "weather", json!({"city": "Oslo"})),
    ])
    .await;
    let out = run(&m, Arc::default(), json!({"prompt": "go", "retry": 2})).await;
    assert_eq!(pin(&out, "tools_^_w1_~_city"), vec![&json!("Oslo")]);
    let bodies = m.bodies().await;
    assert_eq!(bodies.len(), 2);
    let feedback = bodies[1]["messages"].as_array().unwrap().last().unwrap()["content"]
        .as_str()
        .unwrap()
        .to_string();
    assert!(feedback.contains("Unknown parameters"), "{feedback}");

    // Out of attempts: the problem is the node's error.
    let m = mock(vec![tool_call_reply("c", "weather", json!({}))]).await;
    let out = run(&m, Arc::default(), json!({"prompt": "go", "retry": 1})).await;
    let error = pin(&out, "error")[0].as_str().unwrap().to_string();
    assert!(error.contains("Missing required parameters"), "{error}");
}

#[tokio::test]
async fn a_pending_tool_call_needs_its_output() {
    let m = mock(vec![openai_reply("x", 1, 1)]).await;
    let history = json!([{"role": "assistant", "content": null, "tool_calls": [
        {"id": "call_9", "type": "function", "function": {"name": "weather", "arguments": "{}"}}]}]);
    let out = run(
        &m,
        Arc::default(),
        json!({"prompt": "go", "conversation_history": history}),
    )
    .await;
    assert!(pin(&out, "error")[0].as_str().unwrap().contains("call_9"));
}

#[tokio::test]
async fn agent_mode_runs_tools_until_the_model_answers() {
    let m = mock(vec![
        tool_call_reply("call_1", "weather", json!({"city": "Oslo"})),
        openai_reply("Sunny in Oslo.", 40, 5),
    ])
    .await;
    let tools = Arc::new(FakeTools::default());
    let out = run(
        &m,
        tools.clone(),
        json!({"prompt": "Weather?", "agent_mode_max_iterations": 5}),
    )
    .await;
    assert_eq!(pin(&out, "finished"), vec![&json!("Sunny in Oslo.")]);
    assert!(
        !out.iter().any(|(p, _)| p.starts_with("tools_^_")),
        "{out:?}"
    );
    let calls = tools.calls.lock().unwrap().clone();
    assert_eq!(
        calls,
        vec![(
            "w1".to_string(),
            json!({"city": "Oslo"}).as_object().cloned().unwrap()
        )]
    );
    let last = pin(&out, "conversations")
        .last()
        .unwrap()
        .as_array()
        .unwrap()
        .clone();
    let answer = last.iter().find(|e| e["role"] == "tool").unwrap();
    assert_eq!(answer["content"], r#"{"forecast":["sunny"]}"#);
    assert_eq!(last.last().unwrap()["content"], "Sunny in Oslo.");
    assert_eq!(m.bodies().await.len(), 2);
}

#[tokio::test]
async fn agent_mode_stops_at_its_iteration_cap() {
    let m = mock(vec![tool_call_reply(
        "call_1",
        "weather",
        json!({"city": "Oslo"}),
    )])
    .await;
    let tools = Arc::new(FakeTools::default());
    let out = run(
        &m,
        tools.clone(),
        json!({"prompt": "Weather?", "agent_mode_max_iterations": 2}),
    )
    .await;
    assert_eq!(
        pin(&out, "finished"),
        vec![&json!(
            "Agent mode completed after 2 iterations (limit reached)"
        )]
    );
    assert_eq!(tools.calls.lock().unwrap().len(), 2);
    let bodies = m.bodies().await;
    assert_eq!(bodies.len(), 2);
    let last = bodies[1]["messages"].as_array().unwrap().last().unwrap()["content"]
        .as_str()
        .unwrap()
        .to_string();
    assert!(last.contains("This is your last iteration (2/2)"), "{last}");
}

#[tokio::test]
async fn without_tools_it_is_an_input_error() {
    let m = mock(vec![openai_reply("x", 1, 1)]).await;
    let out = run_recorded(SmartDecisionMaker, json!({"prompt": "go"}), m.recorder())
        .await
        .outputs;
    assert_eq!(
        out,
        vec![(
            "error".to_string(),
            json!("There is no next node to execute.")
        )]
    );
}
