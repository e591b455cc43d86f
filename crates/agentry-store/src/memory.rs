//! Durable memory: key-value entries per (user, scope, key), written with one upsert, and
//! vector entries per (user, collection), searched by cosine similarity computed in Rust.

use agentry_core::memory::{VectorEntry, VectorHit, rank};
use chrono::Utc;
use sea_orm::sea_query::OnConflict;
use sea_orm::{ActiveValue::Set, ColumnTrait, EntityTrait, QueryFilter, QueryOrder, QueryTrait};
use serde_json::{Map, Value};

use crate::entity::{memory_entry, memory_vector};
use crate::{Error, Result, Store};

/// The most entries one vector search ranks; older ones beyond it are not searched.
pub const MAX_SEARCHED_VECTORS: u64 = 100_000;

impl Store {
    /// Runs a statement rendered with inline values, as the batch writer does: sqlx binds JSON
    /// as `jsonb`, which refuses `\u0000` in strings, while a `json` literal keeps it.
    async fn execute_rendered<S: sea_orm::sea_query::QueryStatementWriter>(
        &self,
        statement: &S,
    ) -> Result<()> {
        use sea_orm::ConnectionTrait;
        let sql = crate::batch::render(statement, self.backend);
        self.db.execute_unprepared(&sql).await?;
        Ok(())
    }

    /// The user's value under (`scope`, `key`).
    pub async fn memory_get(&self, user_id: &str, scope: &str, key: &str) -> Result<Option<Value>> {
        use memory_entry::{Column, Entity};
        Ok(Entity::find()
            .filter(Column::UserId.eq(user_id))
            .filter(Column::Scope.eq(scope))
            .filter(Column::Key.eq(key))
            .one(&self.db)
            .await?
            .map(|m| m.value))
    }

    /// Stores the user's `value` under (`scope`, `key`), replacing any earlier one.
    pub async fn memory_put(
        &self,
        user_id: &str,
        scope: &str,
        key: &str,
        value: Value,
    ) -> Result<()> {
        use memory_entry::{ActiveModel, Column, Entity};
        let now = Utc::now();
        let row = ActiveModel {
            id: Set(uuid::Uuid::new_v4().to_string()),
            user_id: Set(user_id.to_string()),
            scope: Set(scope.to_string()),
            key: Set(key.to_string()),
            value: Set(value),
            created_at: Set(now),
            updated_at: Set(now),
        };
        let q = Entity::insert(row)
            .on_conflict(
                OnConflict::columns([Column::UserId, Column::Scope, Column::Key])
                    .update_columns([Column::Value, Column::UpdatedAt])
                    .to_owned(),
            )
            .into_query();
        self.execute_rendered(&q).await
    }

    /// Adds an entry to the user's `collection`; returns its id.
    pub async fn vector_add(
        &self,
        user_id: &str,
        collection: &str,
        entry: VectorEntry,
    ) -> Result<String> {
        let id = uuid::Uuid::now_v7().to_string();
        let embedding = serde_json::to_value(&entry.embedding)
            .map_err(|e| Error::Corrupt(format!("embedding: {e}")))?;
        let row = memory_vector::ActiveModel {
            id: Set(id.clone()),
            user_id: Set(user_id.to_string()),
            collection: Set(collection.to_string()),
            text: Set(entry.text),
            metadata: Set(Value::Object(entry.metadata)),
            embedding: Set(embedding),
            created_at: Set(Utc::now()),
        };
        let q = memory_vector::Entity::insert(row).into_query();
        self.execute_rendered(&q).await?;
        Ok(id)
    }

    /// The `top_k` entries of the user's `collection` most similar to `query`, best first.
    pub async fn vector_search(
        &self,
        user_id: &str,
        collection: &str,
        query: &[f32],
        top_k: usize,
    ) -> Result<Vec<VectorHit>> {
        use memory_vector::{Column, Entity};
        use sea_orm::QuerySelect;
        let rows = Entity::find()
            .filter(Column::UserId.eq(user_id))
            .filter(Column::Collection.eq(collection))
            .order_by_asc(Column::Id)
            .limit(MAX_SEARCHED_VECTORS)
            .all(&self.db)
            .await?;
        let entries = rows.into_iter().filter_map(|row| {
            let embedding: Vec<f32> = serde_json::from_value(row.embedding).ok()?;
            let metadata = match row.metadata {
                Value::Object(map) => map,
                _ => Map::new(),
            };
            Some((
                row.id,
                VectorEntry {
                    text: row.text,
                    metadata,
                    embedding,
                },
            ))
        });
        Ok(rank(entries, query, top_k))
    }
}
