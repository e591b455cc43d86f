//! OIDC sign-in's state: logins between the redirect to the issuer and its callback (taken once,
//! valid for a few minutes), and the external identities (issuer, subject) linked to accounts.
//! A login in progress belongs to no account yet: it is the one row here without a user.

use chrono::{Duration, Utc};
use sea_orm::{ActiveValue::Set, ColumnTrait, EntityTrait, QueryFilter};

use crate::entity::{oidc_identity, oidc_login};
use crate::{Result, Store};

/// How long the issuer's sign-in page may take before its callback is refused.
pub const OIDC_LOGIN_TTL: Duration = Duration::minutes(10);

/// What the callback needs back from the redirect.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct OidcLogin {
    pub state: String,
    pub nonce: String,
    pub pkce_verifier: String,
}

impl Store {
    /// Remembers a login started now; logins older than the TTL are dropped on the way.
    pub async fn put_oidc_login(&self, login: &OidcLogin) -> Result<()> {
        oidc_login::Entity::delete_many()
            .filter(oidc_login::Column::CreatedAt.lt(Utc::now() - OIDC_LOGIN_TTL))
            .exec(&self.db)
            .await?;
        let model = oidc_login::ActiveModel {
            state: Set(login.state.clone()),
            nonce: Set(login.nonce.clone()),
            pkce_verifier: Set(login.pkce_verifier.clone()),
            created_at: Set(Utc::now()),
        };
        oidc_login::Entity::insert(model)
            .exec_without_returning(&self.db)
            .await?;
        Ok(())
    }

    /// Takes the login of this `state`: it is deleted, so a callback replayed finds nothing.
    /// None when unknown, already taken or expired.
    pub async fn take_oidc_login(&self, state: &str) -> Result<Option<OidcLogin>> {
        let Some(row) = oidc_login::Entity::find_by_id(state.to_string())
            .one(&self.db)
            .await?
        else {
            return Ok(None);
        };
        let deleted = oidc_login::Entity::delete_by_id(state.to_string())
            .exec(&self.db)
            .await?;
        // Two callbacks raced for it: only the one whose delete took the row goes on.
        if deleted.rows_affected != 1 || row.created_at < Utc::now() - OIDC_LOGIN_TTL {
            return Ok(None);
        }
        Ok(Some(OidcLogin {
            state: row.state,
            nonce: row.nonce,
            pkce_verifier: row.pkce_verifier,
        }))
    }

    /// The account an issuer's subject is linked to.
    pub async fn oidc_identity_user(&self, issuer: &str, subject: &str) -> Result<Option<String>> {
        Ok(oidc_identity::Entity::find()
            .filter(oidc_identity::Column::Issuer.eq(issuer))
            .filter(oidc_identity::Column::Subject.eq(subject))
            .one(&self.db)
            .await?
            .map(|row| row.user_id))
    }

    /// Links an issuer's subject to an account. Linking the same subject again is a conflict.
    pub async fn link_oidc_identity(
        &self,
        user_id: &str,
        issuer: &str,
        subject: &str,
        email: &str,
    ) -> Result<()> {
        if self.oidc_identity_user(issuer, subject).await?.is_some() {
            return Err(crate::Error::Conflict(format!(
                "the identity {subject} of {issuer} is already linked"
            )));
        }
        let model = oidc_identity::ActiveModel {
            id: Set(uuid::Uuid::new_v4().to_string()),
            user_id: Set(user_id.to_string()),
            issuer: Set(issuer.to_string()),
            subject: Set(subject.to_string()),
            email: Set(email.to_string()),
            created_at: Set(Utc::now()),
        };
        oidc_identity::Entity::insert(model)
            .exec_without_returning(&self.db)
            .await?;
        Ok(())
    }
}
