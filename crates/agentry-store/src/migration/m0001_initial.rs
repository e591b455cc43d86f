//! The first migration: users, graph versions, runs, node executions and their outputs.

use sea_orm_migration::prelude::*;
use sea_orm_migration::schema::*;

#[derive(DeriveIden)]
enum Users {
    Table,
    Id,
    Email,
    Name,
    Timezone,
    CreatedAt,
}

#[derive(DeriveIden)]
enum Graphs {
    Table,
    Id,
    Version,
    UserId,
    Name,
    Description,
    IsActive,
    ContentHash,
    Document,
    CreatedAt,
}

#[derive(DeriveIden)]
enum GraphExecutions {
    Table,
    Id,
    UserId,
    GraphId,
    GraphVersion,
    Status,
    Inputs,
    Stats,
    Error,
    ParentId,
    CreatedAt,
    StartedAt,
    EndedAt,
}

#[derive(DeriveIden)]
enum NodeExecutions {
    Table,
    Id,
    GraphExecId,
    UserId,
    NodeId,
    BlockId,
    Status,
    InputData,
    Stats,
    Attempt,
    Seq,
    AddTime,
    StartTime,
    EndTime,
}

#[derive(DeriveIden)]
enum NodeOutputs {
    Table,
    Id,
    NodeExecId,
    GraphExecId,
    UserId,
    Name,
    Data,
    Seq,
    CreatedAt,
}

pub struct Initial;

impl MigrationName for Initial {
    fn name(&self) -> &str {
        "m0001_initial"
    }
}

// async_trait's expansion needs the elided lifetime here.
#[allow(elided_lifetimes_in_paths)]
#[sea_orm_migration::async_trait::async_trait]
impl MigrationTrait for Initial {
    async fn up(&self, m: &SchemaManager) -> Result<(), DbErr> {
        m.create_table(
            Table::create()
                .table(Users::Table)
                .col(string(Users::Id).primary_key())
                .col(string(Users::Email))
                .col(string(Users::Name))
                .col(string_null(Users::Timezone))
                .col(timestamp_with_time_zone(Users::CreatedAt))
                .to_owned(),
        )
        .await?;
        m.create_table(
            Table::create()
                .table(Graphs::Table)
                .col(string(Graphs::Id))
                .col(integer(Graphs::Version))
                .col(string(Graphs::UserId))
                .col(text(Graphs::Name))
                .col(text(Graphs::Description))
                .col(boolean(Graphs::IsActive))
                .col(string(Graphs::ContentHash))
                .col(json_binary(Graphs::Document))
                .col(timestamp_with_time_zone(Graphs::CreatedAt))
                .primary_key(Index::create().col(Graphs::Id).col(Graphs::Version))
                .to_owned(),
        )
        .await?;
        m.create_index(
            Index::create()
                .name("idx_graphs_user")
                .table(Graphs::Table)
                .col(Graphs::UserId)
                .col(Graphs::Id)
                .to_owned(),
        )
        .await?;
        m.create_table(
            Table::create()
                .table(GraphExecutions::Table)
                .col(string(GraphExecutions::Id).primary_key())
                .col(string(GraphExecutions::UserId))
                .col(string(GraphExecutions::GraphId))
                .col(integer(GraphExecutions::GraphVersion))
                .col(string(GraphExecutions::Status))
                .col(json_binary(GraphExecutions::Inputs))
                .col(json_binary_null(GraphExecutions::Stats))
                .col(text_null(GraphExecutions::Error))
                .col(string_null(GraphExecutions::ParentId))
                .col(timestamp_with_time_zone(GraphExecutions::CreatedAt))
                .col(timestamp_with_time_zone_null(GraphExecutions::StartedAt))
                .col(timestamp_with_time_zone_null(GraphExecutions::EndedAt))
                .to_owned(),
        )
        .await?;
        m.create_index(
            Index::create()
                .name("idx_graph_executions_user")
                .table(GraphExecutions::Table)
                .col(GraphExecutions::UserId)
                .col(GraphExecutions::GraphId)
                .col(GraphExecutions::CreatedAt)
                .to_owned(),
        )
        .await?;
        m.create_table(
            Table::create()
                .table(NodeExecutions::Table)
                .col(string(NodeExecutions::Id).primary_key())
                .col(string(NodeExecutions::GraphExecId))
                .col(string(NodeExecutions::UserId))
                .col(string(NodeExecutions::NodeId))
                .col(string(NodeExecutions::BlockId))
                .col(string(NodeExecutions::Status))
                .col(json_binary(NodeExecutions::InputData))
                .col(json_binary_null(NodeExecutions::Stats))
                .col(integer(NodeExecutions::Attempt))
                .col(big_integer(NodeExecutions::Seq))
                .col(timestamp_with_time_zone(NodeExecutions::AddTime))
                .col(timestamp_with_time_zone_null(NodeExecutions::StartTime))
                .col(timestamp_with_time_zone_null(NodeExecutions::EndTime))
                .to_owned(),
        )
        .await?;
        m.create_index(
            Index::create()
                .name("idx_node_executions_run")
                .table(NodeExecutions::Table)
                .col(NodeExecutions::GraphExecId)
                .col(NodeExecutions::Seq)
                .to_owned(),
        )
        .await?;
        m.create_table(
            Table::create()
                .table(NodeOutputs::Table)
                .col(big_pk_auto(NodeOutputs::Id))
                .col(string(NodeOutputs::NodeExecId))
                .col(string(NodeOutputs::GraphExecId))
                .col(string(NodeOutputs::UserId))
                .col(string(NodeOutputs::Name))
                .col(json_binary(NodeOutputs::Data))
                .col(integer(NodeOutputs::Seq))
                .col(timestamp_with_time_zone(NodeOutputs::CreatedAt))
                .to_owned(),
        )
        .await?;
        m.create_index(
            Index::create()
                .name("idx_node_outputs_run")
                .table(NodeOutputs::Table)
                .col(NodeOutputs::GraphExecId)
                .to_owned(),
        )
        .await?;
        Ok(())
    }
}
