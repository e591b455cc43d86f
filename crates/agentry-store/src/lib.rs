//! Agentry's persistence: SeaORM entities, migrations and one repository module per aggregate.
//! The only crate that speaks SQL; SQLite and PostgreSQL share every query and migration,
//! and differ only in `backend.rs`.

pub mod backend;
mod batch;
pub mod credentials;
pub mod entity;
mod error;
pub mod executions;
pub mod graphs;
pub mod leader;
pub mod memory;
pub mod migration;
pub mod notify;
pub mod presets;
pub mod queue;
pub mod reaper;
pub mod reviews;
pub mod schedules;
#[cfg(feature = "testing")]
pub mod testing;
pub mod users;
pub mod webhooks;

pub use backend::Backend;
pub use credentials::{NewCredential, NewOauthState, Sealed};
pub use error::{Error, Result};
pub use executions::{
    Batch, EventRow, ExecutionRecord, NewExecution, NodeExecutionRecord, NodeRow, OutputRow,
    RunUpdate,
};
pub use graphs::GraphRecord;
pub use leader::Leadership;
pub use presets::{NewPreset, PresetChange};
pub use queue::{Claim, ClaimLimits, Lease, ResumeState};
pub use reviews::{Decided, NewReview, Verdict};
pub use schedules::NewSchedule;
pub use users::DEFAULT_USER_ID;

use sea_orm::DatabaseConnection;
use sea_orm_migration::MigratorTrait;

/// A handle on the database; cheap to clone.
#[derive(Clone)]
pub struct Store {
    db: DatabaseConnection,
    backend: Backend,
}

impl Store {
    /// Connects, runs pending migrations, and makes sure the local default user exists.
    pub async fn open(url: &str) -> Result<Store> {
        let db = backend::connect(url).await?;
        let backend = Backend::of(url).expect("connect checked the URL");
        migration::Migrator::up(&db, None).await?;
        let store = Store { db, backend };
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
