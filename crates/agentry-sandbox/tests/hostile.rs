//! The hostile-code suite for what a run must never see: the server's SQLite file and WAL, its
//! configuration and log, another run's file folder, the source tree, the server's environment
//! and memory through `/proc`, the process list, and a root-owned file with mode 0644. Every
//! file is laid out as the server keeps it, with modes that let anyone read it, so only the
//! sandbox's confinement stands in the way; a control run of the same probe outside the
//! sandbox reads them, so the suite fails if the confinement goes.
//!
//! The server is this test process. As root the suite runs as is (the runner becomes
//! `nobody`), then once more with the whole test process re-executed as an unprivileged user
//! (the runner then starts unprivileged and the server's `/proc` files belong to its own
//! user, so only non-dumpability and Landlock protect them). docs/security.md lists what each
//! test proves.

mod support;

use std::os::unix::fs::PermissionsExt;
use std::os::unix::process::CommandExt;
use std::path::{Path, PathBuf};
use std::process::Command;

use agentry_sandbox::Language;
use support::sandbox;

const SECRET: &str = "agentry-hostile-secret-7f3a";
const NOBODY: u32 = 65534;
/// Set in the re-executed test process: where the root-owned file is.
const ROOT_FILE_ENV: &str = "AGENTRY_HOSTILE_ROOT_FILE";

/// A server's files, laid out as `agentry serve` keeps them, all readable by anyone.
struct ServerHome {
    _dir: tempfile::TempDir,
    /// (what, path) pairs the probe tries to read or list.
    targets: Vec<(String, PathBuf)>,
}

fn world_readable(path: &Path) {
    let mode = if path.is_dir() { 0o755 } else { 0o644 };
    std::fs::set_permissions(path, std::fs::Permissions::from_mode(mode)).unwrap();
}

fn write(path: &Path, contents: &[u8]) {
    std::fs::create_dir_all(path.parent().unwrap()).unwrap();
    std::fs::write(path, contents).unwrap();
    world_readable(path);
}

fn server_home(root_file: Option<PathBuf>) -> ServerHome {
    let dir = tempfile::tempdir().unwrap();
    let home = dir.path().to_path_buf();
    let mut db = b"SQLite format 3\0".to_vec();
    db.extend_from_slice(SECRET.as_bytes());
    write(&home.join("agentry.db"), &db);
    write(
        &home.join("agentry.db-wal"),
        format!("WAL frame: credentials {SECRET}").as_bytes(),
    );
    write(
        &home.join("agentry.toml"),
        format!("encryption_key = \"{SECRET}\"\n").as_bytes(),
    );
    write(
        &home.join("logs/agentry.log"),
        format!("INFO run started {SECRET}\n").as_bytes(),
    );
    let other_run = home.join("files/other-user/other-run");
    write(
        &other_run.join("report.txt"),
        format!("another user's file {SECRET}").as_bytes(),
    );
    for d in [
        home.clone(),
        home.join("logs"),
        home.join("files"),
        home.join("files/other-user"),
        other_run.clone(),
    ] {
        world_readable(&d);
    }
    let me = std::process::id();
    let source = Path::new(env!("CARGO_MANIFEST_DIR"));
    let mut targets = vec![
        ("database".to_string(), home.join("agentry.db")),
        ("wal".into(), home.join("agentry.db-wal")),
        ("config".into(), home.join("agentry.toml")),
        ("log".into(), home.join("logs/agentry.log")),
        ("other run's file".into(), other_run.join("report.txt")),
        ("other run's folder".into(), other_run),
        ("server home".into(), home.clone()),
        ("source file".into(), source.join("src/lib.rs")),
        ("source tree".into(), source.to_path_buf()),
        (
            "server environ".into(),
            PathBuf::from(format!("/proc/{me}/environ")),
        ),
        (
            "server mem".into(),
            PathBuf::from(format!("/proc/{me}/mem")),
        ),
        (
            "server maps".into(),
            PathBuf::from(format!("/proc/{me}/maps")),
        ),
        ("process list".into(), PathBuf::from("/proc")),
    ];
    if let Some(root_file) = root_file {
        targets.push(("root-owned 0644 file".into(), root_file));
    }
    ServerHome { _dir: dir, targets }
}

/// A root-owned file with mode 0644 under a world-readable folder; `None` when not root.
fn root_owned_file() -> Option<(tempfile::TempDir, PathBuf)> {
    if !rustix::process::geteuid().is_root() {
        return None;
    }
    let dir = tempfile::tempdir().unwrap();
    world_readable(dir.path());
    let file = dir.path().join("root-secret.txt");
    write(&file, format!("root's {SECRET}").as_bytes());
    Some((dir, file))
}

/// Python that tries every target and prints `ALLOWED <what>` or `blocked <what>`.
fn probe(targets: &[(String, PathBuf)]) -> String {
    let targets: Vec<(&str, String)> = targets
        .iter()
        .map(|(what, path)| (what.as_str(), path.display().to_string()))
        .collect();
    let targets = serde_json::to_string(&targets).unwrap();
    format!(
        r#"
import json, os
for what, path in json.loads({targets:?}):
    try:
        if os.path.isdir(path):
            seen = repr(os.listdir(path))
        else:
            with open(path, "rb") as f:
                if what == "server mem":
                    seen = "opened"
                else:
                    seen = f.read(4096).decode("utf-8", "replace")
        print("ALLOWED", what, seen[:300])
    except OSError as e:
        print("blocked", what, e.errno)
"#
    )
}

fn allowed(stdout: &str) -> Vec<&str> {
    stdout
        .lines()
        .filter(|l| l.starts_with("ALLOWED"))
        .collect()
}

/// The probe in the sandbox: everything blocked, nothing of the secret in any output.
async fn assert_python_sees_nothing(home: &ServerHome) {
    let out = sandbox()
        .run(Language::Python, &probe(&home.targets), None)
        .await
        .unwrap();
    assert_eq!(out.error, None, "{out:?}");
    assert_eq!(allowed(&out.stdout), Vec::<&str>::new(), "{}", out.stdout);
    assert_eq!(
        out.stdout.matches("blocked").count(),
        home.targets.len(),
        "{}",
        out.stdout
    );
    for text in [&out.stdout, &out.stderr] {
        assert!(!text.contains(SECRET), "{text}");
    }
}

/// The same probe outside the sandbox, as the user the runner would be: the files are there
/// and their modes let that user read them, so the sandbox's denial is its own doing.
fn assert_control_reads_the_files(home: &ServerHome) {
    let mut cmd = Command::new(agentry_sandbox::CodeSandbox::default_python());
    cmd.arg("-c").arg(probe(&home.targets));
    if rustix::process::geteuid().is_root() {
        // std clears the supplementary groups when root sets a uid.
        cmd.uid(NOBODY).gid(NOBODY);
    }
    let out = cmd.output().unwrap();
    let stdout = String::from_utf8_lossy(&out.stdout);
    for what in [
        "database",
        "wal",
        "config",
        "log",
        "other run's file",
        "other run's folder",
        "server home",
        "process list",
    ] {
        assert!(
            stdout.contains(&format!("ALLOWED {what} ")),
            "the control could not read {what}, so the suite proves nothing: {stdout}"
        );
    }
    assert!(stdout.contains(SECRET), "{stdout}");
    if home
        .targets
        .iter()
        .any(|(w, _)| w == "root-owned 0644 file")
    {
        assert!(stdout.contains("ALLOWED root-owned 0644 file"), "{stdout}");
    }
}

#[tokio::test]
async fn python_reads_nothing_of_the_server() {
    let root = root_owned_file();
    let home = server_home(root.as_ref().map(|(_, f)| f.clone()));
    agentry_sandbox::make_non_dumpable().unwrap();
    assert_control_reads_the_files(&home);
    assert_python_sees_nothing(&home).await;
}

/// The standard globals of ECMAScript, `console`, and the pure helpers QuickJS adds (`atob`,
/// `btoa`, `DOMException`, `performance`): anything else would be a host API.
const JS_GLOBALS: &[&str] = &[
    "AggregateError",
    "Array",
    "ArrayBuffer",
    "AsyncDisposableStack",
    "Atomics",
    "BigInt",
    "BigInt64Array",
    "BigUint64Array",
    "Boolean",
    "DOMException",
    "DataView",
    "Date",
    "DisposableStack",
    "Error",
    "EvalError",
    "FinalizationRegistry",
    "Float16Array",
    "Float32Array",
    "Float64Array",
    "Function",
    "Infinity",
    "Int16Array",
    "Int32Array",
    "Int8Array",
    "InternalError",
    "Iterator",
    "JSON",
    "Map",
    "Math",
    "NaN",
    "Number",
    "Object",
    "Promise",
    "Proxy",
    "RangeError",
    "ReferenceError",
    "Reflect",
    "RegExp",
    "Set",
    "SharedArrayBuffer",
    "String",
    "SuppressedError",
    "Symbol",
    "SyntaxError",
    "TypeError",
    "URIError",
    "Uint16Array",
    "Uint32Array",
    "Uint8Array",
    "Uint8ClampedArray",
    "WeakMap",
    "WeakRef",
    "WeakSet",
    "atob",
    "btoa",
    "console",
    "decodeURI",
    "decodeURIComponent",
    "encodeURI",
    "encodeURIComponent",
    "escape",
    "eval",
    "globalThis",
    "isFinite",
    "isNaN",
    "parseFloat",
    "parseInt",
    "performance",
    "queueMicrotask",
    "undefined",
    "unescape",
];

#[tokio::test]
async fn javascript_has_no_way_to_the_servers_files() {
    let root = root_owned_file();
    let home = server_home(root.as_ref().map(|(_, f)| f.clone()));
    // No host API beyond the language and `console`.
    let out = sandbox()
        .run(
            Language::Javascript,
            "Object.getOwnPropertyNames(globalThis).sort().join(',')",
            None,
        )
        .await
        .unwrap();
    assert_eq!(out.error, None, "{out:?}");
    let globals = out.result.unwrap();
    let unknown: Vec<&str> = globals
        .split(',')
        .filter(|g| !JS_GLOBALS.contains(g))
        .collect();
    assert!(
        unknown.is_empty(),
        "host APIs reachable from JS: {unknown:?}"
    );
    // The module loader is the one door left to a file: it must not open any target.
    let paths: Vec<String> = home
        .targets
        .iter()
        .map(|(_, p)| p.display().to_string())
        .collect();
    let code = format!(
        r#"
const results = [];
for (const p of {paths}) {{
  import(p).then(m => results.push("ALLOWED " + p + " " + JSON.stringify(m)),
                 e => results.push("blocked " + p + " " + e));
}}
results.length
"#,
        paths = serde_json::to_string(&paths).unwrap()
    );
    let out = sandbox()
        .run(Language::Javascript, &code, None)
        .await
        .unwrap();
    for text in [&out.stdout, &out.stderr] {
        assert!(!text.contains(SECRET), "{text}");
        assert!(!text.contains("ALLOWED"), "{text}");
    }
    assert!(
        !out.result.as_deref().unwrap_or("").contains(SECRET),
        "{out:?}"
    );
}

/// As root: the same suite once more with the server (this test binary, re-executed) running
/// as `nobody`, so that the runner starts unprivileged and the server's `/proc` files belong
/// to the runner's own user. Without root the suite above already ran that way.
#[test]
fn the_suite_holds_when_the_server_is_an_unprivileged_user() {
    if !rustix::process::geteuid().is_root() {
        return;
    }
    let (_dir, root_file) = root_owned_file().unwrap();
    let out = Command::new(std::env::current_exe().unwrap())
        .args([
            "--exact",
            "as_an_unprivileged_server",
            "--ignored",
            "--nocapture",
        ])
        .env(ROOT_FILE_ENV, &root_file)
        .env("TMPDIR", "/tmp")
        .uid(NOBODY)
        .gid(NOBODY)
        .output()
        .unwrap();
    let stdout = String::from_utf8_lossy(&out.stdout);
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(out.status.success(), "{stdout}\n{stderr}");
    assert!(
        stdout.contains("1 passed"),
        "the unprivileged run did not run: {stdout}\n{stderr}"
    );
}

/// Run by the test above as `nobody` (ignored otherwise).
#[tokio::test]
#[ignore = "run as an unprivileged user by the_suite_holds_when_the_server_is_an_unprivileged_user"]
async fn as_an_unprivileged_server() {
    assert!(!rustix::process::geteuid().is_root());
    let root_file = std::env::var_os(ROOT_FILE_ENV).map(PathBuf::from);
    let home = server_home(root_file);
    assert_control_reads_the_files(&home);
    // While dumpable, a process of the same user reads the server's environment: the control
    // that makes the next assertion mean something.
    let environ = format!("/proc/{}/environ", std::process::id());
    let read_environ = || {
        Command::new(agentry_sandbox::CodeSandbox::default_python())
            .arg("-c")
            .arg(format!("print(len(open({environ:?}, 'rb').read()))"))
            .output()
            .unwrap()
            .status
            .success()
    };
    assert!(
        read_environ(),
        "a same-user process should read a dumpable server's environ"
    );
    agentry_sandbox::make_non_dumpable().unwrap();
    assert!(!read_environ(), "a non-dumpable server's environ was read");
    assert_python_sees_nothing(&home).await;
}
