//! Run events into notifications: a run that ended COMPLETED or FAILED (top-level runs only: a
//! sub-agent's run is part of its parent's), a schedule whose last `schedule_failure_threshold`
//! runs all failed, and, with credits on, a balance under the policy's `low_balance_threshold`
//! or at zero (told once per top-up: the key names the newest row that added credits). Every
//! process that serves the API watches its bus, which carries every process's events when a
//! relay is attached; the notifications' keys make sure each is told once. A watcher that
//! falls behind the bus (it keeps a bounded backlog) tells the runs it missed from their rows.

use agentry_core::ExecutionStatus;
use agentry_engine::{Engine, Event, EventKind, RunNotice};
use agentry_store::notifications::derived::RunEnd;
use serde_json::json;
use tokio::sync::broadcast::error::RecvError;
use tokio_util::sync::CancellationToken;

use super::{Notice, NotificationKind, Notifier};

/// How far before the last event received a missed run may have ended: a run's row is written
/// before its event is published, and under load the two can be seconds apart.
const CATCH_UP_SLACK: chrono::Duration = chrono::Duration::seconds(60);
const CATCH_UP_PAGE: u64 = 200;

pub(super) async fn run(notifier: Notifier, engine: Engine, stop: CancellationToken) {
    let mut events = engine.events().subscribe();
    // Runs that ended after this may be among the events missed next.
    let mut caught_up_to = chrono::Utc::now();
    loop {
        let event = tokio::select! {
            _ = stop.cancelled() => return,
            event = events.recv() => event,
        };
        match event {
            Ok(event) => {
                caught_up_to = chrono::Utc::now();
                if let Err(e) = on_event(&notifier, &engine, event).await {
                    tracing::error!(error = %e, "could not turn a run event into notifications");
                }
            }
            Err(RecvError::Lagged(missed)) => {
                tracing::warn!(
                    missed,
                    "the notification watcher missed run events; reading the runs instead"
                );
                let since = caught_up_to - CATCH_UP_SLACK;
                caught_up_to = chrono::Utc::now();
                if let Err(e) = catch_up(&notifier, &engine, since).await {
                    tracing::error!(error = %e, "could not tell the runs whose events were missed");
                }
            }
            Err(RecvError::Closed) => return,
        }
    }
}

/// Tells every top-level run that ended since `since`, as its final event would have.
pub(super) async fn catch_up(
    notifier: &Notifier,
    engine: &Engine,
    since: chrono::DateTime<chrono::Utc>,
) -> agentry_store::Result<usize> {
    let mut after: Option<String> = None;
    let mut told = 0;
    loop {
        let runs = engine
            .store()
            .runs_ended_since(since, after.as_deref(), CATCH_UP_PAGE)
            .await?;
        let full = runs.len() as u64 == CATCH_UP_PAGE;
        for run in runs {
            after = Some(run.id.clone());
            let event = Event {
                user_id: run.user_id,
                graph_id: run.graph_id,
                graph_version: run.graph_version,
                graph_exec_id: run.id,
                seq: u64::try_from(run.event_seq).unwrap_or_default(),
                kind: EventKind::RunStatus {
                    status: run.status.0,
                    error: run.error,
                    // The row says whether the run is top-level and was told.
                    notice: None,
                },
            };
            on_event(notifier, engine, event).await?;
            told += 1;
        }
        if !full {
            return Ok(told);
        }
    }
}

async fn on_event(notifier: &Notifier, engine: &Engine, event: Event) -> agentry_store::Result<()> {
    let EventKind::RunStatus {
        status,
        error,
        notice,
    } = &event.kind
    else {
        return Ok(());
    };
    let kind = match status {
        ExecutionStatus::Completed => NotificationKind::RunFinished,
        ExecutionStatus::Failed => NotificationKind::RunFailed,
        _ => return Ok(()),
    };
    match notice {
        Some(RunNotice::Sub) => return Ok(()),
        // The event says what the row would: a top-level run of the event's user.
        Some(RunNotice::Told { .. } | RunNotice::Untold) => {}
        // An event read back from the rows or relayed from another process: the row says.
        // Read without its inputs: they may be megabytes, and parsing them back for each
        // ended run cost a tree of them after every run (issue 11, finding 3).
        None => {
            let run = match engine
                .store()
                .get_run_without_inputs(&event.user_id, &event.graph_exec_id)
                .await
            {
                Ok(run) => run,
                // Gone, or not the event's user's: nobody to tell.
                Err(agentry_store::Error::NotFound(_)) => return Ok(()),
                Err(e) => return Err(e),
            };
            if run.parent_id.is_some() {
                return Ok(());
            }
        }
    }
    let user_id = event.user_id.as_str();
    // A store agent's graph belongs to its creator: the runner may not read it, so its id serves.
    // From the engine's graph cache (the run just loaded it there), not a read of the graph
    // row: that read and its JSON decoding were a tenth of a 3-node run's server CPU.
    let graph_name = engine
        .graph_version(user_id, &event.graph_id, event.graph_version)
        .await
        .map(|g| g.graph.name.clone())
        .unwrap_or_else(|_| event.graph_id.clone());
    let data = || {
        json!({
            "graph_id": event.graph_id,
            "graph_version": event.graph_version,
            "graph_exec_id": event.graph_exec_id,
            "graph_name": graph_name,
            "status": status,
            "error": error,
        })
    };
    if let Some(RunNotice::Told { at }) = notice {
        // Told on the run's row as it committed: only the push is left, and nothing to read;
        // and with no WebSocket listening here, nobody to push to.
        if notifier.listened() {
            let told = RunEnd {
                run_id: &event.graph_exec_id,
                user_id,
                graph_id: &event.graph_id,
                graph_version: event.graph_version,
                graph_name: &graph_name,
                status: *status,
                error: error.as_deref(),
                at: *at,
                read: false,
            };
            notifier.push(user_id, &told.notification());
        }
    } else {
        notifier
            .notify_run(
                Notice {
                    user_id: user_id.to_string(),
                    kind,
                    dedupe_key: agentry_store::notifications::derived::run_key(
                        &event.graph_exec_id,
                    ),
                    data: data(),
                },
                &event.graph_exec_id,
            )
            .await?;
    }
    if kind == NotificationKind::RunFailed {
        schedule_streak(notifier, user_id, &event.graph_exec_id, &data()).await?;
    }
    if let Some(policy) = engine.credits() {
        balance(notifier, user_id, policy.low_balance_threshold).await?;
    }
    Ok(())
}

/// Tells the user when this failed run makes its schedule's failures in a row reach the
/// threshold (once per streak: the key names the run that reached it).
async fn schedule_streak(
    notifier: &Notifier,
    user_id: &str,
    exec_id: &str,
    data: &serde_json::Value,
) -> agentry_store::Result<()> {
    let threshold = notifier.settings().schedule_failure_threshold;
    if threshold == 0 {
        return Ok(());
    }
    let store = notifier.store();
    let Some(schedule_id) = store.run_schedule(user_id, exec_id).await? else {
        return Ok(());
    };
    let statuses = store
        .schedule_run_statuses(user_id, &schedule_id, exec_id, u64::from(threshold) + 1)
        .await?;
    let streak = statuses
        .iter()
        .take_while(|s| **s == ExecutionStatus::Failed)
        .count();
    if streak != threshold as usize {
        return Ok(());
    }
    let mut data = data.clone();
    data["schedule_id"] = json!(schedule_id);
    data["failures"] = json!(threshold);
    notifier
        .notify(Notice {
            user_id: user_id.to_string(),
            kind: NotificationKind::ScheduleFailing,
            dedupe_key: format!("schedule:{schedule_id}:{exec_id}"),
            data,
        })
        .await?;
    Ok(())
}

async fn balance(notifier: &Notifier, user_id: &str, threshold: i64) -> agentry_store::Result<()> {
    let store = notifier.store();
    let balance = store.credit_balance(user_id).await?;
    let (kind, name) = if balance <= 0 {
        (NotificationKind::ZeroBalance, "zero_balance")
    } else if balance < threshold {
        (NotificationKind::LowBalance, "low_balance")
    } else {
        return Ok(());
    };
    let epoch = store.last_credit_added(user_id).await?;
    notifier
        .notify(Notice {
            user_id: user_id.to_string(),
            kind,
            dedupe_key: format!("{name}:{epoch}"),
            data: json!({"balance": balance, "threshold": threshold}),
        })
        .await?;
    Ok(())
}
