//! `credentials`: one of a user's credentials for blocks (AutoGPT's `Credentials`). Only what
//! a listing shows is plain; the secret payload is `sealed` under the key `key_id` names.

use sea_orm::entity::prelude::*;

#[derive(Clone, Debug, PartialEq, DeriveEntityModel)]
#[sea_orm(table_name = "credentials")]
pub struct Model {
    #[sea_orm(primary_key, auto_increment = false)]
    pub id: String,
    pub user_id: String,
    pub provider: String,
    /// api_key, oauth2, user_password or host_scoped.
    pub kind: String,
    pub title: Option<String>,
    /// The account name (oauth2, user_password): shown in listings, not a secret.
    pub username: Option<String>,
    /// The host pattern of a host_scoped credential.
    pub host: Option<String>,
    /// Granted OAuth2 scopes.
    pub scopes: Option<Json>,
    /// When the access token (oauth2) or key expires, in seconds since the epoch.
    pub expires_at: Option<i64>,
    pub key_id: String,
    /// The secret payload as the keyring sealed it (nonce and ciphertext, base64url).
    pub sealed: String,
    pub created_at: DateTimeUtc,
    pub updated_at: DateTimeUtc,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
