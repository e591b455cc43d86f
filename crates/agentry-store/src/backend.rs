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
            opts.max_connections(16).min_connections(1);
        }
    }
    Database::connect(opts).await
}
