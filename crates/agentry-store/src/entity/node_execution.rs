//! `node_executions`: one row per execution of one node within a run, with its resolved input.

use sea_orm::entity::prelude::*;

#[derive(Clone, Debug, PartialEq, DeriveEntityModel)]
#[sea_orm(table_name = "node_executions")]
pub struct Model {
    #[sea_orm(primary_key, auto_increment = false)]
    pub id: String,
    pub graph_exec_id: String,
    pub user_id: String,
    pub node_id: String,
    pub block_id: String,
    pub status: super::StatusColumn,
    pub input_data: Json,
    pub stats: Option<Json>,
    pub attempt: i32,
    /// Order in which the run created its node executions.
    pub seq: i64,
    pub add_time: DateTimeUtc,
    pub start_time: Option<DateTimeUtc>,
    pub end_time: Option<DateTimeUtc>,
    /// The run's sequence number of the event that last wrote the row (its status now): the
    /// node's status events are derived from it (`events.rs`); 0 for rows older than it.
    pub event_seq: i64,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
