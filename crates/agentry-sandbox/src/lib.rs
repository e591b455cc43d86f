//! Runs untrusted JavaScript and Python in a limited child process.
//!
//! The parent side (`CodeSandbox::run`) starts the runner executable in its own process group
//! with an empty, read-only working directory, feeds it the code on stdin, collects stdout and
//! stderr (capped) and kills the whole group when the wall clock runs out. The runner (feature
//! `runner`, `runner::main`) limits itself before any user code runs: rlimits (address space,
//! CPU seconds, open files, file size 0, no core dumps, processes), `PR_SET_NO_NEW_PRIVS`, a
//! switch to `nobody` when started as root, and a seccomp allow-list (`runner::filter`) with no
//! sockets, no new processes, no `ptrace`, no signals to others and no opening files for writing.
//! JavaScript then runs in QuickJS inside the runner itself (no file, network or module API);
//! Python is exec'ed under the same filter and its bootstrap seals `execve` before reading the
//! user's code (`runner::python`).

mod parent;
pub mod protocol;
#[cfg(feature = "runner")]
pub mod runner;

pub use parent::{CodeSandbox, Outcome, SandboxError};

/// Makes the calling process non-dumpable (`PR_SET_DUMPABLE` 0): other processes of the same
/// user, sandboxed code included, can then neither read its `/proc/<pid>/environ` (the
/// platform's keys), `/proc/<pid>/mem` (its heap) nor attach to it, and it leaves no core
/// file. `agentry serve` calls it first thing; it lasts until the process ends.
pub fn make_non_dumpable() -> std::io::Result<()> {
    rustix::process::set_dumpable_behavior(rustix::process::DumpableBehavior::NotDumpable)?;
    Ok(())
}

use serde::{Deserialize, Serialize};

/// The languages the local sandbox runs.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Language {
    Javascript,
    Python,
}

impl Language {
    /// The runner's first argument.
    pub fn as_arg(self) -> &'static str {
        match self {
            Language::Javascript => "js",
            Language::Python => "python",
        }
    }

    pub fn from_arg(arg: &str) -> Option<Self> {
        match arg {
            "js" => Some(Language::Javascript),
            "python" => Some(Language::Python),
            _ => None,
        }
    }
}

/// What one run may use.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Limits {
    /// Address space of the child (`RLIMIT_AS`), and QuickJS's heap limit.
    pub memory_bytes: u64,
    /// CPU seconds (`RLIMIT_CPU`); the kernel kills the child past it.
    pub cpu_seconds: u64,
    /// Wall clock, after which the parent kills the process group.
    pub wall_clock: std::time::Duration,
    /// Bytes kept of stdout and of stderr each; the rest is dropped.
    pub output_bytes: usize,
}

impl Default for Limits {
    fn default() -> Self {
        Limits {
            memory_bytes: 512 * 1024 * 1024,
            cpu_seconds: 30,
            wall_clock: std::time::Duration::from_secs(60),
            output_bytes: 1024 * 1024,
        }
    }
}
