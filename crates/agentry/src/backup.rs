//! `agentry backup`, `restore` and `export-all`. A SQLite database is copied with
//! `VACUUM INTO` (a consistent snapshot taken in one read transaction while the server goes
//! on writing); a PostgreSQL one is dumped with `pg_dump --format=custom` (one snapshot too)
//! and restored with `pg_restore`. A restore goes only into an empty database, then runs the
//! migrations this binary has, so an older backup comes forward.

use std::path::{Path, PathBuf};
use std::process::ExitCode;
use std::time::Instant;

use agentry_store::{Backend, Store, maintenance};
use anyhow::{Context as _, bail, ensure};

use crate::config::Config;

const SQLITE_MAGIC: &[u8] = b"SQLite format 3\0";
const PG_DUMP_MAGIC: &[u8] = b"PGDMP";

pub async fn backup(config: &Config, file: &Path) -> anyhow::Result<ExitCode> {
    ensure!(
        !file.exists(),
        "{} exists: a backup never overwrites a file",
        file.display()
    );
    let url = config.database_url();
    let started = Instant::now();
    match backend(&url)? {
        Backend::Sqlite => {
            let store = Store::open(&url)
                .await
                .with_context(|| format!("cannot open the database {url}"))?;
            let path = file.to_str().context("the backup path is not UTF-8")?;
            store
                .backup_sqlite_into(path)
                .await
                .with_context(|| format!("backing up into {}", file.display()))?;
            store.close().await?;
        }
        Backend::Postgres => {
            let (dsn, password) = split_password(&url)?;
            let mut cmd = std::process::Command::new(pg_tool("pg_dump")?);
            cmd.args(["--format=custom", "--no-owner", "--no-privileges", "--file"])
                .arg(file)
                .arg(format!("--dbname={dsn}"));
            run_pg(cmd, password.as_deref(), "pg_dump")?;
        }
    }
    let size = std::fs::metadata(file).map(|m| m.len()).unwrap_or(0);
    eprintln!(
        "backup written to {} ({} bytes) in {:.2} s",
        file.display(),
        size,
        started.elapsed().as_secs_f64()
    );
    Ok(ExitCode::SUCCESS)
}

pub async fn restore(config: &Config, file: &Path) -> anyhow::Result<ExitCode> {
    let url = config.database_url();
    let magic = {
        use std::io::Read as _;
        let mut head = [0u8; 16];
        let mut f =
            std::fs::File::open(file).with_context(|| format!("cannot read {}", file.display()))?;
        let n = f.read(&mut head)?;
        head[..n].to_vec()
    };
    let started = Instant::now();
    match backend(&url)? {
        Backend::Sqlite => {
            ensure!(
                magic.starts_with(SQLITE_MAGIC),
                "{} is not a SQLite backup (a PostgreSQL dump restores into PostgreSQL only)",
                file.display()
            );
            let target = sqlite_path(&url)?;
            if target.exists() {
                ensure!(
                    maintenance::is_empty(&url).await?,
                    "{} holds graphs or runs: restore into an empty database",
                    target.display()
                );
                for suffix in ["", "-wal", "-shm"] {
                    let mut p = target.clone().into_os_string();
                    p.push(suffix);
                    let _ = std::fs::remove_file(PathBuf::from(p));
                }
            }
            std::fs::copy(file, &target)
                .with_context(|| format!("copying the backup to {}", target.display()))?;
        }
        Backend::Postgres => {
            ensure!(
                magic.starts_with(PG_DUMP_MAGIC),
                "{} is not a PostgreSQL custom-format dump (a SQLite backup restores into SQLite only)",
                file.display()
            );
            ensure!(
                !maintenance::has_tables(&url).await?,
                "the database already has Agentry's tables: restore into an empty database"
            );
            let (dsn, password) = split_password(&url)?;
            let mut cmd = std::process::Command::new(pg_tool("pg_restore")?);
            cmd.args([
                "--no-owner",
                "--no-privileges",
                "--single-transaction",
                "--exit-on-error",
            ])
            .arg(format!("--dbname={dsn}"))
            .arg(file);
            run_pg(cmd, password.as_deref(), "pg_restore")?;
        }
    }
    // Brings an older backup's schema forward, and checks that the copy opens.
    let store = Store::open(&url)
        .await
        .with_context(|| format!("the restored database {url} does not open"))?;
    let runs: i64 = store.runs_by_status().await?.iter().map(|(_, n)| n).sum();
    store.close().await?;
    eprintln!(
        "restored {} into {url}: {runs} runs, in {:.2} s",
        file.display(),
        started.elapsed().as_secs_f64()
    );
    Ok(ExitCode::SUCCESS)
}

/// Every version of every user's graphs, as AutoGPT files: `DIR/USER_ID/GRAPH_ID-vN.json`.
pub async fn export_all(config: &Config, dir: &Path) -> anyhow::Result<ExitCode> {
    let url = config.database_url();
    let store = Store::open(&url)
        .await
        .with_context(|| format!("cannot open the database {url}"))?;
    let registry = crate::registry();
    let mut files = 0usize;
    for user in store.user_ids().await? {
        for graph in store.list_graphs(&user).await? {
            let folder = dir.join(safe_name(&user));
            std::fs::create_dir_all(&folder)
                .with_context(|| format!("cannot create {}", folder.display()))?;
            for version in store.graph_versions(&user, &graph.id).await? {
                let value = agentry_core::export::export(&version.graph, &registry);
                let path = folder.join(format!(
                    "{}-v{}.json",
                    safe_name(&graph.id),
                    version.version
                ));
                std::fs::write(&path, serde_json::to_string_pretty(&value)? + "\n")
                    .with_context(|| format!("cannot write {}", path.display()))?;
                files += 1;
            }
        }
    }
    store.close().await?;
    eprintln!("exported {files} graph versions under {}", dir.display());
    Ok(ExitCode::SUCCESS)
}

/// Ids are UUIDs, but a file name never takes a path separator from the database.
fn safe_name(id: &str) -> String {
    id.chars()
        .map(|c| {
            if c.is_ascii_alphanumeric() || c == '-' || c == '_' {
                c
            } else {
                '_'
            }
        })
        .collect()
}

fn backend(url: &str) -> anyhow::Result<Backend> {
    Backend::of(url).with_context(|| format!("`{url}` is neither sqlite:// nor postgres://"))
}

/// The file of a `sqlite://PATH?…` or `sqlite:PATH` URL.
pub fn sqlite_path(url: &str) -> anyhow::Result<PathBuf> {
    let rest = url
        .strip_prefix("sqlite://")
        .or_else(|| url.strip_prefix("sqlite:"))
        .context("not a sqlite URL")?;
    let path = rest.split('?').next().unwrap_or_default();
    if path.is_empty() || path.contains(":memory:") {
        bail!("`{url}` is not a database file");
    }
    Ok(PathBuf::from(path))
}

/// The URL without its password, and the password (given to pg_dump through `PGPASSWORD`,
/// so that it never shows in the process list).
fn split_password(url: &str) -> anyhow::Result<(String, Option<String>)> {
    let mut parsed = url::Url::parse(url).context("the database URL does not parse")?;
    let password = parsed.password().map(percent_decode);
    let _ = parsed.set_password(None);
    Ok((parsed.to_string(), password))
}

fn percent_decode(s: &str) -> String {
    url::form_urlencoded::parse(format!("p={}", s.replace('+', "%2B")).as_bytes())
        .next()
        .map(|(_, v)| v.into_owned())
        .unwrap_or_default()
}

/// `pg_dump` or `pg_restore`: from `PATH`, else the newest PostgreSQL installed by Debian.
fn pg_tool(name: &str) -> anyhow::Result<PathBuf> {
    if let Some(path) = std::env::var_os("PATH")
        .iter()
        .flat_map(std::env::split_paths)
        .map(|dir| dir.join(name))
        .find(|p| p.is_file())
    {
        return Ok(path);
    }
    let mut found: Vec<PathBuf> = std::fs::read_dir("/usr/lib/postgresql")
        .into_iter()
        .flatten()
        .filter_map(|e| e.ok())
        .map(|e| e.path().join("bin").join(name))
        .filter(|p| p.is_file())
        .collect();
    found.sort_by_key(|p| {
        p.components()
            .nth(4)
            .and_then(|c| c.as_os_str().to_str()?.parse::<u32>().ok())
            .unwrap_or(0)
    });
    found.pop().with_context(|| {
        format!(
            "{name} was not found: install PostgreSQL's client tools (Debian: postgresql-client)"
        )
    })
}

fn run_pg(
    mut cmd: std::process::Command,
    password: Option<&str>,
    tool: &str,
) -> anyhow::Result<()> {
    if let Some(password) = password {
        cmd.env("PGPASSWORD", password);
    }
    let output = cmd
        .output()
        .with_context(|| format!("cannot start {tool}"))?;
    if !output.status.success() {
        bail!(
            "{tool} failed ({}): {}",
            output.status,
            String::from_utf8_lossy(&output.stderr).trim()
        );
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sqlite_urls_name_their_file() {
        assert_eq!(
            sqlite_path("sqlite://./a.db?mode=rwc").unwrap(),
            PathBuf::from("./a.db")
        );
        assert_eq!(
            sqlite_path("sqlite:///var/x.db").unwrap(),
            PathBuf::from("/var/x.db")
        );
        assert!(sqlite_path("sqlite::memory:").is_err());
    }

    #[test]
    fn the_password_leaves_the_url() {
        let (dsn, pw) = split_password("postgres://u:p%40ss@db:5432/agentry").unwrap();
        assert_eq!(dsn, "postgres://u@db:5432/agentry");
        assert_eq!(pw.as_deref(), Some("p@ss"));
    }
}
