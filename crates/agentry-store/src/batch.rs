//! Batch writes: a whole `Batch` made durable in a single round trip, as one script
//! `BEGIN; …; COMMIT;` rendered by SeaQuery for the backend in use. Values are rendered by
//! SeaQuery's escaping, never by string formatting of our own.

use chrono::Utc;
use sea_orm::sea_query::{
    OnConflict, PostgresQueryBuilder, QueryStatementWriter, SqliteQueryBuilder,
};
use sea_orm::sqlx::{self, AssertSqlSafe};
use sea_orm::{ActiveValue::Set, ColumnTrait, EntityTrait, QueryFilter, QueryTrait};
use serde_json::Value;

use crate::entity::{graph_execution, node_execution, node_output, queue_entry};
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

/// The batch as one script; `None` when there is nothing to write.
pub(crate) fn script(batch: &Batch, backend: Backend) -> Option<String> {
    if batch.is_empty() {
        return None;
    }
    let mut sql = String::from("BEGIN;\n");
    if !batch.nodes.is_empty() {
        use node_execution::Column as C;
        let rows = batch.nodes.iter().map(|n| node_execution::ActiveModel {
            id: Set(n.id.clone()),
            graph_exec_id: Set(n.graph_exec_id.clone()),
            user_id: Set(n.user_id.clone()),
            node_id: Set(n.node_id.clone()),
            block_id: Set(n.block_id.clone()),
            status: Set(n.status.into()),
            input_data: Set(serde_json::from_str(&n.input_data).unwrap_or(Value::Null)),
            stats: Set(n.stats.clone()),
            attempt: Set(n.attempt),
            seq: Set(n.seq),
            add_time: Set(n.add_time),
            start_time: Set(n.start_time),
            end_time: Set(n.end_time),
            event_seq: Set(n.event_seq),
        });
        let q = node_execution::Entity::insert_many(rows)
            .on_conflict(
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
            )
            .into_query();
        sql.push_str(&render(&q, backend));
        sql.push_str(";\n");
    }
    if !batch.outputs.is_empty() {
        let now = Utc::now();
        let rows = batch.outputs.iter().map(|o| node_output::ActiveModel {
            node_exec_id: Set(o.node_exec_id.clone()),
            graph_exec_id: Set(o.graph_exec_id.clone()),
            user_id: Set(o.user_id.clone()),
            name: Set(o.name.clone()),
            data: Set(Value::clone(&o.data)),
            seq: Set(o.seq),
            created_at: Set(now),
            event_seq: Set(o.event_seq),
            graph_output: Set(o.graph_output.clone()),
            ..Default::default()
        });
        let q = node_output::Entity::insert_many(rows).into_query();
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
    pub(crate) async fn apply_script(&self, batch: &Batch) -> Result<()> {
        let Some(sql) = script(batch, self.backend) else {
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
