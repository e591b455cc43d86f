//! Agentry's persistence: SeaORM entities, migrations and one repository module per aggregate.
//! The only crate that speaks SQL; SQLite and PostgreSQL share every query and migration,
//! and differ only in `backend.rs`.

pub mod accounts;
pub mod audit;
pub mod backend;
mod batch;
mod by_key;
mod commit;
pub mod credentials;
pub mod credits;
pub mod entity;
mod error;
mod events;
pub mod executions;
pub mod graphs;
pub mod leader;
pub mod maintenance;
pub mod market;
pub mod memory;
pub mod migration;
pub mod notifications;
pub mod notify;
pub mod oidc;
pub mod presets;
pub mod queue;
pub mod reaper;
pub mod retention;
pub mod reviews;
pub mod schedules;
pub mod stats;
#[cfg(feature = "testing")]
pub mod testing;
pub mod users;
pub mod webhooks;
pub mod workers;

pub use accounts::NewAccount;
pub use audit::{AuditAction, AuditEvent, AuditOutcome, AuditQuery, NewAuditEvent};
pub use backend::Backend;
pub use commit::Commit;
pub use credentials::{NewCredential, NewOauthState, Sealed};
pub use credits::{Applied, CreditEntry, CreditKind};
pub use error::{Error, Result};
pub use executions::{
    Batch, ExecutionRecord, NewExecution, NodeExecutionRecord, NodeRow, OutputRow, RunUpdate,
};
pub use graphs::GraphRecord;
pub use leader::Leadership;
pub use oidc::OidcLogin;
pub use presets::{NewPreset, PresetChange};
pub use queue::{Claim, ClaimLimits, Lease, ResumeState};
pub use retention::Pruned;
pub use reviews::{Decided, NewReview, Verdict};
pub use schedules::NewSchedule;
pub use stats::QueueStats;
pub use users::DEFAULT_USER_ID;
pub use workers::WorkerProcess;

use sea_orm::DatabaseConnection;
use sea_orm_migration::MigratorTrait;

/// The row offset of a page (from 1): saturating, and within what SQL's signed 64-bit
/// OFFSET takes, so a huge page number reads an empty page instead of overflowing.
pub(crate) fn page_offset(page: u64, page_size: u64) -> u64 {
    page.saturating_sub(1)
        .saturating_mul(page_size)
        .min(i64::MAX as u64)
}

/// A handle on the database; cheap to clone.
#[derive(Clone)]
pub struct Store {
    db: DatabaseConnection,
    backend: Backend,
    /// Where batches of execution progress go (`commit.rs`); `None` only in the committer's
    /// own handle on the pool.
    committer: Option<commit::Committer>,
}

impl Store {
    /// Connects, runs pending migrations, and makes sure the local default user exists.
    pub async fn open(url: &str) -> Result<Store> {
        let db = backend::connect(url).await?;
        let backend = Backend::of(url).expect("connect checked the URL");
        migration::Migrator::up(&db, None).await?;
        let mut store = Store {
            db,
            backend,
            committer: None,
        };
        store.committer = Some(commit::Committer::start(&store, url)?);
        store
            .ensure_user(DEFAULT_USER_ID, "local@agentry.local", "Local user")
            .await?;
        Ok(store)
    }

    pub fn backend(&self) -> Backend {
        self.backend
    }

    /// Closes the pool, flushing SQLite's WAL.
    pub async fn close(self) -> Result<()> {
        self.db.close().await?;
        Ok(())
    }
}
