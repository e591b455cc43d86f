//! Route areas, each owning its handlers and DTOs.

pub mod admin;
mod admin_audit;
pub mod api_keys;
pub mod auth;
pub mod blocks;
pub mod credits;
pub mod executions;
pub mod external;
pub mod graphs;
pub mod health;
pub mod integrations;
pub mod library;
pub mod notifications;
pub mod presets;
pub mod provider_webhooks;
pub mod reviews;
pub mod schedule_caps;
pub mod schedules;
pub mod shares;
pub mod store;
pub mod webhooks;
