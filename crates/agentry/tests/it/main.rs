//! The binary's integration tests: the real `agentry` executable on real agent files.

mod agents;
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
    Command::new(env!("CARGO_BIN_EXE_agentry"))
        .args(args)
        .current_dir(dir)
        .env_remove("AGENTRY_DATABASE_URL")
        .env_remove("RUST_LOG")
        .output()
        .expect("agentry runs")
}

pub fn text(bytes: &[u8]) -> String {
    String::from_utf8_lossy(bytes).into_owned()
}
