//! Execution events: every event a run published, kept so that a client that reconnects can
//! read back what it missed.

use sea_orm_migration::prelude::*;
use sea_orm_migration::schema::*;

#[derive(DeriveIden)]
enum ExecutionEvents {
    Table,
    Id,
    GraphExecId,
    UserId,
    Seq,
    Data,
    CreatedAt,
}

pub struct Events;

impl MigrationName for Events {
    fn name(&self) -> &str {
        "m0002_events"
    }
}

// async_trait's expansion needs the elided lifetime here.
#[allow(elided_lifetimes_in_paths)]
#[sea_orm_migration::async_trait::async_trait]
impl MigrationTrait for Events {
    async fn up(&self, m: &SchemaManager) -> Result<(), DbErr> {
        m.create_table(
            Table::create()
                .table(ExecutionEvents::Table)
                .col(big_pk_auto(ExecutionEvents::Id))
                .col(string(ExecutionEvents::GraphExecId))
                .col(string(ExecutionEvents::UserId))
                .col(big_integer(ExecutionEvents::Seq))
                .col(json_binary(ExecutionEvents::Data))
                .col(timestamp_with_time_zone(ExecutionEvents::CreatedAt))
                .to_owned(),
        )
        .await?;
        m.create_index(
            Index::create()
                .name("idx_execution_events_run_seq")
                .table(ExecutionEvents::Table)
                .col(ExecutionEvents::GraphExecId)
                .col(ExecutionEvents::Seq)
                .unique()
                .to_owned(),
        )
        .await
    }
}
