//! Counts for the metrics endpoint, read at scrape time (never on a run's path): runs by
//! status and the queue's depth and oldest entry. Operator-wide, so not filtered by user.

use sea_orm::sea_query::{Expr, ExprTrait};
use sea_orm::{ColumnTrait, EntityTrait, PaginatorTrait, QueryFilter, QueryOrder, QuerySelect};

use crate::entity::{graph_execution, queue_entry};
use crate::{Result, Store};

/// The queue at one moment.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct QueueStats {
    /// Entries: runs queued or held by a worker.
    pub depth: u64,
    /// Entries no worker holds now (waiting for a slot).
    pub waiting: u64,
    /// When the oldest entry was enqueued (epoch ms), if any.
    pub oldest_enqueued_ms: Option<i64>,
}

impl Store {
    /// How many runs are in each status, by status name.
    pub async fn runs_by_status(&self) -> Result<Vec<(String, i64)>> {
        use graph_execution::Column as G;
        Ok(graph_execution::Entity::find()
            .select_only()
            .column(G::Status)
            .column_as(Expr::col(G::Id).count(), "n")
            .group_by(G::Status)
            .into_tuple()
            .all(&self.db)
            .await?)
    }

    pub async fn queue_stats(&self) -> Result<QueueStats> {
        use queue_entry::Column as Q;
        let depth = queue_entry::Entity::find().count(&self.db).await?;
        let waiting = queue_entry::Entity::find()
            .filter(Q::LockedUntil.lt(crate::queue::now_ms()))
            .count(&self.db)
            .await?;
        let oldest: Option<i64> = queue_entry::Entity::find()
            .select_only()
            .column(Q::EnqueuedAt)
            .order_by_asc(Q::EnqueuedAt)
            .into_tuple()
            .one(&self.db)
            .await?;
        Ok(QueueStats {
            depth,
            waiting,
            oldest_enqueued_ms: oldest,
        })
    }
}
