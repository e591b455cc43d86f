//! The binary's integration tests: the real `agentry` executable on real agent files.

mod agents;
mod backup;
mod examples;
mod exports_e2e;
mod llm_agents;
mod media;
mod ops;
mod process;
mod rolling;
mod serve;
mod tidy;
mod workers;

use std::io::Read;
use std::os::unix::process::CommandExt as _;
use std::path::{Path, PathBuf};
use std::process::{Command, Output, Stdio};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

/// How long one `agentry` command may take. Past it the test kills the command (and what it
/// started, such as pg_dump) and fails with what it wrote, rather than hanging the whole run.
const COMMAND_LIMIT: Duration = Duration::from_secs(300);

/// The shared AutoGPT exports, beside the repository.
pub fn agent(name: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("../../../shared/autogpt-agents")
        .join(name)
}

/// Runs `agentry` in `dir` (where its default `./agentry.db` lives).
pub fn agentry(dir: &Path, args: &[&str]) -> Output {
    agentry_with_env(dir, args, &[])
}

/// As `agentry`, with these environment variables set (LLM provider variables of the machine
/// are removed first, so that only the test's reach the process).
pub fn agentry_with_env(dir: &Path, args: &[&str], env: &[(&str, &str)]) -> Output {
    let mut command = Command::new(env!("CARGO_BIN_EXE_agentry"));
    command
        .args(args)
        .current_dir(dir)
        .env_remove("AGENTRY_DATABASE_URL")
        .env_remove("AGENTRY_ENCRYPTION_KEY")
        .env_remove("RUST_LOG");
    for (key, _) in std::env::vars() {
        if key.starts_with("OPENAI_") || key.starts_with("ANTHROPIC_") {
            command.env_remove(key);
        }
    }
    let mut child = command
        .envs(env.iter().copied())
        .stdin(Stdio::null())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        // Its own process group, so that a kill reaches the tools it runs too.
        .process_group(0)
        .spawn()
        .expect("agentry runs");
    let stdout = collect(child.stdout.take().unwrap());
    let stderr = collect(child.stderr.take().unwrap());
    let since = Instant::now();
    let status = loop {
        if let Some(status) = child.try_wait().unwrap() {
            break status;
        }
        if since.elapsed() > COMMAND_LIMIT {
            let _ = Command::new("kill")
                .args(["-KILL", "--", &format!("-{}", child.id())])
                .status();
            let _ = child.wait();
            panic!(
                "agentry {args:?} was still running after {} s; it wrote: {}",
                COMMAND_LIMIT.as_secs(),
                text(&stderr.0.lock().unwrap())
            );
        }
        std::thread::sleep(Duration::from_millis(20));
    };
    Output {
        status,
        stdout: stdout.finish(),
        stderr: stderr.finish(),
    }
}

/// What a child writes to one pipe, read on a thread so that the child never blocks on it.
struct Collected(Arc<Mutex<Vec<u8>>>, std::thread::JoinHandle<()>);

impl Collected {
    fn finish(self) -> Vec<u8> {
        let _ = self.1.join();
        std::mem::take(&mut self.0.lock().unwrap())
    }
}

fn collect(mut pipe: impl Read + Send + 'static) -> Collected {
    let buffer = Arc::new(Mutex::new(Vec::new()));
    let sink = buffer.clone();
    let reader = std::thread::spawn(move || {
        let mut chunk = [0u8; 8192];
        while let Ok(n) = pipe.read(&mut chunk) {
            if n == 0 {
                break;
            }
            sink.lock().unwrap().extend_from_slice(&chunk[..n]);
        }
    });
    Collected(buffer, reader)
}

pub fn text(bytes: &[u8]) -> String {
    String::from_utf8_lossy(bytes).into_owned()
}
