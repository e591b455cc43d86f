//! Human reviews: one row per node execution that waits for (or got) a person's decision,
//! owned by its user and found by run.

use sea_orm_migration::prelude::*;
use sea_orm_migration::schema::*;

#[derive(DeriveIden)]
enum PendingReviews {
    Table,
    NodeExecId,
    UserId,
    GraphExecId,
    GraphId,
    GraphVersion,
    NodeId,
    Payload,
    Instructions,
    Editable,
    Status,
    ReviewedData,
    ReviewMessage,
    WasEdited,
    CreatedAt,
    UpdatedAt,
    ReviewedAt,
}

pub struct Reviews;

impl MigrationName for Reviews {
    fn name(&self) -> &str {
        "m0008_reviews"
    }
}

// async_trait's expansion needs the elided lifetime here.
#[allow(elided_lifetimes_in_paths)]
#[sea_orm_migration::async_trait::async_trait]
impl MigrationTrait for Reviews {
    async fn up(&self, m: &SchemaManager) -> Result<(), DbErr> {
        m.create_table(
            Table::create()
                .table(PendingReviews::Table)
                .col(string(PendingReviews::NodeExecId).primary_key())
                .col(string(PendingReviews::UserId))
                .col(string(PendingReviews::GraphExecId))
                .col(string(PendingReviews::GraphId))
                .col(integer(PendingReviews::GraphVersion))
                .col(string(PendingReviews::NodeId))
                .col(json(PendingReviews::Payload))
                .col(string_null(PendingReviews::Instructions))
                .col(boolean(PendingReviews::Editable))
                .col(string(PendingReviews::Status))
                .col(json_null(PendingReviews::ReviewedData))
                .col(string_null(PendingReviews::ReviewMessage))
                .col(boolean_null(PendingReviews::WasEdited))
                .col(timestamp_with_time_zone(PendingReviews::CreatedAt))
                .col(timestamp_with_time_zone_null(PendingReviews::UpdatedAt))
                .col(timestamp_with_time_zone_null(PendingReviews::ReviewedAt))
                .to_owned(),
        )
        .await?;
        for (name, first, second) in [
            (
                "idx_pending_reviews_user",
                PendingReviews::UserId,
                PendingReviews::Status,
            ),
            (
                "idx_pending_reviews_run",
                PendingReviews::GraphExecId,
                PendingReviews::Status,
            ),
        ] {
            m.create_index(
                Index::create()
                    .name(name)
                    .table(PendingReviews::Table)
                    .col(first)
                    .col(second)
                    .to_owned(),
            )
            .await?;
        }
        Ok(())
    }
}
