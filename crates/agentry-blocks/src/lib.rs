//! Every built-in block, one file each, grouped by category folder. Each category's `mod.rs`
//! has one `register` list; `all()` calls them.
//!
//! Adding a block: write its file (AutoGPT's id, class name, pins and defaults), add `pub mod`
//! and one `r.register(..)` line in its category's `mod.rs`. `tests::every_block_file_is_registered`
//! fails when a block file is not listed. Typed graph inputs are declared with
//! `io::input::typed_input!`, which the guard test also reads.

pub mod agent;
pub mod basic;
pub mod code;
pub mod data;
pub mod email;
pub mod io;
pub mod llm;
pub mod logic;
pub mod mcp;
pub mod memory;
pub mod python;
pub mod reference;
pub mod text;
pub mod time;
pub mod trigger;
pub mod web;

use agentry_core::Registry;

// The shared services moved to `agentry-services`; these keep `crate::http`, `crate::files`
// and `agentry_blocks::http`/`files` paths working.
pub use agentry_services::{files, http};

/// Registers every built-in block.
pub fn all(r: &mut Registry) {
    agent::register(r);
    basic::register(r);
    code::register(r);
    data::register(r);
    email::register(r);
    io::register(r);
    llm::register(r);
    logic::register(r);
    memory::register(r);
    mcp::register(r);
    text::register(r);
    time::register(r);
    trigger::register(r);
    web::register(r);
}

/// A registry holding every built-in block.
pub fn registry() -> Registry {
    let mut r = Registry::new();
    all(&mut r);
    r
}

#[cfg(test)]
mod tests;
