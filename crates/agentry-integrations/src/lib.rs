//! Blocks that talk to third-party services, a folder per provider (`google/`, `github/`,
//! `linear/`, `notion/`, `discord/`, `jina/`, `exa/`, `perplexity/`, `reddit/`, `firecrawl/`,
//! `airtable/`, `youtube/`), registered into the same `Registry` as the built-in
//! blocks (`register`; the binary wires it).
//!
//! Every provider call goes through `api::Client`: the user's credential from the block's
//! `credentials` input (`Cx::credential`), the base URL from `IntegrationSettings` (operator
//! configuration; tests point it at wiremock), one error mapping and retry policy.

pub mod airtable;
pub mod api;
pub mod discord;
pub mod error;
pub mod exa;
pub mod firecrawl;
pub mod github;
pub mod google;
pub mod jina;
pub mod linear;
pub mod notion;
pub mod perplexity;
pub mod reddit;
pub mod rest_hook;
pub mod settings;
pub mod youtube;

#[cfg(test)]
pub(crate) mod error_answers;
#[cfg(test)]
pub(crate) mod testing;

use agentry_core::Registry;

pub use error::IntegrationError;
pub use settings::IntegrationSettings;

/// The providers whose trigger blocks register webhooks (a `Resources` entry the binary adds).
pub fn webhook_providers() -> agentry_core::webhooks::WebhookProviders {
    agentry_core::webhooks::WebhookProviders::new()
        .with(github::webhooks::GithubWebhooks)
        .with(exa::webhook_provider::ExaWebhooks)
        .with(airtable::webhook::AirtableWebhooks)
}

/// Registers every integration block.
pub fn register(r: &mut Registry) {
    airtable::register(r);
    discord::register(r);
    exa::register(r);
    firecrawl::register(r);
    github::register(r);
    google::register(r);
    jina::register(r);
    linear::register(r);
    notion::register(r);
    perplexity::register(r);
    reddit::register(r);
    youtube::register(r);
}

#[cfg(test)]
mod effect_tests {
    use agentry_core::{Effect, Registry};

    /// Every integration block calls a service: it touches the world, so the engine starts it
    /// only on committed values (ARCHITECTURE.md, the commit order rule).
    #[test]
    fn every_integration_block_touches_the_world() {
        let mut registry = Registry::new();
        super::register(&mut registry);
        assert!(registry.iter().count() > 0);
        for block in registry.iter() {
            assert_eq!(block.info.effect, Effect::World, "{}", block.info.name);
        }
    }
}
