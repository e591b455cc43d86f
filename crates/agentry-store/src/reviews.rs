//! Human reviews (AutoGPT's `PendingHumanReview`): written WAITING in the batch that pauses
//! their node in REVIEW, decided by a reviewer, and read back by user. Deciding the last
//! waiting review of a run puts the run back in the queue in the same transaction.

use agentry_core::{ExecutionStatus, ReviewStatus};
use chrono::Utc;
use sea_orm::sea_query::{Expr, ExprTrait, OnConflict, Query};
use sea_orm::{
    ActiveValue::Set, ColumnTrait, ConnectionTrait, EntityTrait, PaginatorTrait, QueryFilter,
    QueryOrder, QuerySelect, QueryTrait, TransactionTrait,
};
use serde_json::Value;

use crate::entity::{graph_execution, pending_review, queue_entry};
use crate::executions::RunUpdate;
use crate::{Backend, Error, Result, Store};

/// A review a node execution asks for, written WAITING with its node's REVIEW status.
#[derive(Debug, Clone)]
pub struct NewReview {
    pub node_exec_id: String,
    pub user_id: String,
    pub graph_exec_id: String,
    pub graph_id: String,
    pub graph_version: i32,
    pub node_id: String,
    pub payload: Value,
    pub instructions: Option<String>,
    pub editable: bool,
}

/// A reviewer's decision on one review.
#[derive(Debug, Clone)]
pub struct Verdict {
    pub node_exec_id: String,
    pub approved: bool,
    /// The reviewer's edit of the payload, when there is one.
    pub reviewed_data: Option<Value>,
    pub message: Option<String>,
}

/// What recording decisions did.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Decided {
    /// No review of the run waits any more: it is QUEUED again with a free queue entry.
    Requeued,
    /// Recorded; other reviews of the run still wait.
    Waiting,
    /// Nothing changed: the run is not in REVIEW (or not this user's).
    RunNotInReview,
    /// Nothing changed: this review is no longer WAITING.
    AlreadyDecided(String),
}

/// Runs whose waiting reviews are shown: those that have not ended.
const OPEN_RUNS: [ExecutionStatus; 3] = [
    ExecutionStatus::Queued,
    ExecutionStatus::Running,
    ExecutionStatus::Review,
];

/// The insert of new reviews for a batch; a review that exists (decided or not) is kept.
pub(crate) fn insert(reviews: &[NewReview], backend: Backend) -> String {
    let now = Utc::now();
    let rows = reviews.iter().map(|r| pending_review::ActiveModel {
        node_exec_id: Set(r.node_exec_id.clone()),
        user_id: Set(r.user_id.clone()),
        graph_exec_id: Set(r.graph_exec_id.clone()),
        graph_id: Set(r.graph_id.clone()),
        graph_version: Set(r.graph_version),
        node_id: Set(r.node_id.clone()),
        payload: Set(r.payload.clone()),
        instructions: Set(r.instructions.clone()),
        editable: Set(r.editable),
        status: Set(ReviewStatus::Waiting.as_str().to_string()),
        reviewed_data: Set(None),
        review_message: Set(None),
        was_edited: Set(None),
        created_at: Set(now),
        updated_at: Set(None),
        reviewed_at: Set(None),
    });
    let q = pending_review::Entity::insert_many(rows)
        .on_conflict(
            OnConflict::column(pending_review::Column::NodeExecId)
                .do_nothing()
                .to_owned(),
        )
        .into_query();
    crate::batch::render(&q, backend)
}

impl Store {
    /// One review of this user, by its node execution.
    pub async fn review(
        &self,
        user_id: &str,
        node_exec_id: &str,
    ) -> Result<Option<pending_review::Model>> {
        Ok(pending_review::Entity::find_by_id(node_exec_id.to_string())
            .filter(pending_review::Column::UserId.eq(user_id))
            .one(&self.db)
            .await?)
    }

    /// Reviews of this user by node execution, whatever their status.
    pub async fn reviews_by_ids(
        &self,
        user_id: &str,
        node_exec_ids: &[String],
    ) -> Result<Vec<pending_review::Model>> {
        Ok(pending_review::Entity::find()
            .filter(pending_review::Column::UserId.eq(user_id))
            .filter(pending_review::Column::NodeExecId.is_in(node_exec_ids.iter().cloned()))
            .all(&self.db)
            .await?)
    }

    /// The user's waiting reviews of runs that have not ended, newest first; `page` starts at 1.
    pub async fn waiting_reviews(
        &self,
        user_id: &str,
        page: u64,
        page_size: u64,
    ) -> Result<Vec<pending_review::Model>> {
        use pending_review::Column as R;
        let mut open = Query::select();
        open.column(graph_execution::Column::Id)
            .from(graph_execution::Entity)
            .and_where(Expr::col(graph_execution::Column::UserId).eq(user_id))
            .and_where(
                Expr::col(graph_execution::Column::Status)
                    .is_in(OPEN_RUNS.iter().map(|s| s.as_str())),
            );
        Ok(pending_review::Entity::find()
            .filter(R::UserId.eq(user_id))
            .filter(R::Status.eq(ReviewStatus::Waiting.as_str()))
            .filter(R::GraphExecId.in_subquery(open))
            .order_by_desc(R::CreatedAt)
            .order_by_desc(R::NodeExecId)
            .offset(crate::page_offset(page, page_size))
            .limit(page_size)
            .all(&self.db)
            .await?)
    }

    /// The waiting reviews of one run of this user, oldest first.
    pub async fn waiting_reviews_of_run(
        &self,
        user_id: &str,
        graph_exec_id: &str,
    ) -> Result<Vec<pending_review::Model>> {
        use pending_review::Column as R;
        Ok(pending_review::Entity::find()
            .filter(R::UserId.eq(user_id))
            .filter(R::GraphExecId.eq(graph_exec_id))
            .filter(R::Status.eq(ReviewStatus::Waiting.as_str()))
            .order_by_asc(R::CreatedAt)
            .order_by_asc(R::NodeExecId)
            .all(&self.db)
            .await?)
    }

    /// Records decisions on reviews of one run in REVIEW, in one transaction. When no review of
    /// the run waits any more, the run goes back to QUEUED with a free queue entry, for any
    /// worker to resume. Nothing changes when the run is not in REVIEW or a review is no
    /// longer WAITING.
    pub async fn decide_reviews(
        &self,
        user_id: &str,
        graph_exec_id: &str,
        verdicts: &[Verdict],
    ) -> Result<Decided> {
        use pending_review::Column as R;
        let tx = self.db.begin().await?;
        // Touching the run row first serialises deciders of one run (a row lock on
        // PostgreSQL, the write lock on SQLite), so the last decision always sees the others.
        let locked = graph_execution::Entity::update_many()
            .col_expr(
                graph_execution::Column::Status,
                Expr::col(graph_execution::Column::Status),
            )
            .filter(graph_execution::Column::Id.eq(graph_exec_id))
            .filter(graph_execution::Column::UserId.eq(user_id))
            .filter(graph_execution::Column::Status.eq(ExecutionStatus::Review.as_str()))
            .exec(&tx)
            .await?;
        if locked.rows_affected == 0 {
            return Ok(Decided::RunNotInReview);
        }
        let now = Utc::now();
        for verdict in verdicts {
            let status = if verdict.approved {
                ReviewStatus::Approved
            } else {
                ReviewStatus::Rejected
            };
            let updated = pending_review::Entity::update_many()
                .col_expr(R::Status, Expr::value(status.as_str()))
                .col_expr(R::ReviewedData, Expr::value(verdict.reviewed_data.clone()))
                .col_expr(R::ReviewMessage, Expr::value(verdict.message.clone()))
                .col_expr(R::WasEdited, Expr::value(verdict.reviewed_data.is_some()))
                .col_expr(R::ReviewedAt, Expr::value(now))
                .col_expr(R::UpdatedAt, Expr::value(now))
                .filter(R::NodeExecId.eq(&verdict.node_exec_id))
                .filter(R::UserId.eq(user_id))
                .filter(R::GraphExecId.eq(graph_exec_id))
                .filter(R::Status.eq(ReviewStatus::Waiting.as_str()))
                .exec(&tx)
                .await?;
            if updated.rows_affected == 0 {
                // Dropping the transaction rolls it back.
                return Ok(Decided::AlreadyDecided(verdict.node_exec_id.clone()));
            }
        }
        let waiting = pending_review::Entity::find()
            .filter(R::GraphExecId.eq(graph_exec_id))
            .filter(R::Status.eq(ReviewStatus::Waiting.as_str()))
            .count(&tx)
            .await?;
        if waiting > 0 {
            tx.commit().await?;
            return Ok(Decided::Waiting);
        }
        let run = crate::executions::without_inputs(
            graph_execution::Entity::find_by_id(graph_exec_id.to_string()),
            self.backend,
        )
        .one(&tx)
        .await?
        .ok_or_else(|| Error::NotFound(format!("execution {graph_exec_id}")))?;
        let requeue = RunUpdate {
            told: false,
            id: graph_exec_id.to_string(),
            status: ExecutionStatus::Queued,
            started_at: None,
            ended_at: None,
            stats: None,
            error: None,
            event_seq: None,
        };
        let statement = tx
            .get_database_backend()
            .build(&crate::batch::run_update(&requeue));
        tx.execute_raw(statement).await?;
        let entry = queue_entry::ActiveModel {
            exec_id: Set(run.id),
            user_id: Set(run.user_id),
            graph_id: Set(run.graph_id),
            enqueued_at: Set(now.timestamp_millis()),
            locked_by: Set(None),
            locked_until: Set(0),
            attempts: Set(0),
            trace_context: Set(None),
        };
        queue_entry::Entity::insert(entry)
            .on_conflict_do_nothing()
            .exec(&tx)
            .await?;
        tx.commit().await?;
        Ok(Decided::Requeued)
    }
}
