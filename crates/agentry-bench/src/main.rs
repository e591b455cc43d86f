//! Agentry's benchmarks W1–W9 (see docs/benchmarks.md): per-step overhead of a chain, parallel
//! branches, and runs through the HTTP API, all with SQLite persistence on. Figures are reported
//! beside baselines measured in the same run, because this machine is shared and noisy.

mod agent;
mod auth;
mod footprint;
mod graphs;
mod hostile;
mod live;
#[path = "../../agentry-engine/tests/it/live_peak.rs"]
mod live_peak;
mod process;
mod profiling;
mod pure_kill;
mod queue;

use std::sync::Arc;
use std::time::{Duration, Instant};

use agentry_core::{ExecutionStatus, Graph};
use agentry_engine::{Config, Engine, ExecuteRequest};
use agentry_store::{DEFAULT_USER_ID, Store};
use anyhow::{Context as _, ensure};
use serde_json::{Map, Value, json};

/// The allocator of the `agentry` binary, so that W8's memory figures are the server's.
#[global_allocator]
static ALLOCATOR: tikv_jemallocator::Jemalloc = tikv_jemallocator::Jemalloc;

struct Bench {
    engine: Engine,
    _dir: tempfile::TempDir,
    /// The fresh PostgreSQL database of this workload, dropped with it.
    _postgres: Option<agentry_store::testing::TestDatabase>,
}

/// The variable naming a PostgreSQL server: when set, workloads W1 and W3 run on a fresh
/// database of their own there instead of a SQLite file.
pub(crate) const POSTGRES: &str = "AGENTRY_BENCH_POSTGRES";

/// Which database the workloads run on, for the report.
fn backend_name() -> &'static str {
    match std::env::var(POSTGRES) {
        Ok(url) if !url.is_empty() => "PostgreSQL",
        _ => "SQLite",
    }
}

async fn bench_engine() -> anyhow::Result<Bench> {
    let dir = tempfile::tempdir()?;
    if let Ok(server) = std::env::var(POSTGRES)
        && !server.is_empty()
    {
        let db = agentry_store::testing::fresh_postgres(&server).await;
        let store = Store::open(db.url()).await?;
        let engine = Engine::new(
            store,
            Arc::new(agentry_blocks::registry()),
            Config::default(),
        );
        return Ok(Bench {
            engine,
            _dir: dir,
            _postgres: Some(db),
        });
    }
    let url = format!(
        "sqlite://{}?mode=rwc",
        dir.path().join("bench.db").display()
    );
    let store = Store::open(&url).await?;
    if std::env::var_os("AGENTRY_BENCH_KEEP_DB").is_some() {
        // For a breakdown by table afterwards (`sqlite3 FILE` with dbstat).
        eprintln!("bench database: {}", dir.path().join("bench.db").display());
    }
    let engine = Engine::new(
        store,
        Arc::new(agentry_blocks::registry()),
        Config::default(),
    );
    if std::env::var_os("AGENTRY_BENCH_KEEP_DB").is_some() {
        let _ = dir.keep();
        return Ok(Bench {
            engine,
            _dir: tempfile::tempdir()?,
            _postgres: None,
        });
    }
    Ok(Bench {
        engine,
        _dir: dir,
        _postgres: None,
    })
}

fn inputs(x: f64) -> Map<String, Value> {
    json!({"x": x}).as_object().cloned().unwrap_or_default()
}

async fn run_once(
    engine: &Engine,
    graph: &Graph,
    input: Map<String, Value>,
) -> anyhow::Result<Value> {
    // Runs go by saved versions: the first run of a graph saves it (later ones find it cached).
    if engine
        .graph_version(DEFAULT_USER_ID, &graph.id, graph.version)
        .await
        .is_err()
    {
        engine
            .store()
            .insert_graph_version(DEFAULT_USER_ID, graph, "")
            .await?;
    }
    let request = ExecuteRequest::new(DEFAULT_USER_ID, &graph.id, graph.version, input);
    let id = engine.execute(request).await?.row.id;
    let result = engine
        .wait(&id, Duration::from_secs(60))
        .await
        .context("run did not end")?;
    ensure!(
        result.status == ExecutionStatus::Completed,
        "run {id} ended {:?}",
        result.status
    );
    Ok(Value::Object(result.outputs.into_tree()))
}

fn median(mut xs: Vec<f64>) -> f64 {
    xs.sort_by(f64::total_cmp);
    xs[xs.len() / 2]
}

/// Median wall time of `n` sequential runs of `graph`, in seconds.
async fn time_runs(engine: &Engine, graph: &Graph, n: usize) -> anyhow::Result<f64> {
    let mut times = Vec::with_capacity(n);
    for i in 0..n {
        let started = Instant::now();
        run_once(engine, graph, inputs(i as f64)).await?;
        times.push(started.elapsed().as_secs_f64());
    }
    Ok(median(times))
}

/// Baseline: one committed SQLite transaction of one run row, as the store does it.
async fn commit_baseline(engine: &Engine, n: usize) -> anyhow::Result<f64> {
    let mut times = Vec::with_capacity(n);
    for _ in 0..n {
        let started = Instant::now();
        engine
            .store()
            .create_execution(agentry_store::NewExecution {
                id: uuid::Uuid::now_v7().to_string(),
                user_id: DEFAULT_USER_ID.into(),
                graph_id: "baseline".into(),
                graph_version: 1,
                inputs: serde_json::value::to_raw_value(&json!({}))?,
                parent_id: None,
                node_inputs: None,
            })
            .await?;
        times.push(started.elapsed().as_secs_f64());
    }
    Ok(median(times))
}

/// Baseline: one step's write as the engine makes it: a node row upsert and one output, in one
/// transaction.
async fn step_batch_baseline(engine: &Engine, n: usize) -> anyhow::Result<f64> {
    use agentry_store::{Batch, NodeRow, OutputRow};
    let mut times = Vec::with_capacity(n);
    for i in 0..n {
        let id = uuid::Uuid::now_v7().to_string();
        let now = chrono::Utc::now();
        let batch = Batch {
            nodes: vec![NodeRow {
                id: id.clone(),
                graph_exec_id: "baseline".into(),
                user_id: DEFAULT_USER_ID.into(),
                node_id: "n".into(),
                block_id: "b".into(),
                status: ExecutionStatus::Completed,
                input_data: json!({"a": i, "b": 1}).to_string().into(),
                stats: Some(json!({"walltime": 0.0})),
                attempt: 1,
                seq: i as i64,
                add_time: now,
                start_time: Some(now),
                end_time: Some(now),
                event_seq: 0,
            }],
            outputs: vec![OutputRow {
                node_exec_id: id,
                graph_exec_id: "baseline".into(),
                user_id: DEFAULT_USER_ID.into(),
                name: "result".into(),
                data: json!(i).into(),
                seq: 0,
                event_seq: 0,
                graph_output: None,
            }],
            runs: vec![],
            ..Default::default()
        };
        let started = Instant::now();
        engine.store().apply_batch(&batch).await?;
        times.push(started.elapsed().as_secs_f64());
    }
    Ok(median(times))
}

async fn w1(report: &mut Vec<String>) -> anyhow::Result<()> {
    let b = bench_engine().await?;
    let (c0, c40) = (graphs::chain(0), graphs::chain(40));
    let out = run_once(&b.engine, &c40, inputs(2.0)).await?;
    ensure!(
        out["y"] == json!([42.0]),
        "chain of 40 computes 2 + 40: {out}"
    );
    let (runs, _) = b
        .engine
        .store()
        .list_executions(DEFAULT_USER_ID, None, 1, 1)
        .await?;
    let commits = runs[0]
        .stats
        .as_ref()
        .and_then(|s| s.get("commits"))
        .cloned()
        .unwrap_or_default();
    eprintln!("chain of 40: {commits} commits in one run");
    for _ in 0..20 {
        run_once(&b.engine, &c0, inputs(0.0)).await?;
        run_once(&b.engine, &c40, inputs(0.0)).await?;
    }
    let n = 200;
    let t0 = time_runs(&b.engine, &c0, n).await?;
    let t40 = time_runs(&b.engine, &c40, n).await?;
    let commit = commit_baseline(&b.engine, n).await?;
    let step_batch = step_batch_baseline(&b.engine, n).await?;
    let per_step = (t40 - t0) / 40.0;
    report.push(format!(
        "| W1 in-process ({}) | chain 0: {:.3} ms, chain 40: {:.3} ms | per-step overhead **{:.1} µs** | baselines: one-row commit {:.1} µs; one step's batch (node row + output) {:.1} µs; per step = {:.2} step batches |",
        backend_name(), t0 * 1e3, t40 * 1e3, per_step * 1e6, commit * 1e6, step_batch * 1e6, per_step / step_batch
    ));

    // The same chains through the HTTP API with ?wait=true.
    let (addr, _server) = serve(&b.engine).await?;
    let client = reqwest::Client::new();
    let id0 = post_graph(&client, &addr, &c0).await?;
    let id40 = post_graph(&client, &addr, &c40).await?;
    let http = |id: String| {
        let client = client.clone();
        let addr = addr.clone();
        async move {
            let mut times = Vec::new();
            for i in 0..n {
                let started = Instant::now();
                execute_http(&client, &addr, &id, i as f64).await?;
                times.push(started.elapsed().as_secs_f64());
            }
            anyhow::Ok(median(times))
        }
    };
    let h0 = http(id0).await?;
    let h40 = http(id40).await?;
    let health = {
        let mut times = Vec::new();
        for _ in 0..n {
            let started = Instant::now();
            client
                .get(format!("http://{addr}/health"))
                .send()
                .await?
                .error_for_status()?;
            times.push(started.elapsed().as_secs_f64());
        }
        median(times)
    };
    report.push(format!(
        "| W1 HTTP ({}) | chain 0: {:.3} ms, chain 40: {:.3} ms | per-step overhead **{:.1} µs** | baseline: GET /health {:.1} µs |",
        backend_name(), h0 * 1e3, h40 * 1e3, (h40 - h0) / 40.0 * 1e6, health * 1e6
    ));
    Ok(())
}

async fn w2(report: &mut Vec<String>) -> anyhow::Result<()> {
    let b = bench_engine().await?;
    let g = graphs::parallel_waits(10, 1);
    let mut times = Vec::new();
    for _ in 0..3 {
        let started = Instant::now();
        let out = run_once(&b.engine, &g, Map::new()).await?;
        ensure!(
            out["joined"][0].as_object().is_some_and(|m| m.len() == 10),
            "join got all 10: {out}"
        );
        times.push(started.elapsed().as_secs_f64());
    }
    let t = median(times);
    report.push(format!(
        "| W2 in-process | 10 branches × 1 s wait, then a join: {:.3} s | **{:+.2} %** against the ideal 1 s | baseline: the ideal, 1.000 s |",
        t, (t - 1.0) * 100.0
    ));
    Ok(())
}

async fn w3(report: &mut Vec<String>) -> anyhow::Result<()> {
    let b = bench_engine().await?;
    let (addr, _server) = serve(&b.engine).await?;
    let client = reqwest::Client::new();
    let id = post_graph(&client, &addr, &graphs::three_nodes()).await?;
    let rss_before = hostile::status_mib("VmRSS");
    let bytes_before = b.engine.store().database_bytes().await?;
    let mut runs = 0usize;
    for concurrency in [1usize, 8, 32] {
        let total = 2000;
        runs += total;
        let started = Instant::now();
        let mut tasks = Vec::new();
        for w in 0..concurrency {
            let (client, addr, id) = (client.clone(), addr.clone(), id.clone());
            tasks.push(tokio::spawn(async move {
                for i in (w..total).step_by(concurrency) {
                    execute_http(&client, &addr, &id, i as f64).await?;
                }
                anyhow::Ok(())
            }));
        }
        for t in tasks {
            t.await??;
        }
        let secs = started.elapsed().as_secs_f64();
        report.push(format!(
            "| W3 HTTP ({}), concurrency {concurrency} | {total} runs of a 3-node graph with ?wait=true in {secs:.2} s | **{:.0} runs/s** | |",
            backend_name(),
            total as f64 / secs
        ));
    }
    let bytes = b.engine.store().database_bytes().await? - bytes_before;
    report.push(format!(
        "| W3 footprint ({}) | {runs} runs | **{:.0} database bytes per run**; RSS {:.1} MiB after the runs | RSS before the runs {:.1} MiB |",
        backend_name(),
        bytes as f64 / runs as f64,
        hostile::status_mib("VmRSS"),
        rss_before
    ));
    Ok(())
}

async fn serve(engine: &Engine) -> anyhow::Result<(String, tokio::task::JoinHandle<()>)> {
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await?;
    let addr = listener.local_addr()?.to_string();
    // Rate limits off: the bench measures the run path, not the perimeter (W8 measures that).
    let state = agentry_server::AppState::new(engine.clone()).with_perimeter(auth::no_limits()?);
    let handle = tokio::spawn(async move {
        let _ = agentry_server::serve(listener, state, std::future::pending()).await;
    });
    Ok((addr, handle))
}

async fn post_graph(client: &reqwest::Client, addr: &str, graph: &Graph) -> anyhow::Result<String> {
    let body: Value = client
        .post(format!("http://{addr}/api/graphs"))
        .json(&json!({ "graph": graph }))
        .send()
        .await?
        .error_for_status()?
        .json()
        .await?;
    Ok(body["id"].as_str().context("graph id")?.to_string())
}

async fn execute_http(
    client: &reqwest::Client,
    addr: &str,
    id: &str,
    x: f64,
) -> anyhow::Result<()> {
    let body: Value = client
        .post(format!("http://{addr}/api/graphs/{id}/execute/1?wait=true"))
        .json(&json!({"inputs": {"x": x}}))
        .send()
        .await?
        .error_for_status()?
        .json()
        .await?;
    ensure!(body["status"] == "COMPLETED", "run failed: {body}");
    Ok(())
}

fn main() -> anyhow::Result<()> {
    // As the binary: freed memory goes back to the system in the background.
    let _ = tikv_jemalloc_ctl::background_thread::write(true);
    let which: Vec<String> = std::env::args().skip(1).collect();
    if which.first().is_some_and(|a| a == "hello") {
        return process::hello_main();
    }
    let wants = |w: &str| which.is_empty() || which.iter().any(|a| a.eq_ignore_ascii_case(w));
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()?;
    runtime.block_on(async {
        let mut report = vec![
            "| workload | measured | result | baseline (same run) |".to_string(),
            "|---|---|---|---|".to_string(),
        ];
        if wants("w1") {
            w1(&mut report).await?;
        }
        if wants("w2") {
            w2(&mut report).await?;
        }
        if wants("w3") {
            w3(&mut report).await?;
        }
        if wants("w4") {
            queue::w4(&mut report).await?;
        }
        if wants("w5") {
            queue::w5(&mut report).await?;
        }
        if wants("w5") || wants("w5p") {
            pure_kill::w5_pure(&mut report).await?;
        }
        if wants("w6") {
            live::w6(&mut report).await?;
        }
        if wants("w7") {
            agent::w7(&mut report).await?;
        }
        if wants("w8") {
            auth::w8(&mut report).await?;
        }
        if wants("w10") {
            footprint::w10(&mut report).await?;
        }
        // Shaped for a profiler; only when named.
        if which.iter().any(|a| a == "w3p") {
            profiling::w3p(&mut report).await?;
        }
        if which.iter().any(|a| a == "w1p") {
            profiling::w1p(&mut report).await?;
        }
        if wants("w9") {
            hostile::w9(&mut report).await?;
        }
        println!("{}", report.join("\n"));
        anyhow::Ok(())
    })
}
