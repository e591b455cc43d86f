//! Retention: the node data of runs that ended long ago is deleted in small batches, each its
//! own short transaction, so that writers never wait long behind the pruner. A pruned run keeps
//! its row (status, inputs, stats, error); with `keep_blocks` (the output blocks' ids) it also
//! keeps those node executions and their outputs, so its graph outputs still read back.

use chrono::{DateTime, Utc};
use sea_orm::sea_query::{Expr, ExprTrait, Query};
use sea_orm::{ColumnTrait, EntityTrait, QueryFilter, QueryOrder, QuerySelect, TransactionTrait};

use crate::entity::{graph_execution, node_execution, node_output};
use crate::{Result, Store};

const FINAL: [&str; 3] = ["COMPLETED", "FAILED", "TERMINATED"];

/// What one batch removed.
#[derive(Debug, Default, Clone, Copy, PartialEq, Eq)]
pub struct Pruned {
    pub runs: u64,
    pub node_executions: u64,
    pub outputs: u64,
}

impl Pruned {
    pub fn add(&mut self, other: Pruned) {
        self.runs += other.runs;
        self.node_executions += other.node_executions;
        self.outputs += other.outputs;
    }
}

impl Store {
    /// Prunes the node data of up to `batch` runs that ended before `ended_before` and still
    /// have some; returns what went (`runs == 0`: nothing left to prune).
    pub async fn prune_run_data(
        &self,
        ended_before: DateTime<Utc>,
        batch: u64,
        keep_blocks: &[String],
    ) -> Result<Pruned> {
        use graph_execution::Column as G;
        use node_execution::Column as N;
        // Runs that still hold prunable node executions.
        let mut prunable = Query::select();
        prunable
            .column(N::GraphExecId)
            .from(node_execution::Entity)
            .and_where(Expr::col(N::BlockId).is_not_in(keep_blocks.iter().cloned()));
        let runs: Vec<String> = graph_execution::Entity::find()
            .select_only()
            .column(G::Id)
            .filter(G::Status.is_in(FINAL))
            .filter(G::EndedAt.lt(ended_before))
            .filter(Expr::col(G::Id).in_subquery(prunable))
            .order_by_asc(G::EndedAt)
            .limit(batch)
            .into_tuple()
            .all(&self.db)
            .await?;
        if runs.is_empty() {
            return Ok(Pruned::default());
        }
        let txn = self.db.begin().await?;
        let doomed: Vec<String> = node_execution::Entity::find()
            .select_only()
            .column(N::Id)
            .filter(N::GraphExecId.is_in(runs.iter().cloned()))
            .filter(N::BlockId.is_not_in(keep_blocks.iter().cloned()))
            .into_tuple()
            .all(&txn)
            .await?;
        let mut pruned = Pruned {
            runs: runs.len() as u64,
            ..Pruned::default()
        };
        for chunk in doomed.chunks(500) {
            pruned.outputs += node_output::Entity::delete_many()
                .filter(node_output::Column::NodeExecId.is_in(chunk.iter().cloned()))
                .exec(&txn)
                .await?
                .rows_affected;
            pruned.node_executions += node_execution::Entity::delete_many()
                .filter(N::Id.is_in(chunk.iter().cloned()))
                .exec(&txn)
                .await?
                .rows_affected;
        }
        txn.commit().await?;
        Ok(pruned)
    }
}
