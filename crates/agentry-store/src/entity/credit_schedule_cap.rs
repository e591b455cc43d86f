//! `credit_schedule_caps`: the most a schedule's runs may spend in all.

use sea_orm::entity::prelude::*;

#[derive(Clone, Debug, PartialEq, DeriveEntityModel)]
#[sea_orm(table_name = "credit_schedule_caps")]
pub struct Model {
    #[sea_orm(primary_key, auto_increment = false)]
    pub schedule_id: String,
    pub user_id: String,
    pub max_credits: i64,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
