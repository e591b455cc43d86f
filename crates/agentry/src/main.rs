//! The `agentry` binary: parses the command line and configuration, builds the registry,
//! store, engine and server, and starts what the command asks for. Wiring only.

mod backup;
mod cli;
mod commands;
mod config;
mod credits_config;
mod doctor;
mod logging;
mod notify_config;
mod recorder;
mod resources;
mod telemetry;
mod users;
mod web_app;

/// Every block this build has: the built-in ones and the integrations.
pub(crate) fn registry() -> agentry_core::Registry {
    let mut registry = agentry_blocks::registry();
    agentry_integrations::register(&mut registry);
    registry
}

use clap::Parser;

/// jemalloc with its background threads gives freed memory back to the system within seconds
/// of a run's end (glibc's malloc keeps part of a hostile run's peak in its arenas); measured
/// in docs/benchmarks.md, W8.
#[global_allocator]
static ALLOCATOR: tikv_jemallocator::Jemalloc = tikv_jemallocator::Jemalloc;

/// The hidden first argument that makes this binary the code sandbox's runner.
pub const SANDBOX_RUNNER: &str = "sandbox-runner";

fn main() -> std::process::ExitCode {
    // Before anything else, and before any thread exists: the runner drops privileges per thread.
    if std::env::args().nth(1).as_deref() == Some(SANDBOX_RUNNER) {
        agentry_sandbox::runner::main(std::env::args().skip(2));
    }
    // Not in the sandbox runner above: it must stay one thread until its limits are in place.
    if let Err(e) = tikv_jemalloc_ctl::background_thread::write(true) {
        eprintln!("warning: memory is given back to the system only as it is reused ({e})");
    }
    let cli = cli::Cli::parse();
    let runtime = match tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
    {
        Ok(rt) => rt,
        Err(e) => {
            eprintln!("error: cannot start the async runtime: {e}");
            return std::process::ExitCode::FAILURE;
        }
    };
    match runtime.block_on(commands::dispatch(cli)) {
        Ok(code) => code,
        Err(e) => {
            eprintln!("error: {e:#}");
            std::process::ExitCode::FAILURE
        }
    }
}
