//! PostgreSQL LISTEN/NOTIFY: the signal path between processes that share one database and
//! have no Redis. SQLite has one process per database file, so there it has nothing to carry.

use futures::Stream;
use futures::StreamExt;
use sea_orm::sqlx::{self, postgres::PgListener};

use crate::{Backend, Error, Result, Store};

/// PostgreSQL refuses NOTIFY payloads of 8000 bytes or more; senders keep under this.
pub const MAX_PAYLOAD: usize = 7900;

impl Store {
    /// Sends `payload` to every process listening on `channel` (PostgreSQL only; a no-op on
    /// SQLite). Delivered after the sender's transaction commits, in order per sender.
    pub async fn notify(&self, channel: &str, payload: &str) -> Result<()> {
        if self.backend != Backend::Postgres {
            return Ok(());
        }
        if payload.len() > MAX_PAYLOAD {
            return Err(Error::Unsupported(format!(
                "a notification of {} bytes is over PostgreSQL's limit",
                payload.len()
            )));
        }
        let pool = self.db.get_postgres_connection_pool();
        sqlx::query("SELECT pg_notify($1, $2)")
            .bind(channel)
            .bind(payload)
            .execute(pool)
            .await
            .map_err(db_err)?;
        Ok(())
    }

    /// Sends `payloads` to every process listening on `channel`, in order, in one statement
    /// (one round trip and one transaction, where `notify` takes one each). PostgreSQL delivers
    /// identical payloads sent in one transaction once, so the caller keeps them distinct when
    /// each must arrive. A no-op on SQLite; nothing is sent when one payload is too large.
    pub async fn notify_all(&self, channel: &str, payloads: &[String]) -> Result<()> {
        if self.backend != Backend::Postgres || payloads.is_empty() {
            return Ok(());
        }
        if let Some(large) = payloads.iter().find(|p| p.len() > MAX_PAYLOAD) {
            return Err(Error::Unsupported(format!(
                "a notification of {} bytes is over PostgreSQL's limit",
                large.len()
            )));
        }
        let pool = self.db.get_postgres_connection_pool();
        sqlx::query(
            "SELECT pg_notify($1, payload) \
             FROM unnest($2::text[]) WITH ORDINALITY AS sent(payload, n) ORDER BY n",
        )
        .bind(channel)
        .bind(payloads)
        .execute(pool)
        .await
        .map_err(db_err)?;
        Ok(())
    }

    /// Listens on `channel` on a dedicated connection: the payloads sent to it, in order. The
    /// stream ends when the connection is lost (notifications in between are lost with it, so
    /// the caller reconnects and re-reads what it needs from the tables).
    pub async fn listen(&self, channel: &str) -> Result<impl Stream<Item = String> + Send + use<>> {
        if self.backend != Backend::Postgres {
            return Err(Error::Unsupported(
                "LISTEN/NOTIFY needs PostgreSQL; one SQLite process needs no signals".into(),
            ));
        }
        let pool = self.db.get_postgres_connection_pool();
        // The listener keeps a pool connection; it must give it back when the pool closes (the
        // default: its stream ends), or `Store::close` waits for it forever and the process
        // never exits after SIGTERM.
        let mut listener = PgListener::connect_with(pool).await.map_err(db_err)?;
        listener.listen(channel).await.map_err(db_err)?;
        Ok(listener
            .into_stream()
            .take_while(|item| std::future::ready(item.is_ok()))
            .filter_map(|item| std::future::ready(item.ok().map(|n| n.payload().to_string()))))
    }
}

fn db_err(e: sqlx::Error) -> sea_orm::DbErr {
    sea_orm::DbErr::Custom(format!("listen/notify: {e}"))
}
