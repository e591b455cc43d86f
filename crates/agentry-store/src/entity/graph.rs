//! `graphs`: one row per graph version; the AutoGPT-shaped document is stored whole.

use sea_orm::entity::prelude::*;

#[derive(Clone, Debug, PartialEq, DeriveEntityModel)]
#[sea_orm(table_name = "graphs")]
pub struct Model {
    #[sea_orm(primary_key, auto_increment = false)]
    pub id: String,
    #[sea_orm(primary_key, auto_increment = false)]
    pub version: i32,
    pub user_id: String,
    pub name: String,
    pub description: String,
    pub is_active: bool,
    /// Hash of the graph's content, to reuse a version when the same file is imported again.
    pub content_hash: String,
    pub document: Json,
    pub created_at: DateTimeUtc,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
