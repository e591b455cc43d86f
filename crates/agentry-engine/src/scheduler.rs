//! The scheduler: fires cron schedules. One process leads at a time (`agentry_store::leader`);
//! the leader ticks about once a second, takes the due schedules, moves each one's
//! `next_run_at` forward with a compare-and-set and, only when that wins, starts the run with
//! `Engine::execute`. A fire time is therefore started at most once, whatever the number of
//! schedulers.
//!
//! **Missed runs.** A schedule whose fire times passed while no scheduler ran (or the leader was
//! busy) fires once, as soon as a leader sees it, and then continues with the first fire time
//! after now: missed times are coalesced into one run, never replayed one by one (as AutoGPT's
//! APScheduler with `coalesce=True`). A process that dies between the advance and the enqueue
//! loses that one fire time.

use std::str::FromStr as _;
use std::time::Duration;

use agentry_store::entity::schedule;
use agentry_store::leader::SCHEDULER_LOCK;
use agentry_store::market::Refusal;
use chrono::{DateTime, Utc};
use chrono_tz::Tz;
use croner::Cron;
use serde_json::{Map, Value};
use tokio_util::sync::CancellationToken;

use crate::{Engine, ExecuteRequest};

/// How often the leader looks for due schedules.
const TICK: Duration = Duration::from_secs(1);
/// How often a process that does not lead tries to take over.
const FOLLOWER_RETRY: Duration = Duration::from_secs(5);
/// Due schedules taken per tick; the rest wait for the next one.
const BATCH: u64 = 100;

/// A cron pattern and time zone that were checked: AutoGPT's five-field POSIX crontab
/// (`@hourly`-style aliases too) read in an IANA zone.
#[derive(Debug, Clone)]
pub struct CronSchedule {
    cron: Cron,
    tz: Tz,
}

impl CronSchedule {
    /// Checks a pattern and a zone (`None` or empty means UTC); the message says what is wrong.
    pub fn parse(pattern: &str, timezone: Option<&str>) -> Result<CronSchedule, String> {
        let pattern = pattern.trim();
        let fields = pattern.split_whitespace().count();
        if !pattern.starts_with('@') && fields != 5 {
            return Err(format!(
                "invalid cron expression `{pattern}`: expected 5 fields (minute hour day-of-month \
                 month day-of-week), found {fields}"
            ));
        }
        let cron = Cron::from_str(pattern)
            .map_err(|e| format!("invalid cron expression `{pattern}`: {e}"))?;
        let tz = match timezone.map(str::trim).filter(|t| !t.is_empty()) {
            None => Tz::UTC,
            Some(name) => name.parse::<Tz>().map_err(|_| {
                format!("unknown time zone `{name}`: use an IANA name such as Europe/Paris")
            })?,
        };
        Ok(CronSchedule { cron, tz })
    }

    /// The zone's IANA name.
    pub fn timezone(&self) -> &'static str {
        self.tz.name()
    }

    /// The first fire time strictly after `after`, or `None` when the pattern never fires again.
    pub fn next_after(&self, after: DateTime<Utc>) -> Option<DateTime<Utc>> {
        self.cron
            .find_next_occurrence(&after.with_timezone(&self.tz), false)
            .ok()
            .map(|t| t.with_timezone(&Utc))
    }
}

/// `next_run_at` of a schedule that will never fire again.
pub const NEVER: i64 = i64::MAX;

/// The scheduler component: fires due schedules while this process leads.
pub struct Scheduler {
    engine: Engine,
}

impl Scheduler {
    /// Fires schedules while this process leads; ends (giving leadership up) when `shutdown`
    /// is cancelled or the engine shuts down.
    pub async fn run(self, shutdown: CancellationToken) {
        let engine = self.engine;
        let mut leadership = engine.store().leadership(SCHEDULER_LOCK);
        loop {
            let wait = match leadership.check().await {
                Ok(true) => {
                    if let Err(e) = engine.fire_due_schedules(Utc::now()).await {
                        tracing::error!(error = %e, "firing due schedules failed");
                    }
                    TICK
                }
                Ok(false) => FOLLOWER_RETRY,
                Err(e) => {
                    tracing::warn!(error = %e, "scheduler leader check failed");
                    FOLLOWER_RETRY
                }
            };
            tokio::select! {
                _ = shutdown.cancelled() => break,
                _ = engine.inner.stopping.cancelled() => break,
                _ = tokio::time::sleep(wait) => {}
            }
        }
        leadership.release().await;
    }
}

impl Engine {
    /// The scheduler component of this engine (`Scheduler::run`).
    pub fn scheduler(&self) -> Scheduler {
        Scheduler {
            engine: self.clone(),
        }
    }

    /// Runs the scheduler component on a task `shutdown` joins (`Engine::shutdown`).
    pub fn spawn_scheduler(&self, shutdown: CancellationToken) -> tokio::task::JoinHandle<()> {
        self.inner.components.spawn(self.scheduler().run(shutdown))
    }

    /// Fires every schedule due at `now` once (one tick of the leader); returns the runs started.
    pub async fn fire_due_schedules(&self, now: DateTime<Utc>) -> crate::Result<Vec<String>> {
        let due = self
            .store()
            .due_schedules(now.timestamp_millis(), BATCH)
            .await?;
        let mut started = Vec::new();
        for row in due {
            let next = CronSchedule::parse(&row.cron, Some(&row.timezone))
                .ok()
                .and_then(|c| c.next_after(now))
                .map_or(NEVER, |t| t.timestamp_millis());
            if !self
                .store()
                .advance_schedule(&row.id, row.next_run_at, next)
                .await?
            {
                continue; // Another scheduler fired this time.
            }
            if let Some(exec_id) = self.fire(&row).await {
                started.push(exec_id);
            }
        }
        Ok(started)
    }

    async fn fire(&self, row: &schedule::Model) -> Option<String> {
        let inputs = match &row.inputs {
            Value::Object(m) => m.clone(),
            _ => Map::new(),
        };
        // Resolved as any run of the user is (`Engine::execute`): their own graph, or a store
        // agent in their library (owned by its creator).
        let request = ExecuteRequest::new(&row.user_id, &row.graph_id, row.graph_version, inputs)
            .for_schedule(&row.id);
        match self.execute(request).await {
            Ok(run) => {
                tracing::info!(schedule = %row.id, exec = %run.id, "scheduled run started");
                Some(run.row.id)
            }
            Err(
                crate::Error::Refused(Refusal::NoAccess { .. })
                | crate::Error::Store(agentry_store::Error::NotFound(_)),
            ) => {
                // As AutoGPT: a schedule whose graph is gone is removed.
                tracing::warn!(schedule = %row.id, graph = %row.graph_id, "graph gone: schedule deleted");
                let _ = self.store().delete_schedule(&row.user_id, &row.id).await;
                None
            }
            Err(e) => {
                // A store agent taken down (or not approved), missing inputs, no credits:
                // nothing runs, the schedule stays for the user to see and remove.
                tracing::warn!(schedule = %row.id, error = %e, "a scheduled run could not start");
                None
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use chrono::TimeZone as _;

    #[test]
    fn five_fields_in_a_zone() {
        let s = CronSchedule::parse("0 9 * * *", Some("Europe/Paris")).unwrap();
        let after = Utc.with_ymd_and_hms(2025, 1, 15, 12, 0, 0).unwrap();
        // 09:00 in Paris in winter is 08:00 UTC, next day.
        assert_eq!(
            s.next_after(after).unwrap(),
            Utc.with_ymd_and_hms(2025, 1, 16, 8, 0, 0).unwrap()
        );
        assert_eq!(
            CronSchedule::parse("*/5 * * * *", None).unwrap().timezone(),
            "UTC"
        );
    }

    #[test]
    fn bad_patterns_and_zones_say_why() {
        let e = CronSchedule::parse("* * *", None).unwrap_err();
        assert!(e.contains("expected 5 fields"), "{e}");
        let e = CronSchedule::parse("61 * * * *", None).unwrap_err();
        assert!(e.contains("invalid cron expression"), "{e}");
        let e = CronSchedule::parse("* * * * *", Some("Mars/Olympus")).unwrap_err();
        assert!(e.contains("unknown time zone"), "{e}");
    }
}
