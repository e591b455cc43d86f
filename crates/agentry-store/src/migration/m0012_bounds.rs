//! Lease liveness: each worker process records who it is (host, boot, process id and start
//! time), so that a process starting on the same host can tell that a predecessor holding
//! leases is dead and take its runs over at once instead of waiting for the leases to expire.

use sea_orm_migration::prelude::*;
use sea_orm_migration::schema::*;

#[derive(DeriveIden)]
enum WorkerProcess {
    Table,
    WorkerId,
    Host,
    BootId,
    Pid,
    StartTicks,
    StartedAt,
}

pub struct Bounds;

impl MigrationName for Bounds {
    fn name(&self) -> &str {
        "m0012_bounds"
    }
}

// async_trait's expansion needs the elided lifetime here.
#[allow(elided_lifetimes_in_paths)]
#[sea_orm_migration::async_trait::async_trait]
impl MigrationTrait for Bounds {
    async fn up(&self, m: &SchemaManager) -> Result<(), DbErr> {
        m.create_table(
            Table::create()
                .table(WorkerProcess::Table)
                .col(string(WorkerProcess::WorkerId).primary_key())
                .col(string(WorkerProcess::Host))
                .col(string(WorkerProcess::BootId))
                .col(big_integer(WorkerProcess::Pid))
                .col(big_integer(WorkerProcess::StartTicks))
                .col(big_integer(WorkerProcess::StartedAt))
                .to_owned(),
        )
        .await?;
        m.create_index(
            Index::create()
                .name("idx_worker_process_host")
                .table(WorkerProcess::Table)
                .col(WorkerProcess::Host)
                .to_owned(),
        )
        .await
    }
}
