//! Run events into notifications: a run that ended COMPLETED or FAILED (top-level runs only: a
//! sub-agent's run is part of its parent's), a schedule whose last `schedule_failure_threshold`
//! runs all failed, and, with credits on, a balance under the policy's `low_balance_threshold`
//! or at zero (told once per top-up: the key names the newest row that added credits). Every
//! process that serves the API watches its bus, which carries every process's events when a
//! relay is attached; the notifications' keys make sure each is told once.

use agentry_core::ExecutionStatus;
use agentry_engine::{Engine, Event, EventKind};
use serde_json::json;
use tokio::sync::broadcast::error::RecvError;
use tokio_util::sync::CancellationToken;

use super::{Notice, NotificationKind, Notifier};

pub(super) async fn run(notifier: Notifier, engine: Engine, stop: CancellationToken) {
    let mut events = engine.events().subscribe();
    loop {
        let event = tokio::select! {
            _ = stop.cancelled() => return,
            event = events.recv() => event,
        };
        match event {
            Ok(event) => {
                if let Err(e) = on_event(&notifier, &engine, event).await {
                    tracing::error!(error = %e, "could not turn a run event into notifications");
                }
            }
            Err(RecvError::Lagged(missed)) => {
                tracing::warn!(missed, "the notification watcher missed run events");
            }
            Err(RecvError::Closed) => return,
        }
    }
}

async fn on_event(notifier: &Notifier, engine: &Engine, event: Event) -> agentry_store::Result<()> {
    let EventKind::RunStatus { status, error } = &event.kind else {
        return Ok(());
    };
    let kind = match status {
        ExecutionStatus::Completed => NotificationKind::RunFinished,
        ExecutionStatus::Failed => NotificationKind::RunFailed,
        _ => return Ok(()),
    };
    let store = engine.store();
    let Some(run) = store.run_row(&event.graph_exec_id).await? else {
        return Ok(());
    };
    if run.parent_id.is_some() || run.user_id != event.user_id {
        return Ok(());
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
    let data = json!({
        "graph_id": event.graph_id,
        "graph_version": event.graph_version,
        "graph_exec_id": event.graph_exec_id,
        "graph_name": graph_name,
        "status": status,
        "error": error,
    });
    notifier
        .notify_run(
            Notice {
                user_id: user_id.to_string(),
                kind,
                dedupe_key: agentry_store::notifications::derived::run_key(&event.graph_exec_id),
                data: data.clone(),
            },
            &event.graph_exec_id,
        )
        .await?;
    if kind == NotificationKind::RunFailed {
        schedule_streak(notifier, user_id, &event.graph_exec_id, &data).await?;
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
