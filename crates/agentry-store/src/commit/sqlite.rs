//! The SQLite committer thread: one connection of its own, statements prepared once and
//! cached, values bound as they are. Columns are written so that the pool reads them back as
//! SeaORM wrote them (JSON as text, statuses by name), times in SQLite's own compact form
//! (`time`).

use std::path::PathBuf;
use std::str::FromStr;
use std::time::{Duration, Instant};

use chrono::{DateTime, Utc};
use rusqlite::{Connection, OpenFlags, params};
use sea_orm::sqlx::sqlite::SqliteConnectOptions;
use tokio::sync::mpsc;

use super::{Job, group, record_metrics};
use crate::executions::Batch;
use crate::queue::Enqueued;
use crate::{Backend, Error, Result};

const UPSERT_NODE: &str = "INSERT INTO node_executions \
    (id, graph_exec_id, user_id, node_id, block_id, status, input_data, stats, attempt, seq, \
     add_time, start_time, end_time, event_seq) \
    VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13, ?14) \
    ON CONFLICT (id) DO UPDATE SET status = excluded.status, input_data = excluded.input_data, \
    stats = excluded.stats, attempt = excluded.attempt, start_time = excluded.start_time, \
    end_time = excluded.end_time, event_seq = excluded.event_seq";

const INSERT_OUTPUT: &str = "INSERT INTO node_outputs \
    (node_exec_id, graph_exec_id, user_id, name, data, seq, created_at, event_seq, graph_output) \
    VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9)";

/// A run's status change, only from the statuses AutoGPT allows (`?7`…`?13`, unused ones
/// NULL, which no `WHEN` matches); `?15` is 0 when the end is told on the row
/// (`RunUpdate::told`, a top-level run only). A `CASE`, not `status IN (?7, …, ?13)`: SQLite
/// builds and drops a temporary b-tree for an `IN` list of more than two bound values on every
/// execution, about 5 % of a 3-node run's instructions (docs/benchmarks.md).
const UPDATE_RUN: &str = "UPDATE graph_executions SET status = ?1, \
    started_at = COALESCE(?2, started_at), ended_at = COALESCE(?3, ended_at), \
    stats = COALESCE(?4, stats), error = COALESCE(?5, error), \
    event_seq = COALESCE(?14, event_seq), \
    notice = COALESCE(notice, CASE WHEN parent_id IS NULL THEN ?15 END) \
    WHERE id = ?6 AND CASE status WHEN ?7 THEN 1 WHEN ?8 THEN 1 WHEN ?9 THEN 1 \
    WHEN ?10 THEN 1 WHEN ?11 THEN 1 WHEN ?12 THEN 1 WHEN ?13 THEN 1 ELSE 0 END";

/// A refused status change still moves the run's `event_seq` to its event (`batch.rs`).
const RUN_EVENT_SEQ: &str =
    "UPDATE graph_executions SET event_seq = ?2 WHERE id = ?1 AND event_seq < ?2";

const DEQUEUE: &str = "DELETE FROM execution_queue WHERE exec_id = ?1";

/// A new run, QUEUED (`queue.rs`); its inputs bound as their text, read into the JSON column.
const INSERT_RUN: &str = "INSERT INTO graph_executions \
    (id, user_id, graph_id, graph_version, status, inputs, parent_id, node_inputs, created_at, \
     event_seq) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, 0)";

const INSERT_QUEUE_ENTRY: &str = "INSERT INTO execution_queue \
    (exec_id, user_id, graph_id, enqueued_at, locked_by, locked_until, attempts, trace_context) \
    VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8)";

/// The file behind a SQLite URL; `None` for PostgreSQL and in-memory databases.
pub(super) fn file_path(url: &str, backend: Backend) -> Option<PathBuf> {
    if backend != Backend::Sqlite || Backend::in_memory(url) {
        return None;
    }
    let options = SqliteConnectOptions::from_str(url).ok()?;
    Some(options.get_filename().to_path_buf())
}

/// Opens the committer's connection with the pool's settings (`backend.rs`).
pub(super) fn open(path: &std::path::Path) -> Result<Connection> {
    let conn = Connection::open_with_flags(
        path,
        OpenFlags::SQLITE_OPEN_READ_WRITE | OpenFlags::SQLITE_OPEN_NO_MUTEX,
    )?;
    conn.busy_timeout(Duration::from_secs(5))?;
    conn.pragma_update(None, "journal_mode", "WAL")?;
    conn.pragma_update(None, "synchronous", "NORMAL")?;
    conn.pragma_update(None, "foreign_keys", true)?;
    // It writes appends and updates by key: 1 MiB of page cache instead of 2 (issue 10, point 6).
    conn.pragma_update(None, "cache_size", -1024)?;
    conn.set_prepared_statement_cache_capacity(24);
    Ok(conn)
}

/// The thread's loop: one transaction per group of queued batches, until every sender is gone.
pub(super) fn run(mut conn: Connection, mut rx: mpsc::UnboundedReceiver<Job>) {
    while let Some(first) = rx.blocking_recv() {
        let jobs = group(first, &mut rx);
        let started = Instant::now();
        let result = commit(&mut conn, jobs.iter());
        record_metrics(&jobs, started);
        match result {
            Ok(()) => {
                for job in jobs {
                    job.answer(Ok(()));
                }
            }
            Err(e) if jobs.len() == 1 => {
                tracing::error!(error = %e, "committing execution progress failed");
                if let Some(job) = jobs.into_iter().next() {
                    job.answer(Err(e.into()));
                }
            }
            Err(_) => {
                for job in jobs {
                    let result = commit(&mut conn, std::iter::once(&job));
                    if let Err(e) = &result {
                        tracing::error!(error = %e, "committing execution progress failed");
                    }
                    job.answer(result.map_err(Error::from));
                }
            }
        }
    }
}

/// One transaction for `jobs`. Its `BEGIN` and `COMMIT` are prepared once and kept, like every
/// statement here (rusqlite's `Transaction` parses both on every group).
fn commit<'a>(conn: &mut Connection, jobs: impl Iterator<Item = &'a Job>) -> rusqlite::Result<()> {
    conn.prepare_cached("BEGIN IMMEDIATE")?.execute([])?;
    let written = jobs.into_iter().try_for_each(|job| match job {
        Job::Progress { batch, .. } => write(conn, batch),
        Job::Enqueue { run, .. } => enqueue(conn, run),
    });
    let done = written.and_then(|()| conn.prepare_cached("COMMIT")?.execute([]).map(drop));
    // A failed group leaves nothing behind (what dropping rusqlite's `Transaction` does).
    if done.is_err()
        && !conn.is_autocommit()
        && let Err(e) = conn.execute_batch("ROLLBACK")
    {
        tracing::error!(error = %e, "rolling back a failed group failed");
    }
    done
}

/// A new run's row and queue entry, as `Enqueued::statements` renders them for the pool.
fn enqueue(tx: &Connection, run: &Enqueued) -> rusqlite::Result<()> {
    let new = &run.new;
    tx.prepare_cached(INSERT_RUN)?.execute(params![
        new.id,
        new.user_id,
        new.graph_id,
        new.graph_version,
        agentry_core::ExecutionStatus::Queued.as_str(),
        new.inputs.get(),
        new.parent_id,
        new.node_inputs.as_ref().map(json),
        time(&run.created_at),
    ])?;
    tx.prepare_cached(INSERT_QUEUE_ENTRY)?.execute(params![
        new.id,
        new.user_id,
        new.graph_id,
        run.enqueued_at_ms(),
        run.lease.as_ref().map(|l| l.worker_id.as_str()),
        run.lease.as_ref().map_or(0, |l| l.until_ms),
        run.attempts(),
        run.trace_context,
    ])?;
    Ok(())
}

/// A time as SQLite's date functions write it, in UTC to the microsecond
/// (`2026-12-03 12:52:52.155891`, 26 bytes): 7 bytes per time fewer than SeaQuery's rendering
/// with its offset (`… +00:00`), and a time of every node row and output row is written here.
/// sqlx reads it back as UTC (its first text form). It sorts among rendered times as the time
/// it is (same prefix, and the offset is always `+00:00`), except just before a rendered time
/// of the same microsecond: comparisons with bound times (retention, the reaper) hold.
///
/// Written from the time's fields, digit by digit: through `format("%Y-…")` chrono read its
/// format string again for every time (5 % of a 3-node run's instructions), and through
/// `write!` with padded integers it still cost about 2,500 instructions a time, a tenth of a
/// pure step's (docs/benchmarks.md). Years outside 0–9999 keep chrono's spelling.
fn time(t: &DateTime<Utc>) -> String {
    use chrono::{Datelike, Timelike};
    let n = t.naive_utc();
    let year = n.year();
    if !(0..=9999).contains(&year) {
        return t.format("%Y-%m-%d %H:%M:%S%.6f").to_string();
    }
    // A leap second is held as second 59 with a nanosecond count past one second (chrono).
    let nanos = n.nanosecond();
    let (second, nanos) = if nanos >= 1_000_000_000 {
        (n.second() + 1, nanos - 1_000_000_000)
    } else {
        (n.second(), nanos)
    };
    let mut text = *b"0000-00-00 00:00:00.000000";
    digits(&mut text[0..4], year.unsigned_abs());
    digits(&mut text[5..7], n.month());
    digits(&mut text[8..10], n.day());
    digits(&mut text[11..13], n.hour());
    digits(&mut text[14..16], n.minute());
    digits(&mut text[17..19], second);
    digits(&mut text[20..26], nanos / 1_000);
    // Digits and separators only: always ASCII.
    String::from_utf8(text.to_vec()).expect("a time's text is ASCII")
}

/// Writes `value`'s last `out.len()` decimal digits into `out`, zero-padded.
fn digits(out: &mut [u8], mut value: u32) {
    for digit in out.iter_mut().rev() {
        *digit = b'0' + (value % 10) as u8;
        value /= 10;
    }
}

fn json(v: &serde_json::Value) -> String {
    v.to_string()
}

fn write(tx: &Connection, batch: &Batch) -> rusqlite::Result<()> {
    if !batch.nodes.is_empty() {
        let mut upsert = tx.prepare_cached(UPSERT_NODE)?;
        // Only a node execution's last state in the batch: its rows come before the batch's
        // outputs, which refer to them, either way.
        let last = super::last_states(&batch.nodes);
        for n in batch
            .nodes
            .iter()
            .zip(last)
            .filter_map(|(n, last)| last.then_some(n))
        {
            upsert.execute(params![
                n.id,
                n.graph_exec_id,
                n.user_id,
                n.node_id,
                n.block_id,
                n.status.as_str(),
                &*n.input_data,
                n.stats.as_ref().map(json),
                n.attempt,
                n.seq,
                time(&n.add_time),
                n.start_time.as_ref().map(time),
                n.end_time.as_ref().map(time),
                n.event_seq,
            ])?;
        }
    }
    let now = time(&Utc::now());
    if !batch.outputs.is_empty() {
        let mut insert = tx.prepare_cached(INSERT_OUTPUT)?;
        for o in &batch.outputs {
            insert.execute(params![
                o.node_exec_id,
                o.graph_exec_id,
                o.user_id,
                o.name,
                &*o.data.text(),
                o.seq,
                now,
                o.event_seq,
                o.graph_output,
            ])?;
        }
    }
    if !batch.reviews.is_empty() {
        // Rare (a node pausing for review): the statement SeaQuery renders is good enough.
        tx.execute_batch(&crate::reviews::insert(&batch.reviews, Backend::Sqlite))?;
    }
    for charge in &batch.charges {
        // The ledger's three statements (`credits/mod.rs`), in this transaction with the node's
        // end they pay for: the charge's unique key makes a replay change nothing.
        for statement in crate::credits::statements(charge, None, Backend::Sqlite) {
            tx.execute_batch(&statement)?;
        }
    }
    if !batch.runs.is_empty() {
        let mut update = tx.prepare_cached(UPDATE_RUN)?;
        for r in &batch.runs {
            let from = r.status.allowed_from();
            let allowed = |i: usize| from.get(i).map(|s| s.as_str());
            let applied = update.execute(params![
                r.status.as_str(),
                r.started_at.as_ref().map(time),
                r.ended_at.as_ref().map(time),
                r.stats.as_ref().map(json),
                r.error,
                r.id,
                allowed(0),
                allowed(1),
                allowed(2),
                allowed(3),
                allowed(4),
                allowed(5),
                allowed(6),
                r.event_seq,
                r.told.then_some(0i16),
            ])?;
            if let (0, Some(seq)) = (applied, r.event_seq) {
                tx.prepare_cached(RUN_EVENT_SEQ)?
                    .execute(params![r.id, seq])?;
            }
        }
    }
    if !batch.dequeue.is_empty() {
        let mut delete = tx.prepare_cached(DEQUEUE)?;
        for id in &batch.dequeue {
            delete.execute(params![id])?;
        }
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use chrono::{NaiveDate, TimeZone, Utc};

    use super::*;

    /// Every statement of the committer's hot path, as SQLite compiles it against the migrated
    /// schema, without a temporary b-tree (`OpenEphemeral`): one would be built and dropped on
    /// every execution.
    #[tokio::test]
    async fn no_statement_of_the_committer_builds_a_temporary_table() {
        let db = crate::testing::fresh_sqlite();
        let _store = crate::Store::open(db.url()).await.unwrap();
        let conn = open(&file_path(db.url(), Backend::Sqlite).unwrap()).unwrap();
        let statements = [
            UPSERT_NODE,
            INSERT_OUTPUT,
            UPDATE_RUN,
            RUN_EVENT_SEQ,
            DEQUEUE,
            INSERT_RUN,
            INSERT_QUEUE_ENTRY,
        ];
        for sql in statements {
            let mut explain = conn.prepare(&format!("EXPLAIN {sql}")).unwrap();
            // Unbound parameters are NULL; `EXPLAIN` only compiles the statement.
            let mut rows = explain.raw_query();
            let mut opcodes = Vec::new();
            while let Some(row) = rows.next().unwrap() {
                opcodes.push(row.get::<_, String>(1).unwrap());
            }
            assert!(!opcodes.is_empty(), "{sql}");
            assert!(
                !opcodes.iter().any(|o| o == "OpenEphemeral"),
                "{sql} builds a temporary b-tree: {opcodes:?}"
            );
        }
    }

    #[test]
    fn times_are_written_as_chronos_format_writes_them() {
        let spell = |t: &chrono::DateTime<Utc>| t.format("%Y-%m-%d %H:%M:%S%.6f").to_string();
        let mut times = vec![
            Utc.timestamp_micros(1_796_300_000_123_456).unwrap(),
            Utc.timestamp_micros(0).unwrap(),
            Utc.timestamp_micros(1_000_001).unwrap(),
            Utc.with_ymd_and_hms(9999, 12, 31, 23, 59, 59).unwrap(),
            Utc.with_ymd_and_hms(1, 1, 1, 0, 0, 0).unwrap(),
            Utc.with_ymd_and_hms(10_000, 1, 1, 0, 0, 0).unwrap(),
            Utc.with_ymd_and_hms(-1, 1, 1, 0, 0, 0).unwrap(),
        ];
        // A leap second (23:59:60.5) and a time with nanoseconds below a microsecond.
        let leap = NaiveDate::from_ymd_opt(2016, 12, 31)
            .unwrap()
            .and_hms_nano_opt(23, 59, 59, 1_500_000_000)
            .unwrap();
        times.push(Utc.from_utc_datetime(&leap));
        times.push(Utc.timestamp_nanos(1_796_300_000_123_456_789));
        for t in &times {
            assert_eq!(super::time(t), spell(t), "{t:?}");
        }
        assert_eq!(super::time(&times[0]).len(), 26);
    }
}
