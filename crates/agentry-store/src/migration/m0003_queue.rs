//! The execution queue: one row per run waiting for or held by a worker. Leases are epoch
//! milliseconds so that SQLite and PostgreSQL compare them the same way.

use sea_orm_migration::prelude::*;
use sea_orm_migration::schema::*;

#[derive(DeriveIden)]
enum ExecutionQueue {
    Table,
    ExecId,
    UserId,
    EnqueuedAt,
    LockedBy,
    LockedUntil,
    Attempts,
}

pub struct Queue;

impl MigrationName for Queue {
    fn name(&self) -> &str {
        "m0003_queue"
    }
}

// async_trait's expansion needs the elided lifetime here.
#[allow(elided_lifetimes_in_paths)]
#[sea_orm_migration::async_trait::async_trait]
impl MigrationTrait for Queue {
    async fn up(&self, m: &SchemaManager) -> Result<(), DbErr> {
        m.create_table(
            Table::create()
                .table(ExecutionQueue::Table)
                .col(string(ExecutionQueue::ExecId).primary_key())
                .col(string(ExecutionQueue::UserId))
                .col(big_integer(ExecutionQueue::EnqueuedAt))
                .col(string_null(ExecutionQueue::LockedBy))
                .col(big_integer(ExecutionQueue::LockedUntil))
                .col(integer(ExecutionQueue::Attempts))
                .to_owned(),
        )
        .await?;
        m.create_index(
            Index::create()
                .name("idx_execution_queue_lease")
                .table(ExecutionQueue::Table)
                .col(ExecutionQueue::LockedUntil)
                .col(ExecutionQueue::EnqueuedAt)
                .to_owned(),
        )
        .await
    }
}
