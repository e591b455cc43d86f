//! `credit_run_schedules`: which schedule started a run, so its spend counts against the cap.

use sea_orm::entity::prelude::*;

#[derive(Clone, Debug, PartialEq, DeriveEntityModel)]
#[sea_orm(table_name = "credit_run_schedules")]
pub struct Model {
    #[sea_orm(primary_key, auto_increment = false)]
    pub graph_exec_id: String,
    pub user_id: String,
    pub schedule_id: String,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
