//! What fair claiming and take-over need: the queue knows each run's graph (per-graph caps), is
//! indexed by user and graph, and a run keeps the inputs given to single nodes (a webhook's
//! payload), so that any worker can start it.

use sea_orm_migration::prelude::*;
use sea_orm_migration::schema::*;

#[derive(DeriveIden)]
enum ExecutionQueue {
    Table,
    UserId,
    GraphId,
    LockedUntil,
}

#[derive(DeriveIden)]
enum GraphExecutions {
    Table,
    NodeInputs,
}

pub struct QueueFairness;

impl MigrationName for QueueFairness {
    fn name(&self) -> &str {
        "m0006_queue_fairness"
    }
}

// async_trait's expansion needs the elided lifetime here.
#[allow(elided_lifetimes_in_paths)]
#[sea_orm_migration::async_trait::async_trait]
impl MigrationTrait for QueueFairness {
    async fn up(&self, m: &SchemaManager) -> Result<(), DbErr> {
        m.alter_table(
            Table::alter()
                .table(ExecutionQueue::Table)
                .add_column(string(ExecutionQueue::GraphId).default(""))
                .to_owned(),
        )
        .await?;
        m.alter_table(
            Table::alter()
                .table(GraphExecutions::Table)
                .add_column(json_null(GraphExecutions::NodeInputs))
                .to_owned(),
        )
        .await?;
        for (name, column) in [
            ("idx_execution_queue_user", ExecutionQueue::UserId),
            ("idx_execution_queue_graph", ExecutionQueue::GraphId),
        ] {
            m.create_index(
                Index::create()
                    .name(name)
                    .table(ExecutionQueue::Table)
                    .col(column)
                    .col(ExecutionQueue::LockedUntil)
                    .to_owned(),
            )
            .await?;
        }
        Ok(())
    }
}
