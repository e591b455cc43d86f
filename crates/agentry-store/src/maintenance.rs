//! What operators run against the database as a whole: liveness and migration checks for
//! readiness probes, online backups of SQLite files, the emptiness check before a restore,
//! and the owners of graphs for `export-all`.

use sea_orm::{ConnectionTrait, EntityTrait, PaginatorTrait, QuerySelect, Statement};
use sea_orm_migration::{MigratorTrait, SchemaManager};

use crate::entity::{graph, graph_execution, user};
use crate::migration::Migrator;
use crate::{Backend, Error, Result, Store};

impl Store {
    /// One round trip to the database (readiness probes).
    pub async fn ping(&self) -> Result<()> {
        self.db.ping().await?;
        Ok(())
    }

    /// Migrations this binary has that the database has not applied yet, by name. Empty when
    /// the schema is current (a newer binary's extra migrations are not counted: forward-only
    /// migrations keep older binaries working during a rolling upgrade).
    pub async fn pending_migrations(&self) -> Result<Vec<String>> {
        Ok(Migrator::get_pending_migrations(&self.db)
            .await?
            .iter()
            .map(|m| m.name().to_string())
            .collect())
    }

    /// Writes a consistent copy of a SQLite database to `path` while it is in use
    /// (`VACUUM INTO`: one read transaction; writers go on meanwhile in WAL mode).
    pub async fn backup_sqlite_into(&self, path: &str) -> Result<()> {
        if self.backend != Backend::Sqlite {
            return Err(Error::Unsupported(
                "VACUUM INTO backs up SQLite; PostgreSQL is backed up with pg_dump".into(),
            ));
        }
        let sql = Statement::from_sql_and_values(
            sea_orm::DbBackend::Sqlite,
            "VACUUM INTO ?",
            [path.into()],
        );
        self.db.execute_raw(sql).await?;
        Ok(())
    }

    /// Bytes the database holds in use (pages in use times the page size on SQLite, WAL content
    /// included; `pg_database_size` on PostgreSQL): the benchmarks' bytes written per run.
    pub async fn database_bytes(&self) -> Result<u64> {
        let (backend, sql) = match self.backend {
            Backend::Sqlite => (
                sea_orm::DbBackend::Sqlite,
                "SELECT (p.page_count - f.freelist_count) * s.page_size AS bytes \
                 FROM pragma_page_count() p, pragma_freelist_count() f, pragma_page_size() s",
            ),
            Backend::Postgres => (
                sea_orm::DbBackend::Postgres,
                "SELECT pg_database_size(current_database())::BIGINT AS bytes",
            ),
        };
        let row = self
            .db
            .query_one_raw(Statement::from_string(backend, sql))
            .await?
            .ok_or_else(|| Error::Unsupported("no database size".into()))?;
        let bytes: i64 = row.try_get("", "bytes")?;
        Ok(bytes.max(0) as u64)
    }

    /// Every user id that owns something, for operator-wide exports.
    pub async fn user_ids(&self) -> Result<Vec<String>> {
        Ok(user::Entity::find()
            .select_only()
            .column(user::Column::Id)
            .into_tuple()
            .all(&self.db)
            .await?)
    }
}

/// Whether the database at `url` holds no Agentry data: no tables yet, or tables with no
/// graph and no run (what `Store::open` leaves on a fresh database). Does not migrate.
pub async fn is_empty(url: &str) -> Result<bool> {
    let db = crate::backend::connect(url).await?;
    let manager = SchemaManager::new(&db);
    let empty = if !manager.has_table("graphs").await? {
        true
    } else {
        graph::Entity::find().count(&db).await? == 0
            && graph_execution::Entity::find().count(&db).await? == 0
    };
    db.close().await?;
    Ok(empty)
}

/// Whether the database at `url` has any table at all (a PostgreSQL restore needs none).
pub async fn has_tables(url: &str) -> Result<bool> {
    let db = crate::backend::connect(url).await?;
    let has = SchemaManager::new(&db)
        .has_table("seaql_migrations")
        .await?
        || SchemaManager::new(&db).has_table("graphs").await?;
    db.close().await?;
    Ok(has)
}

/// The migrations this binary has that the database at `url` lacks. Connects without
/// migrating (for `agentry doctor`).
pub async fn pending_migrations_at(url: &str) -> Result<Vec<String>> {
    let db = crate::backend::connect(url).await?;
    let pending = Migrator::get_pending_migrations(&db)
        .await?
        .iter()
        .map(|m| m.name().to_string())
        .collect();
    db.close().await?;
    Ok(pending)
}
