//! The parent side: start the runner with its limits, feed it the code, collect what it says.

use std::ffi::OsString;
use std::os::unix::fs::PermissionsExt;
use std::os::unix::process::ExitStatusExt;
use std::path::PathBuf;
use std::process::Stdio;
use std::time::Duration;

use tokio::io::{AsyncRead, AsyncReadExt, AsyncWriteExt};

use crate::protocol;
use crate::{Language, Limits};

/// How to run code locally: the runner executable and its leading arguments (e.g. a hidden
/// subcommand of the main binary), the Python interpreter, and the limits of each run.
/// The binary puts one in `Resources`; `ExecuteCodeBlock` finds it there.
#[derive(Debug, Clone)]
pub struct CodeSandbox {
    pub runner: PathBuf,
    pub runner_args: Vec<OsString>,
    pub python: PathBuf,
    pub limits: Limits,
}

/// Why the sandbox could not run the code at all (not: the code failed).
#[derive(Debug, thiserror::Error)]
pub enum SandboxError {
    #[error("could not start the sandbox runner {path}: {source}")]
    Spawn {
        path: String,
        source: std::io::Error,
    },
    #[error("sandbox: {0}")]
    Io(#[from] std::io::Error),
}

/// What one run produced.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Outcome {
    /// The program's stdout, without the runner's report.
    pub stdout: String,
    pub stderr: String,
    /// The text form of the last expression's value, when there is one.
    pub result: Option<String>,
    /// An uncaught exception, or why the run was stopped; `None` when it went well.
    pub error: Option<String>,
    /// The parent killed the run at the wall clock.
    pub timed_out: bool,
    /// The exit code, or the negated signal that ended the runner.
    pub exit: i32,
}

impl CodeSandbox {
    /// A sandbox running `runner` (no leading arguments) and `python`, with default limits.
    pub fn new(runner: impl Into<PathBuf>, python: impl Into<PathBuf>) -> Self {
        CodeSandbox {
            runner: runner.into(),
            runner_args: Vec::new(),
            python: python.into(),
            limits: Limits::default(),
        }
    }

    /// The machine's Python: `/usr/bin/python3` when it exists (readable by `nobody`, which the
    /// runner becomes when started as root), else `python3` from `PATH`.
    pub fn default_python() -> PathBuf {
        let system = PathBuf::from("/usr/bin/python3");
        if system.exists() {
            return system;
        }
        PathBuf::from("python3")
    }

    /// Runs `code`, stopping it at `wall_clock` when that is shorter than the configured limit.
    pub async fn run(
        &self,
        language: Language,
        code: &str,
        wall_clock: Option<Duration>,
    ) -> Result<Outcome, SandboxError> {
        let limits = self.limits;
        let wall = wall_clock.map_or(limits.wall_clock, |w| w.min(limits.wall_clock));
        let dir = tempfile::Builder::new()
            .prefix("agentry-sandbox-")
            .tempdir()?;
        std::fs::set_permissions(dir.path(), std::fs::Permissions::from_mode(0o555))?;

        let mut cmd = tokio::process::Command::new(&self.runner);
        cmd.args(&self.runner_args)
            .arg(language.as_arg())
            .arg("--memory")
            .arg(limits.memory_bytes.to_string())
            .arg("--cpu")
            .arg(limits.cpu_seconds.to_string())
            .arg("--python")
            .arg(&self.python)
            .current_dir(dir.path())
            .env_clear()
            .env("LC_ALL", "C.UTF-8")
            .stdin(Stdio::piped())
            .stdout(Stdio::piped())
            .stderr(Stdio::piped())
            .process_group(0)
            .kill_on_drop(true);
        let mut child = cmd.spawn().map_err(|source| SandboxError::Spawn {
            path: self.runner.display().to_string(),
            source,
        })?;
        let pid = child.id();

        let stdin = child.stdin.take();
        let code = code.as_bytes().to_vec();
        let writer = tokio::spawn(async move {
            if let Some(mut stdin) = stdin {
                // A child that dies early closes its stdin; that is reported by its exit.
                let _ = stdin.write_all(&code).await;
            }
        });
        let stdout = tokio::spawn(read_capped(child.stdout.take(), limits.output_bytes));
        let stderr = tokio::spawn(read_capped(child.stderr.take(), limits.output_bytes));

        let (status, timed_out) = match tokio::time::timeout(wall, child.wait()).await {
            Ok(status) => (status?, false),
            Err(_) => {
                kill_group(pid);
                (child.wait().await?, true)
            }
        };
        // Nothing of the group may outlive the run (it cannot fork, but be sure).
        kill_group(pid);
        writer.abort();
        let grace = Duration::from_secs(2);
        let stdout = collect(stdout, grace).await;
        let stderr = collect(stderr, grace).await;

        let exit = status
            .code()
            .unwrap_or_else(|| -status.signal().unwrap_or(0));
        let (user_out, report) = protocol::split(&stdout);
        let report = report.unwrap_or_default();
        let error = if timed_out {
            Some(format!(
                "Execution timed out after {} seconds (wall clock)",
                wall.as_secs_f64()
            ))
        } else if let Some(error) = report.error {
            Some(error)
        } else {
            abnormal_exit(status, &stderr)
        };
        Ok(Outcome {
            stdout: user_out.to_string(),
            stderr,
            result: report.result,
            error,
            timed_out,
            exit,
        })
    }
}

/// Why a runner that wrote no error report ended badly, or `None` when it exited with 0.
fn abnormal_exit(status: std::process::ExitStatus, stderr: &str) -> Option<String> {
    const SIGKILL: i32 = 9;
    const SIGSEGV: i32 = 11;
    const SIGXCPU: i32 = 24;
    const SIGXFSZ: i32 = 25;
    match (status.code(), status.signal()) {
        (Some(0), _) => None,
        (Some(code), _) => {
            let last = stderr.lines().rev().find(|l| !l.trim().is_empty());
            Some(match last {
                Some(line) => format!("Execution failed (exit code {code}): {}", line.trim()),
                None => format!("Execution failed (exit code {code})"),
            })
        }
        (None, Some(SIGXCPU)) | (None, Some(SIGKILL)) => {
            Some("Execution stopped: CPU time limit exceeded (or killed for memory)".to_string())
        }
        (None, Some(SIGXFSZ)) => Some("Execution stopped: file size limit exceeded".into()),
        (None, Some(SIGSEGV)) => Some("Execution crashed (memory limit?)".into()),
        (None, Some(signal)) => Some(format!("Execution stopped by signal {signal}")),
        (None, None) => Some("Execution ended without a status".into()),
    }
}

fn kill_group(pid: Option<u32>) {
    let Some(pid) = pid.and_then(|p| rustix::process::Pid::from_raw(p as i32)) else {
        return;
    };
    // ESRCH once the group is gone.
    let _ = rustix::process::kill_process_group(pid, rustix::process::Signal::KILL);
}

async fn collect(task: tokio::task::JoinHandle<Vec<u8>>, grace: Duration) -> String {
    match tokio::time::timeout(grace, task).await {
        Ok(Ok(bytes)) => String::from_utf8_lossy(&bytes).into_owned(),
        _ => String::new(),
    }
}

/// How much of the end of a long output is kept to find the runner's report in.
const TAIL: usize = 64 * 1024;

/// Reads everything, keeping the first `cap` bytes, so that a chatty child never blocks. When
/// the output was longer, the runner's report is found in the last bytes and kept too.
async fn read_capped<R: AsyncRead + Unpin>(reader: Option<R>, cap: usize) -> Vec<u8> {
    let Some(mut reader) = reader else {
        return Vec::new();
    };
    let mut kept = Vec::new();
    let mut tail: Vec<u8> = Vec::new();
    let mut truncated = false;
    let mut buf = vec![0u8; 64 * 1024];
    loop {
        match reader.read(&mut buf).await {
            Ok(0) | Err(_) => break,
            Ok(n) => {
                let room = cap.saturating_sub(kept.len());
                kept.extend_from_slice(&buf[..n.min(room)]);
                if n > room {
                    truncated = true;
                    tail.extend_from_slice(&buf[room..n]);
                    if tail.len() > 2 * TAIL {
                        tail.drain(..tail.len() - TAIL);
                    }
                }
            }
        }
    }
    if truncated {
        kept.extend_from_slice(b"\n[output truncated]\n");
        let marker = protocol::MARKER.as_bytes();
        if let Some(at) = tail.windows(marker.len()).rposition(|w| w == marker) {
            kept.extend_from_slice(&tail[at..]);
        }
    }
    kept
}
