//! Leader election for singletons such as the scheduler. On PostgreSQL the leader holds a
//! session-level `pg_try_advisory_lock` on a connection taken out of the pool for as long as it
//! leads; if the process or that connection dies, the server releases the lock and another
//! process wins it. On SQLite there is one process per database file: it always leads.

use sea_orm::sqlx::{self, Connection, PgConnection};

use crate::{Backend, Result, Store};

/// The advisory lock class of the scheduler. The lock is taken per database (the second key is
/// the database name's hash), so deployments sharing one server do not share a leader.
pub const SCHEDULER_LOCK: i32 = 0x6167_7401;

/// One process's claim to lead, for one lock key. Keep it for the process's lifetime and call
/// [`Leadership::check`] before each unit of leader-only work.
pub struct Leadership {
    store: Store,
    key: i32,
    /// The dedicated connection holding the lock, while this process leads (PostgreSQL).
    held: Option<PgConnection>,
}

impl Store {
    pub fn leadership(&self, key: i32) -> Leadership {
        Leadership {
            store: self.clone(),
            key,
            held: None,
        }
    }
}

impl Leadership {
    /// Whether this process leads now: keeps the lock when it holds it and its connection is
    /// alive, otherwise tries to take it.
    pub async fn check(&mut self) -> Result<bool> {
        if self.store.backend == Backend::Sqlite {
            return Ok(true);
        }
        if let Some(conn) = self.held.as_mut() {
            if conn.ping().await.is_ok() {
                return Ok(true);
            }
            // The connection died: the server has released the lock with it.
            self.held = None;
            tracing::warn!(key = self.key, "lost the leader connection");
        }
        let pool = self.store.db.get_postgres_connection_pool();
        let mut conn = pool.acquire().await.map_err(db_err)?.detach();
        let won: bool =
            sqlx::query_scalar("SELECT pg_try_advisory_lock($1, hashtext(current_database()))")
                .bind(self.key)
                .fetch_one(&mut conn)
                .await
                .map_err(db_err)?;
        if won {
            tracing::info!(key = self.key, "became the leader");
            self.held = Some(conn);
        } else {
            let _ = conn.close().await;
        }
        Ok(won)
    }

    /// Gives the lock up: unlocked explicitly, so that another process can take it at once
    /// (closing the connection alone releases it only when the server ends the session).
    pub async fn release(&mut self) {
        if let Some(mut conn) = self.held.take() {
            let _ = sqlx::query("SELECT pg_advisory_unlock($1, hashtext(current_database()))")
                .bind(self.key)
                .execute(&mut conn)
                .await;
            let _ = conn.close().await;
        }
    }
}

fn db_err(e: sqlx::Error) -> sea_orm::DbErr {
    sea_orm::DbErr::Custom(format!("leader lock: {e}"))
}
