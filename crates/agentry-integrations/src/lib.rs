//! Blocks that talk to third-party services, a folder per provider (`google/`, `jina/`, `exa/`,
//! `perplexity/`, `reddit/`,
//! `firecrawl/`, `airtable/`, `youtube/`, `github/`), registered into the same `Registry` as the built-in
//! blocks (`register`; the binary wires it).
//!
//! Every provider call goes through `api::Client`: the user's credential from the block's
//! `credentials` input (`Cx::credential`), the base URL from `IntegrationSettings` (operator
//! configuration; tests point it at wiremock), one error mapping and retry policy.

pub mod airtable;
pub mod api;
pub mod error;
pub mod exa;
pub mod firecrawl;
pub mod github;
pub mod google;
pub mod jina;
pub mod perplexity;
pub mod reddit;
pub mod settings;
pub mod youtube;

#[cfg(test)]
pub(crate) mod testing;

use agentry_core::Registry;

pub use error::IntegrationError;
pub use settings::IntegrationSettings;

/// Registers every integration block.
pub fn register(r: &mut Registry) {
    airtable::register(r);
    exa::register(r);
    firecrawl::register(r);
    github::register(r);
    google::register(r);
    jina::register(r);
    perplexity::register(r);
    reddit::register(r);
    youtube::register(r);
}
