//! Run notices derived from the run row (migration `m0020_run_notices`): when a top-level run
//! finishes or fails and its user is told in the app only, the run row's `notice` says so
//! (0 unread, 1 read) and the notification is read back from the row — its id is the run's, its
//! kind follows the status, its data are the run's facts and its graph's name — instead of a
//! `notifications` row repeating them. Their `title` and `body` are empty and their
//! `email_state` is `DERIVED`: the caller renders the text from `kind` and `data`, as it did
//! when it told the run. Every query filters by the user.

use std::collections::HashMap;

use agentry_core::ExecutionStatus;
use chrono::{DateTime, Utc};
use sea_orm::sea_query::Expr;
use sea_orm::{ColumnTrait, EntityTrait, PaginatorTrait, QueryFilter, QueryOrder, QuerySelect};

use super::notification;
use crate::entity::{graph, graph_execution};
use crate::{Result, Store};

/// The `email_state` of a notification derived from a run row (never emailed).
pub const DERIVED: &str = "derived";
/// The kind of a derived notice of a completed run.
pub const RUN_FINISHED: &str = "RUN_FINISHED";
/// The kind of a derived notice of a failed run.
pub const RUN_FAILED: &str = "RUN_FAILED";

const UNREAD: i16 = 0;
const READ: i16 = 1;

/// The dedupe key a stored notice of the run would have had: a run is told once, either way.
pub fn run_key(run_id: &str) -> String {
    format!("run:{run_id}")
}

/// Whether the notification was derived from a run row (its text is the caller's to render).
pub fn is_derived(n: &notification::Model) -> bool {
    n.email_state == DERIVED
}

fn ended() -> [String; 2] {
    [
        ExecutionStatus::Completed.as_str().to_string(),
        ExecutionStatus::Failed.as_str().to_string(),
    ]
}

/// A top-level run's end as its derived notification shows it.
pub struct RunEnd<'a> {
    pub run_id: &'a str,
    pub user_id: &'a str,
    pub graph_id: &'a str,
    pub graph_version: i32,
    /// The graph's name as its user sees it (its id when the graph is not theirs).
    pub graph_name: &'a str,
    pub status: ExecutionStatus,
    pub error: Option<&'a str>,
    /// When the run ended.
    pub at: DateTime<Utc>,
    pub read: bool,
}

impl RunEnd<'_> {
    /// The notification the run's row stands for; also what the watcher pushes when the
    /// committer told the run on its row (the same view, without reading the row back).
    pub fn notification(&self) -> notification::Model {
        notification::Model {
            id: self.run_id.to_string(),
            user_id: self.user_id.to_string(),
            kind: if self.status == ExecutionStatus::Failed {
                RUN_FAILED
            } else {
                RUN_FINISHED
            }
            .to_string(),
            dedupe_key: run_key(self.run_id),
            title: String::new(),
            body: String::new(),
            data: serde_json::json!({
                "graph_id": self.graph_id,
                "graph_version": self.graph_version,
                "graph_exec_id": self.run_id,
                "graph_name": self.graph_name,
                "status": self.status,
                "error": self.error,
            }),
            email_state: DERIVED.to_string(),
            // Only whether it was read is kept, not when.
            read_at: self.read.then_some(self.at),
            created_at: self.at,
        }
    }
}

impl Store {
    /// Tells the user of their top-level run's end in the app, on its row: the derived
    /// notification, or `None` when the run was told before (either way), is not the user's,
    /// is a sub-agent's run or has not finished or failed.
    pub async fn tell_run(
        &self,
        user_id: &str,
        run_id: &str,
    ) -> Result<Option<notification::Model>> {
        use graph_execution::Column as C;
        let stored = notification::Entity::find()
            .filter(notification::Column::UserId.eq(user_id))
            .filter(notification::Column::DedupeKey.eq(run_key(run_id)))
            .count(&self.db)
            .await?;
        if stored > 0 {
            return Ok(None);
        }
        let changed = graph_execution::Entity::update_many()
            .col_expr(C::Notice, Expr::value(UNREAD))
            .filter(C::Id.eq(run_id))
            .filter(C::UserId.eq(user_id))
            .filter(C::ParentId.is_null())
            .filter(C::Status.is_in(ended()))
            .filter(C::Notice.is_null())
            .exec(&self.db)
            .await?
            .rows_affected;
        if changed == 0 {
            return Ok(None);
        }
        let rows = crate::executions::without_inputs(
            graph_execution::Entity::find_by_id(run_id.to_string()),
            self.backend,
        )
        .filter(C::UserId.eq(user_id))
        .all(&self.db)
        .await?;
        Ok(self.derive(rows).await?.pop())
    }

    /// Whether the user's run was told on its row (a stored notice of it would tell it twice).
    pub async fn run_told(&self, user_id: &str, run_id: &str) -> Result<bool> {
        use graph_execution::Column as C;
        Ok(graph_execution::Entity::find_by_id(run_id.to_string())
            .filter(C::UserId.eq(user_id))
            .filter(C::Notice.is_not_null())
            .count(&self.db)
            .await?
            > 0)
    }

    /// Top-level runs of every user that finished or failed at `since` or later, in the order
    /// they were created, after the run `after` (a page's last id, for the next page). For the
    /// notification watcher only: when it misses run events under load it tells those runs
    /// from their rows; telling a run is idempotent per user and run.
    pub async fn runs_ended_since(
        &self,
        since: chrono::DateTime<chrono::Utc>,
        after: Option<&str>,
        limit: u64,
    ) -> Result<Vec<graph_execution::Model>> {
        use graph_execution::Column as C;
        let mut q =
            crate::executions::without_inputs(graph_execution::Entity::find(), self.backend)
                .filter(C::ParentId.is_null())
                .filter(C::Status.is_in(ended()));
        q = if self.backend == crate::Backend::Postgres {
            q.filter(C::EndedAt.gte(since))
        } else {
            // SQLite keeps times as text, written in two spellings (the committer's and
            // sqlx's): compared as times, not as strings.
            q.filter(Expr::cust_with_values(
                "julianday(ended_at) >= julianday(?)",
                [since.format("%Y-%m-%d %H:%M:%S%.6f").to_string()],
            ))
        };
        if let Some(after) = after {
            q = q.filter(C::Id.gt(after));
        }
        Ok(q.order_by_asc(C::Id).limit(limit).all(&self.db).await?)
    }

    /// The user's derived notices, newest first, older than the id `before` when given.
    pub(super) async fn run_notices(
        &self,
        user_id: &str,
        unread_only: bool,
        before: Option<&str>,
        limit: u64,
    ) -> Result<Vec<notification::Model>> {
        use graph_execution::Column as C;
        let mut q =
            crate::executions::without_inputs(graph_execution::Entity::find(), self.backend)
                .filter(C::UserId.eq(user_id));
        q = if unread_only {
            q.filter(C::Notice.eq(UNREAD))
        } else {
            q.filter(C::Notice.is_not_null())
        };
        if let Some(before) = before {
            q = q.filter(C::Id.lt(before));
        }
        let rows = q.order_by_desc(C::Id).limit(limit).all(&self.db).await?;
        self.derive(rows).await
    }

    /// How many of the user's derived notices are unread.
    pub(super) async fn unread_run_notices(&self, user_id: &str) -> Result<u64> {
        use graph_execution::Column as C;
        Ok(graph_execution::Entity::find()
            .filter(C::UserId.eq(user_id))
            .filter(C::Notice.eq(UNREAD))
            .count(&self.db)
            .await?)
    }

    /// Marks the user's derived notices of `ids` (run ids), or all with `None`, read.
    pub(super) async fn mark_run_notices_read(
        &self,
        user_id: &str,
        ids: Option<&[String]>,
    ) -> Result<u64> {
        use graph_execution::Column as C;
        let mut q = graph_execution::Entity::update_many()
            .col_expr(C::Notice, Expr::value(READ))
            .filter(C::UserId.eq(user_id))
            .filter(C::Notice.eq(UNREAD));
        if let Some(ids) = ids {
            q = q.filter(C::Id.is_in(ids.iter().cloned()));
        }
        Ok(q.exec(&self.db).await?.rows_affected)
    }

    /// The notifications the run rows stand for, in their order. A graph's name is read from
    /// the user's own version (a store agent's graph is its creator's: its id serves).
    async fn derive(&self, rows: Vec<graph_execution::Model>) -> Result<Vec<notification::Model>> {
        let mut names = HashMap::new();
        for r in &rows {
            let key = (r.graph_id.clone(), r.graph_version);
            if names.contains_key(&key) {
                continue;
            }
            let name: Option<String> = graph::Entity::find()
                .select_only()
                .column(graph::Column::Name)
                .filter(graph::Column::Id.eq(&r.graph_id))
                .filter(graph::Column::Version.eq(r.graph_version))
                .filter(graph::Column::UserId.eq(&r.user_id))
                .into_tuple()
                // (id, version) is the key: no `LIMIT ?` to re-prepare (`by_key.rs`).
                .all(&self.db)
                .await?
                .into_iter()
                .next();
            names.insert(key, name.unwrap_or_else(|| r.graph_id.clone()));
        }
        Ok(rows
            .into_iter()
            .map(|r| {
                RunEnd {
                    run_id: &r.id,
                    user_id: &r.user_id,
                    graph_id: &r.graph_id,
                    graph_version: r.graph_version,
                    graph_name: &names[&(r.graph_id.clone(), r.graph_version)],
                    status: r.status.0,
                    error: r.error.as_deref(),
                    at: r.ended_at.unwrap_or(r.created_at),
                    read: r.notice == Some(READ),
                }
                .notification()
            })
            .collect())
    }
}
