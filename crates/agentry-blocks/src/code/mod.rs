//! Code blocks: ExecuteCodeBlock, on E2B when the process has an `E2b` key, else in the local
//! `agentry_sandbox::CodeSandbox`.

use agentry_core::Registry;

pub mod e2b;
pub mod execute_code;

/// Registers this category's blocks.
pub fn register(r: &mut Registry) {
    r.register(execute_code::ExecuteCode);
}
