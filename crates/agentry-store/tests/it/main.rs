//! The store's integration tests, against a real SQLite file (and PostgreSQL when
//! `TEST_DATABASE_URL` is set).

mod executions;
mod graphs;
mod support;
