//! The store's error type. `NotFound` and `Conflict` are the caller's to map to 404/409;
//! `Db` is always a server error and is logged, never shown.

#[derive(Debug, thiserror::Error)]
pub enum Error {
    #[error("{0} not found")]
    NotFound(String),
    #[error("conflict: {0}")]
    Conflict(String),
    #[error("stored data is corrupt: {0}")]
    Corrupt(String),
    /// The backend cannot do what was asked (LISTEN/NOTIFY on SQLite, an oversized payload).
    #[error("unsupported: {0}")]
    Unsupported(String),
    #[error("database error: {0}")]
    Db(#[from] sea_orm::DbErr),
    /// The SQLite committer's own connection failed (`commit/sqlite.rs`).
    #[error("database error: {0}")]
    Sqlite(#[from] rusqlite::Error),
    /// The SQLite committer's thread could not be started.
    #[error("cannot start the committer thread")]
    CommitterStart(#[source] std::io::Error),
    /// The committer is gone: the process is shutting down.
    #[error("the committer has stopped")]
    CommitterStopped,
}

pub type Result<T, E = Error> = std::result::Result<T, E>;
