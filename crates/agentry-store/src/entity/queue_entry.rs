//! `execution_queue`: a run waiting for a worker (`locked_until` in the past) or leased by one.

use sea_orm::entity::prelude::*;

#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "execution_queue")]
pub struct Model {
    #[sea_orm(primary_key, auto_increment = false)]
    pub exec_id: String,
    pub user_id: String,
    /// The run's graph, for per-graph caps.
    pub graph_id: String,
    /// Epoch milliseconds; older entries are claimed first.
    pub enqueued_at: i64,
    pub locked_by: Option<String>,
    /// Epoch milliseconds until which the lease holds; 0 when never claimed.
    pub locked_until: i64,
    pub attempts: i32,
    /// The W3C `traceparent` of the span that enqueued the run; `None` when tracing is off.
    pub trace_context: Option<String>,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
