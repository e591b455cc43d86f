//! Model Context Protocol: AutoGPT's MCPToolBlock (`tool.rs`) over our own streamable-HTTP
//! client (`client.rs`), which goes through the SSRF-guarded `OutboundHttp`.

use agentry_core::Registry;

pub mod client;
pub mod tool;

/// Registers this category's blocks.
pub fn register(r: &mut Registry) {
    r.register(tool::McpTool);
}
