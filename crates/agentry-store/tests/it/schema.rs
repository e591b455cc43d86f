//! Schema parity: the migrations give SQLite and PostgreSQL the same tables, columns,
//! nullability and indexes, so that the two backends cannot drift apart.

use std::collections::BTreeSet;

use agentry_store::migration::Migrator;
use agentry_store::testing::{TEST_DATABASE_URL, fresh_postgres, fresh_sqlite};
use agentry_store::{Backend, backend};
use sea_orm::{ConnectionTrait, DatabaseConnection, Statement};
use sea_orm_migration::MigratorTrait;

/// What the parity check compares: `table.column NULL|NOT NULL` and `index name` lines.
async fn schema(url: &str) -> BTreeSet<String> {
    let db = backend::connect(url).await.unwrap();
    Migrator::up(&db, None).await.unwrap();
    let (columns, indexes) = match Backend::of(url).unwrap() {
        Backend::Sqlite => (
            "SELECT m.name AS t, p.name AS c, p.\"notnull\" <> 0 OR p.pk > 0 AS not_null \
             FROM sqlite_master m JOIN pragma_table_info(m.name) p \
             WHERE m.type = 'table' AND m.name NOT LIKE 'sqlite_%'",
            "SELECT name AS i FROM sqlite_master \
             WHERE type = 'index' AND name NOT LIKE 'sqlite_autoindex_%'",
        ),
        Backend::Postgres => (
            "SELECT table_name::text AS t, column_name::text AS c, is_nullable = 'NO' AS not_null, \
             data_type::text AS type FROM information_schema.columns \
             WHERE table_schema = current_schema()",
            "SELECT indexname::text AS i FROM pg_indexes \
             WHERE schemaname = current_schema() AND indexname NOT LIKE '%_pkey'",
        ),
    };
    let mut out = BTreeSet::new();
    for row in query(&db, columns).await {
        let table: String = row.try_get("", "t").unwrap();
        let column: String = row.try_get("", "c").unwrap();
        let not_null: bool = row.try_get("", "not_null").unwrap();
        if is_search_index(&table) {
            continue;
        }
        let null = if not_null { "NOT NULL" } else { "NULL" };
        if let Ok(data_type) = row.try_get::<String>("", "type") {
            // jsonb refuses "\u0000" in strings and reorders keys: JSON columns are `json()`.
            assert_ne!(
                data_type, "jsonb",
                "{table}.{column} is jsonb on PostgreSQL"
            );
        }
        out.insert(format!("{table}.{column} {null}"));
    }
    for row in query(&db, indexes).await {
        let index: String = row.try_get("", "i").unwrap();
        if is_search_index(&index) {
            continue;
        }
        out.insert(format!("index {index}"));
    }
    db.close().await.unwrap();
    out
}

/// The store's full-text index differs on purpose (`m0014_store`): an FTS5 table (and its
/// shadow tables) on SQLite, a table with a `tsvector` column and GIN index on PostgreSQL.
fn is_search_index(name: &str) -> bool {
    name.starts_with("store_search")
}

async fn query(db: &DatabaseConnection, sql: &str) -> Vec<sea_orm::QueryResult> {
    let statement = Statement::from_string(db.get_database_backend(), sql);
    db.query_all_raw(statement).await.unwrap()
}

#[tokio::test]
async fn sqlite_and_postgres_get_the_same_schema() {
    let sqlite = fresh_sqlite();
    let sqlite_schema = schema(sqlite.url()).await;
    assert!(
        sqlite_schema.contains("graph_executions.status NOT NULL"),
        "{sqlite_schema:#?}"
    );
    let Ok(server) = std::env::var(TEST_DATABASE_URL) else {
        eprintln!("{TEST_DATABASE_URL} is not set: checked SQLite's schema only");
        return;
    };
    let postgres = fresh_postgres(&server).await;
    let postgres_schema = schema(postgres.url()).await;
    let only_sqlite: Vec<&String> = sqlite_schema.difference(&postgres_schema).collect();
    let only_postgres: Vec<&String> = postgres_schema.difference(&sqlite_schema).collect();
    assert!(
        only_sqlite.is_empty() && only_postgres.is_empty(),
        "the backends' schemas differ\nonly in SQLite: {only_sqlite:#?}\nonly in PostgreSQL: {only_postgres:#?}"
    );
}
