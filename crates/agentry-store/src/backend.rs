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
            // Memory (issue 10, point 6): each connection holds its own page cache (2 MiB by
            // default) and prepared statements, kept for as long as the connection lives. The
            // pool only reads (the committer writes on its own connection), so four readers
            // with 512 KiB each are enough for two cores, and connections idle for a minute
            // go, with what they held.
            opts.max_connections(if in_memory { 1 } else { 4 })
                .min_connections(1)
                .map_sqlx_sqlite_opts(|o| {
                    o.journal_mode(sea_orm::sqlx::sqlite::SqliteJournalMode::Wal)
                        .synchronous(sea_orm::sqlx::sqlite::SqliteSynchronous::Normal)
                        .busy_timeout(Duration::from_secs(5))
                        .foreign_keys(true)
                        .create_if_missing(true)
                        .pragma("cache_size", "-512")
                        .statement_cache_capacity(64)
                });
            if !in_memory {
                // An in-memory database lives as long as its one connection.
                opts.idle_timeout(Duration::from_secs(60));
            }
        }
        Backend::Postgres => {
            // Ping only connections idle long enough for the server or a proxy to have dropped
            // them, not every connection on every use.
            opts.test_before_acquire_if_idle_for(Duration::from_secs(30));
            opts.max_connections(16).min_connections(1);
            // Connections beyond the first close after a minute idle, with their buffers and
            // statement caches, instead of the driver's ten minutes.
            opts.idle_timeout(Duration::from_secs(60));
        }
    }
    Database::connect(opts).await
}
