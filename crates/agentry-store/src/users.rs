//! Users. Without sign-in every request acts as one local default user; with accounts
//! (`accounts.rs`) each signed-in person is a user row of their own.

use chrono::Utc;
use sea_orm::{ActiveValue::Set, EntityTrait};

use crate::entity::user;
use crate::{Result, Store};

/// The id of the local default user that owns everything before sign-in exists.
pub const DEFAULT_USER_ID: &str = "3e53486c-cf57-477e-ba2a-cb02dc828e1a";

impl Store {
    /// Creates the user row (without a password: it cannot sign in) when missing.
    pub async fn ensure_user(&self, id: &str, email: &str, name: &str) -> Result<()> {
        let model = user::ActiveModel {
            id: Set(id.to_string()),
            email: Set(email.to_string()),
            name: Set(name.to_string()),
            timezone: Set(None),
            created_at: Set(Utc::now()),
            password_hash: Set(None),
            role: Set("user".to_string()),
            disabled: Set(false),
            token_version: Set(0),
        };
        user::Entity::insert(model)
            .on_conflict_do_nothing_on([user::Column::Id])
            .exec(&self.db)
            .await?;
        Ok(())
    }
}
