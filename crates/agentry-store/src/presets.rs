//! Presets: saved inputs for a graph version (AutoGPT's library presets), scoped to the user.

use chrono::Utc;
use sea_orm::{
    ActiveModelTrait, ActiveValue::Set, ColumnTrait, EntityTrait, IntoActiveModel, PaginatorTrait,
    QueryFilter, QueryOrder,
};
use serde_json::Value;

use crate::entity::preset::{self, Column, Entity};
use crate::{Error, Result, Store};

/// A preset to save.
#[derive(Debug, Clone)]
pub struct NewPreset {
    pub user_id: String,
    pub graph_id: String,
    pub graph_version: i32,
    pub name: String,
    pub description: String,
    pub inputs: Value,
    pub is_active: bool,
}

/// Fields to change; `None` keeps the stored value.
#[derive(Debug, Clone, Default)]
pub struct PresetChange {
    pub name: Option<String>,
    pub description: Option<String>,
    pub inputs: Option<Value>,
    pub is_active: Option<bool>,
}

impl Store {
    pub async fn create_preset(&self, new: NewPreset) -> Result<preset::Model> {
        let now = Utc::now();
        let model = preset::ActiveModel {
            id: Set(uuid::Uuid::now_v7().to_string()),
            user_id: Set(new.user_id),
            graph_id: Set(new.graph_id),
            graph_version: Set(new.graph_version),
            name: Set(new.name),
            description: Set(new.description),
            inputs: Set(new.inputs),
            is_active: Set(new.is_active),
            created_at: Set(now),
            updated_at: Set(now),
        };
        Ok(Entity::insert(model).exec_with_returning(&self.db).await?)
    }

    /// One page (from 1) of the user's presets, of one graph when given, newest change first;
    /// with the total count.
    pub async fn list_presets(
        &self,
        user_id: &str,
        graph_id: Option<&str>,
        page: u64,
        page_size: u64,
    ) -> Result<(Vec<preset::Model>, u64)> {
        let mut q = Entity::find().filter(Column::UserId.eq(user_id));
        if let Some(graph_id) = graph_id {
            q = q.filter(Column::GraphId.eq(graph_id));
        }
        let pages = q
            .order_by_desc(Column::UpdatedAt)
            .order_by_desc(Column::Id)
            .paginate(&self.db, page_size.max(1));
        let total = pages.num_items().await?;
        // A page past the end is empty, never an overflow in the offset arithmetic.
        let rows = match page.saturating_sub(1).checked_mul(page_size.max(1)) {
            Some(offset) if offset < total => pages.fetch_page(page.saturating_sub(1)).await?,
            _ => Vec::new(),
        };
        Ok((rows, total))
    }

    pub async fn get_preset(&self, user_id: &str, id: &str) -> Result<preset::Model> {
        Entity::find_by_id(id.to_string())
            .filter(Column::UserId.eq(user_id))
            .one(&self.db)
            .await?
            .ok_or_else(|| Error::NotFound(format!("preset {id}")))
    }

    pub async fn update_preset(
        &self,
        user_id: &str,
        id: &str,
        change: PresetChange,
    ) -> Result<preset::Model> {
        let current = self.get_preset(user_id, id).await?;
        // Only a field that differs is a change: `PATCH {}` (or the same values again) leaves
        // the row, and its `updated_at`, as they are.
        let name = change.name.filter(|v| *v != current.name);
        let description = change.description.filter(|v| *v != current.description);
        let inputs = change.inputs.filter(|v| *v != current.inputs);
        let is_active = change.is_active.filter(|v| *v != current.is_active);
        if name.is_none() && description.is_none() && inputs.is_none() && is_active.is_none() {
            return Ok(current);
        }
        let mut model = current.into_active_model();
        if let Some(name) = name {
            model.name = Set(name);
        }
        if let Some(description) = description {
            model.description = Set(description);
        }
        if let Some(inputs) = inputs {
            model.inputs = Set(inputs);
        }
        if let Some(is_active) = is_active {
            model.is_active = Set(is_active);
        }
        model.updated_at = Set(Utc::now());
        Ok(model.update(&self.db).await?)
    }

    pub async fn delete_preset(&self, user_id: &str, id: &str) -> Result<()> {
        let res = Entity::delete_many()
            .filter(Column::Id.eq(id))
            .filter(Column::UserId.eq(user_id))
            .exec(&self.db)
            .await?;
        if res.rows_affected == 0 {
            return Err(Error::NotFound(format!("preset {id}")));
        }
        Ok(())
    }
}
