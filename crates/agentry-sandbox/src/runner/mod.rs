//! The child side: limit this process, then run the code (JavaScript here, Python by exec).
//!
//! Called as `<runner> js|python --memory BYTES --cpu SECONDS --python PATH` with the code on
//! stdin, in the empty directory the parent chose. Every limit is in place before any user code
//! runs; a limit that cannot be set aborts the run (exit code 120), never runs the code without it.

pub mod filter;
pub mod isolation;
pub mod js;
pub mod limits;
pub mod python;

use std::io::Read;
use std::path::PathBuf;

use crate::Language;

/// The exit code of a runner that could not set up its limits.
pub const SETUP_FAILED: i32 = 120;

/// What the parent asked for.
#[derive(Debug, Clone)]
pub struct Args {
    pub language: Language,
    pub memory_bytes: u64,
    pub cpu_seconds: u64,
    pub python: PathBuf,
}

impl Args {
    /// Parses the arguments after the program name (and after any subcommand).
    pub fn parse(args: impl IntoIterator<Item = String>) -> Result<Args, String> {
        let mut args = args.into_iter();
        let language = args
            .next()
            .as_deref()
            .and_then(Language::from_arg)
            .ok_or("the first argument must be js or python")?;
        let mut parsed = Args {
            language,
            memory_bytes: crate::Limits::default().memory_bytes,
            cpu_seconds: crate::Limits::default().cpu_seconds,
            python: PathBuf::from("python3"),
        };
        while let Some(flag) = args.next() {
            let value = args.next().ok_or(format!("{flag} needs a value"))?;
            match flag.as_str() {
                "--memory" => parsed.memory_bytes = value.parse().map_err(|_| "bad --memory")?,
                "--cpu" => parsed.cpu_seconds = value.parse().map_err(|_| "bad --cpu")?,
                "--python" => parsed.python = PathBuf::from(value),
                other => return Err(format!("unknown argument {other}")),
            }
        }
        Ok(parsed)
    }
}

/// The runner's whole life; never returns.
pub fn main(args: impl IntoIterator<Item = String>) -> ! {
    let args = match Args::parse(args) {
        Ok(args) => args,
        Err(e) => fail(&e),
    };
    match args.language {
        Language::Javascript => {
            // Read the code first: once limited, this process opens nothing.
            let mut code = String::new();
            if let Err(e) = std::io::stdin().read_to_string(&mut code) {
                fail(&format!("cannot read the code: {e}"));
            }
            if let Err(e) = limits::confine(&args, &[]).and_then(|()| filter::apply_js()) {
                fail(&e);
            }
            let report = js::run(&code, args.memory_bytes / 2);
            js::finish(report)
        }
        Language::Python => {
            let readable = isolation::python_paths(&args.python);
            if let Err(e) = limits::confine(&args, &readable).and_then(|()| filter::apply_python())
            {
                fail(&e);
            }
            // Only returns when exec failed.
            let e = python::exec(&args);
            fail(&e)
        }
    }
}

fn fail(message: &str) -> ! {
    eprintln!("sandbox setup failed: {message}");
    std::process::exit(SETUP_FAILED)
}
