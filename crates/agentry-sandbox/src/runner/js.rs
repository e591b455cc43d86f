//! JavaScript in QuickJS, inside the runner: no modules, no `std`/`os`, no file or network API;
//! `console.log` and friends write to stdout and stderr. QuickJS's heap limit and an interrupt
//! at the CPU deadline apply inside; the rlimits and the filter apply around it.

use std::io::Write;
use std::time::{Duration, Instant};

use rquickjs::{CatchResultExt, CaughtError, Context, Ctx, Function, Object, Runtime, Value};

use crate::protocol::{MARKER, Report};

/// Turns the last expression's value into text: JSON for objects, `String(v)` otherwise.
const SHOW: &str = "(v) => (typeof v === 'object' && v !== null) ? JSON.stringify(v) : String(v)";

fn write_line(to_stderr: bool, parts: rquickjs::function::Rest<Value<'_>>) {
    let text: Vec<String> = parts.0.iter().map(show_arg).collect();
    let line = format!("{}\n", text.join(" "));
    // Best effort: a closed pipe only loses output.
    if to_stderr {
        let _ = std::io::stderr().write_all(line.as_bytes());
    } else {
        let mut out = std::io::stdout().lock();
        let _ = out.write_all(line.as_bytes());
        let _ = out.flush();
    }
}

fn show_arg(value: &Value<'_>) -> String {
    if let Some(s) = value.as_string() {
        return s.to_string().unwrap_or_default();
    }
    let ctx = value.ctx();
    ctx.eval::<Function<'_>, _>(SHOW)
        .and_then(|f| f.call::<_, String>((value.clone(),)))
        .unwrap_or_default()
}

fn install_console(ctx: &Ctx<'_>) -> rquickjs::Result<()> {
    let console = Object::new(ctx.clone())?;
    for (name, to_stderr) in [
        ("log", false),
        ("info", false),
        ("debug", false),
        ("warn", true),
        ("error", true),
    ] {
        let f = Function::new(
            ctx.clone(),
            move |parts: rquickjs::function::Rest<Value<'_>>| write_line(to_stderr, parts),
        )?;
        console.set(name, f)?;
    }
    ctx.globals().set("console", console)
}

fn describe(error: CaughtError<'_>) -> String {
    match error {
        CaughtError::Exception(e) => {
            let name: Option<String> = e.get("name").ok();
            let message = e.message().unwrap_or_default();
            if let Some(stack) = e.stack() {
                let _ = writeln!(std::io::stderr(), "{message}\n{stack}");
            }
            format!("{}: {message}", name.unwrap_or_else(|| "Error".into()))
        }
        CaughtError::Value(v) => format!("Uncaught {}", show_arg(&v)),
        CaughtError::Error(e) => e.to_string(),
    }
}

/// Evaluates `code`; QuickJS may use at most `heap_bytes`.
pub fn run(code: &str, heap_bytes: u64) -> Report {
    let mut report = Report::default();
    let runtime = match Runtime::new() {
        Ok(rt) => rt,
        Err(e) => {
            report.error = Some(format!("cannot start JavaScript: {e}"));
            return report;
        }
    };
    runtime.set_memory_limit(usize::try_from(heap_bytes).unwrap_or(usize::MAX));
    runtime.set_max_stack_size(1024 * 1024);
    let context = match Context::full(&runtime) {
        Ok(ctx) => ctx,
        Err(e) => {
            report.error = Some(format!("cannot start JavaScript: {e}"));
            return report;
        }
    };
    // The kernel's RLIMIT_CPU is the hard stop; this ends loops with a clean error first.
    let started = Instant::now();
    let deadline = cpu_deadline();
    runtime.set_interrupt_handler(Some(Box::new(move || started.elapsed() > deadline)));
    context.with(|ctx| {
        if let Err(e) = install_console(&ctx) {
            report.error = Some(format!("cannot start JavaScript: {e}"));
            return;
        }
        let value = ctx.eval::<Value<'_>, _>(code).catch(&ctx);
        match value {
            Ok(v) if v.is_undefined() || v.is_null() => {}
            Ok(v) => report.result = Some(show_arg(&v)),
            Err(e) => {
                let interrupted = started.elapsed() > deadline;
                report.error = Some(if interrupted {
                    "Execution stopped: CPU time limit exceeded".into()
                } else {
                    describe(e)
                });
            }
        }
    });
    report
}

/// The soft CPU limit the runner set on itself, as a wall-clock budget for the interrupt.
fn cpu_deadline() -> Duration {
    let limit = rustix::process::getrlimit(rustix::process::Resource::Cpu);
    Duration::from_secs(limit.current.unwrap_or(30))
}

/// Writes the report after the user's output and exits.
pub fn finish(report: Report) -> ! {
    let json = serde_json::to_string(&report).unwrap_or_else(|_| "{}".into());
    let mut out = std::io::stdout().lock();
    let _ = write!(out, "{MARKER}{json}");
    let _ = out.flush();
    std::process::exit(0)
}
