//! The worker processes that may hold leases: each registers itself when it starts; a process
//! that finds a dead predecessor on its own host releases that predecessor's leases, so its
//! runs are taken over at once rather than when the leases expire.

use sea_orm::sea_query::OnConflict;
use sea_orm::{ActiveValue::Set, ColumnTrait, EntityTrait, QueryFilter, TransactionTrait};

use crate::entity::{queue_entry, worker_process};
use crate::{Result, Store};

pub use worker_process::Model as WorkerProcess;

impl Store {
    /// Records (or refreshes) this worker process.
    pub async fn register_worker(&self, worker: &WorkerProcess) -> Result<()> {
        use worker_process::Column as C;
        let row = worker_process::ActiveModel {
            worker_id: Set(worker.worker_id.clone()),
            host: Set(worker.host.clone()),
            boot_id: Set(worker.boot_id.clone()),
            pid: Set(worker.pid),
            start_ticks: Set(worker.start_ticks),
            started_at: Set(worker.started_at),
        };
        worker_process::Entity::insert(row)
            .on_conflict(
                OnConflict::column(C::WorkerId)
                    .update_columns([C::Host, C::BootId, C::Pid, C::StartTicks, C::StartedAt])
                    .to_owned(),
            )
            .exec(&self.db)
            .await?;
        Ok(())
    }

    /// The other worker processes recorded on `host`.
    pub async fn workers_on_host(&self, host: &str, except: &str) -> Result<Vec<WorkerProcess>> {
        Ok(worker_process::Entity::find()
            .filter(worker_process::Column::Host.eq(host))
            .filter(worker_process::Column::WorkerId.ne(except))
            .all(&self.db)
            .await?)
    }

    /// Forgets a worker process known to be dead and frees every lease it held, in one
    /// transaction; returns how many runs it held.
    pub async fn release_dead_worker(&self, worker_id: &str) -> Result<u64> {
        use sea_orm::sea_query::Expr;
        let txn = self.db.begin().await?;
        let released = queue_entry::Entity::update_many()
            .col_expr(queue_entry::Column::LockedUntil, Expr::value(0))
            .filter(queue_entry::Column::LockedBy.eq(worker_id))
            .exec(&txn)
            .await?
            .rows_affected;
        worker_process::Entity::delete_by_id(worker_id.to_string())
            .exec(&txn)
            .await?;
        txn.commit().await?;
        Ok(released)
    }

    /// Forgets this worker process (a graceful shutdown, after releasing its leases).
    pub async fn forget_worker(&self, worker_id: &str) -> Result<()> {
        worker_process::Entity::delete_by_id(worker_id.to_string())
            .exec(&self.db)
            .await?;
        Ok(())
    }
}
