//! A run's end told on its row: when the process's notifier says the user is told in the app
//! only, the final run UPDATE sets the row's `notice` and the end event says so; a sub-agent's
//! run is never told, and a run the notifier does not vouch for is left to the watcher.

use std::sync::Arc;
use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};

use agentry_core::ExecutionStatus;
use agentry_engine::notices::RunNotices;
use agentry_engine::{EventKind, RunNotice, graphs};
use agentry_store::DEFAULT_USER_ID;
use serde_json::json;

use crate::sub_agents::{calculator, parent_calling};
use crate::support::*;

struct Policy {
    in_app: AtomicBool,
    asked: AtomicUsize,
}

impl RunNotices for Policy {
    fn told_on_row(&self, user_id: &str, status: ExecutionStatus) -> bool {
        assert_eq!(user_id, DEFAULT_USER_ID);
        assert!(matches!(
            status,
            ExecutionStatus::Completed | ExecutionStatus::Failed
        ));
        self.asked.fetch_add(1, Ordering::SeqCst);
        self.in_app.load(Ordering::SeqCst)
    }
}

/// The notices of the end events of `runs`, by run id, from events received so far.
fn end_notices(
    events: &mut tokio::sync::broadcast::Receiver<agentry_engine::Event>,
) -> Vec<(String, Option<RunNotice>)> {
    let mut ends = Vec::new();
    while let Ok(e) = events.try_recv() {
        if let EventKind::RunStatus {
            status: ExecutionStatus::Completed | ExecutionStatus::Failed,
            notice,
            ..
        } = e.kind
        {
            ends.push((e.graph_exec_id, notice));
        }
    }
    ends
}

#[tokio::test]
async fn a_run_told_in_the_app_only_is_told_by_its_final_update_and_its_child_never() {
    let t = engine().await;
    let policy = Arc::new(Policy {
        in_app: AtomicBool::new(true),
        asked: AtomicUsize::new(0),
    });
    t.engine.set_run_notices(policy.clone());
    let parent = parent_calling(&calculator(), "b29bb8a9-0000-4000-8000-000000000000");
    let (record, _) = graphs::import(&t.store, t.engine.registry(), DEFAULT_USER_ID, parent)
        .await
        .unwrap();
    let mut events = t.engine.events().subscribe();

    let (id, result) = t.run(&record.graph, inputs(json!({"x": 8}))).await;
    assert_eq!(result.status, ExecutionStatus::Completed, "{result:?}");
    // Durable when the run's end is reported: no watcher wrote it.
    let row = t.store.run_row(&id).await.unwrap().unwrap();
    assert_eq!(row.notice, Some(0), "told, unread");
    let (children, _) = t
        .store
        .list_executions(
            DEFAULT_USER_ID,
            Some("858e2226-e047-4d19-a832-3be4a134d155"),
            1,
            10,
        )
        .await
        .unwrap();
    assert_eq!(children.len(), 1);
    assert_eq!(children[0].notice, None, "a sub-agent's run is not told");
    let ends = end_notices(&mut events);
    let child_id = &children[0].id;
    assert!(
        ends.iter()
            .any(|(run, n)| run == child_id && *n == Some(RunNotice::Sub)),
        "{ends:?}"
    );
    let told_at = ends.iter().find(|(run, _)| *run == id).map(|(_, n)| *n);
    assert!(
        matches!(told_at, Some(Some(RunNotice::Told { at })) if Some(at) == row.ended_at),
        "{told_at:?} against ended_at {:?}",
        row.ended_at
    );
    assert_eq!(
        policy.asked.load(Ordering::SeqCst),
        1,
        "the child is not asked about"
    );

    // Not vouched for (another channel, or preferences unknown here): the row is left as it is.
    policy.in_app.store(false, Ordering::SeqCst);
    let (id, _) = t.run(&record.graph, inputs(json!({"x": 8}))).await;
    assert_eq!(t.store.run_row(&id).await.unwrap().unwrap().notice, None);
    let ends = end_notices(&mut events);
    assert!(
        ends.contains(&(id.clone(), Some(RunNotice::Untold))),
        "{ends:?}"
    );
}
