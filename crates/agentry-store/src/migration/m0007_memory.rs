//! Durable memory for blocks: key-value entries per user, scope and key (PersistInformation /
//! RetrieveInformation), and vector entries per user and collection, the embedding kept as a
//! JSON array of numbers (similarity is computed in Rust, so both backends share the table).

use sea_orm_migration::prelude::*;
use sea_orm_migration::schema::*;

#[derive(DeriveIden)]
enum MemoryEntries {
    Table,
    Id,
    UserId,
    Scope,
    Key,
    Value,
    CreatedAt,
    UpdatedAt,
}

#[derive(DeriveIden)]
enum MemoryVectors {
    Table,
    Id,
    UserId,
    Collection,
    Text,
    Metadata,
    Embedding,
    CreatedAt,
}

pub struct Memory;

impl MigrationName for Memory {
    fn name(&self) -> &str {
        "m0007_memory"
    }
}

// async_trait's expansion needs the elided lifetime here.
#[allow(elided_lifetimes_in_paths)]
#[sea_orm_migration::async_trait::async_trait]
impl MigrationTrait for Memory {
    async fn up(&self, m: &SchemaManager) -> Result<(), DbErr> {
        m.create_table(
            Table::create()
                .table(MemoryEntries::Table)
                .col(string(MemoryEntries::Id).primary_key())
                .col(string(MemoryEntries::UserId))
                .col(string(MemoryEntries::Scope))
                .col(string(MemoryEntries::Key))
                .col(json(MemoryEntries::Value))
                .col(timestamp_with_time_zone(MemoryEntries::CreatedAt))
                .col(timestamp_with_time_zone(MemoryEntries::UpdatedAt))
                .to_owned(),
        )
        .await?;
        m.create_index(
            Index::create()
                .name("idx_memory_entries_user_scope_key")
                .table(MemoryEntries::Table)
                .col(MemoryEntries::UserId)
                .col(MemoryEntries::Scope)
                .col(MemoryEntries::Key)
                .unique()
                .to_owned(),
        )
        .await?;
        m.create_table(
            Table::create()
                .table(MemoryVectors::Table)
                .col(string(MemoryVectors::Id).primary_key())
                .col(string(MemoryVectors::UserId))
                .col(string(MemoryVectors::Collection))
                .col(text(MemoryVectors::Text))
                .col(json(MemoryVectors::Metadata))
                .col(json(MemoryVectors::Embedding))
                .col(timestamp_with_time_zone(MemoryVectors::CreatedAt))
                .to_owned(),
        )
        .await?;
        m.create_index(
            Index::create()
                .name("idx_memory_vectors_user_collection")
                .table(MemoryVectors::Table)
                .col(MemoryVectors::UserId)
                .col(MemoryVectors::Collection)
                .to_owned(),
        )
        .await
    }
}
