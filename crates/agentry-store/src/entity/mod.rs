//! SeaORM entities, one per table. Every row carries the `user_id` that owns it.

pub mod api_key;
pub mod audit_event;
pub mod credential;
pub mod execution_event;
pub mod graph;
pub mod graph_execution;
pub mod memory_entry;
pub mod memory_vector;
pub mod node_execution;
pub mod node_output;
pub mod oauth_state;
pub mod oidc_identity;
pub mod oidc_login;
pub mod pending_review;
pub mod preset;
pub mod queue_entry;
pub mod refresh_token;
pub mod schedule;
pub mod server_secret;
mod status;
pub mod user;
pub mod webhook;
pub mod worker_process;
pub use status::{StatusColumn, UnknownStatus};
