//! A small SMTP server on 127.0.0.1 for the notification tests: it speaks EHLO, AUTH PLAIN,
//! MAIL, RCPT, DATA and QUIT, records every message it accepts, and refuses the first
//! `refuse` messages with a temporary error (451) so that retries can be seen.

use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::Duration;

use tokio::io::{AsyncBufReadExt, AsyncWriteExt, BufReader};
use tokio::net::TcpListener;
use tokio::sync::Mutex;

/// One accepted message.
#[derive(Debug, Clone, Default)]
pub struct Received {
    pub login: Option<String>,
    pub rcpt: Vec<String>,
    /// The DATA section, headers and body, lines joined with `\n`.
    pub data: String,
}

/// The running sink.
#[derive(Clone)]
pub struct Sink {
    pub port: u16,
    received: Arc<Mutex<Vec<Received>>>,
    refused: Arc<AtomicUsize>,
}

impl Sink {
    pub async fn start(refuse: usize) -> Sink {
        let listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
        let port = listener.local_addr().unwrap().port();
        let sink = Sink {
            port,
            received: Arc::default(),
            refused: Arc::default(),
        };
        let server = sink.clone();
        tokio::spawn(async move {
            while let Ok((stream, _)) = listener.accept().await {
                let server = server.clone();
                tokio::spawn(async move { server.session(stream, refuse).await });
            }
        });
        sink
    }

    async fn session(&self, stream: tokio::net::TcpStream, refuse: usize) {
        let (read, mut write) = stream.into_split();
        let mut lines = BufReader::new(read).lines();
        let mut current = Received::default();
        let _ = write.write_all(b"220 sink ESMTP ready\r\n").await;
        while let Ok(Some(line)) = lines.next_line().await {
            let verb = line.split(' ').next().unwrap_or("").to_uppercase();
            let reply: &[u8] = match verb.as_str() {
                "EHLO" => b"250-sink\r\n250 AUTH PLAIN\r\n",
                "AUTH" => {
                    use base64::Engine as _;
                    let b64 = line.split(' ').nth(2).unwrap_or("");
                    let raw = base64::engine::general_purpose::STANDARD
                        .decode(b64)
                        .unwrap_or_default();
                    current.login = Some(String::from_utf8_lossy(&raw).replace('\0', ":"));
                    b"235 2.7.0 ok\r\n"
                }
                "MAIL" => {
                    if self.refused.load(Ordering::SeqCst) < refuse {
                        self.refused.fetch_add(1, Ordering::SeqCst);
                        b"451 4.3.0 try again later\r\n"
                    } else {
                        b"250 ok\r\n"
                    }
                }
                "RCPT" => {
                    current.rcpt.push(line.clone());
                    b"250 ok\r\n"
                }
                "DATA" => {
                    let _ = write.write_all(b"354 go on\r\n").await;
                    while let Ok(Some(data)) = lines.next_line().await {
                        if data == "." {
                            break;
                        }
                        current.data.push_str(&data);
                        current.data.push('\n');
                    }
                    self.received
                        .lock()
                        .await
                        .push(std::mem::take(&mut current));
                    b"250 queued\r\n"
                }
                "QUIT" => {
                    let _ = write.write_all(b"221 bye\r\n").await;
                    return;
                }
                _ => b"250 ok\r\n",
            };
            if write.write_all(reply).await.is_err() {
                return;
            }
        }
    }

    /// The messages accepted so far.
    pub async fn received(&self) -> Vec<Received> {
        self.received.lock().await.clone()
    }

    /// Waits (bounded) until `n` messages were accepted.
    pub async fn wait_for(&self, n: usize) -> Vec<Received> {
        for _ in 0..400 {
            let got = self.received().await;
            if got.len() >= n {
                return got;
            }
            tokio::time::sleep(Duration::from_millis(25)).await;
        }
        panic!("the SMTP sink accepted fewer than {n} messages");
    }

    /// How many messages it refused.
    pub fn refused(&self) -> usize {
        self.refused.load(Ordering::SeqCst)
    }
}
