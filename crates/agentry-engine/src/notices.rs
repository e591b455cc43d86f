//! Telling a run's end at its commit: the user's notification of a top-level run that
//! finished or failed is, when their preferences say "in the app only", the run row's own
//! `notice` column (`agentry_store::notifications::derived`). The run loop asks the process's
//! notifier (`RunNotices`, from cached preferences: no statement) as it ends the run; the final
//! `UPDATE` of the run row sets the column, and the run's end event says so (`RunNotice`), so
//! the notification watcher only pushes what the event already tells.

use std::sync::Arc;

use agentry_core::ExecutionStatus;
use chrono::{DateTime, SubsecRound, Utc};

use crate::event::RunNotice;

/// Decides, without a statement, whether a top-level run's end is told on its row.
pub trait RunNotices: Send + Sync {
    /// `true` when the user's preferences send this end to the app only, as far as the
    /// process knows them now; `false` when they send it elsewhere, nowhere, or are not known
    /// here (the watcher then tells the run as before, reading them).
    fn told_on_row(&self, user_id: &str, status: ExecutionStatus) -> bool;
}

/// What a run's end at `at` says of its notification; `None` for a status that tells nothing.
pub(crate) fn at_end(
    notices: Option<&Arc<dyn RunNotices>>,
    depth: u32,
    user_id: &str,
    status: ExecutionStatus,
    at: DateTime<Utc>,
) -> Option<RunNotice> {
    if !matches!(status, ExecutionStatus::Completed | ExecutionStatus::Failed) {
        return None;
    }
    // A sub-agent's run is part of its parent's: its user is told of the parent's end.
    if depth > 0 {
        return Some(RunNotice::Sub);
    }
    Some(match notices {
        // As stored (microseconds): the pushed notification shows the time the listed one does.
        Some(n) if n.told_on_row(user_id, status) => RunNotice::Told {
            at: at.trunc_subsecs(6),
        },
        _ => RunNotice::Untold,
    })
}
