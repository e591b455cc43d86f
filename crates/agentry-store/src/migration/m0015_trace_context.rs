//! A queued run carries the W3C trace context (`traceparent`) of the request that enqueued it,
//! so that the worker that claims it, in any process, continues the same trace.

use sea_orm_migration::prelude::*;
use sea_orm_migration::schema::*;

#[derive(DeriveIden)]
enum ExecutionQueue {
    Table,
    TraceContext,
}

pub struct TraceContext;

impl MigrationName for TraceContext {
    fn name(&self) -> &str {
        "m0015_trace_context"
    }
}

// async_trait's expansion needs the elided lifetime here.
#[allow(elided_lifetimes_in_paths)]
#[sea_orm_migration::async_trait::async_trait]
impl MigrationTrait for TraceContext {
    async fn up(&self, m: &SchemaManager) -> Result<(), DbErr> {
        m.alter_table(
            Table::alter()
                .table(ExecutionQueue::Table)
                .add_column(string_null(ExecutionQueue::TraceContext))
                .to_owned(),
        )
        .await
    }
}
