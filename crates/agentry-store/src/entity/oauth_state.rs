//! `oauth_states`: an OAuth2 login in progress, taken once by its callback before it expires.
//! The PKCE verifier is sealed like a credential.

use sea_orm::entity::prelude::*;

#[derive(Clone, Debug, PartialEq, DeriveEntityModel)]
#[sea_orm(table_name = "oauth_states")]
pub struct Model {
    /// The random `state` sent to the provider.
    #[sea_orm(primary_key, auto_increment = false)]
    pub token: String,
    pub user_id: String,
    pub provider: String,
    pub scopes: Json,
    pub key_id: String,
    pub sealed_verifier: String,
    /// Milliseconds since the epoch.
    pub expires_at: i64,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
