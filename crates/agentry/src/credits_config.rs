//! The `[credits]` and `[payments]` tables: credits are off unless `enabled`; payments (a
//! Stripe-compatible API) are absent unless configured. Secrets stay in `SecretString`.

use std::collections::HashMap;
use std::sync::Arc;

use agentry_core::SecretString;
use serde::{Deserialize, Serialize};

/// `[credits]`: prices in credits (100 credits are one dollar).
#[derive(Debug, Clone, Default, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct CreditsConfig {
    pub enabled: bool,
    /// Credits per execution by block id or block name (`[credits.block_costs]`).
    pub block_costs: HashMap<String, i64>,
    pub default_block_cost: i64,
    pub input_token_cost_per_1k: i64,
    pub output_token_cost_per_1k: i64,
    /// The most one run may spend; 0: no cap.
    pub max_credits_per_run: i64,
    pub low_balance_threshold: i64,
}

impl CreditsConfig {
    /// The engine's policy, or `None` when credits are off.
    pub fn policy(&self) -> Option<Arc<agentry_engine::CreditPolicy>> {
        self.enabled.then(|| {
            Arc::new(agentry_engine::CreditPolicy {
                block_costs: self.block_costs.clone(),
                default_block_cost: self.default_block_cost,
                input_token_cost_per_1k: self.input_token_cost_per_1k,
                output_token_cost_per_1k: self.output_token_cost_per_1k,
                max_credits_per_run: self.max_credits_per_run,
                low_balance_threshold: self.low_balance_threshold,
            })
        })
    }
}

/// `[payments]`: where credits are bought.
#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct PaymentsConfig {
    #[serde(default = "stripe_api")]
    pub api_base: String,
    pub secret_key: SecretString,
    pub webhook_secret: SecretString,
    pub success_url: String,
    pub cancel_url: String,
    #[serde(default = "usd")]
    pub currency: String,
}

fn stripe_api() -> String {
    "https://api.stripe.com".into()
}

fn usd() -> String {
    "usd".into()
}

impl PaymentsConfig {
    pub fn settings(&self) -> agentry_server::payments::PaymentSettings {
        agentry_server::payments::PaymentSettings {
            api_base: self.api_base.clone(),
            secret_key: self.secret_key.expose().to_string(),
            webhook_secret: self.webhook_secret.expose().to_string(),
            success_url: self.success_url.clone(),
            cancel_url: self.cancel_url.clone(),
            currency: self.currency.clone(),
        }
    }
}
