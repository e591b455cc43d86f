//! JSON values as PostgreSQL `json`, not `jsonb`: `jsonb` refuses strings holding `\u0000` (and
//! with them the whole batch they were written in) and reorders object keys, so a value read back
//! differed from the one a block yielded, and from SQLite, which keeps JSON as written text.
//! Changes every `jsonb` column that exists at this point; SQLite needs nothing. New JSON columns
//! use `json()`/`json_null()` (the schema test rejects `jsonb`).

use sea_orm_migration::prelude::*;
use sea_orm_migration::sea_orm::{ConnectionTrait, DbBackend, Statement};

pub struct JsonText;

impl MigrationName for JsonText {
    fn name(&self) -> &str {
        "m0005_json_text"
    }
}

// async_trait's expansion needs the elided lifetime here.
#[allow(elided_lifetimes_in_paths)]
#[sea_orm_migration::async_trait::async_trait]
impl MigrationTrait for JsonText {
    async fn up(&self, m: &SchemaManager) -> Result<(), DbErr> {
        if m.get_database_backend() != DbBackend::Postgres {
            return Ok(());
        }
        let db = m.get_connection();
        let columns = db
            .query_all_raw(Statement::from_string(
                DbBackend::Postgres,
                "SELECT table_name::text AS t, column_name::text AS c \
                 FROM information_schema.columns \
                 WHERE table_schema = current_schema() AND data_type = 'jsonb'",
            ))
            .await?;
        for row in columns {
            let table: String = row.try_get("", "t")?;
            let column: String = row.try_get("", "c")?;
            // jsonb to json is an assignment cast: the values keep their content.
            let alter = Table::alter()
                .table(Alias::new(table))
                .modify_column(ColumnDef::new(Alias::new(column)).json())
                .to_owned();
            m.alter_table(alter).await?;
        }
        Ok(())
    }
}
