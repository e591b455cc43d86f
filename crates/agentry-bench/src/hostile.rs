//! W9, the hostile corpus: each hostile case of issue 11 (a cycle, a fan-out, huge inputs, a
//! recursive agent) run through the HTTP API beside an ordinary run, reporting its outcome, the
//! process's peak RSS while it ran and its RSS once it ended. The peak is the kernel's high-water
//! mark (`VmHWM`), reset before each case by writing 5 to `/proc/self/clear_refs`. Beside it, the
//! peak of live bytes over the case's start, by jemalloc's statistics: RSS also counts pages the
//! allocator keeps after a free, so the live peak is the one that says what the request held.

use std::time::{Duration, Instant};

use agentry_core::Graph;
use agentry_store::DEFAULT_USER_ID;
use serde_json::{Value, json};

use crate::graphs::{self, INPUT, OUTPUT};

const STORE_VALUE: &str = "1ff065e9-88e8-4358-9d82-8dc91f622ba9";
const EXTRACT: &str = "3146e4fe-2cdd-4f29-bd12-0c9d5bb4deb0";
const EXECUTOR: &str = "e189baac-8c20-45a1-94a7-55177ea42565";

/// How long the process settles before and after a case, so that "after" is what stays
/// (jemalloc returns freed pages over about ten seconds). `AGENTRY_W9_SETTLE` (seconds)
/// shortens it for a quick look at peaks.
fn settle() -> Duration {
    std::env::var("AGENTRY_W9_SETTLE")
        .ok()
        .and_then(|s| s.parse().ok())
        .map_or(Duration::from_secs(12), Duration::from_secs)
}

/// The part of the execute answer the bench reads: the run's outputs are skipped as they are
/// read (`IgnoredAny`), so the client in this process never holds them parsed and the peak is
/// the server's.
#[derive(serde::Deserialize)]
struct Answer {
    status: String,
    #[serde(default)]
    error: Option<String>,
    #[serde(default)]
    #[allow(dead_code)]
    outputs: serde::de::IgnoredAny,
}

/// A field of `/proc/self/status` in MiB (`VmRSS`, `VmHWM`).
pub(crate) fn status_mib(field: &str) -> f64 {
    let status = std::fs::read_to_string("/proc/self/status").unwrap_or_default();
    status
        .lines()
        .find_map(|line| line.strip_prefix(field)?.strip_prefix(':'))
        .and_then(|rest| {
            rest.trim()
                .trim_end_matches("kB")
                .trim()
                .parse::<f64>()
                .ok()
        })
        .map_or(f64::NAN, |kib| kib / 1024.0)
}

/// Starts a new peak: the kernel sets the high-water mark back to the current RSS.
fn reset_peak() {
    if let Err(e) = std::fs::write("/proc/self/clear_refs", "5") {
        eprintln!("cannot reset the peak RSS ({e}); peaks are since the start");
    }
}

fn from_value(value: Value) -> Graph {
    serde_json::from_value(value).expect("hostile graphs are valid")
}

/// s → a ⇄ b: two StoreValue nodes feeding each other for ever (finding 1).
fn cycle() -> Graph {
    from_value(json!({
        "id": uuid::Uuid::new_v4().to_string(), "version": 1, "name": "cycle",
        "nodes": [
            {"id": "s", "block_id": STORE_VALUE, "input_default": {"input": 1}},
            {"id": "a", "block_id": STORE_VALUE, "input_default": {}},
            {"id": "b", "block_id": STORE_VALUE, "input_default": {}},
        ],
        "links": [
            {"id": "l0", "source_id": "s", "source_name": "output", "sink_id": "a", "sink_name": "input"},
            {"id": "l1", "source_id": "a", "source_name": "output", "sink_id": "b", "sink_name": "input"},
            {"id": "l2", "source_id": "b", "source_name": "output", "sink_id": "a", "sink_name": "input"},
        ],
    }))
}

/// ExtractTextInformationBlock with `find_all` over 200 KB of "a" (finding 3).
fn fan_out() -> Graph {
    from_value(json!({
        "id": uuid::Uuid::new_v4().to_string(), "version": 1, "name": "fan-out",
        "nodes": [{"id": "e", "block_id": EXTRACT, "input_default":
            {"text": "a".repeat(200_000), "pattern": "a", "find_all": true}}],
        "links": [],
    }))
}

/// An AgentExecutorBlock that runs its own graph, its version fed by a link (finding 2).
fn recursive() -> Graph {
    let id = uuid::Uuid::new_v4().to_string();
    from_value(json!({
        "id": id, "version": 1, "name": "recursive",
        "nodes": [
            {"id": "v", "block_id": STORE_VALUE, "input_default": {"input": 1}},
            {"id": "call", "block_id": EXECUTOR, "input_default": {
                "user_id": DEFAULT_USER_ID, "graph_id": id, "inputs": {},
                "input_schema": {}, "output_schema": {}}},
        ],
        "links": [{"id": "l0", "source_id": "v", "source_name": "output", "sink_id": "call",
                   "sink_name": "graph_version", "is_static": true}],
    }))
}

/// input x → output y: the run that carries a huge input.
fn pass_through() -> Graph {
    from_value(json!({
        "id": uuid::Uuid::new_v4().to_string(), "version": 1, "name": "pass-through",
        "nodes": [
            {"id": "in", "block_id": INPUT, "input_default": {"name": "x"}},
            {"id": "out", "block_id": OUTPUT, "input_default": {"name": "y"}},
        ],
        "links": [{"id": "l0", "source_id": "in", "source_name": "result", "sink_id": "out", "sink_name": "value"}],
    }))
}

/// `count` small numbers as one JSON list: about two bytes each.
fn numbers(count: usize) -> Value {
    Value::Array((0..count).map(|i| json!(i % 10)).collect())
}

struct Case {
    name: &'static str,
    graph: Graph,
    /// Built when the case runs, so that no case's input is held while another runs.
    inputs: fn() -> Value,
}

pub async fn w9(report: &mut Vec<String>) -> anyhow::Result<()> {
    let b = crate::bench_engine().await?;
    let (addr, _server) = crate::serve(&b.engine).await?;
    let client = reqwest::Client::new();
    let cases = [
        Case {
            name: "ordinary: input → calculator → output",
            graph: graphs::three_nodes(),
            inputs: || json!({"x": 41}),
        },
        Case {
            name: "cycle of two StoreValue nodes",
            graph: cycle(),
            inputs: || json!({}),
        },
        Case {
            name: "find_all over 200 KB of \"a\"",
            graph: fan_out(),
            inputs: || json!({}),
        },
        Case {
            name: "input: 1,000,000 numbers (2 MB JSON)",
            graph: pass_through(),
            inputs: || json!({"x": numbers(1_000_000)}),
        },
        Case {
            name: "input: 3,000,000 numbers (6 MB JSON)",
            graph: pass_through(),
            inputs: || json!({"x": numbers(3_000_000)}),
        },
        Case {
            name: "recursive AgentExecutor",
            graph: recursive(),
            inputs: || json!({}),
        },
    ];
    report
        .push("| W9 hostile case | ends | time | peak RSS | RSS after | RSS before | peak live over the start |".to_string());
    report.push("|---|---|---|---|---|---|---|".to_string());
    // `AGENTRY_W9_ONLY=<words>`: only the cases whose name contains them.
    let only = std::env::var("AGENTRY_W9_ONLY").ok();
    for case in cases {
        if only.as_deref().is_some_and(|o| !case.name.contains(o)) {
            continue;
        }
        b.engine
            .store()
            .insert_graph_version(DEFAULT_USER_ID, &case.graph, "")
            .await?;
        let body = serde_json::to_vec(&json!({"inputs": (case.inputs)()}))?;
        tokio::time::sleep(settle()).await;
        let before = status_mib("VmRSS");
        reset_peak();
        let live = crate::live_peak::Peak::start();
        let started = Instant::now();
        let answer: Answer = client
            .post(format!(
                "http://{addr}/api/graphs/{}/execute/1?wait=true",
                case.graph.id
            ))
            .header("content-type", "application/json")
            .body(body)
            .send()
            .await?
            .json()
            .await?;
        let secs = started.elapsed().as_secs_f64();
        let peak = status_mib("VmHWM");
        let live = live.end() as f64 / 1048576.0;
        let status = answer.status.clone();
        let error = answer.error.as_deref().unwrap_or_default();
        let cap = error
            .split_whitespace()
            .find(|word| word.starts_with("max_"))
            .map(|cap| cap.trim_end_matches(':').to_string())
            .unwrap_or_default();
        drop(answer);
        tokio::time::sleep(settle()).await;
        let after = status_mib("VmRSS");
        report.push(format!(
            "| {} | {status} {cap} | {secs:.2} s | **{peak:.0} MiB** | {after:.0} MiB | {before:.0} MiB | {live:.1} MiB |",
            case.name
        ));
    }
    const ENGINE_ONLY: &str = "input: 1,000,000 numbers, engine only (no HTTP)";
    if only.as_deref().is_some_and(|o| !ENGINE_ONLY.contains(o)) {
        return Ok(());
    }
    // The engine alone (no HTTP body, no answer): how much of the input's cost is the run's.
    let graph = pass_through();
    let mut inputs = serde_json::Map::new();
    inputs.insert("x".into(), numbers(1_000_000));
    tokio::time::sleep(settle()).await;
    let before = status_mib("VmRSS");
    reset_peak();
    let live = crate::live_peak::Peak::start();
    let started = Instant::now();
    // The inputs move into the run: no copy of them is made inside the measured window.
    let output = crate::run_once(&b.engine, &graph, inputs).await?;
    let secs = started.elapsed().as_secs_f64();
    let peak = status_mib("VmHWM");
    let live = live.end() as f64 / 1048576.0;
    drop(output);
    tokio::time::sleep(settle()).await;
    let after = status_mib("VmRSS");
    report.push(format!(
        "| {ENGINE_ONLY} | COMPLETED | {secs:.2} s | **{peak:.0} MiB** | {after:.0} MiB | {before:.0} MiB | {live:.1} MiB |"
    ));
    Ok(())
}
