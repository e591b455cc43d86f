//! The engine's integration tests: real blocks, a real SQLite file, the real run loop.

mod bounds;
mod commit_order;
mod control;
mod credits;
mod memory;
mod notices;
mod queue;
mod reaper;
mod redaction;
mod relay;
mod retention;
mod review;
mod schedules;
mod semantics;
mod sub_agents;
mod support;
mod tool_calls;
mod trace_context;
