//! The queries of the reaper: runs that the queue lost, gave up on, or let wait or run too long.

use chrono::{DateTime, Utc};
use sea_orm::sea_query::{Expr, ExprTrait, Query};
use sea_orm::{ActiveValue::Set, ColumnTrait, EntityTrait, QueryFilter, QuerySelect};

use crate::entity::{graph_execution, queue_entry};
use crate::{Result, Store};

const UNFINISHED: [&str; 2] = ["QUEUED", "RUNNING"];

impl Store {
    /// QUEUED or RUNNING runs created before `before` that have no queue entry, so that no
    /// worker would ever pick them up.
    pub async fn orphaned_runs(
        &self,
        before: DateTime<Utc>,
    ) -> Result<Vec<graph_execution::Model>> {
        use graph_execution::Column as G;
        let mut queued = Query::select();
        queued
            .column(queue_entry::Column::ExecId)
            .from(queue_entry::Entity);
        Ok(
            crate::executions::without_inputs(graph_execution::Entity::find(), self.backend)
                .filter(G::Status.is_in(UNFINISHED))
                .filter(G::CreatedAt.lt(before))
                .filter(Expr::col(G::Id).not_in_subquery(queued))
                .all(&self.db)
                .await?,
        )
    }

    /// Puts runs back in the queue, free for any worker (entries that exist are kept).
    pub async fn requeue(&self, runs: &[graph_execution::Model]) -> Result<()> {
        if runs.is_empty() {
            return Ok(());
        }
        let now = crate::queue::now_ms();
        let entries = runs.iter().map(|run| queue_entry::ActiveModel {
            exec_id: Set(run.id.clone()),
            user_id: Set(run.user_id.clone()),
            graph_id: Set(run.graph_id.clone()),
            enqueued_at: Set(now),
            locked_by: Set(None),
            locked_until: Set(0),
            attempts: Set(0),
            trace_context: Set(None),
        });
        queue_entry::Entity::insert_many(entries)
            .on_conflict_do_nothing()
            .exec(&self.db)
            .await?;
        Ok(())
    }

    /// Runs whose lease has expired after `max_attempts` claims: every worker that took them
    /// stopped without ending them.
    pub async fn exhausted_runs(&self, max_attempts: i32) -> Result<Vec<String>> {
        use queue_entry::Column as Q;
        Ok(queue_entry::Entity::find()
            .select_only()
            .column(Q::ExecId)
            .filter(Q::Attempts.gte(max_attempts))
            .filter(Q::LockedUntil.lt(crate::queue::now_ms()))
            .into_tuple()
            .all(&self.db)
            .await?)
    }

    /// Queued runs that no worker has held since before `before_ms` (epoch ms).
    pub async fn stale_queued_runs(&self, before_ms: i64) -> Result<Vec<String>> {
        use queue_entry::Column as Q;
        let mut queued = Query::select();
        queued
            .column(graph_execution::Column::Id)
            .from(graph_execution::Entity)
            .and_where(Expr::col(graph_execution::Column::Status).eq("QUEUED"));
        Ok(queue_entry::Entity::find()
            .select_only()
            .column(Q::ExecId)
            .filter(Q::EnqueuedAt.lt(before_ms))
            .filter(Q::LockedUntil.lt(crate::queue::now_ms()))
            .filter(Expr::col(Q::ExecId).in_subquery(queued))
            .into_tuple()
            .all(&self.db)
            .await?)
    }

    /// RUNNING runs started before `before`.
    pub async fn overdue_runs(&self, before: DateTime<Utc>) -> Result<Vec<String>> {
        use graph_execution::Column as G;
        Ok(graph_execution::Entity::find()
            .select_only()
            .column(G::Id)
            .filter(G::Status.eq("RUNNING"))
            .filter(G::StartedAt.lt(before))
            .into_tuple()
            .all(&self.db)
            .await?)
    }
}
