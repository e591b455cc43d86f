//! The durable execution queue: a run request is written in the same transaction as its run
//! row; workers claim with a lease (`FOR UPDATE SKIP LOCKED` on PostgreSQL; SQLite serialises
//! writers), renew it while running, and the run's final batch removes the entry.

use chrono::{DateTime, Utc};
use sea_orm::sea_query::{Alias, Expr, ExprTrait, Func, LockBehavior, LockType, Query};
use sea_orm::{
    ActiveValue::Set, ColumnTrait, ConnectionTrait, EntityTrait, QueryFilter, QueryTrait,
    StatementBuilder, TransactionTrait,
};
use serde_json::Value;

use crate::entity::{graph_execution, node_execution, node_output, queue_entry};
use crate::executions::NewExecution;
use crate::{Result, Store};

/// Epoch milliseconds now.
pub fn now_ms() -> i64 {
    Utc::now().timestamp_millis()
}

/// The advisory lock key (first half) that serialises capped claims on PostgreSQL.
const CLAIM_LOCK_KEY: i32 = 0x4167_4351;

/// How many runs may hold a lease at once per user and per graph; 0 means no cap.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct ClaimLimits {
    pub per_user: u32,
    pub per_graph: u32,
}

impl ClaimLimits {
    pub fn is_capped(self) -> bool {
        self.per_user > 0 || self.per_graph > 0
    }
}

/// A run a worker holds the lease of.
#[derive(Debug, Clone)]
pub struct Claim {
    pub exec_id: String,
    pub user_id: String,
    pub attempts: i32,
    /// The W3C `traceparent` stored when the run was enqueued: the run's span continues it.
    pub trace_context: Option<String>,
}

/// Who holds a new run's lease from the start, when the enqueuing process runs it itself.
#[derive(Debug, Clone)]
pub struct Lease {
    pub worker_id: String,
    pub until_ms: i64,
}

/// What a run had made durable, to resume it without running completed nodes again.
#[derive(Debug, Clone, Default)]
pub struct ResumeState {
    /// Node executions in creation order: (id, node id, status, seq).
    pub nodes: Vec<(String, String, agentry_core::ExecutionStatus, i64)>,
    /// Every committed output in commit order: (node execution id, pin, value).
    pub outputs: Vec<(String, String, Value)>,
    pub last_event_seq: i64,
}

/// A run to write QUEUED with its queue entry, in one transaction through the committer
/// (`commit.rs`), which hands it back once durable: its inputs (possibly megabytes) are
/// written from their text and never copied.
#[derive(Debug)]
pub(crate) struct Enqueued {
    pub new: NewExecution,
    pub lease: Option<Lease>,
    pub trace_context: Option<String>,
    /// At the precision both databases keep, so the row answered is the row read back.
    pub created_at: DateTime<Utc>,
}

impl Enqueued {
    /// The run's row as written; `inputs` null (the caller holds their text).
    fn row(&self) -> graph_execution::Model {
        let new = &self.new;
        graph_execution::Model {
            id: new.id.clone(),
            user_id: new.user_id.clone(),
            graph_id: new.graph_id.clone(),
            graph_version: new.graph_version,
            status: agentry_core::ExecutionStatus::Queued.into(),
            inputs: Value::Null,
            stats: None,
            error: None,
            parent_id: new.parent_id.clone(),
            node_inputs: new.node_inputs.clone(),
            created_at: self.created_at,
            started_at: None,
            ended_at: None,
            event_seq: 0,
            notice: None,
        }
    }

    /// The two inserts rendered for `backend` (the committer on the pool, `commit.rs`); the
    /// SQLite committer thread binds the same values to statements it prepared once.
    pub(crate) fn statements(&self, backend: crate::Backend) -> [String; 2] {
        use graph_execution::Column as C;
        let new = &self.new;
        // Built column by column rather than from an `ActiveModel`, whose JSON column takes
        // a parsed tree: the inputs go in as a string literal, which both databases read into
        // their JSON column (PostgreSQL casts the untyped literal to jsonb).
        let run = Query::insert()
            .into_table(graph_execution::Entity)
            .columns([
                C::Id,
                C::UserId,
                C::GraphId,
                C::GraphVersion,
                C::Status,
                C::Inputs,
                C::ParentId,
                C::NodeInputs,
                C::CreatedAt,
                C::EventSeq,
            ])
            .values_panic([
                new.id.clone().into(),
                new.user_id.clone().into(),
                new.graph_id.clone().into(),
                new.graph_version.into(),
                crate::entity::StatusColumn::from(agentry_core::ExecutionStatus::Queued).into(),
                new.inputs.get().into(),
                new.parent_id.clone().into(),
                new.node_inputs.clone().into(),
                self.created_at.into(),
                0i64.into(),
            ])
            .to_owned();
        let entry = queue_entry::ActiveModel {
            exec_id: Set(new.id.clone()),
            user_id: Set(new.user_id.clone()),
            graph_id: Set(new.graph_id.clone()),
            enqueued_at: Set(self.enqueued_at_ms()),
            locked_by: Set(self.lease.as_ref().map(|l| l.worker_id.clone())),
            locked_until: Set(self.lease.as_ref().map_or(0, |l| l.until_ms)),
            attempts: Set(self.attempts()),
            trace_context: Set(self.trace_context.clone()),
        };
        [
            crate::batch::render(&run, backend),
            crate::batch::render(&queue_entry::Entity::insert(entry).into_query(), backend),
        ]
    }

    pub(crate) fn enqueued_at_ms(&self) -> i64 {
        self.created_at.timestamp_millis()
    }

    /// A run leased from the start counts as claimed once.
    pub(crate) fn attempts(&self) -> i32 {
        i32::from(self.lease.is_some())
    }
}

impl Store {
    /// Writes a QUEUED run and its queue entry in one transaction; answers the run's row as
    /// written.
    pub async fn enqueue_execution(
        &self,
        new: &NewExecution,
        lease: Option<Lease>,
    ) -> Result<graph_execution::Model> {
        let (row, _) = self
            .enqueue_traced_execution(new.clone(), lease, None)
            .await?;
        Ok(row)
    }

    /// As `enqueue_execution`, keeping the enqueuing span's W3C `traceparent` with the entry,
    /// for the worker that claims the run to continue the trace; `new` comes back with the
    /// row.
    ///
    /// The write goes through the committer, in a transaction with whatever progress of other
    /// runs is queued there (on a SQLite file: the committer thread's prepared statements,
    /// no SQL rendered or parsed, no hand-over to the pool). The inputs are written from
    /// their text, never parsed or copied here; the row answered has `inputs` null: the
    /// caller holds them (`new.inputs`), and a copy of a huge input in the answer would cost
    /// more than the whole write.
    pub async fn enqueue_traced_execution(
        &self,
        new: NewExecution,
        lease: Option<Lease>,
        trace_context: Option<String>,
    ) -> Result<(graph_execution::Model, NewExecution)> {
        let run = Enqueued {
            new,
            lease,
            trace_context,
            created_at: chrono::SubsecRound::trunc_subsecs(Utc::now(), 6),
        };
        let (run, result) = self.submit_enqueue(run).await?;
        result?;
        let row = run.row();
        Ok((row, run.new))
    }

    /// Claims the next run whose lease is free or expired, for `lease_ms` from now.
    ///
    /// Fair share: expired leases (take-overs) first, then the runs of the users who hold the
    /// fewest leased runs, oldest first; a user or graph at its cap is passed over, so one
    /// user's backlog waits without starving the others. With caps on PostgreSQL the claim
    /// holds a transaction-level advisory lock, so that concurrent claimers cannot both admit
    /// the last run under a cap.
    pub async fn claim_next(
        &self,
        worker_id: &str,
        lease_ms: i64,
        limits: ClaimLimits,
    ) -> Result<Option<Claim>> {
        self.claim_next_except(worker_id, lease_ms, limits, &[])
            .await
    }

    /// As `claim_next`, passing over the runs of `skip_users` (users holding their whole share
    /// of this worker's slots).
    pub async fn claim_next_except(
        &self,
        worker_id: &str,
        lease_ms: i64,
        limits: ClaimLimits,
        skip_users: &[String],
    ) -> Result<Option<Claim>> {
        use queue_entry::Column as C;
        let now = now_ms();
        let q = Alias::new("q");
        // Runs leased now that share `column` with the candidate row.
        let held_alike = |column: C| {
            let r = Alias::new("r");
            let mut count = Query::select();
            count
                .expr(Func::count(Expr::col((r.clone(), C::ExecId))))
                .from_as(queue_entry::Entity, r.clone())
                .and_where(Expr::col((r.clone(), column)).equals((q.clone(), column)))
                .and_where(Expr::col((r, C::LockedUntil)).gte(now));
            Expr::SubQuery(None, Box::new(count.into()))
        };
        let mut pick = Query::select();
        pick.column((q.clone(), C::ExecId))
            .from_as(queue_entry::Entity, q.clone())
            .and_where(Expr::col((q.clone(), C::LockedUntil)).lt(now));
        if !skip_users.is_empty() {
            pick.and_where(Expr::col((q.clone(), C::UserId)).is_not_in(skip_users.iter().cloned()));
        }
        if limits.per_user > 0 {
            pick.and_where(held_alike(C::UserId).lt(i64::from(limits.per_user)));
        }
        if limits.per_graph > 0 {
            pick.and_where(held_alike(C::GraphId).lt(i64::from(limits.per_graph)));
        }
        pick.order_by((q.clone(), C::LockedUntil), sea_orm::Order::Asc)
            .order_by_expr(held_alike(C::UserId), sea_orm::Order::Asc)
            .order_by((q.clone(), C::EnqueuedAt), sea_orm::Order::Asc)
            .limit(1);
        let postgres = self.backend == crate::Backend::Postgres;
        if postgres {
            pick.lock_with_behavior(LockType::Update, LockBehavior::SkipLocked);
        }
        let mut claim = Query::update();
        claim
            .table(queue_entry::Entity)
            .value(C::LockedBy, worker_id)
            .value(C::LockedUntil, now + lease_ms)
            .value(C::Attempts, Expr::col(C::Attempts).add(1))
            .and_where(Expr::col(C::ExecId).in_subquery(pick))
            .returning(Query::returning().columns([
                C::ExecId,
                C::UserId,
                C::Attempts,
                C::TraceContext,
            ]));
        let statement = StatementBuilder::build(&claim, &self.db.get_database_backend());
        let row = if postgres && limits.is_capped() {
            let tx = self.db.begin().await?;
            tx.execute_unprepared(&format!(
                "SELECT pg_advisory_xact_lock({CLAIM_LOCK_KEY}, hashtext(current_database()))"
            ))
            .await?;
            let row = tx.query_one_raw(statement).await?;
            tx.commit().await?;
            row
        } else {
            self.db.query_one_raw(statement).await?
        };
        let Some(row) = row else { return Ok(None) };
        Ok(Some(Claim {
            exec_id: row.try_get("", "exec_id")?,
            user_id: row.try_get("", "user_id")?,
            attempts: row.try_get("", "attempts")?,
            // By position: read by name, SQLite's RETURNING row sometimes lacks the name of this
            // column added by a later migration, and an `Option` reads that as NULL.
            trace_context: row.try_get_by_index(3)?,
        }))
    }

    /// Extends the leases this worker holds on these runs; returns how many it still holds.
    pub async fn renew_leases(
        &self,
        worker_id: &str,
        exec_ids: &[String],
        lease_ms: i64,
    ) -> Result<u64> {
        if exec_ids.is_empty() {
            return Ok(0);
        }
        let res = queue_entry::Entity::update_many()
            .col_expr(
                queue_entry::Column::LockedUntil,
                Expr::value(now_ms() + lease_ms),
            )
            .filter(queue_entry::Column::LockedBy.eq(worker_id))
            .filter(queue_entry::Column::ExecId.is_in(exec_ids.iter().cloned()))
            .exec(&self.db)
            .await?;
        Ok(res.rows_affected)
    }

    /// Gives back a run this worker has just claimed and will not run (its user reached their
    /// share of the worker's slots meanwhile): unleased, and the claim's attempt not counted.
    pub async fn hand_back(&self, worker_id: &str, exec_id: &str) -> Result<()> {
        use queue_entry::Column as C;
        queue_entry::Entity::update_many()
            .col_expr(C::LockedUntil, Expr::value(0))
            .col_expr(C::LockedBy, Expr::value(Option::<String>::None))
            .col_expr(C::Attempts, Expr::col(C::Attempts).sub(1))
            .filter(C::LockedBy.eq(worker_id))
            .filter(C::ExecId.eq(exec_id))
            .exec(&self.db)
            .await?;
        Ok(())
    }

    /// Gives up every lease this worker holds, so that another worker may take the runs over
    /// at once (on a graceful shutdown).
    pub async fn release_leases(&self, worker_id: &str) -> Result<u64> {
        let res = queue_entry::Entity::update_many()
            .col_expr(queue_entry::Column::LockedUntil, Expr::value(0))
            .col_expr(
                queue_entry::Column::LockedBy,
                Expr::value(Option::<String>::None),
            )
            .filter(queue_entry::Column::LockedBy.eq(worker_id))
            .exec(&self.db)
            .await?;
        Ok(res.rows_affected)
    }

    /// Removes a run's queue entry (the run has ended or cannot run).
    pub async fn dequeue(&self, exec_id: &str) -> Result<()> {
        queue_entry::Entity::delete_by_id(exec_id.to_string())
            .exec(&self.db)
            .await?;
        Ok(())
    }

    /// The runs of one user waiting for a worker or held by one.
    pub async fn queued_for_user(&self, user_id: &str) -> Result<u64> {
        use sea_orm::PaginatorTrait;
        Ok(queue_entry::Entity::find()
            .filter(queue_entry::Column::UserId.eq(user_id))
            .count(&self.db)
            .await?)
    }

    /// Runs waiting for a worker and held by one.
    pub async fn queue_len(&self) -> Result<u64> {
        use sea_orm::PaginatorTrait;
        Ok(queue_entry::Entity::find().count(&self.db).await?)
    }

    /// What a run had made durable before its worker stopped.
    pub async fn resume_state(&self, exec_id: &str) -> Result<ResumeState> {
        use sea_orm::QueryOrder;
        let nodes = node_execution::Entity::find()
            .filter(node_execution::Column::GraphExecId.eq(exec_id))
            .order_by_asc(node_execution::Column::Seq)
            .all(&self.db)
            .await?
            .into_iter()
            .map(|n| (n.id, n.node_id, n.status.0, n.seq))
            .collect();
        let outputs = node_output::Entity::find()
            .filter(node_output::Column::GraphExecId.eq(exec_id))
            .order_by_asc(node_output::Column::Id)
            .all(&self.db)
            .await?
            .into_iter()
            .map(|o| (o.node_exec_id, o.name, o.data))
            .collect();
        Ok(ResumeState {
            nodes,
            outputs,
            last_event_seq: self.last_event_seq(exec_id).await?,
        })
    }
}
