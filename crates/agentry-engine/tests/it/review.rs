//! Human in the loop on a real database: a run pauses in REVIEW while its other branches go on,
//! gives up its queue entry, and after a decision any free worker resumes it: completed nodes
//! are adopted, the reviewed node runs again under its own id and yields the decision.

use std::sync::Arc;
use std::time::Duration;

use agentry_core::{ExecutionStatus, Graph};
use agentry_engine::reaper::ReaperPolicy;
use agentry_engine::{Config, Engine, EventKind, ReviewAction, ReviewError};
use agentry_store::{DEFAULT_USER_ID, ExecutionRecord, Store};
use serde_json::{Value, json};
use tokio_util::sync::CancellationToken;

use crate::support::*;

const HITL: &str = "8b2a7b3c-6e9d-4a5f-8c1b-2e3f4a5b6c7d";

fn quick_config() -> Config {
    Config {
        lease: Duration::from_millis(600),
        poll_interval: Duration::from_millis(100),
        reaper: ReaperPolicy {
            grace: Duration::ZERO,
            max_queued: Some(Duration::ZERO),
            ..ReaperPolicy::default()
        },
        ..Config::default()
    }
}

/// in → review → approved / rejected / message outputs, and in → echo (a branch that does
/// not wait for the review).
fn review_graph(editable: bool) -> Graph {
    graph(
        &[
            ("in", INPUT, json!({"name": "draft"})),
            (
                "review",
                HITL,
                json!({"name": "Draft to check", "editable": editable}),
            ),
            ("ok", OUTPUT, json!({"name": "approved"})),
            ("no", OUTPUT, json!({"name": "rejected"})),
            ("msg", OUTPUT, json!({"name": "message"})),
            ("keep", STORE_VALUE, json!({})),
            ("echo", OUTPUT, json!({"name": "echo"})),
        ],
        &[
            ("in", "result", "review", "data"),
            ("review", "approved_data", "ok", "value"),
            ("review", "rejected_data", "no", "value"),
            ("review", "review_message", "msg", "value"),
            ("in", "result", "keep", "input"),
            ("keep", "output", "echo", "value"),
        ],
    )
}

/// An engine with a running worker, the graph saved, and a run started and paused in REVIEW.
async fn paused_run(t: &TestEngine, engine: &Engine, g: &Graph) -> String {
    agentry_engine::graphs::import(&t.store, engine.registry(), DEFAULT_USER_ID, g.clone())
        .await
        .unwrap();
    let id = t.start(g, inputs(json!({"draft": "first draft"}))).await;
    let paused = engine
        .wait(&id, Duration::from_secs(20))
        .await
        .expect("the run pauses");
    assert_eq!(paused.status, ExecutionStatus::Review, "{:?}", paused.error);
    assert_eq!(paused.outputs.tree()["echo"], json!(["first draft"]));
    assert!(paused.outputs.tree().get("approved").is_none());
    id
}

fn runs_of(record: &ExecutionRecord, node: &str) -> Vec<(String, String)> {
    record
        .nodes
        .iter()
        .filter(|n| n.row.node_id == node)
        .map(|n| (n.row.id.clone(), n.row.status.as_str().to_string()))
        .collect()
}

fn approve(node_exec_id: &str, data: Option<Value>, message: &str) -> ReviewAction {
    ReviewAction {
        node_exec_id: node_exec_id.to_string(),
        approved: true,
        reviewed_data: data,
        message: Some(message.to_string()),
    }
}

#[tokio::test]
async fn approving_with_edits_resumes_the_run_without_running_earlier_nodes_again() {
    let t = engine_with(agentry_blocks::registry(), quick_config()).await;
    let stop = CancellationToken::new();
    t.engine.spawn_worker(stop.clone());
    let mut events = t.engine.events().subscribe();
    let g = review_graph(true);
    let id = paused_run(&t, &t.engine, &g).await;

    // Paused: the node waits in REVIEW, no worker holds the run, the reaper leaves it alone.
    let paused = t.store.get_execution(DEFAULT_USER_ID, &id).await.unwrap();
    let review_exec = runs_of(&paused, "review");
    assert_eq!(review_exec.len(), 1);
    assert_eq!(review_exec[0].1, "REVIEW");
    assert_eq!(t.store.queue_len().await.unwrap(), 0, "no queue entry");
    let reaped = t.engine.reap().await.unwrap();
    assert!(
        reaped.failed.is_empty() && reaped.requeued.is_empty(),
        "{reaped:?}"
    );
    assert_eq!(
        t.store.run_status(&id).await.unwrap(),
        ExecutionStatus::Review
    );
    let mut saw = (false, false);
    while let Ok(e) = events.try_recv() {
        match e.kind {
            EventKind::RunStatus {
                status: ExecutionStatus::Review,
                ..
            } => saw.0 = true,
            EventKind::NodeStatus {
                status: ExecutionStatus::Review,
                node_id,
                ..
            } if node_id == "review" => saw.1 = true,
            _ => {}
        }
    }
    assert_eq!(
        saw,
        (true, true),
        "run and node REVIEW events were published"
    );

    let waiting = t.engine.run_reviews(DEFAULT_USER_ID, &id).await.unwrap();
    assert_eq!(waiting.len(), 1);
    assert_eq!(waiting[0].node_exec_id, review_exec[0].0);
    assert_eq!(waiting[0].payload, json!("first draft"));
    assert_eq!(waiting[0].instructions.as_deref(), Some("Draft to check"));
    assert!(waiting[0].editable);
    assert_eq!(
        t.engine
            .waiting_reviews(DEFAULT_USER_ID, 1, 25)
            .await
            .unwrap()
            .len(),
        1
    );

    let tally = t
        .engine
        .decide_reviews(
            DEFAULT_USER_ID,
            vec![approve(
                &review_exec[0].0,
                Some(json!("edited draft")),
                "looks good",
            )],
        )
        .await
        .unwrap();
    assert_eq!(
        (tally.approved, tally.rejected, tally.resumed),
        (1, 0, true)
    );
    let done = t
        .engine
        .wait(&id, Duration::from_secs(20))
        .await
        .expect("the run resumes and ends");
    assert_eq!(done.status, ExecutionStatus::Completed, "{:?}", done.error);
    assert_eq!(done.outputs.tree()["approved"], json!(["edited draft"]));
    assert_eq!(done.outputs.tree()["message"], json!(["looks good"]));
    assert!(done.outputs.tree().get("rejected").is_none());

    let after = t.store.get_execution(DEFAULT_USER_ID, &id).await.unwrap();
    for node in ["in", "keep", "echo"] {
        assert_eq!(runs_of(&after, node).len(), 1, "{node} did not run again");
    }
    assert_eq!(
        runs_of(&after, "review"),
        vec![(review_exec[0].0.clone(), "COMPLETED".to_string())],
        "the reviewed node ran again under its own id"
    );
    assert_eq!(runs_of(&after, "ok").len(), 1);
    assert!(
        t.engine
            .waiting_reviews(DEFAULT_USER_ID, 1, 25)
            .await
            .unwrap()
            .is_empty()
    );

    // A decided review cannot be decided again.
    let again = t
        .engine
        .decide_reviews(DEFAULT_USER_ID, vec![approve(&review_exec[0].0, None, "")])
        .await;
    assert!(
        matches!(again, Err(ReviewError::AlreadyDecided(_))),
        "{again:?}"
    );
    stop.cancel();
}

#[tokio::test]
async fn rejecting_yields_the_original_data_on_rejected_data() {
    let t = engine_with(agentry_blocks::registry(), quick_config()).await;
    let stop = CancellationToken::new();
    t.engine.spawn_worker(stop.clone());
    let g = review_graph(false);
    let id = paused_run(&t, &t.engine, &g).await;
    let review = t.engine.run_reviews(DEFAULT_USER_ID, &id).await.unwrap()[0].clone();

    // Not editable: edited data is refused and nothing changes.
    let refused = t
        .engine
        .decide_reviews(
            DEFAULT_USER_ID,
            vec![approve(&review.node_exec_id, Some(json!("sneaky")), "")],
        )
        .await;
    assert!(
        matches!(refused, Err(ReviewError::NotEditable(_))),
        "{refused:?}"
    );
    assert_eq!(
        t.store.run_status(&id).await.unwrap(),
        ExecutionStatus::Review
    );
    assert_eq!(
        t.engine
            .run_reviews(DEFAULT_USER_ID, &id)
            .await
            .unwrap()
            .len(),
        1
    );
    // Unknown reviews and other users' reviews are not found.
    let unknown = t
        .engine
        .decide_reviews(
            "someone-else",
            vec![approve(&review.node_exec_id, None, "")],
        )
        .await;
    assert!(
        matches!(unknown, Err(ReviewError::NotFound(_))),
        "{unknown:?}"
    );

    let tally = t
        .engine
        .decide_reviews(
            DEFAULT_USER_ID,
            vec![ReviewAction {
                node_exec_id: review.node_exec_id.clone(),
                approved: false,
                reviewed_data: None,
                message: Some("not this one".into()),
            }],
        )
        .await
        .unwrap();
    assert_eq!((tally.approved, tally.rejected), (0, 1));
    let done = t.engine.wait(&id, Duration::from_secs(20)).await.unwrap();
    assert_eq!(done.status, ExecutionStatus::Completed, "{:?}", done.error);
    assert_eq!(done.outputs.tree()["rejected"], json!(["first draft"]));
    assert_eq!(done.outputs.tree()["message"], json!(["not this one"]));
    assert!(done.outputs.tree().get("approved").is_none());
    stop.cancel();
}

#[tokio::test]
async fn another_engine_takes_the_decision_and_its_worker_resumes_the_run() {
    let first = engine_with(agentry_blocks::registry(), quick_config()).await;
    let first_stop = CancellationToken::new();
    first.engine.spawn_worker(first_stop.clone());
    let g = review_graph(true);
    let id = paused_run(&first, &first.engine, &g).await;
    // The first engine goes away: it holds nothing, and can no longer claim.
    first_stop.cancel();
    first.engine.shutdown(Duration::ZERO).await;
    let before = first
        .store
        .get_execution(DEFAULT_USER_ID, &id)
        .await
        .unwrap();
    let review_exec = runs_of(&before, "review")[0].0.clone();

    let store = Store::open(&first.url).await.unwrap();
    let second = Engine::new(store, Arc::new(agentry_blocks::registry()), quick_config());
    let stop = CancellationToken::new();
    second.spawn_worker(stop.clone());
    second
        .decide_reviews(DEFAULT_USER_ID, vec![approve(&review_exec, None, "ok")])
        .await
        .unwrap();
    let done = second
        .wait(&id, Duration::from_secs(20))
        .await
        .expect("the second engine's worker resumes the run");
    assert_eq!(done.status, ExecutionStatus::Completed, "{:?}", done.error);
    assert_eq!(done.outputs.tree()["approved"], json!(["first draft"]));
    let after = second
        .store()
        .get_execution(DEFAULT_USER_ID, &id)
        .await
        .unwrap();
    for node in ["in", "keep", "echo"] {
        assert_eq!(runs_of(&after, node).len(), 1, "{node} did not run again");
    }
    assert_eq!(
        runs_of(&after, "review"),
        vec![(review_exec, "COMPLETED".to_string())]
    );
    stop.cancel();
}

#[tokio::test]
async fn stopping_a_run_in_review_terminates_it_and_closes_its_reviews() {
    let t = engine_with(agentry_blocks::registry(), quick_config()).await;
    let stop = CancellationToken::new();
    t.engine.spawn_worker(stop.clone());
    let g = review_graph(true);
    let id = paused_run(&t, &t.engine, &g).await;
    let review = t.engine.run_reviews(DEFAULT_USER_ID, &id).await.unwrap()[0].clone();
    let status = t.engine.stop(DEFAULT_USER_ID, &id).await.unwrap();
    assert_eq!(status, ExecutionStatus::Terminated);
    assert!(
        t.engine
            .waiting_reviews(DEFAULT_USER_ID, 1, 25)
            .await
            .unwrap()
            .is_empty()
    );
    let late = t
        .engine
        .decide_reviews(
            DEFAULT_USER_ID,
            vec![approve(&review.node_exec_id, None, "")],
        )
        .await;
    assert!(matches!(late, Err(ReviewError::NotInReview(_))), "{late:?}");
    assert_eq!(
        t.store.run_status(&id).await.unwrap(),
        ExecutionStatus::Terminated
    );
    assert_eq!(t.store.queue_len().await.unwrap(), 0);
    stop.cancel();
}
