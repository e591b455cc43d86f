//! A rolling restart: two API and two worker processes on one database (PostgreSQL when
//! `TEST_DATABASE_URL` is set, else one SQLite file), each stopped with SIGTERM and started
//! again in turn while clients keep starting runs. Clients go to either API process, as
//! behind a balancer: a refused connection moves them to the other one. Afterwards every run
//! a client started has completed exactly once (no run lost, none run twice, no node run
//! twice), and no client saw an answer other than success or a retryable 503. Sign-in is on,
//! as deployed: one access token, issued by the first API process, is honoured by every API
//! process, the restarted ones too (the signing key is kept in the shared database).

use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use serde_json::{Value, json};

use crate::process::{Server, http, json_with};

/// Starts a run through whichever API process answers; `Err` on any answer a client must not
/// see during a restart.
fn start_run(
    apis: &Mutex<Vec<String>>,
    auth: &[(&str, &str)],
    turn: usize,
    graph_id: &str,
) -> Result<Option<String>, String> {
    let addrs = apis.lock().unwrap().clone();
    for i in 0..addrs.len() * 2 {
        let addr = &addrs[(turn + i) % addrs.len()];
        match http(
            addr,
            "POST",
            &format!("/api/graphs/{graph_id}/execute/1"),
            auth,
            Some(&json!({"inputs": {}})),
        ) {
            Ok((200, body)) => {
                let run: Value = serde_json::from_str(&body).map_err(|e| e.to_string())?;
                return Ok(Some(run["id"].as_str().unwrap().to_string()));
            }
            // Retryable: the process is going away; try the other one.
            Ok((503, _)) | Err(_) => continue,
            Ok((status, body)) => return Err(format!("{addr} answered {status}: {body}")),
        }
    }
    // Both were restarting at that instant (the list is refreshed on the next turn).
    Ok(None)
}

fn timer_graph() -> Value {
    json!({
        "name": "one second",
        "nodes": [
            {"id": "wait", "block_id": "d67a9c52-5e4e-11e2-bcfd-0800200c9a71",
             "input_default": {"seconds": 1, "input_message": "done"}, "metadata": {}},
            {"id": "out", "block_id": "363ae599-353e-4804-937e-b2ee3cef3da4",
             "input_default": {"name": "result"}, "metadata": {}}
        ],
        "links": [{"source_id": "wait", "source_name": "output_message", "sink_id": "out",
                   "sink_name": "value", "is_static": false}]
    })
}

#[test]
fn rolling_restart_loses_and_repeats_no_run() {
    let runtime = tokio::runtime::Runtime::new().unwrap();
    let db = runtime.block_on(agentry_store::testing::fresh_database());
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(
        dir.path().join("agentry.toml"),
        "log = \"warn\"\nlease_ms = 2000\npoll_interval_ms = 100\nshutdown_drain_secs = 1\n\
         [perimeter.rate_limits]\nenabled = false\n",
    )
    .unwrap();
    let mut env = vec![("AGENTRY_DATABASE_URL", db.url().to_string())];
    if db.url().starts_with("postgres")
        && let Ok(redis) = std::env::var("TEST_REDIS_URL")
    {
        env.push(("AGENTRY_REDIS_URL", redis));
        env.push((
            "AGENTRY_REDIS_CHANNEL",
            format!("rolling-{}", uuid::Uuid::new_v4()),
        ));
    }
    let start = |role: &str| Server::start(dir.path(), &["--role", role, "--port", "0"], &env);
    let mut processes = [start("api"), start("api"), start("worker"), start("worker")];
    let apis = Arc::new(Mutex::new(vec![
        processes[0].api().to_string(),
        processes[1].api().to_string(),
    ]));
    // The first account may sign up on a loopback server; its bearer token serves every client.
    let session = json_with(
        &apis.lock().unwrap()[0],
        "POST",
        "/api/auth/signup",
        &[],
        Some(&json!({"email": "ops@example.com", "password": "a long rolling passphrase"})),
    );
    let bearer = format!("Bearer {}", session["access_token"].as_str().unwrap());
    let auth = [("Authorization", bearer.as_str())];
    let call = |addr: &str, method: &str, path: &str, body: Option<&Value>| {
        json_with(addr, method, path, &auth, body)
    };
    let graph = call(
        &apis.lock().unwrap()[1],
        "POST",
        "/api/graphs",
        Some(&json!({"graph": timer_graph()})),
    );
    let graph_id = graph["id"].as_str().unwrap().to_string();

    let started = Arc::new(Mutex::new(Vec::<String>::new()));
    let errors = Arc::new(Mutex::new(Vec::<String>::new()));
    let stop = Arc::new(AtomicBool::new(false));
    let clients: Vec<_> = (0..3)
        .map(|c| {
            let (apis, graph_id, bearer) = (apis.clone(), graph_id.clone(), bearer.clone());
            let (started, errors, stop) = (started.clone(), errors.clone(), stop.clone());
            std::thread::spawn(move || {
                let auth = [("Authorization", bearer.as_str())];
                let mut turn = c;
                // Bounded: at most 2,000 runs per client.
                while !stop.load(Ordering::SeqCst) && turn < 2_000 {
                    match start_run(&apis, &auth, turn, &graph_id) {
                        Ok(Some(id)) => started.lock().unwrap().push(id),
                        Ok(None) => {}
                        Err(e) => errors.lock().unwrap().push(e),
                    }
                    turn += 1;
                    std::thread::sleep(Duration::from_millis(50));
                }
            })
        })
        .collect();
    let wait_for_runs = |n: usize| {
        let since = Instant::now();
        let target = started.lock().unwrap().len() + n;
        while started.lock().unwrap().len() < target {
            assert!(
                since.elapsed() < Duration::from_secs(60),
                "no runs are being started"
            );
            std::thread::sleep(Duration::from_millis(50));
        }
    };
    wait_for_runs(10);

    // Each process in turn: SIGTERM (it drains, finishes its requests or runs, then exits),
    // and a new one with the same role in its place.
    for (i, role) in ["api", "api", "worker", "worker"].into_iter().enumerate() {
        let old = std::mem::replace(&mut processes[i], start(role));
        if role == "api" {
            apis.lock().unwrap()[i] = processes[i].api().to_string();
        }
        assert!(old.terminate().success(), "{role} {i} did not stop cleanly");
        wait_for_runs(10);
    }
    stop.store(true, Ordering::SeqCst);
    for client in clients {
        client.join().unwrap();
    }
    let errors = errors.lock().unwrap().clone();
    assert!(errors.is_empty(), "clients saw errors: {errors:?}");

    let started = started.lock().unwrap().clone();
    let api = apis.lock().unwrap()[0].clone();
    let since = Instant::now();
    for id in &started {
        let path = format!("/api/graphs/{graph_id}/executions/{id}");
        let run = loop {
            let run = call(&api, "GET", &path, None);
            if run["status"] == "COMPLETED"
                || run["status"] == "FAILED"
                || run["status"] == "TERMINATED"
            {
                break run;
            }
            assert!(
                since.elapsed() < Duration::from_secs(120),
                "run {id} never ended: {run}"
            );
            std::thread::sleep(Duration::from_millis(100));
        };
        assert_eq!(run["status"], "COMPLETED", "{run}");
        let nodes = run["node_executions"].as_array().unwrap();
        assert_eq!(nodes.len(), 2, "a node ran twice: {run}");
        assert_eq!(run["outputs"]["result"], json!(["done"]), "{run}");
    }
    // Every run the database has is one a client started: none lost, none duplicated.
    let in_database: i64 = runtime.block_on(async {
        let store = agentry_store::Store::open(db.url()).await.unwrap();
        let counts = store.runs_by_status().await.unwrap();
        store.close().await.unwrap();
        counts.iter().map(|(_, n)| n).sum()
    });
    assert_eq!(
        in_database as usize,
        started.len(),
        "runs in the database vs started"
    );
    eprintln!(
        "rolling restart: {} runs started and completed, 0 client errors",
        started.len()
    );
}
