//! Basic blocks: store a value, print, notes, type conversion.

use agentry_core::Registry;

/// Registers this category's blocks.
pub fn register(r: &mut Registry) {
    let _ = r;
}
