//! W10, the release binary from the outside (issue 10, points 6 and 7): `agentry serve` in its
//! own process on a fresh database (SQLite, or PostgreSQL with `AGENTRY_BENCH_POSTGRES`), with
//! the time to its first answer (fresh database and restart), its idle RSS, W3 against it with
//! 1, 8 and 32 clients (runs/s and the server's CPU per run, read from `/proc/<pid>/stat`), its
//! RSS after 10,000 runs and the database bytes per run. Each beside a same-run baseline.

use std::time::Instant;

use agentry_store::Store;
use anyhow::Context as _;

use crate::process::{self, Proc};
use crate::{backend_name, execute_http, graphs, post_graph};

/// The runs of each client count; 10,000 in all, the figure for RSS after runs.
const PHASES: [(usize, usize); 3] = [(1, 2000), (8, 4000), (32, 4000)];

/// `total` requests from `concurrency` clients; returns (wall seconds, server CPU seconds).
async fn load<F, Fut>(
    server: &Proc,
    concurrency: usize,
    total: usize,
    one: F,
) -> anyhow::Result<(f64, f64)>
where
    F: Fn(usize) -> Fut + Clone + Send + 'static,
    Fut: std::future::Future<Output = anyhow::Result<()>> + Send,
{
    let cpu = server.cpu_secs();
    let started = Instant::now();
    let mut tasks = Vec::new();
    for w in 0..concurrency {
        let one = one.clone();
        tasks.push(tokio::spawn(async move {
            for i in (w..total).step_by(concurrency) {
                one(i).await?;
            }
            anyhow::Ok(())
        }));
    }
    for t in tasks {
        t.await??;
    }
    Ok((started.elapsed().as_secs_f64(), server.cpu_secs() - cpu))
}

pub async fn w10(report: &mut Vec<String>) -> anyhow::Result<()> {
    let backend = backend_name();
    let version = process::version_startup()?;
    let hello = process::hello().await?;
    let hello_first = hello.first_answer;
    let (hello_rss, hello_anon, hello_file) = process::settled_rss(&hello).await;
    drop(hello);

    let dir = tempfile::tempdir()?;
    let postgres = match std::env::var(crate::POSTGRES) {
        Ok(server) if !server.is_empty() => {
            Some(agentry_store::testing::fresh_postgres(&server).await)
        }
        _ => None,
    };
    let url = match &postgres {
        Some(db) => db.url().to_string(),
        None => format!("sqlite://{}?mode=rwc", dir.path().join("w10.db").display()),
    };
    let fresh = process::serve(dir.path(), &url).await?.first_answer;
    // SIGKILL, then the restart an operator's service manager would make.
    let server = process::serve(dir.path(), &url).await?;
    report.push(format!(
        "| W10 startup ({backend}) | `agentry serve` from spawn to the first `GET /health` answered: fresh database (migrations) {:.1} ms | restart on that database **{:.1} ms** | `agentry --version` spawn to exit {:.1} ms; tokio + axum hello to its first answer {:.1} ms |",
        fresh.as_secs_f64() * 1e3,
        server.first_answer.as_secs_f64() * 1e3,
        version.as_secs_f64() * 1e3,
        hello_first.as_secs_f64() * 1e3,
    ));
    let (idle, idle_anon, idle_file) = process::settled_rss(&server).await;
    report.push(format!(
        "| W10 idle RSS ({backend}) | after the restart, settled, {} threads | **{idle:.1} MiB** (anonymous {idle_anon:.1}, file-backed {idle_file:.1}) | tokio + axum hello: {hello_rss:.1} MiB (anonymous {hello_anon:.1}, file-backed {hello_file:.1}) |",
        server.threads()
    ));

    let client = reqwest::Client::new();
    let addr = server.addr.clone();
    let graph = post_graph(&client, &addr, &graphs::three_nodes()).await?;
    let store = Store::open(&url).await?;
    let bytes_before = store.database_bytes().await?;
    let health = {
        let (client, addr) = (client.clone(), addr.clone());
        move |_: usize| {
            let (client, addr) = (client.clone(), addr.clone());
            async move {
                client
                    .get(format!("http://{addr}/health"))
                    .send()
                    .await?
                    .error_for_status()?;
                anyhow::Ok(())
            }
        }
    };
    let (hsecs, hcpu) = load(&server, 8, 4000, health).await?;
    let run = {
        let (client, addr) = (client.clone(), addr.clone());
        move |i: usize| {
            let (client, addr, graph) = (client.clone(), addr.clone(), graph.clone());
            async move { execute_http(&client, &addr, &graph, i as f64).await }
        }
    };
    let mut runs = 0;
    for (concurrency, total) in PHASES {
        let (secs, cpu) = load(&server, concurrency, total, run.clone()).await?;
        runs += total;
        report.push(format!(
            "| W10 W3 against the binary ({backend}), {concurrency} clients | {total} runs of the 3-node graph, `?wait=true` | **{:.0} runs/s**; server CPU **{:.3} ms per run** ({:.0} % of a core) | server CPU per `GET /health` (8 clients): {:.3} ms; {:.0} requests/s |",
            total as f64 / secs,
            cpu / total as f64 * 1e3,
            cpu / secs * 100.0,
            hcpu / 4000.0 * 1e3,
            4000.0 / hsecs,
        ));
    }
    let bytes = store.database_bytes().await? - bytes_before;
    store.close().await.context("closing the bench's store")?;
    let after = process::rss(&server).0;
    let (settled, anon, file) = process::settled_rss(&server).await;
    report.push(format!(
        "| W10 RSS after {runs} runs ({backend}) | right after {after:.1} MiB; settled, {} threads | **{settled:.1} MiB** (anonymous {anon:.1}, file-backed {file:.1}); {:.0} database bytes per run | idle, same process: {idle:.1} MiB |",
        server.threads(),
        bytes as f64 / runs as f64,
    ));
    // For a look inside the loaded server (`/proc/<pid>/smaps`, a debugger's view of the
    // allocator) before it is killed: `AGENTRY_BENCH_HOLD=<seconds>`.
    if let Some(secs) = std::env::var("AGENTRY_BENCH_HOLD")
        .ok()
        .and_then(|s| s.parse::<u64>().ok())
    {
        eprintln!("W10: holding server pid {} for {secs} s", server.pid());
        tokio::time::sleep(std::time::Duration::from_secs(secs)).await;
    }
    drop(server);
    drop(postgres);
    Ok(())
}
