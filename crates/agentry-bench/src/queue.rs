//! W4 and W5: the durable queue under load, and a worker killed with SIGKILL mid-run.

use std::path::PathBuf;
use std::process::{Command, Stdio};
use std::sync::Arc;
use std::time::{Duration, Instant};

use agentry_core::{Block, BlockError, BlockMeta, Category, Cx, Graph, Registry};
use agentry_engine::{Config, Engine, ExecuteRequest, graphs as save};
use agentry_store::{DEFAULT_USER_ID, Store};
use anyhow::{Context as _, ensure};
use schemars::JsonSchema;
use serde::{Deserialize, Serialize};
use serde_json::{Map, json};
use tokio_util::sync::CancellationToken;

/// W4's block: waits 100 ms, then yields.
struct Sleep100;

#[derive(Deserialize, JsonSchema)]
struct SleepInput {}

#[derive(Serialize, JsonSchema)]
#[serde(tag = "pin", content = "value", rename_all = "snake_case")]
enum SleepOutput {
    Done(bool),
}

impl Block for Sleep100 {
    const META: BlockMeta = BlockMeta::standard(
        "00000000-0000-4000-8000-0000000b1004",
        "BenchSleep100Block",
        "Waits 100 ms (benchmark W4).",
        &[Category::Basic],
    );
    type Input = SleepInput;
    type Output = SleepOutput;
    async fn run(&self, _: SleepInput, cx: &mut Cx<'_, SleepOutput>) -> Result<(), BlockError> {
        tokio::time::sleep(Duration::from_millis(100)).await;
        cx.emit(SleepOutput::Done(true));
        Ok(())
    }
}

pub(crate) fn registry() -> Arc<Registry> {
    let mut r = agentry_blocks::registry();
    r.register(Sleep100);
    Arc::new(r)
}

pub(crate) fn config(workers: usize) -> Config {
    Config {
        worker_concurrency: workers,
        poll_interval: Duration::from_millis(20),
        ..Config::default()
    }
}

/// Enqueues `runs` runs through an API-only engine, then lets `workers` engines (each with its
/// own connection pool, as separate processes would have) of `concurrency` slots drain the queue.
async fn drain(runs: usize, workers: usize, concurrency: usize) -> anyhow::Result<f64> {
    let dir = tempfile::tempdir()?;
    let url = format!("sqlite://{}?mode=rwc", dir.path().join("w4.db").display());
    let api = Engine::new(Store::open(&url).await?, registry(), config(0));
    let graph: Graph = serde_json::from_value(json!({
        "id": uuid::Uuid::new_v4().to_string(), "version": 1, "name": "sleep",
        "nodes": [{"id": "s", "block_id": Sleep100::META.id, "input_default": {}}], "links": [],
    }))?;
    save::import(api.store(), api.registry(), DEFAULT_USER_ID, graph.clone()).await?;
    for _ in 0..runs {
        api.execute(ExecuteRequest::new(
            DEFAULT_USER_ID,
            &graph.id,
            graph.version,
            Map::new(),
        ))
        .await?;
    }
    let stop = CancellationToken::new();
    let started = Instant::now();
    let mut engines = Vec::new();
    for _ in 0..workers {
        let engine = Engine::new(Store::open(&url).await?, registry(), config(concurrency));
        engine.spawn_worker(stop.clone());
        engines.push(engine);
    }
    while api.store().queue_len().await? > 0 {
        ensure!(
            started.elapsed() < Duration::from_secs(600),
            "the queue did not drain"
        );
        tokio::time::sleep(Duration::from_millis(5)).await;
    }
    let secs = started.elapsed().as_secs_f64();
    stop.cancel();
    let (done, _) = api
        .store()
        .list_executions(DEFAULT_USER_ID, None, 1, 1)
        .await?;
    ensure!(
        done.first().is_some_and(|r| r.status == "COMPLETED"),
        "runs completed"
    );
    Ok(runs as f64 / secs)
}

pub async fn w4(report: &mut Vec<String>) -> anyhow::Result<()> {
    for workers in [1usize, 2, 4] {
        let rate = drain(100, workers, 1).await?;
        let ideal = workers as f64 * 10.0;
        report.push(format!(
            "| W4 queue, {workers} worker(s) × concurrency 1 | 100 queued runs of a 100 ms block | **{rate:.1} runs/s** | ideal {ideal:.0} runs/s ({:.0} %) |",
            rate / ideal * 100.0
        ));
    }
    let rate = drain(1000, 1, 100).await?;
    report.push(format!(
        "| W4 queue, 1 worker × concurrency 100 | 1000 queued runs of a 100 ms block | **{rate:.0} runs/s** | ideal 1000 runs/s ({:.0} %) |",
        rate / 10.0
    ));
    Ok(())
}

pub(crate) fn agentry_binary() -> anyhow::Result<PathBuf> {
    let exe = std::env::current_exe()?;
    let path = exe.with_file_name("agentry");
    ensure!(
        path.exists(),
        "build the agentry binary first: cargo build --release -p agentry"
    );
    Ok(path)
}

/// W5: a chain of ten 1 s steps; the worker process running it is killed with SIGKILL after
/// three steps; another worker process takes over.
pub async fn w5(report: &mut Vec<String>) -> anyhow::Result<()> {
    let binary = agentry_binary()?;
    let dir = tempfile::tempdir()?;
    let db = dir.path().join("w5.db");
    let url = format!("sqlite://{}?mode=rwc", db.display());
    let lease_ms = 2000;
    std::fs::write(
        dir.path().join("agentry.toml"),
        format!(
            "database_url = \"{url}\"\nlog = \"warn\"\nlease_ms = {lease_ms}\npoll_interval_ms = 50\n"
        ),
    )?;
    let api = Engine::new(Store::open(&url).await?, registry(), config(0));
    let mut nodes = Vec::new();
    let mut links = Vec::new();
    for i in 0..10 {
        nodes.push(
            json!({"id": format!("s{i}"), "block_id": "d67a9c52-5e4e-11e2-bcfd-0800200c9a71",
            "input_default": {"seconds": 1, "input_message": "token"}}),
        );
        if i > 0 {
            links.push(
                json!({"source_id": format!("s{}", i - 1), "source_name": "output_message",
                "sink_id": format!("s{i}"), "sink_name": "input_message"}),
            );
        }
    }
    let graph: Graph = serde_json::from_value(json!({
        "id": uuid::Uuid::new_v4().to_string(), "version": 1, "name": "ten steps", "nodes": nodes, "links": links,
    }))?;
    save::import(api.store(), api.registry(), DEFAULT_USER_ID, graph.clone()).await?;
    let exec = api
        .execute(ExecuteRequest::new(
            DEFAULT_USER_ID,
            &graph.id,
            graph.version,
            Map::new(),
        ))
        .await?
        .row
        .id;
    let spawn = || {
        Command::new(&binary)
            .args(["serve", "--role", "worker"])
            .current_dir(dir.path())
            .stderr(Stdio::null())
            .spawn()
    };
    let mut first = spawn()?;
    let completed = |rec: &agentry_store::ExecutionRecord| -> Vec<String> {
        rec.nodes
            .iter()
            .filter(|n| n.row.status == "COMPLETED")
            .map(|n| n.row.node_id.clone())
            .collect()
    };
    loop {
        let rec = api.store().get_execution(DEFAULT_USER_ID, &exec).await?;
        if completed(&rec).len() >= 3 {
            break;
        }
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
    first.kill()?;
    let killed_at = chrono::Utc::now();
    first.wait()?;
    let done_before = completed(&api.store().get_execution(DEFAULT_USER_ID, &exec).await?);
    let mut second = spawn()?;
    let result = api
        .wait(&exec, Duration::from_secs(120))
        .await
        .context("the run was not resumed")?;
    let _ = second.kill();
    let _ = second.wait();
    ensure!(
        result.status == agentry_core::ExecutionStatus::Completed,
        "resumed run ended {:?}",
        result.status
    );
    let rec = api.store().get_execution(DEFAULT_USER_ID, &exec).await?;
    // The first node execution started after the kill marks the resumption.
    let resumed_at = rec
        .nodes
        .iter()
        .filter_map(|n| n.row.start_time)
        .filter(|t| *t > killed_at)
        .min()
        .context("nothing ran after the kill")?;
    let lost = done_before
        .iter()
        .filter(|n| !completed(&rec).contains(n))
        .count();
    let twice = (0..10)
        .filter(|i| {
            rec.nodes
                .iter()
                .filter(|n| n.row.node_id == format!("s{i}") && n.row.status == "COMPLETED")
                .count()
                > 1
        })
        .count();
    let resume_secs = (resumed_at - killed_at).num_milliseconds() as f64 / 1000.0;
    report.push(format!(
        "| W5 kill -9 mid-run | chain of ten 1 s steps, worker killed after {} steps, a second worker process takes over | resumed after **{resume_secs:.2} s**; completed steps lost **{lost}**, run twice **{twice}** | baseline: the lease, {:.1} s |",
        done_before.len(),
        lease_ms as f64 / 1000.0
    ));
    Ok(())
}
