//! `users`: who owns graphs and runs. The local default user owns everything made without
//! sign-in; accounts add a password hash (argon2id PHC string), a role, `disabled`, and a
//! `token_version` that ends every session issued before it was bumped.

use sea_orm::entity::prelude::*;

#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "users")]
pub struct Model {
    #[sea_orm(primary_key, auto_increment = false)]
    pub id: String,
    pub email: String,
    pub name: String,
    pub timezone: Option<String>,
    pub created_at: DateTimeUtc,
    pub password_hash: Option<String>,
    pub role: String,
    pub disabled: bool,
    pub token_version: i32,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
