//! The relay over Redis pub/sub, for deployments that run Redis: one channel per deployment,
//! any message size.

use futures::StreamExt;
use futures::future::BoxFuture;
use futures::stream::BoxStream;
use redis::aio::MultiplexedConnection;
use tokio::sync::Mutex;

use super::Relay;

/// Signals through a Redis server's pub/sub.
pub struct RedisRelay {
    client: redis::Client,
    channel: String,
    /// The publishing connection, opened on first use and again after an error.
    publisher: Mutex<Option<MultiplexedConnection>>,
}

impl RedisRelay {
    /// A relay on `url` (`redis://host:port/db`); `channel` separates deployments sharing one
    /// server. Fails only on a malformed URL: the server is reached on first use.
    pub fn new(url: &str, channel: &str) -> Result<Self, String> {
        let client = redis::Client::open(url).map_err(|e| format!("redis URL {url}: {e}"))?;
        Ok(RedisRelay {
            client,
            channel: channel.to_string(),
            publisher: Mutex::new(None),
        })
    }

    async fn publish(&self, message: &str) -> redis::RedisResult<()> {
        let mut guard = self.publisher.lock().await;
        let conn = match guard.as_mut() {
            Some(conn) => conn,
            None => guard.insert(self.client.get_multiplexed_async_connection().await?),
        };
        let result: redis::RedisResult<i64> = redis::cmd("PUBLISH")
            .arg(&self.channel)
            .arg(message)
            .query_async(conn)
            .await;
        if result.is_err() {
            // Reconnect on the next send.
            *guard = None;
        }
        result.map(|_| ())
    }

    /// `messages` in one pipeline: one round trip, in order.
    async fn publish_all(&self, messages: &[String]) -> redis::RedisResult<()> {
        let mut guard = self.publisher.lock().await;
        let conn = match guard.as_mut() {
            Some(conn) => conn,
            None => guard.insert(self.client.get_multiplexed_async_connection().await?),
        };
        let mut pipe = redis::pipe();
        for message in messages {
            pipe.cmd("PUBLISH").arg(&self.channel).arg(message).ignore();
        }
        let result: redis::RedisResult<()> = pipe.query_async(conn).await;
        if result.is_err() {
            *guard = None;
        }
        result
    }
}

impl Relay for RedisRelay {
    fn send(&self, message: String) -> BoxFuture<'_, Result<(), String>> {
        Box::pin(async move { self.publish(&message).await.map_err(|e| e.to_string()) })
    }

    fn send_all(&self, messages: Vec<String>) -> BoxFuture<'_, Result<(), String>> {
        Box::pin(async move { self.publish_all(&messages).await.map_err(|e| e.to_string()) })
    }

    fn receive(&self) -> BoxFuture<'_, Result<BoxStream<'static, String>, String>> {
        Box::pin(async move {
            let mut pubsub = self
                .client
                .get_async_pubsub()
                .await
                .map_err(|e| e.to_string())?;
            pubsub
                .subscribe(&self.channel)
                .await
                .map_err(|e| e.to_string())?;
            let messages = pubsub
                .into_on_message()
                .filter_map(|msg| std::future::ready(msg.get_payload::<String>().ok()));
            Ok(messages.boxed())
        })
    }
}
