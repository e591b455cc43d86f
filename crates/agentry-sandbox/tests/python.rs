//! Python in the sandbox: ordinary programs work, hostile ones are stopped by each limit.

mod support;

use std::io::ErrorKind;
use std::net::TcpListener;
use std::os::unix::fs::PermissionsExt;
use std::time::{Duration, Instant};

use agentry_sandbox::Language;
use support::{python, sandbox};

#[tokio::test]
async fn captures_stdout_and_the_last_expression() {
    let out = python(
        "import json, math\nprint('hello')\nprint(json.dumps({'a': 1}))\nmath.floor(2.5) + 1",
    )
    .await;
    assert_eq!(out.error, None, "{out:?}");
    assert_eq!(out.stdout, "hello\n{\"a\": 1}\n");
    assert_eq!(out.result.as_deref(), Some("3"));
    let out = python("x = 1").await;
    assert_eq!((out.result, out.error), (None, None));
}

#[tokio::test]
async fn an_exception_is_the_error_with_its_traceback_on_stderr() {
    let out = python("print('before')\nraise ValueError('boom')").await;
    assert_eq!(out.error.as_deref(), Some("ValueError: boom"));
    assert_eq!(out.stdout, "before\n");
    assert!(out.stderr.contains("Traceback"), "{}", out.stderr);
    let out = python("def f(:\n  pass").await;
    assert!(out.error.unwrap().starts_with("SyntaxError"));
}

#[tokio::test]
async fn an_infinite_loop_is_killed_at_the_cpu_limit() {
    let started = Instant::now();
    let out = python("while True:\n    pass").await;
    assert!(
        !out.timed_out,
        "the CPU limit, not the wall clock, must stop it"
    );
    assert!(out.error.unwrap().contains("CPU time limit"));
    assert!(started.elapsed() < Duration::from_secs(15));
}

#[tokio::test]
async fn a_sleeper_is_killed_at_the_wall_clock() {
    let started = Instant::now();
    let out = sandbox()
        .run(
            Language::Python,
            "import time\nprint('start', flush=True)\ntime.sleep(60)",
            Some(Duration::from_secs(2)),
        )
        .await
        .unwrap();
    assert!(out.timed_out);
    assert!(out.error.unwrap().contains("timed out"));
    assert_eq!(out.stdout, "start\n");
    assert!(started.elapsed() < Duration::from_secs(10));
}

#[tokio::test]
async fn a_memory_bomb_hits_the_memory_limit() {
    let out = python("x = bytearray(1024 ** 3)").await;
    assert_eq!(out.error.as_deref(), Some("MemoryError: "));
    let out = python("chunks = []\nwhile True:\n    chunks.append(' ' * 10_000_000)").await;
    assert!(!out.timed_out);
    assert!(out.error.is_some(), "{out:?}");
}

#[tokio::test]
async fn no_new_process_can_start() {
    let code = r#"
import os, subprocess
for name, attempt in [
    ("fork", lambda: os.fork()),
    ("subprocess", lambda: subprocess.run(["/bin/sh", "-c", "echo escaped"])),
    ("posix_spawn", lambda: os.posix_spawn("/bin/sh", ["sh", "-c", "echo escaped"], {})),
    ("execv", lambda: os.execv("/bin/sh", ["sh", "-c", "echo escaped"])),
    ("system", lambda: os.system("echo escaped") == 0 or (_ for _ in ()).throw(OSError("failed"))),
]:
    try:
        attempt()
        print("ALLOWED", name)
    except OSError as e:
        print("blocked", name, e.errno)
"#;
    let out = python(code).await;
    assert_eq!(out.error, None, "{out:?}");
    assert!(!out.stdout.contains("ALLOWED"), "{}", out.stdout);
    assert!(!out.stdout.contains("escaped"), "{}", out.stdout);
    assert_eq!(out.stdout.matches("blocked").count(), 5, "{}", out.stdout);
}

#[tokio::test]
async fn files_cannot_be_written_created_or_removed() {
    // A world-writable directory and file: only the filter stands in the way.
    let dir = tempfile::tempdir().unwrap();
    std::fs::set_permissions(dir.path(), std::fs::Permissions::from_mode(0o777)).unwrap();
    let victim = dir.path().join("victim.txt");
    std::fs::write(&victim, "original").unwrap();
    std::fs::set_permissions(&victim, std::fs::Permissions::from_mode(0o666)).unwrap();
    let created = dir.path().join("created.txt");
    let in_tmp = format!("/tmp/agentry-sandbox-probe-{}", std::process::id());
    let _ = std::fs::remove_file(&in_tmp);
    let code = format!(
        r#"
import os
for name, attempt in [
    ("tmp", lambda: open({in_tmp:?}, "w").write("x")),
    ("append", lambda: open({victim:?}, "a").write("x")),
    ("rw", lambda: open({victim:?}, "r+").write("x")),
    ("create", lambda: os.open({created:?}, os.O_CREAT | os.O_WRONLY)),
    ("unlink", lambda: os.unlink({victim:?})),
    ("rename", lambda: os.rename({victim:?}, {created:?})),
    ("mkdir", lambda: os.mkdir({created:?})),
    ("cwd", lambda: open("here.txt", "w")),
]:
    try:
        attempt()
        print("ALLOWED", name)
    except OSError as e:
        print("blocked", name)
try:
    print(open({victim:?}).read())
except OSError:
    print("read blocked")
"#
    );
    let out = python(&code).await;
    assert_eq!(out.error, None, "{out:?}");
    assert!(!out.stdout.contains("ALLOWED"), "{}", out.stdout);
    assert_eq!(out.stdout.matches("blocked").count(), 9, "{}", out.stdout);
    // Outside the runtime's files, reading is denied too (Landlock).
    assert!(out.stdout.ends_with("read blocked\n"), "{}", out.stdout);
    assert_eq!(std::fs::read_to_string(&victim).unwrap(), "original");
    assert!(!created.exists());
    assert!(!std::path::Path::new(&in_tmp).exists());
}

#[tokio::test]
async fn private_files_and_other_processes_are_out_of_reach() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::set_permissions(dir.path(), std::fs::Permissions::from_mode(0o755)).unwrap();
    let secret = dir.path().join("secret");
    std::fs::write(&secret, "s3cret").unwrap();
    std::fs::set_permissions(&secret, std::fs::Permissions::from_mode(0o600)).unwrap();
    let mut sleeper = std::process::Command::new("sleep")
        .arg("30")
        .spawn()
        .unwrap();
    let code = format!(
        r#"
import os
for name, attempt in [
    ("secret", lambda: open({secret:?}).read()),
    ("environ", lambda: open("/proc/{me}/environ").read()),
    ("kill", lambda: os.kill({pid}, 9)),
]:
    try:
        print("ALLOWED", name, attempt())
    except OSError:
        print("blocked", name)
print(sorted(os.environ))
"#,
        me = std::process::id(),
        pid = sleeper.id(),
    );
    let out = python(&code).await;
    let alive = sleeper.try_wait().unwrap().is_none();
    let _ = sleeper.kill();
    assert!(alive, "the sandbox killed another process");
    assert!(!out.stdout.contains("ALLOWED"), "{}", out.stdout);
    assert_eq!(out.stdout.matches("blocked").count(), 3, "{}", out.stdout);
    assert!(
        out.stdout.contains("['LC_ALL']"),
        "no inherited environment: {}",
        out.stdout
    );
}

#[tokio::test]
async fn the_network_is_unreachable() {
    let listener = TcpListener::bind("127.0.0.1:0").unwrap();
    listener.set_nonblocking(true).unwrap();
    let port = listener.local_addr().unwrap().port();
    let code = format!(
        r#"
import socket
for name, attempt in [
    ("tcp", lambda: socket.create_connection(("127.0.0.1", {port}), timeout=2)),
    ("udp", lambda: socket.socket(socket.AF_INET, socket.SOCK_DGRAM).sendto(b"x", ("127.0.0.1", {port}))),
    ("unix", lambda: socket.socket(socket.AF_UNIX)),
    ("pair", lambda: socket.socketpair()),
]:
    try:
        attempt()
        print("ALLOWED", name)
    except OSError:
        print("blocked", name)
"#
    );
    let out = python(&code).await;
    assert_eq!(out.error, None, "{out:?}");
    assert!(!out.stdout.contains("ALLOWED"), "{}", out.stdout);
    assert_eq!(out.stdout.matches("blocked").count(), 4, "{}", out.stdout);
    match listener.accept() {
        Err(e) if e.kind() == ErrorKind::WouldBlock => {}
        other => panic!("the listener saw a connection: {other:?}"),
    }
}

#[tokio::test]
async fn threads_still_work() {
    let out = python("import threading\nt = threading.Thread(target=lambda: print('in thread'))\nt.start(); t.join()").await;
    assert_eq!(out.error, None, "{out:?}");
    assert_eq!(out.stdout, "in thread\n");
}

#[tokio::test]
async fn a_flood_of_output_is_capped_and_the_error_still_arrives() {
    let out =
        python("import sys\nfor _ in range(20000):\n    print('x' * 99)\nraise KeyError('late')")
            .await;
    assert_eq!(out.error.as_deref(), Some("KeyError: 'late'"));
    assert!(out.stdout.len() < 70 * 1024, "{}", out.stdout.len());
    assert!(out.stdout.ends_with("[output truncated]\n"));
}
