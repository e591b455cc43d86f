//! Users' credentials and OAuth2 login states. The store never sees a secret: it keeps what the
//! engine's keyring sealed, with the id of the key, and plain metadata for listings. Reading one
//! credential is one primary-key row filtered by its user.

use chrono::Utc;
use sea_orm::{
    ActiveModelTrait, ActiveValue::Set, ColumnTrait, EntityTrait, QueryFilter, QueryOrder,
    QuerySelect,
};
use serde_json::Value;

use crate::entity::credential::{self, Column, Entity};
use crate::entity::oauth_state;
use crate::{Error, Result, Store};

/// A secret payload as the keyring sealed it.
#[derive(Clone, PartialEq, Eq)]
pub struct Sealed {
    pub key_id: String,
    pub sealed: String,
}

impl std::fmt::Debug for Sealed {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "Sealed(key {})", self.key_id)
    }
}

/// A credential to save; `id` is chosen by the caller because it is part of what is sealed.
#[derive(Debug, Clone)]
pub struct NewCredential {
    pub id: String,
    pub user_id: String,
    pub provider: String,
    pub kind: String,
    pub title: Option<String>,
    pub username: Option<String>,
    pub host: Option<String>,
    pub scopes: Option<Vec<String>>,
    pub expires_at: Option<i64>,
    pub secret: Sealed,
}

/// An OAuth2 login to remember until its callback.
#[derive(Debug, Clone)]
pub struct NewOauthState {
    pub token: String,
    pub user_id: String,
    pub provider: String,
    pub scopes: Vec<String>,
    pub verifier: Sealed,
    pub expires_at_ms: i64,
}

impl Store {
    pub async fn insert_credential(&self, new: NewCredential) -> Result<credential::Model> {
        let now = Utc::now();
        let model = credential::ActiveModel {
            id: Set(new.id),
            user_id: Set(new.user_id),
            provider: Set(new.provider),
            kind: Set(new.kind),
            title: Set(new.title),
            username: Set(new.username),
            host: Set(new.host),
            scopes: Set(new.scopes.map(Value::from)),
            expires_at: Set(new.expires_at),
            key_id: Set(new.secret.key_id),
            sealed: Set(new.secret.sealed),
            created_at: Set(now),
            updated_at: Set(now),
        };
        Ok(Entity::insert(model).exec_with_returning(&self.db).await?)
    }

    /// The user's credentials, of one provider when given, oldest first.
    pub async fn list_credentials(
        &self,
        user_id: &str,
        provider: Option<&str>,
    ) -> Result<Vec<credential::Model>> {
        let mut q = Entity::find().filter(Column::UserId.eq(user_id));
        if let Some(provider) = provider {
            q = q.filter(Column::Provider.eq(provider));
        }
        Ok(q.order_by_asc(Column::CreatedAt)
            .order_by_asc(Column::Id)
            .all(&self.db)
            .await?)
    }

    pub async fn get_credential(&self, user_id: &str, id: &str) -> Result<credential::Model> {
        Entity::find_by_id(id.to_string())
            .filter(Column::UserId.eq(user_id))
            .one(&self.db)
            .await?
            .ok_or_else(|| Error::NotFound(format!("credentials {id}")))
    }

    pub async fn delete_credential(&self, user_id: &str, id: &str) -> Result<()> {
        let res = Entity::delete_many()
            .filter(Column::Id.eq(id))
            .filter(Column::UserId.eq(user_id))
            .exec(&self.db)
            .await?;
        if res.rows_affected == 0 {
            return Err(Error::NotFound(format!("credentials {id}")));
        }
        Ok(())
    }

    /// Replaces a credential's secret (a refreshed OAuth2 token) with its new expiry and scopes.
    pub async fn update_credential_secret(
        &self,
        user_id: &str,
        id: &str,
        secret: Sealed,
        expires_at: Option<i64>,
        scopes: Option<Vec<String>>,
    ) -> Result<credential::Model> {
        let mut model: credential::ActiveModel = self.get_credential(user_id, id).await?.into();
        model.key_id = Set(secret.key_id);
        model.sealed = Set(secret.sealed);
        model.expires_at = Set(expires_at);
        if let Some(scopes) = scopes {
            model.scopes = Set(Some(Value::from(scopes)));
        }
        model.updated_at = Set(Utc::now());
        Ok(model.update(&self.db).await?)
    }

    /// Key rotation only, across all users: up to `limit` credentials sealed under another key
    /// than `current_key`, after `after` in id order.
    pub async fn credentials_to_reseal(
        &self,
        current_key: &str,
        after: Option<&str>,
        limit: u64,
    ) -> Result<Vec<credential::Model>> {
        let mut q = Entity::find().filter(Column::KeyId.ne(current_key));
        if let Some(after) = after {
            q = q.filter(Column::Id.gt(after));
        }
        Ok(q.order_by_asc(Column::Id)
            .limit(limit)
            .all(&self.db)
            .await?)
    }

    /// Key rotation only: writes a credential's secret sealed anew, unless it changed since it
    /// was read (a refresh got there first); answers whether it was written.
    pub async fn reseal_credential(&self, row: &credential::Model, secret: Sealed) -> Result<bool> {
        let res = Entity::update_many()
            .col_expr(Column::KeyId, secret.key_id.into())
            .col_expr(Column::Sealed, secret.sealed.into())
            .filter(Column::Id.eq(&row.id))
            .filter(Column::UserId.eq(&row.user_id))
            .filter(Column::Sealed.eq(&row.sealed))
            .exec(&self.db)
            .await?;
        Ok(res.rows_affected == 1)
    }

    pub async fn insert_oauth_state(&self, new: NewOauthState) -> Result<()> {
        let model = oauth_state::ActiveModel {
            token: Set(new.token),
            user_id: Set(new.user_id),
            provider: Set(new.provider),
            scopes: Set(Value::from(new.scopes)),
            key_id: Set(new.verifier.key_id),
            sealed_verifier: Set(new.verifier.sealed),
            expires_at: Set(new.expires_at_ms),
        };
        oauth_state::Entity::insert(model).exec(&self.db).await?;
        Ok(())
    }

    /// Takes the user's login state for `provider` once: a second call, another user's, another
    /// provider's or an expired state finds nothing. Expired states are removed on the way.
    pub async fn take_oauth_state(
        &self,
        user_id: &str,
        provider: &str,
        token: &str,
        now_ms: i64,
    ) -> Result<oauth_state::Model> {
        use oauth_state::Column as C;
        oauth_state::Entity::delete_many()
            .filter(C::ExpiresAt.lt(now_ms))
            .exec(&self.db)
            .await?;
        let not_found = || Error::NotFound("login state".into());
        let row = oauth_state::Entity::find_by_id(token.to_string())
            .filter(C::UserId.eq(user_id))
            .filter(C::Provider.eq(provider))
            .one(&self.db)
            .await?
            .ok_or_else(not_found)?;
        let taken = oauth_state::Entity::delete_many()
            .filter(C::Token.eq(token))
            .exec(&self.db)
            .await?;
        if taken.rows_affected != 1 {
            return Err(not_found());
        }
        Ok(row)
    }

    /// Key rotation only: every pending login state sealed under another key is dropped (a
    /// login in progress then starts over).
    pub async fn drop_oauth_states_not_under(&self, current_key: &str) -> Result<u64> {
        let res = oauth_state::Entity::delete_many()
            .filter(oauth_state::Column::KeyId.ne(current_key))
            .exec(&self.db)
            .await?;
        Ok(res.rows_affected)
    }
}
