//! `execution_events`: each event a run published, in order, for clients that resume.

use sea_orm::entity::prelude::*;

#[derive(Clone, Debug, PartialEq, DeriveEntityModel)]
#[sea_orm(table_name = "execution_events")]
pub struct Model {
    #[sea_orm(primary_key)]
    pub id: i64,
    pub graph_exec_id: String,
    pub user_id: String,
    /// The event's sequence number within its run, from 1.
    pub seq: i64,
    pub data: Json,
    pub created_at: DateTimeUtc,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
