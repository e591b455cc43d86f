//! Route areas, each owning its handlers and DTOs.

pub mod blocks;
pub mod executions;
pub mod graphs;
pub mod health;
pub mod integrations;
pub mod presets;
pub mod reviews;
pub mod schedules;
pub mod webhooks;
