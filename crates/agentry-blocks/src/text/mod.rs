//! Text blocks: templates, combining, splitting, replacing and matching text.

use agentry_core::Registry;

/// Registers this category's blocks.
pub fn register(r: &mut Registry) {
    let _ = r;
}
