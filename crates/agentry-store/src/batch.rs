//! Batch writes: a whole `Batch` made durable in a single round trip, as one script
//! `BEGIN; …; COMMIT;` rendered by SeaQuery for the backend in use. Values are rendered by
//! SeaQuery's escaping, never by string formatting of our own.

use chrono::Utc;
use sea_orm::sea_query::{
    OnConflict, PostgresQueryBuilder, Query, QueryStatementWriter, SqliteQueryBuilder,
};
use sea_orm::sqlx::{self, AssertSqlSafe};
use sea_orm::{ColumnTrait, EntityTrait, QueryFilter, QueryTrait};
use serde_json::Value;

use crate::entity::{StatusColumn, graph_execution, node_execution, node_output, queue_entry};
use crate::executions::{Batch, RunUpdate};
use crate::{Backend, Result, Store};

pub(crate) fn render<S: QueryStatementWriter>(statement: &S, backend: Backend) -> String {
    match backend {
        Backend::Sqlite => statement.to_string(SqliteQueryBuilder),
        Backend::Postgres => statement.to_string(PostgresQueryBuilder),
    }
}

/// The `notice` of a run whose end is told on its row (`RunUpdate::told`).
const TOLD: &str = "COALESCE(notice, CASE WHEN parent_id IS NULL THEN 0 END)";

pub(crate) fn run_update(run: &RunUpdate) -> sea_orm::sea_query::UpdateStatement {
    use graph_execution::Column as C;
    use sea_orm::sea_query::Expr;
    let from: Vec<&str> = run
        .status
        .allowed_from()
        .iter()
        .map(|s| s.as_str())
        .collect();
    let mut q = graph_execution::Entity::update_many()
        .col_expr(C::Status, Expr::value(run.status.as_str()))
        .filter(C::Id.eq(&run.id))
        .filter(C::Status.is_in(from));
    if let Some(t) = run.started_at {
        q = q.col_expr(C::StartedAt, Expr::value(t));
    }
    if let Some(t) = run.ended_at {
        q = q.col_expr(C::EndedAt, Expr::value(t));
    }
    if let Some(s) = &run.stats {
        q = q.col_expr(C::Stats, Expr::value(s.clone()));
    }
    if let Some(e) = &run.error {
        q = q.col_expr(C::Error, Expr::value(e.clone()));
    }
    if let Some(seq) = run.event_seq {
        q = q.col_expr(C::EventSeq, Expr::value(seq));
    }
    if run.told {
        // A sub-agent's run is part of its parent's: never told on its own.
        q = q.col_expr(C::Notice, Expr::cust(TOLD));
    }
    q.into_query()
}

/// A run's `event_seq` moved to the event of a status change its row refused (a run stopped
/// from outside that then tells its own end): a replay tells the status the row holds at the
/// event's number, so a client resuming after an earlier one still learns it. A no-op when
/// the change was applied.
pub(crate) fn run_event_seq(run: &RunUpdate) -> Option<sea_orm::sea_query::UpdateStatement> {
    use graph_execution::Column as C;
    use sea_orm::sea_query::Expr;
    let seq = run.event_seq?;
    Some(
        graph_execution::Entity::update_many()
            .col_expr(C::EventSeq, Expr::value(seq))
            .filter(C::Id.eq(&run.id))
            .filter(C::EventSeq.lt(seq))
            .into_query(),
    )
}

/// `before` (new runs' inserts, `queue.rs`) and the batch as one script; `None` when there is
/// nothing to write.
pub(crate) fn script(before: &[String], batch: &Batch, backend: Backend) -> Option<String> {
    if before.is_empty() && batch.is_empty() {
        return None;
    }
    let mut sql = String::from("BEGIN;\n");
    for statement in before {
        sql.push_str(statement);
        sql.push_str(";\n");
    }
    if !batch.nodes.is_empty() {
        use node_execution::Column as C;
        // Built column by column rather than from `ActiveModel`s, whose JSON columns take
        // parsed trees: a node's input and an output's value go in as string literals of their
        // text, which both databases read into their JSON columns (PostgreSQL casts the untyped
        // literal to jsonb), as the run row's inputs do (`queue.rs`). A tree of a value costs
        // tens of times its text.
        let mut q = Query::insert();
        q.into_table(node_execution::Entity).columns([
            C::Id,
            C::GraphExecId,
            C::UserId,
            C::NodeId,
            C::BlockId,
            C::Status,
            C::InputData,
            C::Stats,
            C::Attempt,
            C::Seq,
            C::AddTime,
            C::StartTime,
            C::EndTime,
            C::EventSeq,
        ]);
        for n in &batch.nodes {
            q.values_panic([
                n.id.clone().into(),
                n.graph_exec_id.clone().into(),
                n.user_id.clone().into(),
                n.node_id.clone().into(),
                n.block_id.clone().into(),
                StatusColumn::from(n.status).into(),
                n.input_data.to_string().into(),
                n.stats.as_ref().map(Value::to_string).into(),
                n.attempt.into(),
                n.seq.into(),
                n.add_time.into(),
                n.start_time.into(),
                n.end_time.into(),
                n.event_seq.into(),
            ]);
        }
        q.on_conflict(
            OnConflict::column(C::Id)
                .update_columns([
                    C::Status,
                    C::InputData,
                    C::Stats,
                    C::Attempt,
                    C::StartTime,
                    C::EndTime,
                    C::EventSeq,
                ])
                .to_owned(),
        );
        sql.push_str(&render(&q, backend));
        sql.push_str(";\n");
    }
    if !batch.outputs.is_empty() {
        use node_output::Column as C;
        let now = Utc::now();
        let mut q = Query::insert();
        q.into_table(node_output::Entity).columns([
            C::NodeExecId,
            C::GraphExecId,
            C::UserId,
            C::Name,
            C::Data,
            C::Seq,
            C::CreatedAt,
            C::EventSeq,
            C::GraphOutput,
        ]);
        for o in &batch.outputs {
            q.values_panic([
                o.node_exec_id.clone().into(),
                o.graph_exec_id.clone().into(),
                o.user_id.clone().into(),
                o.name.clone().into(),
                o.data.text().into_owned().into(),
                o.seq.into(),
                now.into(),
                o.event_seq.into(),
                o.graph_output.clone().into(),
            ]);
        }
        sql.push_str(&render(&q, backend));
        sql.push_str(";\n");
    }
    if !batch.reviews.is_empty() {
        sql.push_str(&crate::reviews::insert(&batch.reviews, backend));
        sql.push_str(";\n");
    }
    for charge in &batch.charges {
        for statement in crate::credits::statements(charge, None, backend) {
            sql.push_str(&statement);
            sql.push_str(";\n");
        }
    }
    for run in &batch.runs {
        sql.push_str(&render(&run_update(run), backend));
        sql.push_str(";\n");
        if let Some(bump) = run_event_seq(run) {
            sql.push_str(&render(&bump, backend));
            sql.push_str(";\n");
        }
    }
    if !batch.dequeue.is_empty() {
        let q = queue_entry::Entity::delete_many()
            .filter(queue_entry::Column::ExecId.is_in(batch.dequeue.iter().cloned()))
            .into_query();
        sql.push_str(&render(&q, backend));
        sql.push_str(";\n");
    }
    sql.push_str("COMMIT;");
    Some(sql)
}

impl Store {
    /// Makes a batch durable in one transaction and one round trip on the pool (the committer
    /// of PostgreSQL and in-memory SQLite, `commit.rs`).
    pub(crate) async fn apply_script(&self, before: &[String], batch: &Batch) -> Result<()> {
        let Some(sql) = script(before, batch, self.backend) else {
            return Ok(());
        };
        self.run_sql(sql).await
    }

    /// Runs statements in one transaction and one round trip.
    pub(crate) async fn run_script(&self, statements: &[String]) -> Result<()> {
        let mut sql = String::from("BEGIN;\n");
        for s in statements {
            sql.push_str(s);
            sql.push_str(";\n");
        }
        sql.push_str("COMMIT;");
        self.run_sql(sql).await
    }

    async fn run_sql(&self, sql: String) -> Result<()> {
        let result = match self.backend {
            Backend::Sqlite => run_script(self.db.get_sqlite_connection_pool(), sql).await,
            Backend::Postgres => run_script(self.db.get_postgres_connection_pool(), sql).await,
        };
        result.map_err(|e| sea_orm::DbErr::Exec(sea_orm::RuntimeErr::SqlxError(e.into())).into())
    }
}

async fn run_script<DB: sqlx::Database>(
    pool: &sqlx::Pool<DB>,
    sql: String,
) -> Result<(), sqlx::Error>
where
    for<'c> &'c mut DB::Connection: sqlx::Executor<'c, Database = DB>,
{
    let mut conn = pool.acquire().await?;
    let result = sqlx::raw_sql(AssertSqlSafe(sql)).execute(&mut *conn).await;
    if result.is_err() {
        // A failed statement leaves the script's transaction open on this connection.
        if let Err(e) = sqlx::raw_sql(AssertSqlSafe("ROLLBACK"))
            .execute(&mut *conn)
            .await
        {
            tracing::debug!(error = %e, "rollback after a failed batch");
        }
    }
    result.map(|_| ())
}
