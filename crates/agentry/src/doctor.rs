//! `agentry doctor`: checks what a deployment needs and prints, for each check, `ok`, `warn`
//! or `FAIL` with what to do. Exits 1 when a check fails. It reads and connects; it never
//! migrates or writes.

use std::process::ExitCode;
use std::time::Duration;

use agentry_store::{Backend, maintenance};

use crate::config::Config;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Verdict {
    Ok,
    Warn,
    Fail,
}

struct Report {
    failed: bool,
}

impl Report {
    fn line(&mut self, verdict: Verdict, what: &str, detail: impl AsRef<str>) {
        let tag = match verdict {
            Verdict::Ok => "ok  ",
            Verdict::Warn => "warn",
            Verdict::Fail => "FAIL",
        };
        self.failed |= verdict == Verdict::Fail;
        println!("{tag}  {what}: {}", detail.as_ref());
    }
}

pub async fn doctor(config: &Config, config_file: Option<&std::path::Path>) -> ExitCode {
    let mut report = Report { failed: false };
    let file = config_file.map_or_else(
        || "defaults and AGENTRY_* variables (no agentry.toml here)".to_string(),
        |p| p.display().to_string(),
    );
    report.line(Verdict::Ok, "configuration", format!("read from {file}"));
    check_config(config, &mut report);
    check_database(config, &mut report).await;
    check_redis(config, &mut report).await;
    check_encryption_key(config, &mut report);
    check_sandbox(&mut report).await;
    check_llm_providers(&mut report).await;
    if report.failed {
        println!("\nSome checks failed: fix the FAIL lines above.");
        ExitCode::FAILURE
    } else {
        println!("\nEverything needed is in place.");
        ExitCode::SUCCESS
    }
}

fn check_config(config: &Config, report: &mut Report) {
    let several = config.roles.len() < 3;
    let sqlite = config.database_url.starts_with("sqlite:");
    if several && sqlite {
        report.line(
            Verdict::Warn,
            "roles",
            "a process with some roles only on SQLite: processes share runs, but live events \
             reach only the process that runs them; use PostgreSQL (database_url) for more",
        );
    }
    if config.metrics.bind.is_none() && config.metrics.token.is_none() {
        report.line(
            Verdict::Warn,
            "metrics",
            "/metrics is not served: set metrics.bind (a private port) or metrics.token",
        );
    }
}

async fn check_database(config: &Config, report: &mut Report) {
    let url = config.database_url();
    let Some(backend) = Backend::of(&url) else {
        report.line(
            Verdict::Fail,
            "database",
            format!(
                "`{}` is neither sqlite:// nor postgres://",
                config.database_url
            ),
        );
        return;
    };
    match tokio::time::timeout(
        Duration::from_secs(10),
        maintenance::pending_migrations_at(&url),
    )
    .await
    {
        Err(_) => report.line(
            Verdict::Fail,
            "database",
            "no answer within 10 s: check the host, port and firewall in database_url",
        ),
        Ok(Err(e)) => report.line(
            Verdict::Fail,
            "database",
            format!("cannot connect ({e}): check database_url (AGENTRY_DATABASE_URL)"),
        ),
        Ok(Ok(pending)) if pending.is_empty() => report.line(
            Verdict::Ok,
            "database",
            format!("{backend:?}, schema current"),
        ),
        Ok(Ok(pending)) => report.line(
            Verdict::Warn,
            "database",
            format!(
                "{} migrations not applied yet ({}): run `agentry migrate` (or start one process)",
                pending.len(),
                pending.join(", ")
            ),
        ),
    }
}

async fn check_redis(config: &Config, report: &mut Report) {
    let Some(url) = config.redis_url.as_deref().filter(|u| !u.is_empty()) else {
        return;
    };
    let ping = async {
        let client = redis::Client::open(url)?;
        let mut conn = client.get_multiplexed_async_connection().await?;
        redis::cmd("PING").query_async::<String>(&mut conn).await
    };
    match tokio::time::timeout(Duration::from_secs(5), ping).await {
        Ok(Ok(_)) => report.line(Verdict::Ok, "redis", "answers PING"),
        Ok(Err(e)) => report.line(
            Verdict::Fail,
            "redis",
            format!("{e}: check redis_url (AGENTRY_REDIS_URL), or unset it to use PostgreSQL"),
        ),
        Err(_) => report.line(
            Verdict::Fail,
            "redis",
            "no answer within 5 s: check redis_url",
        ),
    }
}

/// The credential keys from wherever they are configured (`encryption_key` and
/// `encryption_keys` in agentry.toml, or `AGENTRY_ENCRYPTION_KEY`), parsed as the credential
/// store parses them at start-up: `KEY_ID:BASE64` of 32 bytes, comma-separated. The message
/// names a bad key by its id only, never its value.
fn check_encryption_key(config: &Config, report: &mut Report) {
    match config.keyring() {
        Ok(Some(_)) => report.line(
            Verdict::Ok,
            "encryption key",
            "well-formed (KEY_ID:BASE64, 32 bytes)",
        ),
        Ok(None) => report.line(
            Verdict::Warn,
            "encryption key",
            "none configured (encryption_key in agentry.toml or AGENTRY_ENCRYPTION_KEY;              `agentry keys generate` makes one): users cannot store credentials",
        ),
        Err(e) => report.line(
            Verdict::Fail,
            "encryption key",
            format!(
                "{e:#}: each key must be KEY_ID:BASE64 of 32 random bytes (several: comma-separated)"
            ),
        ),
    }
}

/// Runs one line of JavaScript and of Python in the real sandbox: proves seccomp, Landlock,
/// the rlimits and python3 together.
async fn check_sandbox(report: &mut Report) {
    let Ok(exe) = std::env::current_exe() else {
        report.line(Verdict::Fail, "sandbox", "cannot find this executable");
        return;
    };
    let mut sandbox =
        agentry_sandbox::CodeSandbox::new(exe, agentry_sandbox::CodeSandbox::default_python());
    sandbox.runner_args = vec![crate::SANDBOX_RUNNER.into()];
    for (language, name) in [
        (
            agentry_sandbox::Language::Javascript,
            "sandbox (JavaScript)",
        ),
        (agentry_sandbox::Language::Python, "sandbox (Python)"),
    ] {
        match sandbox
            .run(language, "6 * 7", Some(Duration::from_secs(20)))
            .await
        {
            Ok(out) if out.error.is_none() && out.result.as_deref() == Some("42") => {
                report.line(Verdict::Ok, name, "runs code under seccomp and Landlock");
            }
            Ok(out) => {
                let why = out.error.unwrap_or_else(|| out.stderr.trim().to_string());
                let hint = if language == agentry_sandbox::Language::Python {
                    "install python3 (/usr/bin/python3), and run on a kernel with Landlock and seccomp (container runtimes: allow the landlock_* syscalls)"
                } else {
                    "run on a kernel with Landlock and seccomp (container runtimes: allow the landlock_* syscalls)"
                };
                report.line(Verdict::Fail, name, format!("{why}: {hint}"));
            }
            Err(e) => report.line(Verdict::Fail, name, format!("{e}")),
        }
    }
}

/// Providers configured through the standard variables, and whether each answers.
async fn check_llm_providers(report: &mut Report) {
    let var = |n: &str| std::env::var(n).ok().filter(|v| !v.trim().is_empty());
    let providers = [
        (
            "openai",
            "OPENAI_BASE_URL",
            "https://api.openai.com/v1",
            "OPENAI_API_KEY",
        ),
        (
            "anthropic",
            "ANTHROPIC_BASE_URL",
            "https://api.anthropic.com/v1",
            "ANTHROPIC_API_KEY",
        ),
        (
            "groq",
            "GROQ_BASE_URL",
            "https://api.groq.com/openai/v1",
            "GROQ_API_KEY",
        ),
        (
            "openrouter",
            "OPENROUTER_BASE_URL",
            "https://openrouter.ai/api/v1",
            "OPENROUTER_API_KEY",
        ),
    ];
    let client = match reqwest::Client::builder()
        .timeout(Duration::from_secs(8))
        .build()
    {
        Ok(c) => c,
        Err(e) => {
            report.line(
                Verdict::Fail,
                "LLM providers",
                format!("no HTTP client: {e}"),
            );
            return;
        }
    };
    let mut any = false;
    for (name, base_var, default, key_var) in providers {
        let key = var(key_var);
        let base = var(base_var);
        if key.is_none() && base.is_none() {
            continue;
        }
        any = true;
        let base = base.unwrap_or_else(|| default.to_string());
        let base = base.trim_end_matches('/');
        let mut request = client.get(format!("{base}/models"));
        if let Some(key) = &key {
            request = if name == "anthropic" {
                request
                    .header("x-api-key", key)
                    .header("anthropic-version", "2023-06-01")
            } else {
                request.bearer_auth(key)
            };
        }
        let what = format!("LLM provider {name}");
        match request.send().await {
            Ok(r) if r.status().is_success() => {
                report.line(Verdict::Ok, &what, format!("{base} answers"))
            }
            Ok(r) if r.status() == 401 || r.status() == 403 => report.line(
                Verdict::Fail,
                &what,
                format!("{base} refuses the key ({}): check {key_var}", r.status()),
            ),
            Ok(r) => report.line(
                Verdict::Warn,
                &what,
                format!("{base} answered {} to GET /models", r.status()),
            ),
            Err(e) => report.line(
                Verdict::Fail,
                &what,
                format!("{base} is unreachable ({e}): check {base_var} and the network"),
            ),
        }
    }
    if let Some(host) = var("OLLAMA_HOST") {
        any = true;
        let base = if host.contains("://") {
            host
        } else {
            format!("http://{host}")
        };
        let base = base.trim_end_matches('/');
        match client.get(format!("{base}/api/tags")).send().await {
            Ok(r) if r.status().is_success() => report.line(
                Verdict::Ok,
                "LLM provider ollama",
                format!("{base} answers"),
            ),
            Ok(r) => report.line(
                Verdict::Warn,
                "LLM provider ollama",
                format!("{base} answered {}", r.status()),
            ),
            Err(e) => report.line(
                Verdict::Fail,
                "LLM provider ollama",
                format!("{base} is unreachable ({e}): check OLLAMA_HOST"),
            ),
        }
    }
    if !any {
        report.line(
            Verdict::Warn,
            "LLM providers",
            "none configured: AI blocks fail until OPENAI_API_KEY, ANTHROPIC_API_KEY, OLLAMA_HOST, … is set",
        );
    }
}
