//! Backup and restore on a running server: runs flow while `agentry backup` copies the
//! database; the copy restores into an empty database with every run that had completed
//! before the backup began and every graph, and a server on the restored database runs graphs.
//! `agentry export-all` writes the graphs as AutoGPT files. On SQLite, or on PostgreSQL
//! (pg_dump / pg_restore) when `TEST_DATABASE_URL` is set.

use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use agentry_store::{DEFAULT_USER_ID, Store};
use serde_json::{Value, json};

use crate::process::{Server, calculator, json as call};

#[test]
fn backup_under_load_restores_every_completed_run() {
    let runtime = tokio::runtime::Runtime::new().unwrap();
    let source = runtime.block_on(agentry_store::testing::fresh_database());
    let target = runtime.block_on(agentry_store::testing::fresh_database());
    let dir = tempfile::tempdir().unwrap();
    // The load's clients share one address: per-address rate limits would refuse them.
    std::fs::write(
        dir.path().join("agentry.toml"),
        "[perimeter.rate_limits]\nenabled = false\n",
    )
    .unwrap();
    let env = [("AGENTRY_DATABASE_URL", source.url().to_string())];
    let server = Server::start(dir.path(), &["--no-auth", "--port", "0"], &env);
    let api = server.api().to_string();
    let graph = call(
        &api,
        "POST",
        "/api/graphs",
        Some(&json!({"graph": calculator()})),
    );
    let graph_id = graph["id"].as_str().unwrap().to_string();

    // The load: two clients running graphs back to back until told to stop.
    let completed = Arc::new(Mutex::new(Vec::<String>::new()));
    let stop = Arc::new(AtomicBool::new(false));
    let clients: Vec<_> = (0..2)
        .map(|_| {
            let (api, graph_id) = (api.clone(), graph_id.clone());
            let (completed, stop) = (completed.clone(), stop.clone());
            std::thread::spawn(move || {
                let mut x = 0;
                while !stop.load(Ordering::SeqCst) && x < 2_000 {
                    let run = call(
                        &api,
                        "POST",
                        &format!("/api/graphs/{graph_id}/execute/1?wait=true"),
                        Some(&json!({"inputs": {"x": x}})),
                    );
                    assert_eq!(run["status"], "COMPLETED", "{run}");
                    completed
                        .lock()
                        .unwrap()
                        .push(run["id"].as_str().unwrap().to_string());
                    x += 1;
                }
            })
        })
        .collect();
    let started = Instant::now();
    while completed.lock().unwrap().len() < 20 {
        assert!(
            started.elapsed() < Duration::from_secs(60),
            "the load never ran"
        );
        std::thread::sleep(Duration::from_millis(20));
    }
    let before: Vec<String> = completed.lock().unwrap().clone();
    let file = dir.path().join("backup.bin");
    let file_arg = file.to_str().unwrap();
    let out = crate::agentry_with_env(
        dir.path(),
        &["backup", file_arg, "--database-url", source.url()],
        &[],
    );
    assert!(out.status.success(), "{}", crate::text(&out.stderr));
    // The runs went on meanwhile; stop the load once a few more completed after the backup.
    let after_backup = completed.lock().unwrap().len();
    let since = Instant::now();
    while completed.lock().unwrap().len() < after_backup + 5 {
        assert!(
            since.elapsed() < Duration::from_secs(60),
            "the load stopped after the backup"
        );
        std::thread::sleep(Duration::from_millis(20));
    }
    stop.store(true, Ordering::SeqCst);
    for client in clients {
        client.join().unwrap();
    }
    server.terminate();

    // A backup never overwrites.
    let again = crate::agentry_with_env(
        dir.path(),
        &["backup", file_arg, "--database-url", source.url()],
        &[],
    );
    assert!(!again.status.success());

    let target_url = match target.backend() {
        agentry_store::Backend::Sqlite => {
            format!("sqlite://{}", dir.path().join("restored.db").display())
        }
        agentry_store::Backend::Postgres => target.url().to_string(),
    };
    let out = crate::agentry_with_env(
        dir.path(),
        &["restore", file_arg, "--database-url", &target_url],
        &[],
    );
    assert!(out.status.success(), "{}", crate::text(&out.stderr));
    // A second restore is refused: the database is not empty any more.
    let twice = crate::agentry_with_env(
        dir.path(),
        &["restore", file_arg, "--database-url", &target_url],
        &[],
    );
    assert!(!twice.status.success());
    assert!(
        crate::text(&twice.stderr).contains("empty database"),
        "{}",
        crate::text(&twice.stderr)
    );

    runtime.block_on(async {
        let restored = Store::open(&target_url).await.unwrap();
        for id in &before {
            let record = restored.get_execution(DEFAULT_USER_ID, id).await.unwrap();
            assert_eq!(record.run.status, "COMPLETED", "run {id}");
            assert_eq!(record.nodes.len(), 3, "run {id} lost node executions");
        }
        let graphs = restored.list_graphs(DEFAULT_USER_ID).await.unwrap();
        assert!(graphs.iter().any(|g| g.id == graph_id));
        restored.close().await.unwrap();
    });

    // The restored instance runs graphs.
    let restored_dir = tempfile::tempdir().unwrap();
    let server = Server::start(
        restored_dir.path(),
        &["--no-auth", "--port", "0"],
        &[("AGENTRY_DATABASE_URL", target_url.clone())],
    );
    let run = call(
        server.api(),
        "POST",
        &format!("/api/graphs/{graph_id}/execute/1?wait=true"),
        Some(&json!({"inputs": {"x": 41}})),
    );
    assert_eq!(run["status"], "COMPLETED", "{run}");
    assert_eq!(run["outputs"]["y"], json!([42.0]), "{run}");
    server.terminate();

    // Every graph, as AutoGPT files.
    let export = restored_dir.path().join("export");
    let out = crate::agentry_with_env(
        restored_dir.path(),
        &[
            "export-all",
            export.to_str().unwrap(),
            "--database-url",
            &target_url,
        ],
        &[],
    );
    assert!(out.status.success(), "{}", crate::text(&out.stderr));
    let file = export
        .join(DEFAULT_USER_ID)
        .join(format!("{graph_id}-v1.json"));
    let exported: Value = serde_json::from_str(&std::fs::read_to_string(&file).unwrap()).unwrap();
    assert_eq!(exported["id"], graph_id.as_str());
    assert_eq!(exported["nodes"].as_array().unwrap().len(), 3);
}
