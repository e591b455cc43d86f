//! `graph_executions`: one row per run of a graph version.

use sea_orm::entity::prelude::*;

#[derive(Clone, Debug, PartialEq, DeriveEntityModel)]
#[sea_orm(table_name = "graph_executions")]
pub struct Model {
    #[sea_orm(primary_key, auto_increment = false)]
    pub id: String,
    pub user_id: String,
    pub graph_id: String,
    pub graph_version: i32,
    pub status: super::StatusColumn,
    pub inputs: Json,
    pub stats: Option<Json>,
    pub error: Option<String>,
    pub parent_id: Option<String>,
    /// Inputs given to single starting nodes by node id (a webhook trigger's payload).
    pub node_inputs: Option<Json>,
    pub created_at: DateTimeUtc,
    pub started_at: Option<DateTimeUtc>,
    pub ended_at: Option<DateTimeUtc>,
    /// The run's sequence number of the event that told its status now (`events.rs`).
    pub event_seq: i64,
    /// The in-app notice of the run's end, derived from this row (`notifications/derived.rs`):
    /// `None` not told, 0 unread, 1 read.
    pub notice: Option<i16>,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
