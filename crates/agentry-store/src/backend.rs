//! The one place where SQLite and PostgreSQL differ: connection options.

use std::time::Duration;

use sea_orm::{ConnectOptions, Database, DatabaseConnection, DbErr};

/// Which database a URL names.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Backend {
    Sqlite,
    Postgres,
}

impl Backend {
    pub fn of(url: &str) -> Option<Backend> {
        if url.starts_with("sqlite:") {
            Some(Backend::Sqlite)
        } else if url.starts_with("postgres://") || url.starts_with("postgresql://") {
            Some(Backend::Postgres)
        } else {
            None
        }
    }
}

/// Opens a pool tuned for the backend: SQLite in WAL mode with a busy timeout, and a single
/// connection for in-memory databases (each connection would otherwise see its own database).
pub async fn connect(url: &str) -> Result<DatabaseConnection, DbErr> {
    let backend = Backend::of(url).ok_or_else(|| {
        DbErr::Custom(format!(
            "unsupported database URL `{url}`: use sqlite:// or postgres://"
        ))
    })?;
    let mut opts = ConnectOptions::new(url.to_string());
    opts.sqlx_logging(false);
    match backend {
        Backend::Sqlite => {
            let in_memory = url.contains(":memory:") || url.contains("mode=memory");
            // A file connection cannot go stale: pinging it before each use would cost a
            // round trip to the driver's thread per batch.
            opts.test_before_acquire(false);
            opts.max_connections(if in_memory { 1 } else { 8 })
                .min_connections(1)
                .map_sqlx_sqlite_opts(|o| {
                    o.journal_mode(sea_orm::sqlx::sqlite::SqliteJournalMode::Wal)
                        .synchronous(sea_orm::sqlx::sqlite::SqliteSynchronous::Normal)
                        .busy_timeout(Duration::from_secs(5))
                        .foreign_keys(true)
                        .create_if_missing(true)
                });
        }
        Backend::Postgres => {
            // Ping only connections idle long enough for the server or a proxy to have dropped
            // them, not every connection on every use.
            opts.test_before_acquire_if_idle_for(Duration::from_secs(30));
            opts.max_connections(16).min_connections(1);
        }
    }
    Database::connect(opts).await
}
