//! `worker_process`: a worker process that may hold run leases, and how to tell whether it is
//! still alive. A system record: it belongs to no user and holds no user data.

use sea_orm::entity::prelude::*;

#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "worker_process")]
pub struct Model {
    /// The `locked_by` of the leases it holds.
    #[sea_orm(primary_key, auto_increment = false)]
    pub worker_id: String,
    pub host: String,
    /// The kernel's boot id: a process from an earlier boot is dead whatever its pid.
    pub boot_id: String,
    pub pid: i64,
    /// The process's start time in clock ticks after boot (`/proc/<pid>/stat`, field 22):
    /// tells a reused pid from the process itself.
    pub start_ticks: i64,
    /// Epoch milliseconds.
    pub started_at: i64,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
