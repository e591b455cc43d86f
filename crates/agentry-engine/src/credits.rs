//! Credits on the engine's side (off unless `Config::credits` holds a policy): what a node costs
//! (a per-block table, and per token where the block reports its usage), the checks that stop a
//! run before it spends more (balance, per-run and per-schedule caps), and the charge added to
//! the batch that commits the node's end. The charge's key is the node execution id and it
//! commits with that execution's end, so it happens once: a resumed run adopts ended executions
//! without committing them again, and runs an interrupted one again as the only one that ends.
//! With credits off none of this runs: no query, no charge.

use std::collections::HashMap;
use std::sync::Arc;

use agentry_store::{CreditEntry, Store};
use serde_json::{Value, json};

/// The operator's prices, in credits (100 credits are one dollar, as AutoGPT).
#[derive(Debug, Clone, Default)]
pub struct CreditPolicy {
    /// Credits per execution by block id or block name; a block not listed costs `default_block_cost`.
    pub block_costs: HashMap<String, i64>,
    pub default_block_cost: i64,
    /// Credits per 1000 input tokens a block reports (`input_token_count` in its stats).
    pub input_token_cost_per_1k: i64,
    /// Credits per 1000 output tokens (`output_token_count`).
    pub output_token_cost_per_1k: i64,
    /// The most one run may spend; 0: no cap.
    pub max_credits_per_run: i64,
    /// Below this balance the user is told (a LOW_BALANCE notification).
    pub low_balance_threshold: i64,
}

impl CreditPolicy {
    /// What one execution of the block costs before any usage it reports.
    pub fn block_cost(&self, block_id: &str, block_name: &str) -> i64 {
        self.block_costs
            .get(block_id)
            .or_else(|| self.block_costs.get(block_name))
            .copied()
            .unwrap_or(self.default_block_cost)
    }

    /// What an execution that ended with these stats costs: its block's price plus its tokens,
    /// each rounded up to a whole credit.
    pub fn node_cost(&self, block_id: &str, block_name: &str, stats: &Value) -> i64 {
        let tokens = |key: &str| stats.get(key).and_then(Value::as_i64).unwrap_or(0).max(0);
        let per_1k = |count: i64, price: i64| (count.saturating_mul(price) + 999) / 1000;
        self.block_cost(block_id, block_name)
            + per_1k(tokens("input_token_count"), self.input_token_cost_per_1k)
            + per_1k(tokens("output_token_count"), self.output_token_cost_per_1k)
    }
}

/// A schedule's cap, for a run it started.
#[derive(Debug, Clone)]
pub(crate) struct ScheduleBudget {
    pub schedule_id: String,
    pub max_credits: i64,
    /// What the schedule's other runs and this one had spent when this run started.
    pub spent_before: i64,
}

/// One run's credits: the policy, what it spent so far, and its schedule's budget.
pub(crate) struct RunCredits {
    pub policy: Arc<CreditPolicy>,
    pub store: Store,
    pub spent: i64,
    pub schedule: Option<ScheduleBudget>,
}

impl RunCredits {
    /// Reads what a run (maybe resumed) has spent and its schedule's budget: once per run.
    pub async fn load(
        policy: Arc<CreditPolicy>,
        store: Store,
        user_id: &str,
        exec_id: &str,
    ) -> agentry_store::Result<RunCredits> {
        let spent = store.run_spend(user_id, exec_id).await?;
        let mut schedule = None;
        if let Some(schedule_id) = store.run_schedule(user_id, exec_id).await?
            && let Some(max_credits) = store.schedule_cap(user_id, &schedule_id).await?
        {
            let spent_before = store.schedule_spend(user_id, &schedule_id).await? - spent;
            schedule = Some(ScheduleBudget {
                schedule_id,
                max_credits,
                spent_before,
            });
        }
        Ok(RunCredits {
            policy,
            store,
            spent,
            schedule,
        })
    }

    /// A run's credits when what it spent could not be read.
    pub fn fresh(store: Store, policy: Arc<CreditPolicy>) -> RunCredits {
        RunCredits {
            policy,
            store,
            spent: 0,
            schedule: None,
        }
    }

    /// `Err` names the cap that starting a node costing `cost` would pass.
    pub fn admit(&self, node_id: &str, cost: i64) -> Result<(), String> {
        let cap = self.policy.max_credits_per_run;
        if cap > 0 && self.spent + cost > cap {
            return Err(crate::limits::exceeded(
                "max_credits_per_run",
                &format!(
                    "node {node_id} would spend {cost} credits after {} spent",
                    self.spent
                ),
                cap as u64,
            ));
        }
        if let Some(s) = &self.schedule
            && s.spent_before + self.spent + cost > s.max_credits
        {
            return Err(format!(
                "spending cap: schedule {} may spend {} credits in all; its runs spent {} and node {node_id} would spend {cost}",
                s.schedule_id,
                s.max_credits,
                s.spent_before + self.spent
            ));
        }
        Ok(())
    }

    /// The charge for an execution that ended, counted against the run's caps.
    pub fn charge(
        &mut self,
        user_id: &str,
        graph_exec_id: &str,
        node_exec_id: &str,
        block: &agentry_core::BlockInfo,
        stats: &Value,
    ) -> CreditEntry {
        let cost = self.policy.node_cost(block.id, block.name, stats);
        self.spent += cost;
        CreditEntry::node_charge(
            user_id,
            graph_exec_id,
            node_exec_id,
            cost,
            json!({"block_id": block.id, "block": block.name}),
        )
    }

    /// What a node task checks before running its block.
    pub fn gate(&self, cost: i64) -> BalanceGate {
        BalanceGate {
            store: self.store.clone(),
            cost,
        }
    }
}

/// The balance check a node task makes before its block runs (one read, credits on only).
#[derive(Clone)]
pub struct BalanceGate {
    store: Store,
    cost: i64,
}

/// The error a run ends with when the balance cannot pay for its next node.
pub const INSUFFICIENT_CREDITS: &str = "insufficient credits";

impl BalanceGate {
    /// `Err` says why the node may not run: the balance would go below zero.
    pub async fn check(&self, user_id: &str, node_id: &str) -> Result<(), String> {
        let balance =
            self.store.credit_balance(user_id).await.map_err(|e| {
                format!("{INSUFFICIENT_CREDITS}: the balance could not be read ({e})")
            })?;
        if balance - self.cost < 0 || balance <= 0 {
            return Err(format!(
                "{INSUFFICIENT_CREDITS}: the balance is {balance} and node {node_id} costs {}; top up to run it",
                self.cost
            ));
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_node_costs_its_block_and_its_tokens_rounded_up() {
        let policy = CreditPolicy {
            block_costs: HashMap::from([("AITextGeneratorBlock".to_string(), 5)]),
            default_block_cost: 1,
            input_token_cost_per_1k: 2,
            output_token_cost_per_1k: 6,
            ..CreditPolicy::default()
        };
        let stats = json!({"input_token_count": 1500, "output_token_count": 1});
        assert_eq!(
            policy.node_cost("id", "AITextGeneratorBlock", &stats),
            5 + 3 + 1
        );
        assert_eq!(policy.node_cost("id", "Other", &json!({})), 1);
        // A negative or missing count costs nothing.
        let odd = json!({"input_token_count": -10, "output_token_count": "many"});
        assert_eq!(policy.node_cost("id", "Other", &odd), 1);
    }
}
