//! The relay over PostgreSQL LISTEN/NOTIFY: no infrastructure beyond the database every
//! process already shares. Messages are capped at PostgreSQL's payload limit.

use futures::StreamExt;
use futures::future::BoxFuture;
use futures::stream::BoxStream;

use agentry_store::Store;

use super::Relay;

/// The NOTIFY channel of this deployment's signals.
pub const CHANNEL: &str = "agentry_signals";

/// Signals through the database's LISTEN/NOTIFY.
pub struct PostgresRelay {
    store: Store,
}

impl PostgresRelay {
    /// A relay over `store`, which must be on PostgreSQL.
    pub fn new(store: Store) -> Self {
        PostgresRelay { store }
    }
}

impl Relay for PostgresRelay {
    fn send(&self, message: String) -> BoxFuture<'_, Result<(), String>> {
        Box::pin(async move {
            self.store
                .notify(CHANNEL, &message)
                .await
                .map_err(|e| e.to_string())
        })
    }

    fn receive(&self) -> BoxFuture<'_, Result<BoxStream<'static, String>, String>> {
        Box::pin(async move {
            let stream = self
                .store
                .listen(CHANNEL)
                .await
                .map_err(|e| e.to_string())?;
            Ok(stream.boxed())
        })
    }

    fn max_message(&self) -> usize {
        agentry_store::notify::MAX_PAYLOAD
    }
}
