//! `agentry serve`: starts on the configured port, answers, and shuts down cleanly on SIGTERM.

use std::io::{BufRead, BufReader, Read, Write};
use std::net::TcpStream;
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

fn get(addr: &str, path: &str) -> String {
    let mut stream = TcpStream::connect(addr).unwrap();
    stream
        .set_read_timeout(Some(Duration::from_secs(10)))
        .unwrap();
    write!(
        stream,
        "GET {path} HTTP/1.1\r\nHost: {addr}\r\nConnection: close\r\n\r\n"
    )
    .unwrap();
    let mut response = String::new();
    stream.read_to_string(&mut response).unwrap();
    response
}

#[test]
fn serve_answers_health_and_stops_on_sigterm() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(
        dir.path().join("agentry.toml"),
        "port = 0\nlog = \"warn\"\n",
    )
    .unwrap();
    let mut child = Command::new(env!("CARGO_BIN_EXE_agentry"))
        .arg("serve")
        .current_dir(dir.path())
        .env_remove("AGENTRY_PORT")
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    let stderr = child.stderr.take().unwrap();
    let mut lines = BufReader::new(stderr).lines();
    let addr = loop {
        let line = lines.next().expect("serve prints its address").unwrap();
        if let Some(rest) = line.strip_prefix("Agentry listening on http://") {
            break rest.to_string();
        }
    };
    assert!(
        addr.starts_with("127.0.0.1:"),
        "binds loopback by default: {addr}"
    );
    let health = get(&addr, "/health");
    assert!(health.starts_with("HTTP/1.1 200"), "{health}");
    assert!(health.contains("healthy"));
    let missing = get(&addr, "/api/nope");
    assert!(missing.contains("route_not_found"), "{missing}");

    let status = Command::new("kill")
        .args(["-TERM", &child.id().to_string()])
        .status()
        .unwrap();
    assert!(status.success());
    let started = Instant::now();
    loop {
        if let Some(status) = child.try_wait().unwrap() {
            assert!(status.success(), "clean exit on SIGTERM");
            break;
        }
        assert!(
            started.elapsed() < Duration::from_secs(20),
            "serve did not stop"
        );
        std::thread::sleep(Duration::from_millis(50));
    }
}

/// POSTs a JSON body; answers the raw response.
fn post(addr: &str, path: &str, body: &str) -> String {
    let mut stream = TcpStream::connect(addr).unwrap();
    stream
        .set_read_timeout(Some(Duration::from_secs(10)))
        .unwrap();
    write!(
        stream,
        "POST {path} HTTP/1.1\r\nHost: {addr}\r\nContent-Type: application/json\r\n\
         Content-Length: {}\r\nConnection: close\r\n\r\n{body}",
        body.len()
    )
    .unwrap();
    let mut response = String::new();
    stream.read_to_string(&mut response).unwrap();
    response
}

#[test]
fn no_auth_is_refused_beyond_loopback() {
    let dir = tempfile::tempdir().unwrap();
    let out = Command::new(env!("CARGO_BIN_EXE_agentry"))
        .args(["serve", "--no-auth", "--host", "0.0.0.0", "--port", "0"])
        .current_dir(dir.path())
        .env_remove("AGENTRY_PORT")
        .output()
        .unwrap();
    assert!(!out.status.success());
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(
        stderr.contains("refusing --no-auth on 0.0.0.0") && stderr.contains("127.0.0.1"),
        "{stderr}"
    );
}

#[test]
fn user_create_makes_the_admin_who_signs_in() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(
        dir.path().join("agentry.toml"),
        "port = 0\nlog = \"warn\"\n",
    )
    .unwrap();
    let mut create = Command::new(env!("CARGO_BIN_EXE_agentry"))
        .args(["user", "create", "--admin", "Root@Example.com"])
        .current_dir(dir.path())
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .spawn()
        .unwrap();
    create
        .stdin
        .take()
        .unwrap()
        .write_all(b"a long admin passphrase\n")
        .unwrap();
    let out = create.wait_with_output().unwrap();
    assert!(out.status.success());
    let said = String::from_utf8_lossy(&out.stdout);
    assert!(said.contains("root@example.com (admin"), "{said}");

    let mut child = Command::new(env!("CARGO_BIN_EXE_agentry"))
        .args(["serve", "--role", "api"])
        .current_dir(dir.path())
        .env_remove("AGENTRY_PORT")
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    let stderr = child.stderr.take().unwrap();
    let mut lines = BufReader::new(stderr).lines();
    let addr = loop {
        let line = lines.next().expect("serve prints its address").unwrap();
        if let Some(rest) = line.strip_prefix("Agentry listening on http://") {
            break rest.to_string();
        }
    };
    let anonymous = get(&addr, "/api/graphs");
    assert!(anonymous.starts_with("HTTP/1.1 401"), "{anonymous}");
    let login = post(
        &addr,
        "/api/auth/login",
        r#"{"email":"root@example.com","password":"a long admin passphrase"}"#,
    );
    assert!(login.starts_with("HTTP/1.1 200"), "{login}");
    assert!(login.contains("\"role\":\"admin\""), "{login}");
    let _ = child.kill();
    let _ = child.wait();
}
