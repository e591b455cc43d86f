//! The store, the library and shared runs: creator profiles, listings with their versions
//! (submissions), review decisions, ratings, library agents and folders, run share links, and
//! the full-text index of published listings (`store_search`: an FTS5 table on SQLite, a table
//! with a weighted `tsvector` column and a GIN index on PostgreSQL; the one place the two
//! schemas differ on purpose, left out of the parity check).

use sea_orm_migration::prelude::*;
use sea_orm_migration::schema::*;
use sea_orm_migration::sea_orm::{ConnectionTrait, DbBackend};

pub struct Store;

impl MigrationName for Store {
    fn name(&self) -> &str {
        "m0014_store"
    }
}

fn a(name: &str) -> Alias {
    Alias::new(name)
}

async fn index(
    m: &SchemaManager<'_>,
    table: &str,
    cols: &[&str],
    unique: bool,
) -> Result<(), DbErr> {
    let mut ix = Index::create();
    ix.name(format!("idx_{table}_{}", cols.join("_")))
        .table(a(table));
    for c in cols {
        ix.col(a(c));
    }
    if unique {
        ix.unique();
    }
    m.create_index(ix.to_owned()).await
}

// async_trait's expansion needs the elided lifetime here.
#[allow(elided_lifetimes_in_paths)]
#[sea_orm_migration::async_trait::async_trait]
impl MigrationTrait for Store {
    async fn up(&self, m: &SchemaManager) -> Result<(), DbErr> {
        m.create_table(
            Table::create()
                .table(a("store_profiles"))
                .col(string(a("user_id")).primary_key())
                .col(string(a("username")))
                .col(string(a("name")))
                .col(text(a("description")))
                .col(json(a("links")))
                .col(string_null(a("avatar_url")))
                .col(boolean(a("is_featured")))
                .col(timestamp_with_time_zone(a("created_at")))
                .col(timestamp_with_time_zone(a("updated_at")))
                .to_owned(),
        )
        .await?;
        index(m, "store_profiles", &["username"], true).await?;

        m.create_table(
            Table::create()
                .table(a("store_listings"))
                .col(string(a("id")).primary_key())
                // The creator who owns the listing.
                .col(string(a("user_id")))
                .col(string(a("graph_id")))
                .col(string(a("slug")))
                .col(string_null(a("active_version_id")))
                .col(boolean(a("is_featured")))
                // Kept with each rating and run, so browsing sorts without scanning ratings.
                .col(big_integer(a("rating_sum")))
                .col(big_integer(a("rating_count")))
                .col(double(a("rating_avg")))
                .col(big_integer(a("run_count")))
                .col(timestamp_with_time_zone_null(a("published_at")))
                .col(timestamp_with_time_zone(a("created_at")))
                .col(timestamp_with_time_zone(a("updated_at")))
                .to_owned(),
        )
        .await?;
        index(m, "store_listings", &["graph_id"], true).await?;
        index(m, "store_listings", &["user_id", "slug"], true).await?;

        m.create_table(
            Table::create()
                .table(a("store_listing_versions"))
                .col(string(a("id")).primary_key())
                .col(string(a("listing_id")))
                .col(string(a("user_id")))
                .col(integer(a("version")))
                .col(string(a("graph_id")))
                .col(integer(a("graph_version")))
                .col(string(a("name")))
                .col(string(a("sub_heading")))
                .col(text(a("description")))
                .col(text(a("instructions")))
                .col(text(a("output_example")))
                .col(json(a("categories")))
                .col(json(a("image_urls")))
                .col(string_null(a("video_url")))
                .col(text(a("changes_summary")))
                .col(string(a("status")))
                .col(json(a("permissions")))
                // The permissions ask for more than the previous approved version's.
                .col(boolean(a("asks_more")))
                .col(timestamp_with_time_zone(a("submitted_at")))
                .col(string_null(a("reviewer_id")))
                .col(text_null(a("review_comments")))
                .col(text_null(a("internal_comments")))
                .col(timestamp_with_time_zone_null(a("reviewed_at")))
                .col(text_null(a("takedown_reason")))
                .col(big_integer(a("rating_sum")))
                .col(big_integer(a("rating_count")))
                .col(timestamp_with_time_zone(a("updated_at")))
                .to_owned(),
        )
        .await?;
        index(
            m,
            "store_listing_versions",
            &["listing_id", "version"],
            true,
        )
        .await?;
        index(m, "store_listing_versions", &["user_id"], false).await?;
        index(m, "store_listing_versions", &["status"], false).await?;

        m.create_table(
            Table::create()
                .table(a("store_decisions"))
                .col(string(a("id")).primary_key())
                .col(string(a("version_id")))
                // The reviewer who decided.
                .col(string(a("user_id")))
                .col(string(a("action")))
                .col(text_null(a("comment")))
                .col(text_null(a("internal_note")))
                .col(timestamp_with_time_zone(a("created_at")))
                .to_owned(),
        )
        .await?;
        index(m, "store_decisions", &["version_id"], false).await?;

        m.create_table(
            Table::create()
                .table(a("store_ratings"))
                .col(string(a("id")).primary_key())
                .col(string(a("version_id")))
                .col(string(a("listing_id")))
                .col(string(a("user_id")))
                .col(integer(a("score")))
                .col(text_null(a("comments")))
                .col(timestamp_with_time_zone(a("created_at")))
                .to_owned(),
        )
        .await?;
        index(m, "store_ratings", &["version_id", "user_id"], true).await?;

        m.create_table(
            Table::create()
                .table(a("library_folders"))
                .col(string(a("id")).primary_key())
                .col(string(a("user_id")))
                .col(string(a("name")))
                .col(timestamp_with_time_zone(a("created_at")))
                .to_owned(),
        )
        .await?;
        index(m, "library_folders", &["user_id", "name"], true).await?;

        m.create_table(
            Table::create()
                .table(a("library_agents"))
                .col(string(a("id")).primary_key())
                .col(string(a("user_id")))
                .col(string(a("graph_id")))
                .col(integer(a("graph_version")))
                // Whose graph it is: the user's own (a fork) or a creator's (a store agent).
                .col(string(a("graph_owner_id")))
                .col(string_null(a("listing_id")))
                // Follow the listing's newest approved version, or stay on `graph_version`.
                .col(boolean(a("follow_updates")))
                .col(boolean(a("is_favorite")))
                .col(boolean(a("is_archived")))
                .col(string_null(a("folder_id")))
                .col(boolean(a("is_created_by_user")))
                .col(timestamp_with_time_zone(a("created_at")))
                .col(timestamp_with_time_zone(a("updated_at")))
                .to_owned(),
        )
        .await?;
        index(m, "library_agents", &["user_id", "graph_id"], true).await?;

        m.create_table(
            Table::create()
                .table(a("run_shares"))
                .col(string(a("id")).primary_key())
                .col(string(a("user_id")))
                .col(string(a("graph_exec_id")))
                // SHA-256 of the token: a leaked database does not leak the links.
                .col(string(a("token_hash")))
                .col(boolean(a("show_inputs")))
                .col(timestamp_with_time_zone(a("created_at")))
                .col(timestamp_with_time_zone_null(a("revoked_at")))
                .to_owned(),
        )
        .await?;
        index(m, "run_shares", &["token_hash"], true).await?;
        index(m, "run_shares", &["user_id", "graph_exec_id"], false).await?;

        let db = m.get_connection();
        match m.get_database_backend() {
            DbBackend::Postgres => {
                db.execute_unprepared(
                    "CREATE TABLE store_search (
                        listing_id TEXT PRIMARY KEY,
                        name TEXT NOT NULL,
                        sub_heading TEXT NOT NULL,
                        description TEXT NOT NULL,
                        categories TEXT NOT NULL,
                        document tsvector GENERATED ALWAYS AS (
                            setweight(to_tsvector('english', name), 'A') ||
                            setweight(to_tsvector('english', sub_heading), 'B') ||
                            setweight(to_tsvector('english', categories), 'B') ||
                            setweight(to_tsvector('english', description), 'C')
                        ) STORED)",
                )
                .await?;
                db.execute_unprepared(
                    "CREATE INDEX store_search_document ON store_search USING GIN (document)",
                )
                .await?;
            }
            _ => {
                db.execute_unprepared(
                    "CREATE VIRTUAL TABLE store_search USING fts5(
                        listing_id UNINDEXED, name, sub_heading, description, categories,
                        tokenize = 'porter unicode61')",
                )
                .await?;
            }
        }
        Ok(())
    }
}
