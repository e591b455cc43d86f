//! Outbound HTTP for URLs that come from users or graphs: the SSRF guard and the guarded client.
//!
//! Blocks fetch through `OutboundHttp::from_cx(cx)`: the process's configured client (a
//! `Resources` entry), or a default one that denies private networks.

pub mod client;
pub mod guard;

pub use client::{Fetched, HttpSettings, OutboundHttp};
pub use guard::{AddressPolicy, Refused, is_global};

#[cfg(test)]
mod tests;
