//! Agent blocks: running another graph as a sub-agent.

use agentry_core::Registry;

pub mod executor;

/// Registers this category's blocks.
pub fn register(r: &mut Registry) {
    r.register(executor::AgentExecutor);
}
