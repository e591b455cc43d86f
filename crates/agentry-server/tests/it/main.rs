//! Integration tests of the HTTP and WebSocket API: the real server on 127.0.0.1 with a fresh
//! database, exercised through HTTP and a real WebSocket client only.

mod accounts;
mod admin;
mod api_keys;
mod blocks;
mod credentials_access;
mod credits;
mod crowd;
mod errors;
mod executions;
mod github_triggers;
mod graphs;
mod hostile_bodies;
mod integrations;
mod isolation;
mod llm_credentials;
mod notifications;
mod notify_balance;
mod oidc;
mod openapi_parameters;
mod own_library;
mod perimeter;
mod presets;
mod reviews;
mod schedules;
mod service;
mod smtp_sink;
mod store;
mod store_search;
mod store_secrets;
mod store_subagents;
mod support;
mod web_app;
mod webhooks;
mod ws;
mod ws_replay;
