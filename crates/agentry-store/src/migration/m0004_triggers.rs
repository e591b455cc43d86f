//! Schedules (cron, time zone, the next fire time as epoch milliseconds), presets (saved inputs
//! for a graph version) and webhooks (one ingress id per graph and trigger node).

use sea_orm_migration::prelude::*;
use sea_orm_migration::schema::*;

#[derive(DeriveIden)]
enum Schedules {
    Table,
    Id,
    UserId,
    GraphId,
    GraphVersion,
    Name,
    Cron,
    Timezone,
    Inputs,
    NextRunAt,
    CreatedAt,
}

#[derive(DeriveIden)]
enum Presets {
    Table,
    Id,
    UserId,
    GraphId,
    GraphVersion,
    Name,
    Description,
    Inputs,
    IsActive,
    CreatedAt,
    UpdatedAt,
}

#[derive(DeriveIden)]
enum Webhooks {
    Table,
    Id,
    UserId,
    GraphId,
    NodeId,
    CreatedAt,
}

pub struct Triggers;

impl MigrationName for Triggers {
    fn name(&self) -> &str {
        "m0004_triggers"
    }
}

// async_trait's expansion needs the elided lifetime here.
#[allow(elided_lifetimes_in_paths)]
#[sea_orm_migration::async_trait::async_trait]
impl MigrationTrait for Triggers {
    async fn up(&self, m: &SchemaManager) -> Result<(), DbErr> {
        m.create_table(
            Table::create()
                .table(Schedules::Table)
                .col(string(Schedules::Id).primary_key())
                .col(string(Schedules::UserId))
                .col(string(Schedules::GraphId))
                .col(integer(Schedules::GraphVersion))
                .col(string(Schedules::Name))
                .col(string(Schedules::Cron))
                .col(string(Schedules::Timezone))
                .col(json(Schedules::Inputs))
                .col(big_integer(Schedules::NextRunAt))
                .col(timestamp_with_time_zone(Schedules::CreatedAt))
                .to_owned(),
        )
        .await?;
        m.create_index(
            Index::create()
                .name("idx_schedules_next_run_at")
                .table(Schedules::Table)
                .col(Schedules::NextRunAt)
                .to_owned(),
        )
        .await?;
        m.create_index(
            Index::create()
                .name("idx_schedules_user_graph")
                .table(Schedules::Table)
                .col(Schedules::UserId)
                .col(Schedules::GraphId)
                .to_owned(),
        )
        .await?;
        m.create_table(
            Table::create()
                .table(Presets::Table)
                .col(string(Presets::Id).primary_key())
                .col(string(Presets::UserId))
                .col(string(Presets::GraphId))
                .col(integer(Presets::GraphVersion))
                .col(string(Presets::Name))
                .col(text(Presets::Description))
                .col(json(Presets::Inputs))
                .col(boolean(Presets::IsActive))
                .col(timestamp_with_time_zone(Presets::CreatedAt))
                .col(timestamp_with_time_zone(Presets::UpdatedAt))
                .to_owned(),
        )
        .await?;
        m.create_index(
            Index::create()
                .name("idx_presets_user_graph")
                .table(Presets::Table)
                .col(Presets::UserId)
                .col(Presets::GraphId)
                .to_owned(),
        )
        .await?;
        m.create_table(
            Table::create()
                .table(Webhooks::Table)
                .col(string(Webhooks::Id).primary_key())
                .col(string(Webhooks::UserId))
                .col(string(Webhooks::GraphId))
                .col(string(Webhooks::NodeId))
                .col(timestamp_with_time_zone(Webhooks::CreatedAt))
                .to_owned(),
        )
        .await?;
        m.create_index(
            Index::create()
                .name("idx_webhooks_graph_node")
                .table(Webhooks::Table)
                .col(Webhooks::GraphId)
                .col(Webhooks::NodeId)
                .unique()
                .to_owned(),
        )
        .await
    }
}
