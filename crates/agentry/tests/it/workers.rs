//! Several real `agentry serve` processes on one database: an API process enqueues, a worker
//! process runs, is killed with SIGKILL mid-run, and another worker resumes the run without
//! running any completed step again. On a fresh SQLite file, or on a fresh PostgreSQL database
//! when `TEST_DATABASE_URL` is set (then the processes signal each other with LISTEN/NOTIFY, or
//! through Redis when `TEST_REDIS_URL` is set too).

use std::io::{BufRead, BufReader, Read, Write};
use std::net::TcpStream;
use std::path::Path;
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

use serde_json::{Value, json};

struct Process(Child);

impl Drop for Process {
    fn drop(&mut self) {
        let _ = self.0.kill();
        let _ = self.0.wait();
    }
}

/// The environment of every process of one test: its database, and on PostgreSQL with a test
/// Redis, that Redis and a channel of the test's own.
fn deployment_env(database: &str) -> Vec<(&'static str, String)> {
    let mut env = vec![("AGENTRY_DATABASE_URL", database.to_string())];
    if database.starts_with("postgres")
        && let Ok(redis) = std::env::var("TEST_REDIS_URL")
    {
        env.push(("AGENTRY_REDIS_URL", redis));
        env.push((
            "AGENTRY_REDIS_CHANNEL",
            format!("workers-{}", uuid::Uuid::new_v4()),
        ));
    }
    env
}

/// Starts `agentry serve` with these roles in `dir` with `env`; returns it and the line it
/// announced.
fn serve(dir: &Path, env: &[(&str, String)], roles: &str) -> (Process, String) {
    let mut child = Command::new(env!("CARGO_BIN_EXE_agentry"))
        .args(["serve", "--no-auth", "--role", roles])
        .current_dir(dir)
        .env_remove("AGENTRY_PORT")
        .env_remove("AGENTRY_REDIS_URL")
        .envs(env.iter().map(|(k, v)| (*k, v.as_str())))
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    let stderr = child.stderr.take().unwrap();
    let mut lines = BufReader::new(stderr).lines();
    let announced = loop {
        let line = lines.next().expect("serve announces itself").unwrap();
        if line.starts_with("Agentry ") {
            break line;
        }
    };
    // Keep draining stderr so the child never blocks on a full pipe.
    std::thread::spawn(move || for _ in lines {});
    (Process(child), announced)
}

fn request(addr: &str, method: &str, path: &str, body: Option<&Value>) -> Value {
    let mut stream = TcpStream::connect(addr).unwrap();
    stream
        .set_read_timeout(Some(Duration::from_secs(30)))
        .unwrap();
    let body = body.map(Value::to_string).unwrap_or_default();
    write!(
        stream,
        "{method} {path} HTTP/1.1\r\nHost: {addr}\r\nConnection: close\r\nContent-Type: application/json\r\nContent-Length: {}\r\n\r\n{body}",
        body.len()
    )
    .unwrap();
    let mut response = String::new();
    stream.read_to_string(&mut response).unwrap();
    let (_, body) = response.split_once("\r\n\r\n").expect("an HTTP response");
    serde_json::from_str(body).unwrap_or_else(|_| panic!("JSON body: {response}"))
}

fn chain_of_waits(steps: usize) -> Value {
    let mut nodes = Vec::new();
    let mut links = Vec::new();
    for i in 0..steps {
        nodes.push(
            json!({"id": format!("s{i}"), "block_id": "d67a9c52-5e4e-11e2-bcfd-0800200c9a71",
            "input_default": {"seconds": 1, "input_message": "token"}, "metadata": {}}),
        );
        if i > 0 {
            links.push(
                json!({"source_id": format!("s{}", i - 1), "source_name": "output_message",
                "sink_id": format!("s{i}"), "sink_name": "input_message", "is_static": false}),
            );
        }
    }
    nodes.push(
        json!({"id": "out", "block_id": "363ae599-353e-4804-937e-b2ee3cef3da4",
        "input_default": {"name": "result"}, "metadata": {}}),
    );
    links.push(
        json!({"source_id": format!("s{}", steps - 1), "source_name": "output_message",
        "sink_id": "out", "sink_name": "value", "is_static": false}),
    );
    json!({"name": "chain of waits", "nodes": nodes, "links": links})
}

#[test]
fn a_killed_worker_loses_no_completed_step() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(
        dir.path().join("agentry.toml"),
        "port = 0\nlog = \"warn\"\nlease_ms = 1000\npoll_interval_ms = 100\n",
    )
    .unwrap();
    let runtime = tokio::runtime::Runtime::new().unwrap();
    let db = runtime.block_on(agentry_store::testing::fresh_database());
    let env = deployment_env(db.url());
    let (_api, line) = serve(dir.path(), &env, "api");
    let addr = line
        .strip_prefix("Agentry listening on http://")
        .expect("api address")
        .to_string();
    let graph = request(
        &addr,
        "POST",
        "/api/graphs",
        Some(&json!({"graph": chain_of_waits(6)})),
    );
    let graph_id = graph["id"].as_str().expect("graph saved").to_string();
    let run = request(
        &addr,
        "POST",
        &format!("/api/graphs/{graph_id}/execute/1"),
        Some(&json!({"inputs": {}})),
    );
    let exec_id = run["id"].as_str().unwrap().to_string();
    assert_eq!(run["status"], "QUEUED", "an API-only process only enqueues");

    let (mut worker, _) = serve(dir.path(), &env, "worker");
    let path = format!("/api/graphs/{graph_id}/executions/{exec_id}");
    let started = Instant::now();
    // Kill the worker once two steps have completed.
    loop {
        let state = request(&addr, "GET", &path, None);
        let done = state["node_executions"]
            .as_array()
            .unwrap()
            .iter()
            .filter(|n| n["status"] == "COMPLETED")
            .count();
        if done >= 2 {
            break;
        }
        assert!(
            started.elapsed() < Duration::from_secs(30),
            "the worker never ran: {state}"
        );
        std::thread::sleep(Duration::from_millis(100));
    }
    worker.0.kill().unwrap(); // SIGKILL: no chance to release anything
    worker.0.wait().unwrap();
    let before = request(&addr, "GET", &path, None);
    assert_eq!(before["status"], "RUNNING");
    let completed_before: Vec<String> = before["node_executions"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|n| n["status"] == "COMPLETED")
        .map(|n| n["node_id"].as_str().unwrap().to_string())
        .collect();

    let (_second, _) = serve(dir.path(), &env, "worker");
    let final_state = loop {
        let state = request(&addr, "GET", &path, None);
        if state["status"] != "RUNNING" {
            break state;
        }
        assert!(
            started.elapsed() < Duration::from_secs(60),
            "the run was not resumed: {state}"
        );
        std::thread::sleep(Duration::from_millis(200));
    };
    assert_eq!(final_state["status"], "COMPLETED", "{final_state}");
    assert_eq!(final_state["outputs"]["result"], json!(["token"]));
    let nodes = final_state["node_executions"].as_array().unwrap();
    for node in &completed_before {
        let runs = nodes.iter().filter(|n| &n["node_id"] == node).count();
        assert_eq!(runs, 1, "completed step {node} ran again: {final_state}");
    }
    // Six steps and the output node each completed exactly once (POST gave them fresh ids).
    let mut completed: Vec<&str> = nodes
        .iter()
        .filter(|n| n["status"] == "COMPLETED")
        .map(|n| n["node_id"].as_str().unwrap())
        .collect();
    completed.sort_unstable();
    let total = completed.len();
    completed.dedup();
    assert_eq!((total, completed.len()), (7, 7), "{final_state}");
}

/// One wait (a world-touching node) and then `steps` pure CalculatorBlocks adding 1 to 0.
fn wait_then_pure_chain(steps: usize) -> Value {
    let mut nodes = vec![
        json!({"id": "wait", "block_id": "d67a9c52-5e4e-11e2-bcfd-0800200c9a71",
        "input_default": {"seconds": 1, "input_message": 0}, "metadata": {}}),
    ];
    let mut links = Vec::new();
    let mut previous = ("wait".to_string(), "output_message");
    for i in 0..steps {
        let id = format!("c{i}");
        nodes.push(
            json!({"id": id, "block_id": "b1ab9b19-67a6-406d-abf5-2dba76d00c79",
            "input_default": {"operation": "Add", "b": 1}, "metadata": {}}),
        );
        links.push(
            json!({"source_id": previous.0, "source_name": previous.1, "sink_id": id,
            "sink_name": "a", "is_static": false}),
        );
        previous = (id, "result");
    }
    nodes.push(
        json!({"id": "out", "block_id": "363ae599-353e-4804-937e-b2ee3cef3da4",
        "input_default": {"name": "result"}, "metadata": {}}),
    );
    links.push(
        json!({"source_id": previous.0, "source_name": previous.1, "sink_id": "out",
        "sink_name": "value", "is_static": false}),
    );
    json!({"name": "pure chain", "nodes": nodes, "links": links})
}

/// A worker killed while a long chain of pure blocks runs ahead of the disk: after the take-over
/// no node completed twice (pure work that was not committed ran again, committed work did not)
/// and the chain's value is right.
#[test]
fn a_worker_killed_mid_pure_chain_runs_no_committed_node_twice() {
    const STEPS: usize = 1500;
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(
        dir.path().join("agentry.toml"),
        "port = 0\nlog = \"warn\"\nlease_ms = 1000\npoll_interval_ms = 100\n",
    )
    .unwrap();
    let runtime = tokio::runtime::Runtime::new().unwrap();
    let db = runtime.block_on(agentry_store::testing::fresh_database());
    let env = deployment_env(db.url());
    let (_api, line) = serve(dir.path(), &env, "api");
    let addr = line
        .strip_prefix("Agentry listening on http://")
        .expect("api address")
        .to_string();
    let graph = request(
        &addr,
        "POST",
        "/api/graphs",
        Some(&json!({"graph": wait_then_pure_chain(STEPS)})),
    );
    let graph_id = graph["id"].as_str().expect("graph saved").to_string();
    let run = request(
        &addr,
        "POST",
        &format!("/api/graphs/{graph_id}/execute/1"),
        Some(&json!({"inputs": {}})),
    );
    let exec_id = run["id"].as_str().unwrap().to_string();
    let (mut worker, _) = serve(dir.path(), &env, "worker");
    let path = format!("/api/graphs/{graph_id}/executions/{exec_id}");
    let completed = |state: &Value| -> Vec<String> {
        state["node_executions"]
            .as_array()
            .unwrap()
            .iter()
            .filter(|n| n["status"] == "COMPLETED")
            .map(|n| n["node_id"].as_str().unwrap().to_string())
            .collect()
    };
    let started = Instant::now();
    // Kill once the wait is over and the pure chain has begun.
    while completed(&request(&addr, "GET", &path, None)).len() < 2 {
        assert!(
            started.elapsed() < Duration::from_secs(30),
            "the worker never ran"
        );
        std::thread::sleep(Duration::from_millis(10));
    }
    worker.0.kill().unwrap(); // SIGKILL
    worker.0.wait().unwrap();
    let before = request(&addr, "GET", &path, None);
    let completed_before = completed(&before);
    eprintln!(
        "killed with {} of {} nodes committed COMPLETED, run {}",
        completed_before.len(),
        STEPS + 2,
        before["status"]
    );

    let (_second, _) = serve(dir.path(), &env, "worker");
    let final_state = loop {
        let state = request(&addr, "GET", &path, None);
        if state["status"] != "RUNNING" {
            break state;
        }
        assert!(started.elapsed() < Duration::from_secs(120), "not resumed");
        std::thread::sleep(Duration::from_millis(200));
    };
    assert_eq!(final_state["status"], "COMPLETED");
    assert_eq!(final_state["outputs"]["result"], json!([STEPS as f64]));
    let mut all = completed(&final_state);
    all.sort_unstable();
    let total = all.len();
    all.dedup();
    assert_eq!(
        (total, all.len()),
        (STEPS + 2, STEPS + 2),
        "no node completed twice"
    );
    for node in &completed_before {
        assert!(all.contains(node));
    }
}

/// kill -9 and restart on the same host with the default 30 s lease: the new process sees that
/// the lease holder is dead (its pid is gone) and resumes the run at once, not after the lease.
#[test]
fn a_restart_on_the_same_host_resumes_at_once() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(
        dir.path().join("agentry.toml"),
        "port = 0\nlog = \"warn\"\nlease_ms = 30000\npoll_interval_ms = 100\n",
    )
    .unwrap();
    let runtime = tokio::runtime::Runtime::new().unwrap();
    let db = runtime.block_on(agentry_store::testing::fresh_database());
    let env = deployment_env(db.url());
    let (_api, line) = serve(dir.path(), &env, "api");
    let addr = line
        .strip_prefix("Agentry listening on http://")
        .expect("api address")
        .to_string();
    let graph = request(
        &addr,
        "POST",
        "/api/graphs",
        Some(&json!({"graph": chain_of_waits(4)})),
    );
    let graph_id = graph["id"].as_str().expect("graph saved").to_string();
    let (mut worker, _) = serve(dir.path(), &env, "worker");
    let run = request(
        &addr,
        "POST",
        &format!("/api/graphs/{graph_id}/execute/1"),
        Some(&json!({"inputs": {}})),
    );
    let exec_id = run["id"].as_str().unwrap().to_string();
    let path = format!("/api/graphs/{graph_id}/executions/{exec_id}");
    let count = |state: &Value, status: &str| {
        state["node_executions"]
            .as_array()
            .unwrap()
            .iter()
            .filter(|n| n["status"] == status)
            .count()
    };
    let started = Instant::now();
    while count(&request(&addr, "GET", &path, None), "COMPLETED") < 1 {
        assert!(
            started.elapsed() < Duration::from_secs(30),
            "the worker never ran"
        );
        std::thread::sleep(Duration::from_millis(50));
    }
    worker.0.kill().unwrap(); // SIGKILL
    worker.0.wait().unwrap();
    let before = request(&addr, "GET", &path, None);
    let executions_before = before["node_executions"].as_array().unwrap().len();

    let restarted = Instant::now();
    let (_second, _) = serve(dir.path(), &env, "worker");
    // Resumed: the step that was in flight starts again under a new id.
    let resumed_after = loop {
        let state = request(&addr, "GET", &path, None);
        if state["node_executions"].as_array().unwrap().len() > executions_before {
            break restarted.elapsed();
        }
        assert!(
            restarted.elapsed() < Duration::from_secs(25),
            "the run waited for the dead worker's 30 s lease: {state}"
        );
        std::thread::sleep(Duration::from_millis(20));
    };
    eprintln!("resumed {resumed_after:?} after the restart (lease 30 s)");
    let final_state = loop {
        let state = request(&addr, "GET", &path, None);
        if state["status"] != "RUNNING" {
            break state;
        }
        assert!(started.elapsed() < Duration::from_secs(60), "{state}");
        std::thread::sleep(Duration::from_millis(100));
    };
    assert_eq!(final_state["status"], "COMPLETED", "{final_state}");
    assert_eq!(final_state["outputs"]["result"], json!(["token"]));
}

/// A WebSocket client of the API process sees the run that a worker process runs, live: events
/// cross processes through the relay (LISTEN/NOTIFY, or Redis when the test has one). SQLite
/// deployments of several processes have no relay, so this runs on PostgreSQL only.
#[tokio::test(flavor = "multi_thread")]
async fn live_events_reach_the_api_process_from_a_worker_process() {
    use futures::{SinkExt, StreamExt};
    use tokio_tungstenite::tungstenite::Message;

    let db = agentry_store::testing::fresh_database().await;
    if db.backend() != agentry_store::Backend::Postgres {
        eprintln!("skipped: several processes relay events on PostgreSQL or Redis only");
        return;
    }
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(
        dir.path().join("agentry.toml"),
        // Idle workers would look for work every minute: only the relay wakes them in time.
        "port = 0\nlog = \"warn\"\npoll_interval_ms = 60000\n",
    )
    .unwrap();
    let env = deployment_env(db.url());
    let (dir_path, api_env) = (dir.path().to_path_buf(), env.clone());
    let (_api, line) = tokio::task::spawn_blocking(move || serve(&dir_path, &api_env, "api"))
        .await
        .unwrap();
    let addr = line
        .strip_prefix("Agentry listening on http://")
        .expect("api address")
        .to_string();
    let (dir_path, worker_env) = (dir.path().to_path_buf(), env.clone());
    let (_worker, _) = tokio::task::spawn_blocking(move || serve(&dir_path, &worker_env, "worker"))
        .await
        .unwrap();
    let request_addr = addr.clone();
    let graph = tokio::task::spawn_blocking(move || {
        request(
            &request_addr,
            "POST",
            "/api/graphs",
            Some(&json!({"graph": chain_of_waits(2)})),
        )
    })
    .await
    .unwrap();
    let graph_id = graph["id"].as_str().expect("graph saved").to_string();

    let (mut ws, _) = tokio_tungstenite::connect_async(format!("ws://{addr}/ws"))
        .await
        .unwrap();
    let subscribe = json!({"method": "subscribe_graph_executions", "data": {"graph_id": graph_id}});
    ws.send(Message::text(subscribe.to_string())).await.unwrap();
    // The worker process has had time to subscribe to the relay too.
    tokio::time::sleep(Duration::from_millis(500)).await;
    let (request_addr, id) = (addr.clone(), graph_id.clone());
    let run = tokio::task::spawn_blocking(move || {
        request(
            &request_addr,
            "POST",
            &format!("/api/graphs/{id}/execute/1"),
            Some(&json!({"inputs": {}})),
        )
    })
    .await
    .unwrap();
    let exec_id = run["id"].as_str().unwrap().to_string();

    let mut statuses = Vec::new();
    let ended = tokio::time::timeout(Duration::from_secs(30), async {
        while let Some(message) = ws.next().await {
            let Ok(Message::Text(text)) = message else {
                continue;
            };
            let message: Value = serde_json::from_str(&text).unwrap();
            if message["method"] != "graph_execution_event" || message["data"]["id"] != exec_id {
                continue;
            }
            let status = message["data"]["status"]
                .as_str()
                .unwrap_or_default()
                .to_string();
            statuses.push(status.clone());
            if status == "COMPLETED" || status == "FAILED" {
                return message;
            }
        }
        panic!("the socket closed; statuses seen: {statuses:?}");
    })
    .await
    .expect("the run's end reached the API process's WebSocket client");
    assert_eq!(ended["data"]["status"], "COMPLETED", "{ended}");
    assert_eq!(ended["data"]["outputs"]["result"], json!(["token"]));
}
