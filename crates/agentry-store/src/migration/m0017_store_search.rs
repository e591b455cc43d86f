//! Hybrid store search and store sub-agents: one embedding per approved listing version (a
//! little-endian `f32` blob, compared in Rust: no vector extension needed on either database),
//! and an index to find the listing versions of a graph version (who may run it as a sub-agent).

use sea_orm_migration::prelude::*;
use sea_orm_migration::schema::*;

pub struct StoreSearch;

impl MigrationName for StoreSearch {
    fn name(&self) -> &str {
        "m0017_store_search"
    }
}

fn a(name: &str) -> Alias {
    Alias::new(name)
}

// async_trait's expansion needs the elided lifetime here.
#[allow(elided_lifetimes_in_paths)]
#[sea_orm_migration::async_trait::async_trait]
impl MigrationTrait for StoreSearch {
    async fn up(&self, m: &SchemaManager) -> Result<(), DbErr> {
        m.create_table(
            Table::create()
                .table(a("store_embeddings"))
                .col(string(a("version_id")).primary_key())
                .col(string(a("listing_id")))
                // The creator: the row belongs to them as the listing version does.
                .col(string(a("user_id")))
                .col(string(a("model")))
                .col(integer(a("dimensions")))
                .col(blob(a("embedding")))
                .col(timestamp_with_time_zone(a("created_at")))
                .to_owned(),
        )
        .await?;
        m.create_index(
            Index::create()
                .name("idx_store_embeddings_listing_id")
                .table(a("store_embeddings"))
                .col(a("listing_id"))
                .to_owned(),
        )
        .await?;
        m.create_index(
            Index::create()
                .name("idx_store_listing_versions_graph_id_graph_version")
                .table(a("store_listing_versions"))
                .col(a("graph_id"))
                .col(a("graph_version"))
                .to_owned(),
        )
        .await
    }
}
