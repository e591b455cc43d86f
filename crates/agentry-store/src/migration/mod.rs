//! Schema migrations: append-only, one file each, written with portable column helpers so that
//! SQLite and PostgreSQL share them. Add a file and one line in `migrations()`, never edit one
//! that has shipped.

use sea_orm_migration::prelude::*;

mod m0001_initial;
mod m0002_events;
mod m0003_queue;
mod m0004_triggers;
mod m0005_json_text;
mod m0006_queue_fairness;
mod m0007_memory;
mod m0008_reviews;
mod m0009_accounts;
mod m0010_credentials;
mod m0011_audit;
mod m0012_bounds;
mod m0013_credits;
mod m0014_store;
mod m0015_trace_context;
mod m0016_notifications;
mod m0017_store_search;
mod m0018_derived_events;
mod m0019_provider_webhooks;
mod m0020_run_notices;

pub struct Migrator;

impl MigratorTrait for Migrator {
    fn migrations() -> Vec<Box<dyn MigrationTrait>> {
        vec![
            Box::new(m0001_initial::Initial),
            Box::new(m0002_events::Events),
            Box::new(m0003_queue::Queue),
            Box::new(m0004_triggers::Triggers),
            Box::new(m0005_json_text::JsonText),
            Box::new(m0006_queue_fairness::QueueFairness),
            Box::new(m0007_memory::Memory),
            Box::new(m0008_reviews::Reviews),
            Box::new(m0009_accounts::Accounts),
            Box::new(m0010_credentials::CredentialsTables),
            Box::new(m0011_audit::Audit),
            Box::new(m0012_bounds::Bounds),
            Box::new(m0013_credits::Credits),
            Box::new(m0014_store::Store),
            Box::new(m0015_trace_context::TraceContext),
            Box::new(m0016_notifications::Notifications),
            Box::new(m0017_store_search::StoreSearch),
            Box::new(m0018_derived_events::DerivedEvents),
            Box::new(m0019_provider_webhooks::ProviderWebhooks),
            Box::new(m0020_run_notices::RunNotices),
        ]
    }
}
