//! Events derived from the rows they describe: node executions, node outputs and runs carry the
//! sequence number of the event that last wrote them (`event_seq`), and a resuming client reads
//! those rows (`Store::events_page`) instead of a second, stored copy of every event. The
//! `execution_events` table goes: the events it held are derivable from the rows, except that
//! runs stored before this migration have `event_seq` 0 and so replay no events (their state
//! stays readable through the executions API).

use sea_orm_migration::prelude::*;
use sea_orm_migration::schema::*;

#[derive(DeriveIden)]
enum ExecutionEvents {
    Table,
}

#[derive(DeriveIden)]
enum NodeExecutions {
    Table,
    GraphExecId,
    EventSeq,
}

#[derive(DeriveIden)]
enum NodeOutputs {
    Table,
    GraphExecId,
    EventSeq,
    GraphOutput,
}

#[derive(DeriveIden)]
enum GraphExecutions {
    Table,
    EventSeq,
}

pub struct DerivedEvents;

impl MigrationName for DerivedEvents {
    fn name(&self) -> &str {
        "m0018_derived_events"
    }
}

// async_trait's expansion needs the elided lifetime here.
#[allow(elided_lifetimes_in_paths)]
#[sea_orm_migration::async_trait::async_trait]
impl MigrationTrait for DerivedEvents {
    async fn up(&self, m: &SchemaManager) -> Result<(), DbErr> {
        m.drop_table(Table::drop().table(ExecutionEvents::Table).to_owned())
            .await?;
        // SQLite adds one column per ALTER TABLE.
        m.alter_table(
            Table::alter()
                .table(NodeExecutions::Table)
                .add_column(big_integer(NodeExecutions::EventSeq).default(0))
                .to_owned(),
        )
        .await?;
        m.alter_table(
            Table::alter()
                .table(NodeOutputs::Table)
                .add_column(big_integer(NodeOutputs::EventSeq).default(0))
                .to_owned(),
        )
        .await?;
        m.alter_table(
            Table::alter()
                .table(NodeOutputs::Table)
                .add_column(string_null(NodeOutputs::GraphOutput))
                .to_owned(),
        )
        .await?;
        m.alter_table(
            Table::alter()
                .table(GraphExecutions::Table)
                .add_column(big_integer(GraphExecutions::EventSeq).default(0))
                .to_owned(),
        )
        .await?;
        // The per-run indexes become (run, event_seq): the replay seeks them, and reads by run
        // alone use their prefix.
        for (old, table) in [
            ("idx_node_executions_run", NodeExecutions::Table.into_iden()),
            ("idx_node_outputs_run", NodeOutputs::Table.into_iden()),
        ] {
            m.drop_index(Index::drop().name(old).table(table).to_owned())
                .await?;
        }
        m.create_index(
            Index::create()
                .name("idx_node_executions_run_seq")
                .table(NodeExecutions::Table)
                .col(NodeExecutions::GraphExecId)
                .col(NodeExecutions::EventSeq)
                .to_owned(),
        )
        .await?;
        m.create_index(
            Index::create()
                .name("idx_node_outputs_run_seq")
                .table(NodeOutputs::Table)
                .col(NodeOutputs::GraphExecId)
                .col(NodeOutputs::EventSeq)
                .to_owned(),
        )
        .await
    }
}
