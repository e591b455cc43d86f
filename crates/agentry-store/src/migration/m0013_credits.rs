//! Credits: the append-only ledger (each row carries the balance after it), the balance it
//! keeps (the row locked per user while a transaction is added), Stripe Checkout sessions
//! waiting for their webhook, and spending caps per schedule with the runs each one started.

use sea_orm_migration::prelude::*;
use sea_orm_migration::schema::*;

#[derive(DeriveIden)]
enum CreditBalances {
    Table,
    UserId,
    Balance,
    UpdatedAt,
}

#[derive(DeriveIden)]
enum CreditTransactions {
    Table,
    Id,
    UserId,
    TransactionKey,
    Kind,
    Amount,
    RunningBalance,
    GraphExecId,
    NodeExecId,
    Metadata,
    CreatedAt,
}

#[derive(DeriveIden)]
enum CreditCheckouts {
    Table,
    SessionId,
    UserId,
    Amount,
    Status,
    CreatedAt,
    FulfilledAt,
}

#[derive(DeriveIden)]
enum CreditScheduleCaps {
    Table,
    ScheduleId,
    UserId,
    MaxCredits,
}

#[derive(DeriveIden)]
enum CreditRunSchedules {
    Table,
    GraphExecId,
    UserId,
    ScheduleId,
}

pub struct Credits;

impl MigrationName for Credits {
    fn name(&self) -> &str {
        "m0013_credits"
    }
}

// async_trait's expansion needs the elided lifetime here.
#[allow(elided_lifetimes_in_paths)]
#[sea_orm_migration::async_trait::async_trait]
impl MigrationTrait for Credits {
    async fn up(&self, m: &SchemaManager) -> Result<(), DbErr> {
        m.create_table(
            Table::create()
                .table(CreditBalances::Table)
                .col(string(CreditBalances::UserId).primary_key())
                .col(big_integer(CreditBalances::Balance))
                .col(timestamp_with_time_zone(CreditBalances::UpdatedAt))
                .to_owned(),
        )
        .await?;
        m.create_table(
            Table::create()
                .table(CreditTransactions::Table)
                // Increasing within a user under the balance row's lock: the ledger's order.
                .col(big_pk_auto(CreditTransactions::Id))
                .col(string(CreditTransactions::UserId))
                .col(string(CreditTransactions::TransactionKey))
                .col(string(CreditTransactions::Kind))
                .col(big_integer(CreditTransactions::Amount))
                .col(big_integer(CreditTransactions::RunningBalance))
                .col(string_null(CreditTransactions::GraphExecId))
                .col(string_null(CreditTransactions::NodeExecId))
                .col(text(CreditTransactions::Metadata))
                // Epoch milliseconds: written inside INSERT … SELECT, where a typed literal
                // would need a cast that differs between the backends.
                .col(big_integer(CreditTransactions::CreatedAt))
                .to_owned(),
        )
        .await?;
        // The key that makes every charge, grant and top-up happen at most once.
        m.create_index(
            Index::create()
                .name("idx_credit_transactions_key")
                .table(CreditTransactions::Table)
                .col(CreditTransactions::UserId)
                .col(CreditTransactions::TransactionKey)
                .unique()
                .to_owned(),
        )
        .await?;
        m.create_index(
            Index::create()
                .name("idx_credit_transactions_run")
                .table(CreditTransactions::Table)
                .col(CreditTransactions::GraphExecId)
                .to_owned(),
        )
        .await?;
        m.create_table(
            Table::create()
                .table(CreditCheckouts::Table)
                .col(string(CreditCheckouts::SessionId).primary_key())
                .col(string(CreditCheckouts::UserId))
                .col(big_integer(CreditCheckouts::Amount))
                .col(string(CreditCheckouts::Status))
                .col(timestamp_with_time_zone(CreditCheckouts::CreatedAt))
                .col(timestamp_with_time_zone_null(CreditCheckouts::FulfilledAt))
                .to_owned(),
        )
        .await?;
        m.create_table(
            Table::create()
                .table(CreditScheduleCaps::Table)
                .col(string(CreditScheduleCaps::ScheduleId).primary_key())
                .col(string(CreditScheduleCaps::UserId))
                .col(big_integer(CreditScheduleCaps::MaxCredits))
                .to_owned(),
        )
        .await?;
        m.create_table(
            Table::create()
                .table(CreditRunSchedules::Table)
                .col(string(CreditRunSchedules::GraphExecId).primary_key())
                .col(string(CreditRunSchedules::UserId))
                .col(string(CreditRunSchedules::ScheduleId))
                .to_owned(),
        )
        .await?;
        m.create_index(
            Index::create()
                .name("idx_credit_run_schedules_schedule")
                .table(CreditRunSchedules::Table)
                .col(CreditRunSchedules::ScheduleId)
                .to_owned(),
        )
        .await
    }
}
