//! Graph input and output blocks (AgentInputBlock and its typed variants, AgentOutputBlock).

use agentry_core::Registry;

/// Registers this category's blocks.
pub fn register(r: &mut Registry) {
    let _ = r;
}
