//! Logs: text for people or JSON lines for collectors (`log_format`), on standard error, with
//! colour codes only when standard error is a terminal (a file or a pipe gets plain text).
//! In JSON each line carries the spans it happened in, so a run's and a node's ids
//! (`graph_exec_id`, `node_exec_id`, set by the engine's `run` and `node` spans) are fields.
//! With `otlp_endpoint` set, the same spans go to the collector (`telemetry.rs`).

use std::io::IsTerminal as _;

use tracing_subscriber::layer::SubscriberExt as _;
use tracing_subscriber::util::SubscriberInitExt as _;
use tracing_subscriber::{EnvFilter, Layer as _};

use crate::config::{Config, LogFormat};

/// Installs the process's subscriber; `quiet` (one-shot commands) lowers the default to warnings.
/// Returns what must live as long as the process (the trace exporter), if anything.
pub fn init(config: &Config, quiet: bool) -> Option<crate::telemetry::Tracing> {
    let filter = match std::env::var("RUST_LOG") {
        Ok(f) => f,
        Err(_) if quiet && config.log == "info" => "warn".into(),
        Err(_) => config.log.clone(),
    };
    let filter = EnvFilter::try_new(filter).unwrap_or_else(|_| EnvFilter::new("info"));
    let ansi = std::io::stderr().is_terminal();
    let fmt = match config.log_format {
        LogFormat::Text => tracing_subscriber::fmt::layer()
            .with_writer(std::io::stderr)
            .with_ansi(ansi)
            .boxed(),
        LogFormat::Json => tracing_subscriber::fmt::layer()
            .json()
            .with_writer(std::io::stderr)
            .with_current_span(false)
            .with_span_list(true)
            .flatten_event(true)
            .boxed(),
    };
    let tracing = config
        .otlp_endpoint
        .as_deref()
        .filter(|e| !e.is_empty())
        .and_then(
            |endpoint| match crate::telemetry::Tracing::start(endpoint) {
                Ok(t) => Some(t),
                Err(e) => {
                    eprintln!("warning: traces are off: {e:#}");
                    None
                }
            },
        );
    let otel = tracing.as_ref().map(crate::telemetry::Tracing::layer);
    let _ = tracing_subscriber::registry()
        .with(filter)
        .with(fmt)
        .with(otel)
        .try_init();
    tracing
}
