//! Accounts, sessions and API keys: users who sign in with a password, their refresh tokens
//! (SHA-256 only), their API keys (a keyed hash only), and the server's generated secrets.
//! Look-ups by email, token hash or key id come before any user is known; everything else is
//! filtered by the user it acts for.

use chrono::{DateTime, Utc};
use sea_orm::sea_query::{Expr, ExprTrait};
use sea_orm::{
    ActiveModelTrait, ActiveValue::Set, ColumnTrait, EntityTrait, PaginatorTrait, QueryFilter,
    QueryOrder, TransactionTrait,
};

use crate::entity::{api_key, refresh_token, server_secret, user};
use crate::{DEFAULT_USER_ID, Error, Result, Store};

/// A new account's fields.
pub struct NewAccount<'a> {
    pub email: &'a str,
    pub password_hash: &'a str,
    pub role: &'a str,
}

impl Store {
    /// The account with this (normalised) email.
    pub async fn account_by_email(&self, email: &str) -> Result<Option<user::Model>> {
        Ok(user::Entity::find()
            .filter(user::Column::Email.eq(email))
            .one(&self.db)
            .await?)
    }

    /// The user row with this id.
    pub async fn account(&self, user_id: &str) -> Result<Option<user::Model>> {
        Ok(user::Entity::find_by_id(user_id).one(&self.db).await?)
    }

    /// How many users can sign in (have a password).
    pub async fn count_accounts(&self) -> Result<u64> {
        Ok(user::Entity::find()
            .filter(user::Column::PasswordHash.is_not_null())
            .count(&self.db)
            .await?)
    }

    /// Creates an account. When `first` is true and no account exists yet, the local default
    /// user becomes it instead (keeping what was made before sign-in); when one exists by
    /// then, `Conflict("first account")`. A taken email is `Conflict("email")`.
    pub async fn create_account(&self, new: NewAccount<'_>, first: bool) -> Result<user::Model> {
        let tx = self.db.begin().await?;
        if self.account_by_email_in(&tx, new.email).await?.is_some() {
            return Err(Error::Conflict("email".into()));
        }
        let model = if first {
            let taken = user::Entity::find()
                .filter(user::Column::PasswordHash.is_not_null())
                .count(&tx)
                .await?;
            if taken > 0 {
                return Err(Error::Conflict("first account".into()));
            }
            // Claiming the local user is conditional on it still having no password: two
            // concurrent first sign-ups cannot both win.
            let claimed = user::Entity::update_many()
                .col_expr(user::Column::Email, Expr::value(new.email))
                .col_expr(user::Column::PasswordHash, Expr::value(new.password_hash))
                .col_expr(user::Column::Role, Expr::value(new.role))
                .filter(user::Column::Id.eq(DEFAULT_USER_ID))
                .filter(user::Column::PasswordHash.is_null())
                .exec(&tx)
                .await?;
            if claimed.rows_affected != 1 {
                return Err(Error::Conflict("first account".into()));
            }
            user::Entity::find_by_id(DEFAULT_USER_ID)
                .one(&tx)
                .await?
                .ok_or_else(|| Error::NotFound("local user".into()))?
        } else {
            user::ActiveModel {
                id: Set(uuid::Uuid::new_v4().to_string()),
                email: Set(new.email.to_string()),
                name: Set(new.email.to_string()),
                timezone: Set(None),
                created_at: Set(Utc::now()),
                password_hash: Set(Some(new.password_hash.to_string())),
                role: Set(new.role.to_string()),
                disabled: Set(false),
                token_version: Set(0),
            }
            .insert(&tx)
            .await
            .map_err(|e| match self.is_unique_violation(&e) {
                true => Error::Conflict("email".into()),
                false => e.into(),
            })?
        };
        tx.commit().await?;
        Ok(model)
    }

    async fn account_by_email_in(
        &self,
        tx: &sea_orm::DatabaseTransaction,
        email: &str,
    ) -> Result<Option<user::Model>> {
        Ok(user::Entity::find()
            .filter(user::Column::Email.eq(email))
            .one(tx)
            .await?)
    }

    fn is_unique_violation(&self, e: &sea_orm::DbErr) -> bool {
        let text = e.to_string().to_lowercase();
        text.contains("unique") || text.contains("duplicate")
    }

    /// Every account (users who can sign in), oldest first.
    pub async fn list_accounts(&self) -> Result<Vec<user::Model>> {
        Ok(user::Entity::find()
            .filter(user::Column::PasswordHash.is_not_null())
            .order_by_asc(user::Column::CreatedAt)
            .all(&self.db)
            .await?)
    }

    /// Changes an account's role.
    pub async fn set_role(&self, user_id: &str, role: &str) -> Result<user::Model> {
        self.update_account(user_id, |m| m.role = Set(role.to_string()))
            .await
    }

    /// Disables (or enables) an account; disabling also ends every session and refresh token.
    pub async fn set_disabled(&self, user_id: &str, disabled: bool) -> Result<user::Model> {
        let model = self
            .update_account(user_id, |m| m.disabled = Set(disabled))
            .await?;
        if disabled {
            return self.end_sessions(user_id).await;
        }
        Ok(model)
    }

    /// Replaces the password hash and ends every session.
    pub async fn set_password(&self, user_id: &str, password_hash: &str) -> Result<user::Model> {
        self.update_account(user_id, |m| {
            m.password_hash = Set(Some(password_hash.to_string()))
        })
        .await?;
        self.end_sessions(user_id).await
    }

    /// "Sign out everywhere": bumps the token version (every access token issued before stops
    /// working) and revokes every refresh token of the user.
    pub async fn end_sessions(&self, user_id: &str) -> Result<user::Model> {
        let tx = self.db.begin().await?;
        user::Entity::update_many()
            .col_expr(
                user::Column::TokenVersion,
                Expr::col(user::Column::TokenVersion).add(1),
            )
            .filter(user::Column::Id.eq(user_id))
            .exec(&tx)
            .await?;
        refresh_token::Entity::update_many()
            .col_expr(refresh_token::Column::RevokedAt, Expr::value(Utc::now()))
            .filter(refresh_token::Column::UserId.eq(user_id))
            .filter(refresh_token::Column::RevokedAt.is_null())
            .exec(&tx)
            .await?;
        tx.commit().await?;
        self.account(user_id)
            .await?
            .ok_or_else(|| Error::NotFound("user".into()))
    }

    async fn update_account(
        &self,
        user_id: &str,
        change: impl FnOnce(&mut user::ActiveModel),
    ) -> Result<user::Model> {
        let found = user::Entity::find_by_id(user_id)
            .filter(user::Column::PasswordHash.is_not_null())
            .one(&self.db)
            .await?
            .ok_or_else(|| Error::NotFound("user".into()))?;
        let mut model: user::ActiveModel = found.into();
        change(&mut model);
        Ok(model.update(&self.db).await?)
    }

    /// Stores a new refresh token's hash.
    pub async fn add_refresh_token(
        &self,
        user_id: &str,
        token_hash: &str,
        expires_at: DateTime<Utc>,
    ) -> Result<()> {
        refresh_token::ActiveModel {
            token_hash: Set(token_hash.to_string()),
            user_id: Set(user_id.to_string()),
            created_at: Set(Utc::now()),
            expires_at: Set(expires_at),
            revoked_at: Set(None),
        }
        .insert(&self.db)
        .await?;
        Ok(())
    }

    /// Spends a refresh token: revokes it and answers its user, when it was live. A token
    /// used twice (or concurrently) is spent once.
    pub async fn spend_refresh_token(&self, token_hash: &str) -> Result<Option<String>> {
        let now = Utc::now();
        let spent = refresh_token::Entity::update_many()
            .col_expr(refresh_token::Column::RevokedAt, Expr::value(now))
            .filter(refresh_token::Column::TokenHash.eq(token_hash))
            .filter(refresh_token::Column::RevokedAt.is_null())
            .filter(refresh_token::Column::ExpiresAt.gt(now))
            .exec(&self.db)
            .await?;
        if spent.rows_affected != 1 {
            return Ok(None);
        }
        Ok(refresh_token::Entity::find_by_id(token_hash)
            .one(&self.db)
            .await?
            .map(|t| t.user_id))
    }

    /// Revokes one of the user's refresh tokens (sign-out); unknown tokens change nothing.
    pub async fn revoke_refresh_token(&self, user_id: &str, token_hash: &str) -> Result<()> {
        refresh_token::Entity::update_many()
            .col_expr(refresh_token::Column::RevokedAt, Expr::value(Utc::now()))
            .filter(refresh_token::Column::TokenHash.eq(token_hash))
            .filter(refresh_token::Column::UserId.eq(user_id))
            .filter(refresh_token::Column::RevokedAt.is_null())
            .exec(&self.db)
            .await?;
        Ok(())
    }

    /// Stores a new API key (its hash only).
    pub async fn add_api_key(&self, key: api_key::Model) -> Result<api_key::Model> {
        let model: api_key::ActiveModel = key.into();
        Ok(api_key::Entity::insert(model)
            .exec_with_returning(&self.db)
            .await?)
    }

    /// The API key with this public id, whoever owns it (authentication compares its hash).
    pub async fn api_key_by_id(&self, key_id: &str) -> Result<Option<api_key::Model>> {
        Ok(api_key::Entity::find_by_id(key_id).one(&self.db).await?)
    }

    /// The user's API keys, newest first (revoked ones included).
    pub async fn list_api_keys(&self, user_id: &str) -> Result<Vec<api_key::Model>> {
        Ok(api_key::Entity::find()
            .filter(api_key::Column::UserId.eq(user_id))
            .order_by_desc(api_key::Column::CreatedAt)
            .all(&self.db)
            .await?)
    }

    /// Revokes one of the user's keys; another user's key is `NotFound`.
    pub async fn revoke_api_key(&self, user_id: &str, key_id: &str) -> Result<api_key::Model> {
        let found = api_key::Entity::find_by_id(key_id)
            .filter(api_key::Column::UserId.eq(user_id))
            .one(&self.db)
            .await?
            .ok_or_else(|| Error::NotFound("API key".into()))?;
        if found.revoked_at.is_some() {
            return Ok(found);
        }
        let mut model: api_key::ActiveModel = found.into();
        model.revoked_at = Set(Some(Utc::now()));
        Ok(model.update(&self.db).await?)
    }

    /// Records that a key was used.
    pub async fn touch_api_key(&self, key_id: &str, at: DateTime<Utc>) -> Result<()> {
        api_key::Entity::update_many()
            .col_expr(api_key::Column::LastUsedAt, Expr::value(at))
            .filter(api_key::Column::Id.eq(key_id))
            .exec(&self.db)
            .await?;
        Ok(())
    }

    /// The server secret `name`, generated with `generate` and stored the first time. Every
    /// process reads the same value: the first insert wins.
    pub async fn server_secret(
        &self,
        name: &str,
        generate: impl FnOnce() -> String,
    ) -> Result<String> {
        if let Some(found) = server_secret::Entity::find_by_id(name)
            .one(&self.db)
            .await?
        {
            return Ok(found.value);
        }
        let model = server_secret::ActiveModel {
            name: Set(name.to_string()),
            value: Set(generate()),
            created_at: Set(Utc::now()),
        };
        server_secret::Entity::insert(model)
            .on_conflict_do_nothing_on([server_secret::Column::Name])
            .exec_without_returning(&self.db)
            .await?;
        server_secret::Entity::find_by_id(name)
            .one(&self.db)
            .await?
            .map(|s| s.value)
            .ok_or_else(|| Error::NotFound(format!("server secret {name}")))
    }
}
