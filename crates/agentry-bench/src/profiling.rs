//! Workloads shaped for a profiler (docs/benchmarks.md, "Where a run's CPU goes"): `w3p` drives
//! `agentry serve` in its own process with 8 clients of the 3-node graph, `w1p` runs the chain
//! of 40 calculators in this process. Each reports its figures and the CPU per run of each
//! thread kind (tokio workers, the committer, sqlx's SQLite threads …) read from
//! `/proc/<pid>/task`; with `AGENTRY_BENCH_PERF=FILE` the measured phase runs under
//! `perf record --call-graph dwarf` writing FILE. For instruction counts, which the machine's
//! load does not change: with `AGENTRY_BENCH_CALLGRIND=1` the measured phase alone is
//! instrumented in a process started under `valgrind --tool=callgrind --instr-atstart=no`
//! (the server through `AGENTRY_BENCH_WRAP`, or the bench itself for `w1p`) and dumped at its
//! end, so that the dump holds exactly the measured runs.

use std::collections::BTreeMap;
use std::process::{Child, Command};
use std::time::Instant;

use anyhow::{Context as _, ensure};

use crate::process;
use crate::{
    POSTGRES, backend_name, bench_engine, execute_http, graphs, inputs, post_graph, run_once,
};

/// The measured runs of each workload, unless `AGENTRY_BENCH_RUNS` says otherwise.
fn runs(default: usize) -> usize {
    count("AGENTRY_BENCH_RUNS", default)
}

/// A count from the variable `name`, or `default`.
fn count(name: &str, default: usize) -> usize {
    std::env::var(name)
        .ok()
        .and_then(|n| n.parse().ok())
        .unwrap_or(default)
}

/// Callgrind's instrumentation of `pid` switched on for the measured phase, when
/// `AGENTRY_BENCH_CALLGRIND` is set (the process runs under callgrind with instrumentation off).
struct Callgrind(Option<u32>);

impl Callgrind {
    fn start(pid: u32) -> anyhow::Result<Self> {
        if std::env::var_os("AGENTRY_BENCH_CALLGRIND").is_none() {
            return Ok(Callgrind(None));
        }
        callgrind_control(&["--instr=on"], pid)?;
        Ok(Callgrind(Some(pid)))
    }

    /// Dumps the counts of the measured phase (a file `….1` beside callgrind's output file)
    /// and switches instrumentation off again.
    fn stop(self) -> anyhow::Result<()> {
        if let Some(pid) = self.0 {
            callgrind_control(&["--dump=measured phase"], pid)?;
            callgrind_control(&["--instr=off"], pid)?;
        }
        Ok(())
    }
}

fn callgrind_control(args: &[&str], pid: u32) -> anyhow::Result<()> {
    let status = Command::new("callgrind_control")
        .args(args)
        .arg(pid.to_string())
        .stdout(std::process::Stdio::null())
        .status()
        .context("cannot run callgrind_control")?;
    ensure!(status.success(), "callgrind_control {args:?} {pid} failed");
    Ok(())
}

/// CPU seconds (user + system) of each thread of `pid` by thread name, digits dropped so that
/// `tokio-runtime-w` threads and numbered pool threads add up under one name.
fn thread_cpu(pid: u32) -> BTreeMap<String, f64> {
    let mut by_name = BTreeMap::new();
    let Ok(tasks) = std::fs::read_dir(format!("/proc/{pid}/task")) else {
        return by_name;
    };
    for task in tasks.flatten() {
        let Ok(stat) = std::fs::read_to_string(task.path().join("stat")) else {
            continue;
        };
        let (Some(open), Some(close)) = (stat.find('('), stat.rfind(')')) else {
            continue;
        };
        let name: String = stat[open + 1..close]
            .chars()
            .filter(|c| !c.is_ascii_digit())
            .collect();
        let fields: Vec<&str> = stat[close + 1..].split_whitespace().collect();
        let ticks = |i: usize| {
            fields
                .get(i)
                .and_then(|f| f.parse::<f64>().ok())
                .unwrap_or(0.0)
        };
        *by_name.entry(name).or_insert(0.0) += (ticks(11) + ticks(12)) / 100.0;
    }
    by_name
}

/// "name 123.4 µs, …": each thread kind's CPU per run over a phase, largest first.
fn per_run_split(
    before: &BTreeMap<String, f64>,
    after: &BTreeMap<String, f64>,
    runs: usize,
) -> String {
    let mut split: Vec<(String, f64)> = after
        .iter()
        .map(|(name, secs)| {
            (
                name.clone(),
                secs - before.get(name).copied().unwrap_or(0.0),
            )
        })
        .filter(|(_, secs)| *secs > 0.0)
        .collect();
    split.sort_by(|a, b| b.1.total_cmp(&a.1));
    split
        .iter()
        .map(|(name, secs)| format!("{name} {:.1} µs", secs / runs as f64 * 1e6))
        .collect::<Vec<_>>()
        .join(", ")
}

/// `perf record` on `pid` while it lives, when `AGENTRY_BENCH_PERF` names an output file.
struct Perf(Option<Child>);

impl Perf {
    fn start(pid: u32) -> anyhow::Result<Self> {
        let Some(out) = std::env::var_os("AGENTRY_BENCH_PERF") else {
            return Ok(Perf(None));
        };
        let child = Command::new("perf")
            .args(["record", "-F", "499", "--call-graph", "dwarf,16384", "-o"])
            .arg(out)
            .args(["-p", &pid.to_string()])
            .spawn()
            .context("cannot start perf")?;
        // perf attaches to every thread before it samples; give it that time.
        std::thread::sleep(std::time::Duration::from_millis(500));
        Ok(Perf(Some(child)))
    }

    fn stop(mut self) -> anyhow::Result<()> {
        if let Some(mut child) = self.0.take() {
            let status = Command::new("kill")
                .args(["-INT", &child.id().to_string()])
                .status()?;
            ensure!(status.success(), "cannot stop perf");
            child.wait()?;
        }
        Ok(())
    }
}

/// W3 with 8 clients against `agentry serve` in its own process (SQLite, or PostgreSQL with
/// `AGENTRY_BENCH_POSTGRES`), after 400 runs of warm-up (`AGENTRY_BENCH_WARMUP`).
pub async fn w3p(report: &mut Vec<String>) -> anyhow::Result<()> {
    let dir = tempfile::tempdir()?;
    let postgres = match std::env::var(POSTGRES) {
        Ok(server) if !server.is_empty() => {
            Some(agentry_store::testing::fresh_postgres(&server).await)
        }
        _ => None,
    };
    let url = match &postgres {
        Some(db) => db.url().to_string(),
        None => format!("sqlite://{}?mode=rwc", dir.path().join("w3p.db").display()),
    };
    let server = process::serve(dir.path(), &url).await?;
    let client = reqwest::Client::new();
    let addr = server.addr.clone();
    let graph = post_graph(&client, &addr, &graphs::three_nodes()).await?;
    let phase = |total: usize| {
        let (client, addr, graph) = (client.clone(), addr.clone(), graph.clone());
        async move {
            let mut tasks = Vec::new();
            for w in 0..8 {
                let (client, addr, graph) = (client.clone(), addr.clone(), graph.clone());
                tasks.push(tokio::spawn(async move {
                    for i in (w..total).step_by(8) {
                        execute_http(&client, &addr, &graph, i as f64).await?;
                    }
                    anyhow::Ok(())
                }));
            }
            for t in tasks {
                t.await??;
            }
            anyhow::Ok(())
        }
    };
    phase(count("AGENTRY_BENCH_WARMUP", 400)).await?;
    let total = runs(4000);
    let perf = Perf::start(server.pid())?;
    let callgrind = Callgrind::start(server.pid())?;
    let (cpu, threads) = (server.cpu_secs(), thread_cpu(server.pid()));
    let started = Instant::now();
    phase(total).await?;
    let secs = started.elapsed().as_secs_f64();
    let (cpu, threads_after) = (server.cpu_secs() - cpu, thread_cpu(server.pid()));
    callgrind.stop()?;
    perf.stop()?;
    report.push(format!(
        "| W3p against the binary ({}), 8 clients | {total} runs of the 3-node graph, `?wait=true` | **{:.0} runs/s**; server CPU **{:.3} ms per run** | per thread kind, per run: {} |",
        backend_name(),
        total as f64 / secs,
        cpu / total as f64 * 1e3,
        per_run_split(&threads, &threads_after, total),
    ));
    drop(server);
    drop(postgres);
    Ok(())
}

/// W1's chain of 40 calculators (`AGENTRY_BENCH_CHAIN` sets the length; 0 gives a run's fixed
/// cost, to subtract) in this process, run in sequence after 20 runs of warm-up.
pub async fn w1p(report: &mut Vec<String>) -> anyhow::Result<()> {
    let b = bench_engine().await?;
    let steps = count("AGENTRY_BENCH_CHAIN", 40);
    let chain = graphs::chain(steps);
    for _ in 0..20 {
        run_once(&b.engine, &chain, inputs(0.0)).await?;
    }
    let total = runs(1000);
    let pid = std::process::id();
    let perf = Perf::start(pid)?;
    let callgrind = Callgrind::start(pid)?;
    let threads = thread_cpu(pid);
    let started = Instant::now();
    for i in 0..total {
        run_once(&b.engine, &chain, inputs(i as f64)).await?;
    }
    let secs = started.elapsed().as_secs_f64();
    let threads_after = thread_cpu(pid);
    callgrind.stop()?;
    perf.stop()?;
    let cpu: f64 = threads_after.values().sum::<f64>() - threads.values().sum::<f64>();
    // Per step over the chain's steps; a chain of 0 reports per run.
    let per = steps.max(1) as f64;
    report.push(format!(
        "| W1p in-process ({}), chain of {steps} | {total} runs in sequence | **{:.1} µs wall per step**, CPU {:.1} µs per step | per thread kind, per run of {steps} steps: {} |",
        backend_name(),
        secs / total as f64 / per * 1e6,
        cpu / total as f64 / per * 1e6,
        per_run_split(&threads, &threads_after, total),
    ));
    Ok(())
}
