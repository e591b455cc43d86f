//! Rate-limit counts shared by every API process: a fixed one-minute window per bucket in Redis,
//! counted with INCR and given its expiry by PEXPIRE in one Lua script (atomic on the server).

use redis::aio::MultiplexedConnection;
use tokio::sync::Mutex;

use super::SettingsError;
use super::rate_limit::RetryAfter;

const WINDOW_MS: u64 = 60_000;

/// Counts the request and returns the window's count and the milliseconds it has left.
const COUNT_SCRIPT: &str = r"
local n = redis.call('INCR', KEYS[1])
if n == 1 then redis.call('PEXPIRE', KEYS[1], ARGV[1]) end
local ttl = redis.call('PTTL', KEYS[1])
if ttl < 0 then redis.call('PEXPIRE', KEYS[1], ARGV[1]); ttl = tonumber(ARGV[1]) end
return {n, ttl}
";

pub struct RedisWindow {
    client: redis::Client,
    prefix: String,
    /// One multiplexed connection for every request, made again after it fails.
    connection: Mutex<Option<MultiplexedConnection>>,
}

impl RedisWindow {
    pub fn new(url: &str, prefix: &str) -> Result<RedisWindow, SettingsError> {
        let client = redis::Client::open(url)
            .map_err(|e| SettingsError::Redis(format!("not a Redis URL: {e}")))?;
        Ok(RedisWindow {
            client,
            prefix: prefix.to_string(),
            connection: Mutex::new(None),
        })
    }

    async fn connection(&self) -> redis::RedisResult<MultiplexedConnection> {
        let mut held = self.connection.lock().await;
        if let Some(c) = held.as_ref() {
            return Ok(c.clone());
        }
        let c = self.client.get_multiplexed_async_connection().await?;
        *held = Some(c.clone());
        Ok(c)
    }

    /// Counts one request of `key` against `per_minute`; Ok(Err) when over it.
    pub async fn count(
        &self,
        key: &str,
        per_minute: u32,
    ) -> redis::RedisResult<Result<(), RetryAfter>> {
        let mut connection = self.connection().await?;
        let key = format!("{}:ratelimit:{key}", self.prefix);
        let answer: redis::RedisResult<(u64, u64)> = redis::cmd("EVAL")
            .arg(COUNT_SCRIPT)
            .arg(1)
            .arg(&key)
            .arg(WINDOW_MS)
            .query_async(&mut connection)
            .await;
        let (count, left_ms) = match answer {
            Ok(answer) => answer,
            Err(e) => {
                // The next request connects afresh.
                self.connection.lock().await.take();
                return Err(e);
            }
        };
        if count > u64::from(per_minute) {
            Ok(Err(RetryAfter(std::time::Duration::from_millis(left_ms))))
        } else {
            Ok(Ok(()))
        }
    }
}
