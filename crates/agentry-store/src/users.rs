//! Users. Until sign-in exists every request acts as one local default user.

use chrono::Utc;
use sea_orm::{ActiveValue::Set, EntityTrait};

use crate::entity::user;
use crate::{Result, Store};

/// The id of the local default user that owns everything before sign-in exists.
pub const DEFAULT_USER_ID: &str = "3e53486c-cf57-477e-ba2a-cb02dc828e1a";

impl Store {
    /// Creates the user row when missing.
    pub async fn ensure_user(&self, id: &str, email: &str, name: &str) -> Result<()> {
        let model = user::ActiveModel {
            id: Set(id.to_string()),
            email: Set(email.to_string()),
            name: Set(name.to_string()),
            timezone: Set(None),
            created_at: Set(Utc::now()),
        };
        user::Entity::insert(model)
            .on_conflict_do_nothing_on([user::Column::Id])
            .exec(&self.db)
            .await?;
        Ok(())
    }
}
