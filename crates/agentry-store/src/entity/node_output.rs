//! `node_outputs`: one row per value a node execution yielded on a pin, in order.

use sea_orm::entity::prelude::*;

#[derive(Clone, Debug, PartialEq, DeriveEntityModel)]
#[sea_orm(table_name = "node_outputs")]
pub struct Model {
    #[sea_orm(primary_key)]
    pub id: i64,
    pub node_exec_id: String,
    pub graph_exec_id: String,
    pub user_id: String,
    pub name: String,
    pub data: Json,
    /// Position of the value among everything its node execution yielded.
    pub seq: i32,
    pub created_at: DateTimeUtc,
    /// The run's sequence number of the event telling this value (`events.rs`).
    pub event_seq: i64,
    /// The graph output this value also is (an output node's `output`), told by the event
    /// just before (`event_seq - 1`).
    pub graph_output: Option<String>,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
