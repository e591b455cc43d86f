//! A running `agentry serve` for the operations tests: its addresses, every line it wrote to
//! standard error, and plain HTTP/1.1 requests (no client library, so a refused connection or a
//! 503 is seen exactly as a balancer would see it).

use std::io::{BufRead, BufReader, Read, Write};
use std::net::TcpStream;
use std::path::Path;
use std::process::{Child, Command, ExitStatus, Stdio};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

/// How long a process may take to announce itself (opening and migrating the database).
const START_LIMIT: Duration = Duration::from_secs(120);
/// How long a process may take to stop after SIGTERM.
const STOP_LIMIT: Duration = Duration::from_secs(120);

use serde_json::Value;

pub struct Server {
    child: Option<Child>,
    /// The API's `host:port`, when the process serves the API.
    pub api: Option<String>,
    /// The metrics listener's `host:port`, when `metrics.bind` is set.
    pub metrics: Option<String>,
    pub lines: Arc<Mutex<Vec<String>>>,
    /// The thread reading standard error; it ends at the pipe's end, after the process's.
    reader: Option<std::thread::JoinHandle<()>>,
}

impl Server {
    /// Starts `agentry serve ARGS` in `dir` with `env` and waits until it announced itself.
    pub fn start(dir: &Path, args: &[&str], env: &[(&str, String)]) -> Server {
        let mut child = Command::new(env!("CARGO_BIN_EXE_agentry"))
            .arg("serve")
            .args(args)
            .current_dir(dir)
            .env_remove("AGENTRY_PORT")
            .env_remove("AGENTRY_DATABASE_URL")
            .env_remove("AGENTRY_REDIS_URL")
            .env_remove("RUST_LOG")
            .envs(env.iter().map(|(k, v)| (*k, v.as_str())))
            .stderr(Stdio::piped())
            .spawn()
            .unwrap();
        let stderr = child.stderr.take().unwrap();
        let seen = Arc::new(Mutex::new(Vec::new()));
        let (lines_tx, lines) = std::sync::mpsc::channel();
        let sink = seen.clone();
        // Keep reading, so the child never blocks on a full pipe and the test sees every line.
        let reader = std::thread::spawn(move || {
            for line in BufReader::new(stderr).lines().map_while(Result::ok) {
                sink.lock().unwrap().push(line.clone());
                let _ = lines_tx.send(line);
            }
        });
        let (mut api, mut metrics) = (None, None);
        let since = Instant::now();
        loop {
            // Bounded: a process that never comes up fails the test instead of hanging it.
            let left = START_LIMIT.saturating_sub(since.elapsed());
            let line = match lines.recv_timeout(left) {
                Ok(line) => line,
                Err(e) => {
                    let _ = child.kill();
                    let _ = child.wait();
                    panic!(
                        "serve {args:?} did not announce itself ({e}); it wrote: {:?}",
                        seen.lock().unwrap()
                    );
                }
            };
            if let Some(addr) = line.strip_prefix("Metrics listening on http://") {
                metrics = Some(addr.to_string());
            }
            if let Some(addr) = line.strip_prefix("Agentry listening on http://") {
                api = Some(addr.to_string());
                break;
            }
            if line.starts_with("Agentry worker ") {
                break;
            }
        }
        Server {
            child: Some(child),
            api,
            metrics,
            lines: seen,
            reader: Some(reader),
        }
    }

    pub fn api(&self) -> &str {
        self.api.as_deref().expect("an API process")
    }

    /// SIGTERM, then waits for the process to end (it drains, then lets runs finish for up to
    /// 10 s). Bounded: a process still there after `STOP_LIMIT` is killed and the test fails.
    pub fn terminate(mut self) -> ExitStatus {
        let mut child = self.child.take().unwrap();
        let status = Command::new("kill")
            .args(["-TERM", &child.id().to_string()])
            .status()
            .unwrap();
        assert!(status.success());
        let since = Instant::now();
        loop {
            if let Some(status) = child.try_wait().unwrap() {
                return status;
            }
            if since.elapsed() > STOP_LIMIT {
                let _ = child.kill();
                let _ = child.wait();
                panic!(
                    "serve did not stop within {} s of SIGTERM; it wrote: {:?}",
                    STOP_LIMIT.as_secs(),
                    self.stderr()
                );
            }
            std::thread::sleep(Duration::from_millis(20));
        }
    }

    pub fn stderr(&self) -> Vec<String> {
        self.lines.lock().unwrap().clone()
    }

    /// SIGTERM, then every line the process wrote: read once its output has ended, so that a
    /// line written just before is not still in the pipe (the reader thread lags under load).
    pub fn terminate_and_read(mut self) -> Vec<String> {
        let reader = self.reader.take();
        let lines = self.lines.clone();
        self.terminate();
        if let Some(reader) = reader {
            // The pipe ends with the process; bounded all the same.
            let since = Instant::now();
            while !reader.is_finished() && since.elapsed() < Duration::from_secs(10) {
                std::thread::sleep(Duration::from_millis(10));
            }
        }
        lines.lock().unwrap().clone()
    }
}

impl Drop for Server {
    fn drop(&mut self) {
        if let Some(mut child) = self.child.take() {
            let _ = child.kill();
            let _ = child.wait();
        }
    }
}

/// One request; the status and the body. A connection error is an `Err`.
pub fn http(
    addr: &str,
    method: &str,
    path: &str,
    headers: &[(&str, &str)],
    body: Option<&Value>,
) -> std::io::Result<(u16, String)> {
    let mut stream = TcpStream::connect(addr)?;
    stream.set_read_timeout(Some(Duration::from_secs(60)))?;
    let body = body.map(Value::to_string).unwrap_or_default();
    let mut head = format!(
        "{method} {path} HTTP/1.1\r\nHost: {addr}\r\nConnection: close\r\nContent-Type: application/json\r\nContent-Length: {}\r\n",
        body.len()
    );
    for (name, value) in headers {
        head.push_str(&format!("{name}: {value}\r\n"));
    }
    write!(stream, "{head}\r\n{body}")?;
    let mut response = String::new();
    stream.read_to_string(&mut response)?;
    let (head, body) = response
        .split_once("\r\n\r\n")
        .ok_or_else(|| std::io::Error::other(format!("not an HTTP response: {response:?}")))?;
    let status = head
        .split(' ')
        .nth(1)
        .and_then(|s| s.parse().ok())
        .ok_or_else(|| std::io::Error::other(format!("no status: {head}")))?;
    // The bodies here are small; a chunked one is unwrapped by taking what lies between sizes.
    let body = if head
        .to_ascii_lowercase()
        .contains("transfer-encoding: chunked")
    {
        unchunk(body)
    } else {
        body.to_string()
    };
    Ok((status, body))
}

fn unchunk(body: &str) -> String {
    let mut out = String::new();
    let mut rest = body;
    while let Some((size, tail)) = rest.split_once("\r\n") {
        let Ok(n) = usize::from_str_radix(size.trim(), 16) else {
            break;
        };
        if n == 0 || tail.len() < n {
            break;
        }
        out.push_str(&tail[..n]);
        rest = tail[n..].trim_start_matches("\r\n");
    }
    out
}

/// A JSON request that must answer 2xx; its body.
pub fn json(addr: &str, method: &str, path: &str, body: Option<&Value>) -> Value {
    json_with(addr, method, path, &[], body)
}

/// As `json`, with these headers (a signed-in client's `Authorization`).
pub fn json_with(
    addr: &str,
    method: &str,
    path: &str,
    headers: &[(&str, &str)],
    body: Option<&Value>,
) -> Value {
    let (status, text) = http(addr, method, path, headers, body).unwrap();
    assert!(
        (200..300).contains(&status),
        "{method} {path}: {status} {text}"
    );
    serde_json::from_str(&text).unwrap_or_else(|_| panic!("JSON body: {text}"))
}

/// `input x → calculator (+1) → output y`.
pub fn calculator() -> Value {
    serde_json::json!({
        "name": "calculator",
        "nodes": [
            {"id": "in", "block_id": "c0a8e994-ebf1-4a9c-a4d8-89d09c86741b", "input_default": {"name": "x"}, "metadata": {}},
            {"id": "add", "block_id": "b1ab9b19-67a6-406d-abf5-2dba76d00c79", "input_default": {"operation": "Add", "b": 1}, "metadata": {}},
            {"id": "out", "block_id": "363ae599-353e-4804-937e-b2ee3cef3da4", "input_default": {"name": "y"}, "metadata": {}}
        ],
        "links": [
            {"source_id": "in", "source_name": "result", "sink_id": "add", "sink_name": "a", "is_static": false},
            {"source_id": "add", "source_name": "result", "sink_id": "out", "sink_name": "value", "is_static": false}
        ]
    })
}
