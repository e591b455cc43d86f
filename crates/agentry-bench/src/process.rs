//! The release binary as its own process (issue 10, points 6 and 7): `agentry serve --no-auth`
//! started from the bench's own directory on a fresh database, measured from the outside through
//! `/proc/<pid>`: time to the first answered request, RSS idle and after 10,000 runs, and the
//! server's CPU per run at 1, 8 and 32 clients. Baselines from the same run: the startup of
//! `agentry --version`, the RSS of a trivial tokio + axum process (this bench started as
//! `agentry-bench hello`), and the server's CPU per `GET /health`.

use std::io::{BufRead as _, BufReader};
use std::path::Path;
use std::process::{Child, Command, Stdio};
use std::sync::mpsc;
use std::time::{Duration, Instant};

use anyhow::{Context as _, ensure};

use crate::queue::agentry_binary;

/// How long a process settles before its RSS is read: jemalloc's background threads give
/// dirty pages back over its decay time (10 s by default).
const SETTLE: Duration = Duration::from_secs(12);

/// A process started by the bench, killed when dropped.
pub(crate) struct Proc {
    child: Child,
    pub(crate) addr: String,
    /// From spawn to the first `GET /health` (or `/`) answered 200.
    pub(crate) first_answer: Duration,
}

impl Drop for Proc {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

impl Proc {
    pub(crate) fn pid(&self) -> u32 {
        self.child.id()
    }

    /// A field of `/proc/<pid>/status` or `/proc/<pid>/smaps_rollup` in MiB.
    pub(crate) fn mib(&self, file: &str, field: &str) -> f64 {
        let text =
            std::fs::read_to_string(format!("/proc/{}/{file}", self.pid())).unwrap_or_default();
        kib_field(&text, field).map_or(f64::NAN, |kib| kib / 1024.0)
    }

    /// User + system CPU of the whole process (all its threads, live and ended), in seconds.
    pub(crate) fn cpu_secs(&self) -> f64 {
        let stat =
            std::fs::read_to_string(format!("/proc/{}/stat", self.pid())).unwrap_or_default();
        // Fields after the command name (which may hold spaces) start at its closing paren;
        // utime and stime are fields 14 and 15, in clock ticks of 1/100 s on Linux.
        let rest = stat.rsplit_once(')').map_or("", |(_, r)| r);
        let fields: Vec<&str> = rest.split_whitespace().collect();
        let ticks = |i: usize| {
            fields
                .get(i)
                .and_then(|f| f.parse::<f64>().ok())
                .unwrap_or(0.0)
        };
        (ticks(11) + ticks(12)) / 100.0
    }

    /// The threads the process has now.
    pub(crate) fn threads(&self) -> usize {
        std::fs::read_dir(format!("/proc/{}/task", self.pid())).map_or(0, |d| d.count())
    }
}

pub(crate) fn kib_field(text: &str, field: &str) -> Option<f64> {
    text.lines()
        .find_map(|line| line.strip_prefix(field)?.strip_prefix(':'))
        .and_then(|rest| rest.trim().trim_end_matches("kB").trim().parse().ok())
}

/// Starts `command` (which prints `… listening on http://ADDR` on stderr) and waits for its
/// first answer to `GET path`.
async fn start(mut command: Command, path: &str) -> anyhow::Result<Proc> {
    let started = Instant::now();
    let mut child = command
        .stdout(Stdio::null())
        .stderr(Stdio::piped())
        .spawn()
        .context("cannot start the process")?;
    let stderr = child.stderr.take().context("stderr")?;
    let (tx, rx) = mpsc::channel();
    // Reads stderr to its end, so that the process never blocks on a full pipe.
    std::thread::spawn(move || {
        for line in BufReader::new(stderr).lines().map_while(Result::ok) {
            if let Some((_, addr)) = line.split_once("listening on http://") {
                let _ = tx.send(addr.trim().to_string());
            } else if std::env::var_os("AGENTRY_BENCH_VERBOSE").is_some() {
                eprintln!("server: {line}");
            }
        }
    });
    let mut proc = Proc {
        child,
        addr: String::new(),
        first_answer: Duration::ZERO,
    };
    proc.addr = tokio::task::spawn_blocking(move || rx.recv_timeout(start_limit()))
        .await?
        .context("the process did not say where it listens")?;
    let client = reqwest::Client::new();
    let url = format!("http://{}{path}", proc.addr);
    loop {
        if let Ok(answer) = client.get(&url).send().await
            && answer.status().is_success()
        {
            break;
        }
        ensure!(
            started.elapsed() < start_limit(),
            "no answer in {} s",
            start_limit().as_secs()
        );
        tokio::time::sleep(Duration::from_millis(1)).await;
    }
    proc.first_answer = started.elapsed();
    Ok(proc)
}

/// `agentry serve --no-auth` in `dir` (which holds its `agentry.toml`) on `database_url`.
pub(crate) async fn serve(dir: &Path, database_url: &str) -> anyhow::Result<Proc> {
    std::fs::write(
        dir.join("agentry.toml"),
        format!(
            "database_url = \"{database_url}\"\nhost = \"127.0.0.1\"\nport = 0\nlog = \"warn\"\n\
             [perimeter.rate_limits]\nenabled = false\n"
        ),
    )?;
    let mut command = wrapped(agentry_binary()?);
    command.args(["serve", "--no-auth"]).current_dir(dir);
    start(command, "/health").await
}

/// The variable giving a command the server runs under, split at whitespace (e.g.
/// `valgrind --tool=callgrind --instr-atstart=no`), for profilers that must start the process.
pub(crate) const WRAP: &str = "AGENTRY_BENCH_WRAP";

/// `binary` as a command, under the `AGENTRY_BENCH_WRAP` command when one is set.
fn wrapped(binary: std::path::PathBuf) -> Command {
    let wrap = std::env::var(WRAP).unwrap_or_default();
    let mut words = wrap.split_whitespace();
    match words.next() {
        Some(program) => {
            let mut command = Command::new(program);
            command.args(words).arg(binary);
            command
        }
        None => Command::new(binary),
    }
}

/// How long a started process may take to answer: a process under a wrapper (valgrind
/// translates the binary's code as it first runs) takes many times longer than a bare one.
fn start_limit() -> Duration {
    if std::env::var(WRAP).is_ok_and(|w| !w.trim().is_empty()) {
        Duration::from_secs(300)
    } else {
        Duration::from_secs(60)
    }
}

/// Baseline: this bench as a trivial tokio + axum server (`agentry-bench hello`).
pub(crate) async fn hello() -> anyhow::Result<Proc> {
    let mut command = Command::new(std::env::current_exe()?);
    command.arg("hello");
    start(command, "/").await
}

/// Baseline: from spawn to exit of `agentry --version`, median of 10.
pub(crate) fn version_startup() -> anyhow::Result<Duration> {
    let binary = agentry_binary()?;
    let mut times = Vec::new();
    for _ in 0..10 {
        let started = Instant::now();
        let status = Command::new(&binary)
            .arg("--version")
            .stdout(Stdio::null())
            .status()?;
        ensure!(status.success(), "agentry --version failed");
        times.push(started.elapsed());
    }
    times.sort();
    Ok(times[times.len() / 2])
}

/// `agentry-bench hello`: the smallest tokio + axum server, the baseline of the RSS figures.
pub(crate) fn hello_main() -> anyhow::Result<()> {
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()?;
    runtime.block_on(async {
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await?;
        eprintln!("hello listening on http://{}", listener.local_addr()?);
        let app = axum::Router::new().route("/", axum::routing::get(|| async { "hello" }));
        axum::serve(listener, app).await?;
        anyhow::Ok(())
    })
}

/// Waits for the process to settle and reads its RSS: (VmRSS, anonymous, file-backed) in MiB.
pub(crate) async fn settled_rss(proc: &Proc) -> (f64, f64, f64) {
    tokio::time::sleep(SETTLE).await;
    rss(proc)
}

pub(crate) fn rss(proc: &Proc) -> (f64, f64, f64) {
    (
        proc.mib("status", "VmRSS"),
        proc.mib("status", "RssAnon"),
        proc.mib("status", "RssFile"),
    )
}
