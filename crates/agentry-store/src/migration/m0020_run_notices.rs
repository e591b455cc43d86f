//! Run notices derived from the run row: a run that finished or failed and whose user is told
//! of it in the app only keeps that fact in `graph_executions.notice` (NULL: not told; 0: told,
//! unread; 1: read) instead of a `notifications` row that repeated the run's facts (its id,
//! graph, version, status, error) with the rendered text (`notifications/derived.rs`). Stored
//! notifications stay for everything else (emails, store decisions, balances, schedules).

use sea_orm_migration::prelude::*;
use sea_orm_migration::schema::*;

#[derive(DeriveIden)]
enum GraphExecutions {
    Table,
    Notice,
}

pub struct RunNotices;

impl MigrationName for RunNotices {
    fn name(&self) -> &str {
        "m0020_run_notices"
    }
}

// async_trait's expansion needs the elided lifetime here.
#[allow(elided_lifetimes_in_paths)]
#[sea_orm_migration::async_trait::async_trait]
impl MigrationTrait for RunNotices {
    async fn up(&self, m: &SchemaManager) -> Result<(), DbErr> {
        // No index: listing and counting go through the user's runs (`idx_graph_executions_user`),
        // as the stored notifications went through the user's rows; an index on it would cost
        // every run the bytes this column saves.
        m.alter_table(
            Table::alter()
                .table(GraphExecutions::Table)
                .add_column(small_integer_null(GraphExecutions::Notice))
                .to_owned(),
        )
        .await
    }
}
