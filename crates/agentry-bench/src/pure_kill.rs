//! W5 with a pure chain (issue 10, point 1): a chain of calculator steps (pure blocks, which
//! start on uncommitted values) run by a worker *process*, killed with SIGKILL mid-chain; a
//! second worker process takes over. Counted: committed completed steps lost, steps run twice,
//! and whether the result is right.

use std::collections::HashMap;
use std::process::{Command, Stdio};
use std::time::Duration;

use agentry_engine::{Engine, ExecuteRequest, graphs as save};
use agentry_store::{DEFAULT_USER_ID, Store};
use anyhow::{Context as _, ensure};
use serde_json::{Value, json};

use crate::{graphs, inputs, queue};

/// Steps in the chain, and how many must have committed before the kill.
const STEPS: usize = 3000;
const KILL_AFTER: usize = 300;

pub async fn w5_pure(report: &mut Vec<String>) -> anyhow::Result<()> {
    let binary = queue::agentry_binary()?;
    let dir = tempfile::tempdir()?;
    let url = format!("sqlite://{}?mode=rwc", dir.path().join("w5p.db").display());
    let lease_ms = 2000;
    std::fs::write(
        dir.path().join("agentry.toml"),
        format!(
            "database_url = \"{url}\"\nlog = \"warn\"\nlease_ms = {lease_ms}\npoll_interval_ms = 20\n\
             [limits]\nmax_node_executions = 100000\n"
        ),
    )?;
    let api = Engine::new(
        Store::open(&url).await?,
        queue::registry(),
        queue::config(0),
    );
    let graph = graphs::chain(STEPS);
    save::import(api.store(), api.registry(), DEFAULT_USER_ID, graph.clone()).await?;
    let spawn = || {
        Command::new(&binary)
            .args(["serve", "--role", "worker"])
            .current_dir(dir.path())
            .stderr(Stdio::null())
            .spawn()
    };
    // The worker first, so that it claims the run the moment it is enqueued.
    let mut first = spawn()?;
    tokio::time::sleep(Duration::from_millis(300)).await;
    let exec = api
        .execute(ExecuteRequest::new(
            DEFAULT_USER_ID,
            &graph.id,
            graph.version,
            inputs(0.0),
        ))
        .await?
        .row
        .id;
    let completed = |rec: &agentry_store::ExecutionRecord| -> Vec<String> {
        rec.nodes
            .iter()
            .filter(|n| n.row.status == "COMPLETED")
            .map(|n| n.row.node_id.clone())
            .collect()
    };
    loop {
        let rec = api.store().get_execution(DEFAULT_USER_ID, &exec).await?;
        if completed(&rec).len() >= KILL_AFTER {
            break;
        }
        tokio::time::sleep(Duration::from_millis(2)).await;
    }
    first.kill()?;
    first.wait()?;
    let done_before = completed(&api.store().get_execution(DEFAULT_USER_ID, &exec).await?);
    ensure!(
        done_before.len() < STEPS,
        "the chain ended before the kill: make it longer"
    );
    let mut second = spawn()?;
    let result = api
        .wait(&exec, Duration::from_secs(300))
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
    let mut runs_of: HashMap<&str, usize> = HashMap::new();
    for n in &rec.nodes {
        if n.row.status == "COMPLETED" {
            *runs_of.entry(n.row.node_id.as_str()).or_default() += 1;
        }
    }
    let lost = done_before
        .iter()
        .filter(|n| !runs_of.contains_key(n.as_str()))
        .count();
    let twice = runs_of.values().filter(|c| **c > 1).count();
    // Every calculator must have run once; the chain adds 1 per step.
    let missing = graph.nodes.len() - runs_of.len();
    let outputs = result.outputs.tree();
    let right = outputs.get("y") == Some(&json!([STEPS as f64]))
        || outputs.get("y") == Some(&Value::from(vec![STEPS as f64]));
    report.push(format!(
        "| W5 kill -9 mid pure chain | chain of {STEPS} calculator steps on a worker process, killed after {} committed steps, a second worker process takes over | completed steps lost **{lost}**, run twice **{twice}**, steps never run {missing}, output {} | baseline: 0 / 0, output {STEPS} |",
        done_before.len(),
        if right {
            format!("{STEPS} (right)")
        } else {
            format!("WRONG: {:?}", outputs.get("y"))
        },
    ));
    ensure!(
        lost == 0 && twice == 0 && missing == 0 && right,
        "W5 pure chain failed its check"
    );
    Ok(())
}
