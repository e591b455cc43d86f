//! The binary's integration tests: the real `agentry` executable on real agent files.

mod agents;
mod backup;
mod examples;
mod llm_agents;
mod ops;
mod process;
mod rolling;
mod serve;
mod tidy;
mod workers;

use std::path::{Path, PathBuf};
use std::process::{Command, Output};

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
        .env_remove("RUST_LOG");
    for (key, _) in std::env::vars() {
        if key.starts_with("OPENAI_") || key.starts_with("ANTHROPIC_") {
            command.env_remove(key);
        }
    }
    command
        .envs(env.iter().copied())
        .output()
        .expect("agentry runs")
}

pub fn text(bytes: &[u8]) -> String {
    String::from_utf8_lossy(bytes).into_owned()
}
