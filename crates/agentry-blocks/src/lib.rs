//! Every built-in block, one file each, grouped by category. `all()` is the one list of them.
//!
//! Adding a block: write its file (AutoGPT's id, class name, pins and defaults), add `pub mod`
//! in its category's `mod.rs`, and one `r.register(..)` line below. `tests::every_block_file_is_registered`
//! fails when a block file is not listed.

pub mod logic;

use agentry_core::Registry;

/// Registers every built-in block.
pub fn all(r: &mut Registry) {
    r.register(logic::calculator::Calculator);
}

/// A registry holding every built-in block.
pub fn registry() -> Registry {
    let mut r = Registry::new();
    all(&mut r);
    r
}

#[cfg(test)]
mod tests;
