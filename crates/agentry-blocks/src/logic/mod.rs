//! Logic and arithmetic blocks: calculator, conditions, counting.

use agentry_core::Registry;

pub mod calculator;

/// Registers this category's blocks.
pub fn register(r: &mut Registry) {
    r.register(calculator::Calculator);
}
