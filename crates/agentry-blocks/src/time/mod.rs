//! Time blocks: current time and date, countdown timer.

use agentry_core::Registry;

/// Registers this category's blocks.
pub fn register(r: &mut Registry) {
    let _ = r;
}
