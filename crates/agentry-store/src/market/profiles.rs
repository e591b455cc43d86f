//! Creator profiles: one per user, with a unique username that names the creator's page.

use chrono::Utc;
use sea_orm::{
    ActiveValue::Set, ColumnTrait, EntityTrait, PaginatorTrait, QueryFilter, QueryOrder,
    QuerySelect, TransactionTrait,
};
use serde_json::Value;

use super::entity::profile::{self, Column, Entity};
use crate::{Error, Result, Store};

/// What a user says about themselves as a creator.
#[derive(Debug, Clone)]
pub struct ProfileInput {
    pub username: String,
    pub name: String,
    pub description: String,
    pub links: Vec<String>,
    pub avatar_url: Option<String>,
}

impl Store {
    /// Creates or replaces the user's profile; a username another user holds is a conflict.
    pub async fn upsert_profile(
        &self,
        user_id: &str,
        input: ProfileInput,
    ) -> Result<profile::Model> {
        let txn = self.db.begin().await?;
        let taken = Entity::find()
            .filter(Column::Username.eq(&input.username))
            .filter(Column::UserId.ne(user_id))
            .one(&txn)
            .await?;
        if taken.is_some() {
            return Err(Error::Conflict(format!(
                "the username {} is taken",
                input.username
            )));
        }
        let now = Utc::now();
        let existing = Entity::find_by_id(user_id.to_string()).one(&txn).await?;
        let model = profile::ActiveModel {
            user_id: Set(user_id.to_string()),
            username: Set(input.username),
            name: Set(input.name),
            description: Set(input.description),
            links: Set(Value::from(input.links)),
            avatar_url: Set(input.avatar_url),
            is_featured: Set(existing.as_ref().is_some_and(|p| p.is_featured)),
            created_at: Set(existing.as_ref().map_or(now, |p| p.created_at)),
            updated_at: Set(now),
        };
        let saved = match existing {
            Some(_) => Entity::update(model).exec(&txn).await,
            None => Entity::insert(model).exec_with_returning(&txn).await,
        }
        .map_err(super::conflict_on_unique("username"))?;
        txn.commit().await?;
        Ok(saved)
    }

    /// The user's own profile, if they made one.
    pub async fn profile(&self, user_id: &str) -> Result<Option<profile::Model>> {
        Ok(Entity::find_by_id(user_id.to_string())
            .one(&self.db)
            .await?)
    }

    /// A creator's public profile by username.
    pub async fn profile_by_username(&self, username: &str) -> Result<profile::Model> {
        Entity::find()
            .filter(Column::Username.eq(username))
            .one(&self.db)
            .await?
            .ok_or_else(|| Error::NotFound(format!("creator {username}")))
    }

    /// Profiles of these users (the creators of a page of listings).
    pub async fn profiles_of(&self, user_ids: &[String]) -> Result<Vec<profile::Model>> {
        Ok(Entity::find()
            .filter(Column::UserId.is_in(user_ids.iter().cloned()))
            .all(&self.db)
            .await?)
    }

    /// One page of creators, featured first, then by username; with the total.
    pub async fn creators(&self, page: u64, page_size: u64) -> Result<(Vec<profile::Model>, u64)> {
        let q = Entity::find();
        let total = q.clone().count(&self.db).await?;
        let Some(offset) = super::skip(page, page_size, total) else {
            return Ok((Vec::new(), total));
        };
        let rows = q
            .order_by_desc(Column::IsFeatured)
            .order_by_asc(Column::Username)
            .offset(offset)
            .limit(page_size)
            .all(&self.db)
            .await?;
        Ok((rows, total))
    }
}
