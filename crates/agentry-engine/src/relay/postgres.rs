//! The relay over PostgreSQL LISTEN/NOTIFY: no infrastructure beyond the database every
//! process already shares. Messages are capped at PostgreSQL's payload limit.

use std::collections::HashSet;

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

    async fn notify_all(&self, messages: &[String]) -> Result<(), String> {
        self.store
            .notify_all(CHANNEL, messages)
            .await
            .map_err(|e| e.to_string())
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

    fn send_all(&self, messages: Vec<String>) -> BoxFuture<'_, Result<(), String>> {
        Box::pin(async move {
            // One statement per run of distinct messages: PostgreSQL folds identical payloads
            // sent in one transaction into one (two equal pieces of a model's text would be).
            let mut start = 0;
            let mut seen = HashSet::new();
            for (i, message) in messages.iter().enumerate() {
                if !seen.insert(message.as_str()) {
                    self.notify_all(&messages[start..i]).await?;
                    start = i;
                    seen.clear();
                    seen.insert(message.as_str());
                }
            }
            self.notify_all(&messages[start..]).await
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
