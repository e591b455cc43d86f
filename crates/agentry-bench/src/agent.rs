//! W7: an agent loop. SmartDecisionMaker in agent mode against a mock OpenAI-compatible server
//! on 127.0.0.1 that asks for three calculator tool calls and then answers; each tool call is a
//! real node execution, persisted before its result goes back to the model. The same agent
//! asked for no tool call gives the run's fixed cost; engine time per tool call =
//! ((run₃ − model₃) − (run₀ − model₀)) / 3, where model_n is the run's model calls made directly
//! through `LlmProviders`, so the mock's own time and the run's fixed cost are both left out.

use std::sync::Arc;
use std::time::{Duration, Instant};

use agentry_blocks::llm::provider::openai::JsonStyle;
use agentry_blocks::llm::provider::providers::ProviderConfig;
use agentry_blocks::llm::provider::{ChatRequest, LlmProviders, Message, RetryPolicy};
use agentry_core::{Graph, Resources};
use agentry_engine::{Config, Engine};
use agentry_store::Store;
use anyhow::ensure;
use axum::Json;
use serde_json::{Value, json};

use crate::{median, run_once};

const SDM: &str = "3b191d9f-356f-482d-8238-ba04b6d18381";
const TOOL_CALLS: usize = 3;

/// The prompt asking for `n` additions; the mock reads `n` back from it.
fn prompt(n: usize) -> String {
    format!("Add one, {n} times.")
}

/// The mock model: while fewer tool results are in the conversation than the prompt asks for
/// additions, it asks for one more; then it answers. Stateless, so runs may overlap.
async fn model(Json(body): Json<Value>) -> Json<Value> {
    let messages = body["messages"].as_array().cloned().unwrap_or_default();
    let wanted = messages
        .iter()
        .filter_map(|m| m["content"].as_str())
        .find_map(|text| {
            let rest = text.split("Add one, ").nth(1)?;
            rest.split(' ').next()?.parse::<usize>().ok()
        })
        .unwrap_or(TOOL_CALLS);
    let answered = messages.iter().filter(|m| m["role"] == "tool").count();
    let usage = json!({"prompt_tokens": 40, "completion_tokens": 8, "total_tokens": 48});
    let message = if answered < wanted {
        json!({"role": "assistant", "content": null, "tool_calls": [{
            "id": format!("call_{answered}"), "type": "function",
            "function": {"name": "calculatorblock",
                         "arguments": json!({"a": answered, "b": 1}).to_string()}}]})
    } else {
        json!({"role": "assistant", "content": format!("Done: {wanted} additions.")})
    };
    Json(
        json!({"id": "c", "object": "chat.completion", "model": body["model"],
        "choices": [{"index": 0, "message": message,
                     "finish_reason": if answered < wanted { "tool_calls" } else { "stop" }}],
        "usage": usage}),
    )
}

async fn start_model() -> anyhow::Result<String> {
    let app = axum::Router::new().route("/v1/chat/completions", axum::routing::post(model));
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await?;
    let addr = listener.local_addr()?;
    tokio::spawn(async move {
        let _ = axum::serve(listener, app).await;
    });
    Ok(format!("http://{addr}/v1"))
}

fn providers(base: &str) -> anyhow::Result<LlmProviders> {
    LlmProviders::builder()
        .provider(
            "openai",
            ProviderConfig::openai_compatible(base, Some("sk-bench"), JsonStyle::JsonSchema),
        )
        .retry(RetryPolicy {
            max_attempts: 1,
            ..RetryPolicy::default()
        })
        .timeout(Duration::from_secs(10))
        .build()
        .map_err(anyhow::Error::msg)
}

/// input q → SmartDecisionMaker (agent mode, tool: a calculator) → output "answer".
fn agent_graph() -> Graph {
    let node = |id: &str, block: &str, defaults: Value| json!({"id": id, "block_id": block, "input_default": defaults, "metadata": {}});
    let link = |i: usize, src: &str, sp: &str, sink: &str, kp: &str| {
        json!({"id": format!("l{i}"), "source_id": src, "source_name": sp, "sink_id": sink,
               "sink_name": kp, "is_static": false})
    };
    serde_json::from_value(json!({
        "id": uuid::Uuid::new_v4().to_string(), "version": 1, "name": "W7 agent", "description": "",
        "nodes": [
            node("in", crate::graphs::INPUT, json!({"name": "x"})),
            node("sdm", SDM, json!({"model": "gpt-4o", "agent_mode_max_iterations": 10})),
            node("calc", crate::graphs::CALCULATOR, json!({"operation": "Add"})),
            node("out", crate::graphs::OUTPUT, json!({"name": "answer"})),
        ],
        "links": [
            link(0, "in", "result", "sdm", "prompt"),
            link(1, "sdm", "tools_^_calc_~_a", "calc", "a"),
            link(2, "sdm", "tools_^_calc_~_b", "calc", "b"),
            link(3, "sdm", "finished", "out", "value"),
        ],
    }))
    .map_err(Into::into)
    .unwrap_or_else(|e: anyhow::Error| panic!("the W7 graph is valid: {e}"))
}

/// The baseline: a run's model calls (`tools` tool calls, then the answer), made directly, with
/// the conversation growing as the agent's does (a tool call and its result per round).
async fn direct_calls(llm: &LlmProviders, tools: usize) -> anyhow::Result<()> {
    let mut messages = vec![Message::user(prompt(tools))];
    for round in 0..=tools {
        let request = ChatRequest {
            messages: messages.clone(),
            ..ChatRequest::default()
        };
        let done = llm
            .chat("gpt-4o", request)
            .await
            .map_err(|f| anyhow::anyhow!("{}", f.error))?;
        if round < tools {
            let call = done
                .response
                .tool_calls
                .first()
                .cloned()
                .ok_or_else(|| anyhow::anyhow!("the mock asks for a tool call"))?;
            messages.push(Message {
                tool_calls: vec![call.clone()],
                ..Message::assistant("")
            });
            messages.push(Message::tool(call.id.clone(), json!(round + 1).to_string()));
        }
    }
    Ok(())
}

/// Median wall times of `n` runs of the agent asked for `tools` tool calls, and of the same
/// model calls made directly, interleaved so that both see the same machine.
async fn timed(
    engine: &Engine,
    graph: &Graph,
    llm: &LlmProviders,
    tools: usize,
    n: usize,
) -> anyhow::Result<(f64, f64)> {
    let input = json!({"x": prompt(tools)})
        .as_object()
        .cloned()
        .unwrap_or_default();
    let (mut runs, mut calls) = (Vec::with_capacity(n), Vec::with_capacity(n));
    for _ in 0..n {
        let started = Instant::now();
        run_once(engine, graph, input.clone()).await?;
        runs.push(started.elapsed().as_secs_f64());
        let started = Instant::now();
        direct_calls(llm, tools).await?;
        calls.push(started.elapsed().as_secs_f64());
    }
    Ok((median(runs), median(calls)))
}

pub async fn w7(report: &mut Vec<String>) -> anyhow::Result<()> {
    let base = start_model().await?;
    let llm = providers(&base)?;
    let dir = tempfile::tempdir()?;
    let url = format!("sqlite://{}?mode=rwc", dir.path().join("w7.db").display());
    let engine = Engine::new(
        Store::open(&url).await?,
        Arc::new(agentry_blocks::registry()),
        Config {
            resources: Arc::new(Resources::new().with(llm.clone())),
            ..Config::default()
        },
    );
    let graph = agent_graph();
    let input = json!({"x": prompt(TOOL_CALLS)})
        .as_object()
        .cloned()
        .unwrap_or_default();
    let out = run_once(&engine, &graph, input).await?;
    ensure!(
        out["answer"] == json!([format!("Done: {TOOL_CALLS} additions.")]),
        "the agent finished: {out}"
    );
    let tool_runs = tool_node_runs(&engine).await?;
    ensure!(
        tool_runs == TOOL_CALLS,
        "{TOOL_CALLS} tool node executions, got {tool_runs}"
    );

    timed(&engine, &graph, &llm, TOOL_CALLS, 10).await?;
    timed(&engine, &graph, &llm, 0, 10).await?;
    let n = 100;
    let (run3, model3) = timed(&engine, &graph, &llm, TOOL_CALLS, n).await?;
    let (run0, model0) = timed(&engine, &graph, &llm, 0, n).await?;
    let per_tool = ((run3 - model3) - (run0 - model0)) / TOOL_CALLS as f64;
    report.push(format!(
        "| W7 agent loop | SmartDecisionMaker, median of {n} runs: {TOOL_CALLS} tool calls + answer {:.3} ms, answer only {:.3} ms | engine time per tool call **{:.1} µs** | the runs' model calls made directly: {:.3} ms and {:.3} ms; engine time of a run without tool calls {:.3} ms |",
        run3 * 1e3,
        run0 * 1e3,
        per_tool * 1e6,
        model3 * 1e3,
        model0 * 1e3,
        (run0 - model0) * 1e3
    ));
    Ok(())
}

/// Tool node executions (calculator) of the newest run.
async fn tool_node_runs(engine: &Engine) -> anyhow::Result<usize> {
    let user = agentry_store::DEFAULT_USER_ID;
    let (runs, _) = engine.store().list_executions(user, None, 1, 1).await?;
    let record = engine.store().get_execution(user, &runs[0].id).await?;
    Ok(record
        .nodes
        .iter()
        .filter(|n| n.row.node_id == "calc" && n.row.status == "COMPLETED")
        .count())
}
