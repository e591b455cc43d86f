//! The store's integration tests, each on a fresh database: a SQLite file, or a PostgreSQL
//! database of its own when `TEST_DATABASE_URL` names a server.

mod audit;
mod credentials;
mod credits;
mod events;
mod executions;
mod fairness;
mod graphs;
mod memory;
mod notices;
mod queue;
mod schema;
mod support;
mod triggers;
