//! `schedules`: a graph version run on a cron pattern in a time zone.

use sea_orm::entity::prelude::*;

#[derive(Clone, Debug, PartialEq, DeriveEntityModel)]
#[sea_orm(table_name = "schedules")]
pub struct Model {
    #[sea_orm(primary_key, auto_increment = false)]
    pub id: String,
    pub user_id: String,
    pub graph_id: String,
    pub graph_version: i32,
    pub name: String,
    /// Five-field POSIX cron pattern.
    pub cron: String,
    /// IANA time zone the pattern is read in.
    pub timezone: String,
    pub inputs: Json,
    /// Epoch milliseconds of the next fire time.
    pub next_run_at: i64,
    pub created_at: DateTimeUtc,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
