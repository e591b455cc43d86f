//! Throwaway databases for tests (feature `testing`): a fresh SQLite file, or, when
//! `TEST_DATABASE_URL` names a PostgreSQL server, a fresh database of its own on that server,
//! so that tests running in parallel never see each other's rows.

use sea_orm::sqlx::{self, AssertSqlSafe, Connection};

use crate::Backend;

/// The variable naming the PostgreSQL server tests run against; unset means SQLite.
pub const TEST_DATABASE_URL: &str = "TEST_DATABASE_URL";

/// An empty database that lives as long as this guard: a SQLite file in a temporary
/// directory, or a PostgreSQL database dropped (with any connection left to it) on drop.
#[derive(Debug)]
pub struct TestDatabase {
    url: String,
    owner: Owner,
}

#[derive(Debug)]
enum Owner {
    Sqlite { _dir: tempfile::TempDir },
    Postgres { server_url: String, name: String },
}

impl TestDatabase {
    /// The URL to open it with (`Store::open`).
    pub fn url(&self) -> &str {
        &self.url
    }

    pub fn backend(&self) -> Backend {
        match self.owner {
            Owner::Sqlite { .. } => Backend::Sqlite,
            Owner::Postgres { .. } => Backend::Postgres,
        }
    }
}

/// A fresh database on the backend `TEST_DATABASE_URL` chooses: PostgreSQL when it is set,
/// SQLite otherwise.
pub async fn fresh_database() -> TestDatabase {
    match std::env::var(TEST_DATABASE_URL) {
        Ok(url) if !url.is_empty() => fresh_postgres(&url).await,
        _ => fresh_sqlite(),
    }
}

/// A fresh SQLite file in its own temporary directory.
pub fn fresh_sqlite() -> TestDatabase {
    let dir = tempfile::tempdir().expect("a temporary directory");
    let url = format!("sqlite://{}?mode=rwc", dir.path().join("test.db").display());
    TestDatabase {
        url,
        owner: Owner::Sqlite { _dir: dir },
    }
}

/// A fresh database `t_<uuid>` created on the PostgreSQL server `server_url` connects to.
pub async fn fresh_postgres(server_url: &str) -> TestDatabase {
    assert_eq!(
        Backend::of(server_url),
        Some(Backend::Postgres),
        "{TEST_DATABASE_URL} must be a postgres:// URL"
    );
    let name = format!("t_{}", uuid::Uuid::new_v4().simple());
    let mut admin = sqlx::PgConnection::connect(server_url)
        .await
        .unwrap_or_else(|e| panic!("connect to {TEST_DATABASE_URL} ({server_url}): {e}"));
    sqlx::raw_sql(AssertSqlSafe(format!("CREATE DATABASE {name}")))
        .execute(&mut admin)
        .await
        .unwrap_or_else(|e| panic!("create database {name}: {e}"));
    let _ = admin.close().await;
    TestDatabase {
        url: with_database(server_url, &name),
        owner: Owner::Postgres {
            server_url: server_url.to_string(),
            name,
        },
    }
}

impl Drop for TestDatabase {
    fn drop(&mut self) {
        let Owner::Postgres { server_url, name } = &self.owner else {
            return;
        };
        let (server_url, name) = (server_url.clone(), name.clone());
        // Drop runs inside the test's runtime, which cannot be blocked on; a thread with its
        // own runtime can. A database left behind is harmless: the cluster is throwaway.
        let dropped = std::thread::spawn(move || {
            let runtime = tokio::runtime::Builder::new_current_thread()
                .enable_all()
                .build()
                .map_err(|e| e.to_string())?;
            runtime.block_on(async {
                let mut admin = sqlx::PgConnection::connect(&server_url)
                    .await
                    .map_err(|e| e.to_string())?;
                let sql = format!("DROP DATABASE IF EXISTS {name} WITH (FORCE)");
                sqlx::raw_sql(AssertSqlSafe(sql))
                    .execute(&mut admin)
                    .await
                    .map_err(|e| e.to_string())?;
                let _ = admin.close().await;
                Ok::<(), String>(())
            })
        })
        .join();
        if let Ok(Err(e)) = dropped {
            eprintln!("test database {} left behind: {e}", self.url);
        }
    }
}

/// `url` with its database (the path) replaced by `name`, keeping user, host and parameters.
fn with_database(url: &str, name: &str) -> String {
    let (base, query) = match url.split_once('?') {
        Some((base, query)) => (base, Some(query)),
        None => (url, None),
    };
    let authority_start = base.find("://").map_or(0, |i| i + 3);
    let authority_end = base[authority_start..]
        .find('/')
        .map_or(base.len(), |i| authority_start + i);
    let mut out = format!("{}/{name}", &base[..authority_end]);
    if let Some(query) = query {
        out.push('?');
        out.push_str(query);
    }
    out
}

#[cfg(test)]
mod tests {
    use super::with_database;

    #[test]
    fn the_database_name_replaces_the_path_only() {
        assert_eq!(
            with_database("postgres://u@127.0.0.1:5433/postgres", "t_1"),
            "postgres://u@127.0.0.1:5433/t_1"
        );
        assert_eq!(
            with_database("postgresql://u:p@localhost:5432", "t_1"),
            "postgresql://u:p@localhost:5432/t_1"
        );
        assert_eq!(
            with_database("postgres://localhost/db?sslmode=disable", "t_1"),
            "postgres://localhost/t_1?sslmode=disable"
        );
    }
}
