//! Operations on a real `agentry serve`: liveness and readiness, Prometheus metrics on the
//! separate listener and behind the token on the API port, JSON log lines carrying the run's
//! and node's ids without colour codes, OTLP traces received by a collector this test runs,
//! and `agentry doctor`'s verdicts.

use std::io::{BufRead, BufReader, Read, Write};
use std::net::TcpListener;
use std::sync::{Arc, Mutex};

use serde_json::{Value, json};

use crate::process::{Server, calculator, http, json as call};

fn start_run(api: &str, graph_id: &str, x: i64) -> Value {
    call(
        api,
        "POST",
        &format!("/api/graphs/{graph_id}/execute/1?wait=true"),
        Some(&json!({"inputs": {"x": x}})),
    )
}

#[test]
fn probes_metrics_and_json_logs() {
    let dir = tempfile::tempdir().unwrap();
    let env = [
        ("AGENTRY_LOG_FORMAT", "json".to_string()),
        ("AGENTRY_METRICS__BIND", "127.0.0.1:0".to_string()),
        ("AGENTRY_METRICS__TOKEN", "metrics-s3cret".to_string()),
    ];
    let server = Server::start(dir.path(), &["--no-auth", "--port", "0"], &env);
    let api = server.api().to_string();
    let metrics = server.metrics.clone().expect("the metrics listener");

    for addr in [&api, &metrics] {
        let (status, body) = http(addr, "GET", "/health", &[], None).unwrap();
        assert_eq!(status, 200, "{body}");
        let (status, body) = http(addr, "GET", "/ready", &[], None).unwrap();
        assert_eq!(status, 200, "{body}");
        let ready: Value = serde_json::from_str(&body).unwrap();
        assert_eq!(ready["checks"]["database"], "ok");
        assert_eq!(ready["checks"]["migrations"], "current");
        assert_eq!(ready["checks"]["worker_slots"]["total"], 100);
    }

    let graph = call(
        &api,
        "POST",
        "/api/graphs",
        Some(&json!({"graph": calculator()})),
    );
    let graph_id = graph["id"].as_str().unwrap();
    let run = start_run(&api, graph_id, 41);
    assert_eq!(run["status"], "COMPLETED", "{run}");
    // Division by zero fails the calculator node: a log line inside the node's span.
    let failing = json!({
        "name": "divide by zero",
        "nodes": [{"id": "div", "block_id": "b1ab9b19-67a6-406d-abf5-2dba76d00c79",
                   "input_default": {"operation": "Divide", "a": 1, "b": 0}, "metadata": {}}],
        "links": []
    });
    let failing = call(
        &api,
        "POST",
        "/api/graphs",
        Some(&json!({"graph": failing})),
    );
    let failed = call(
        &api,
        "POST",
        &format!(
            "/api/graphs/{}/execute/1?wait=true",
            failing["id"].as_str().unwrap()
        ),
        Some(&json!({"inputs": {}})),
    );
    let failed_id = failed["id"].as_str().unwrap().to_string();

    let (status, text) = http(&metrics, "GET", "/metrics", &[], None).unwrap();
    assert_eq!(status, 200);
    for needed in [
        "agentry_http_requests_total{",
        "route=\"/api/graphs\"",
        "agentry_http_request_duration_seconds_bucket{",
        "agentry_node_executions_total{block=\"CalculatorBlock\",status=\"COMPLETED\"} 1",
        "agentry_node_executions_total{block=\"CalculatorBlock\",status=\"FAILED\"} 1",
        "agentry_node_duration_seconds_bucket{",
        "agentry_writer_batch_rows_bucket{",
        "agentry_writer_commit_seconds_bucket{",
        "agentry_runs{status=\"COMPLETED\"} 1",
        "agentry_runs{status=\"FAILED\"} 1",
        "agentry_queue_depth 0",
        "agentry_queue_oldest_age_seconds 0",
        "agentry_worker_slots_total 100",
    ] {
        assert!(text.contains(needed), "missing {needed} in:\n{text}");
    }
    // The API port: only with the token.
    let (status, _) = http(&api, "GET", "/metrics", &[], None).unwrap();
    assert_eq!(status, 401);
    let (status, _) = http(
        &api,
        "GET",
        "/metrics",
        &[("Authorization", "Bearer wrong")],
        None,
    )
    .unwrap();
    assert_eq!(status, 401);
    let (status, text) = http(
        &api,
        "GET",
        "/metrics",
        &[("Authorization", "Bearer metrics-s3cret")],
        None,
    )
    .unwrap();
    assert_eq!(status, 200);
    assert!(text.contains("agentry_runs{"));

    let lines = server.terminate_and_read();
    assert!(
        lines.iter().all(|l| !l.contains('\u{1b}')),
        "colour codes in a pipe: {lines:?}"
    );
    let logs: Vec<Value> = lines
        .iter()
        .filter_map(|l| serde_json::from_str(l).ok())
        .collect();
    assert!(!logs.is_empty(), "no JSON log lines: {lines:?}");
    let spans_of = |entry: &Value| entry["spans"].as_array().cloned().unwrap_or_default();
    // A run started by a request (`?wait=true`) runs inside that request's span too.
    let span_named = |entry: &Value, name: &str| {
        spans_of(entry)
            .into_iter()
            .find(|s| s["name"] == name)
            .unwrap_or_else(|| panic!("no {name} span: {entry}"))
    };
    let node_failure = logs
        .iter()
        .find(|l| l["message"] == "node execution failed")
        .unwrap_or_else(|| panic!("no node failure logged: {lines:?}"));
    let names: Vec<Value> = spans_of(node_failure)
        .iter()
        .map(|s| s["name"].clone())
        .collect();
    assert!(
        names.ends_with(&[json!("run"), json!("node")]),
        "{node_failure}"
    );
    assert_eq!(
        span_named(node_failure, "run")["graph_exec_id"],
        failed_id.as_str(),
        "{node_failure}"
    );
    assert!(
        span_named(node_failure, "node")["node_exec_id"].is_string(),
        "{node_failure}"
    );
    assert_eq!(node_failure["block"], "CalculatorBlock");
    assert!(
        logs.iter().any(|l| l["message"] == "run ended"
            && spans_of(l)
                .iter()
                .any(|s| s["name"] == "run" && s["graph_exec_id"] == failed_id.as_str())),
        "{lines:?}"
    );
    assert!(
        !lines.iter().any(|l| l.contains("metrics-s3cret")),
        "the token reached the log"
    );
}

/// Text logs to a pipe carry no colour codes either.
#[test]
fn text_logs_have_no_colour_codes_off_a_terminal() {
    let dir = tempfile::tempdir().unwrap();
    let server = Server::start(
        dir.path(),
        &["--no-auth", "--port", "0"],
        &[("AGENTRY_LOG", "info".to_string())],
    );
    let api = server.api().to_string();
    let graph = call(
        &api,
        "POST",
        "/api/graphs",
        Some(&json!({"graph": calculator()})),
    );
    start_run(&api, graph["id"].as_str().unwrap(), 1);
    let lines = server.terminate_and_read();
    assert!(lines.iter().any(|l| l.contains("run ended")), "{lines:?}");
    assert!(lines.iter().all(|l| !l.contains('\u{1b}')), "{lines:?}");
}

/// What the collector received: each request line and body.
type Exports = Arc<Mutex<Vec<(String, Vec<u8>)>>>;

/// A collector on 127.0.0.1 that keeps every OTLP/HTTP export it receives.
fn collector() -> (String, Exports) {
    let listener = TcpListener::bind("127.0.0.1:0").unwrap();
    let addr = listener.local_addr().unwrap().to_string();
    let received = Arc::new(Mutex::new(Vec::new()));
    let sink = received.clone();
    std::thread::spawn(move || {
        for stream in listener.incoming() {
            let Ok(mut stream) = stream else { break };
            let mut reader = BufReader::new(stream.try_clone().unwrap());
            let mut request_line = String::new();
            if reader.read_line(&mut request_line).is_err() {
                continue;
            }
            let mut length = 0usize;
            loop {
                let mut header = String::new();
                if reader.read_line(&mut header).unwrap_or(0) == 0 || header == "\r\n" {
                    break;
                }
                let lower = header.to_ascii_lowercase();
                if let Some(v) = lower.strip_prefix("content-length:") {
                    length = v.trim().parse().unwrap_or(0);
                }
            }
            let mut body = vec![0u8; length];
            let _ = reader.read_exact(&mut body);
            sink.lock().unwrap().push((request_line, body));
            let _ = stream.write_all(
                b"HTTP/1.1 200 OK\r\ncontent-type: application/x-protobuf\r\ncontent-length: 0\r\nconnection: close\r\n\r\n",
            );
        }
    });
    (addr, received)
}

#[test]
fn traces_reach_the_otlp_collector() {
    let (collector, received) = collector();
    let dir = tempfile::tempdir().unwrap();
    let server = Server::start(
        dir.path(),
        &["--no-auth", "--port", "0"],
        &[("AGENTRY_OTLP_ENDPOINT", format!("http://{collector}"))],
    );
    let api = server.api().to_string();
    let graph = call(
        &api,
        "POST",
        "/api/graphs",
        Some(&json!({"graph": calculator()})),
    );
    let run = start_run(&api, graph["id"].as_str().unwrap(), 1);
    let exec_id = run["id"].as_str().unwrap().to_string();
    // Stopping flushes the exporter's batch.
    assert!(server.terminate().success());
    let received = received.lock().unwrap();
    assert!(!received.is_empty(), "no export reached the collector");
    assert!(
        received
            .iter()
            .all(|(line, _)| line.starts_with("POST /v1/traces "))
    );
    let all: Vec<u8> = received.iter().flat_map(|(_, body)| body.clone()).collect();
    let has = |needle: &str| all.windows(needle.len()).any(|w| w == needle.as_bytes());
    // Protobuf keeps strings as they are: span names, attribute keys and values.
    for needle in [
        "agentry",
        "run",
        "node",
        "graph_exec_id",
        "node_exec_id",
        "CalculatorBlock",
        &exec_id,
    ] {
        assert!(has(needle), "no `{needle}` in the exported spans");
    }
}

#[test]
fn doctor_says_what_is_fine_and_what_to_fix() {
    let runtime = tokio::runtime::Runtime::new().unwrap();
    let llm = runtime.block_on(async {
        let server = wiremock::MockServer::start().await;
        wiremock::Mock::given(wiremock::matchers::method("GET"))
            .and(wiremock::matchers::path("/v1/models"))
            .respond_with(wiremock::ResponseTemplate::new(200).set_body_json(json!({"data": []})))
            .mount(&server)
            .await;
        server
    });
    let dir = tempfile::tempdir().unwrap();
    let base = format!("{}/v1", llm.uri());
    let good_key = "k1:AAECAwQFBgcICQoLDA0ODxAREhMUFRYXGBkaGxwdHh8=";
    let migrated = crate::agentry(dir.path(), &["migrate"]);
    assert!(
        migrated.status.success(),
        "{}",
        crate::text(&migrated.stderr)
    );
    let out = crate::agentry_with_env(
        dir.path(),
        &["doctor"],
        &[
            ("OPENAI_BASE_URL", &base),
            ("AGENTRY_ENCRYPTION_KEY", good_key),
        ],
    );
    let stdout = crate::text(&out.stdout);
    assert!(
        stdout.contains("ok    database: Sqlite, schema current"),
        "{stdout}"
    );
    assert!(stdout.contains("ok    encryption key"), "{stdout}");
    assert!(stdout.contains("ok    LLM provider openai"), "{stdout}");
    assert!(stdout.contains("sandbox (JavaScript)"), "{stdout}");
    assert!(stdout.contains("sandbox (Python)"), "{stdout}");

    let out = crate::agentry_with_env(
        dir.path(),
        &["doctor"],
        &[
            ("OPENAI_BASE_URL", "http://127.0.0.1:9/v1"),
            ("AGENTRY_ENCRYPTION_KEY", "not-a-key"),
            ("AGENTRY_REDIS_URL", "redis://127.0.0.1:9/0"),
        ],
    );
    let stdout = crate::text(&out.stdout);
    assert_eq!(out.status.code(), Some(1), "{stdout}");
    assert!(stdout.contains("FAIL  encryption key"), "{stdout}");
    assert!(
        stdout.contains("FAIL  LLM provider openai: http://127.0.0.1:9/v1 is unreachable"),
        "{stdout}"
    );
    assert!(stdout.contains("FAIL  redis"), "{stdout}");
    assert!(!stdout.contains("not-a-key"), "the key was printed");

    // The key may as well be the `encryption_key` setting in agentry.toml.
    let llm_only = [("OPENAI_BASE_URL", base.as_str())];
    std::fs::write(
        dir.path().join("agentry.toml"),
        format!("encryption_key = \"{good_key}\"\n"),
    )
    .unwrap();
    let out = crate::agentry_with_env(dir.path(), &["doctor"], &llm_only);
    let stdout = crate::text(&out.stdout);
    assert!(stdout.contains("ok    encryption key"), "{stdout}");
    let short_key = "k1:c2hvcnQga2V5IGJ5dGVz";
    std::fs::write(
        dir.path().join("agentry.toml"),
        format!("encryption_key = \"{short_key}\"\n"),
    )
    .unwrap();
    let out = crate::agentry_with_env(dir.path(), &["doctor"], &llm_only);
    let stdout = crate::text(&out.stdout);
    assert_eq!(out.status.code(), Some(1), "{stdout}");
    assert!(stdout.contains("FAIL  encryption key"), "{stdout}");
    assert!(
        !stdout.contains("c2hvcnQga2V5IGJ5dGVz"),
        "the key was printed"
    );
}
