//! Per-node input queues with AutoGPT's zip semantics (§3.3): the n-th value on pin A pairs
//! with the n-th value on pin B; static links keep their last value for every later execution.
//!
//! Values are held as `Datum`s: a value routed along several links, kept as a static, or
//! waiting in several executions is one allocation (JSON text when it came as text), shared
//! with the output row and events it came from. Only the block's own input object is written
//! anew (`run::dispatch`).

use std::collections::{HashMap, VecDeque};

use agentry_core::Datum;
use indexmap::IndexMap;
use serde_json::{Map, Value};

use crate::plan::Plan;

/// What one execution of a node received, by pin, in arrival order; each value shared.
pub type Received = IndexMap<String, Datum>;

/// Shares every value of a plain input object (a tool call's or a webhook's inputs).
pub fn share(values: Map<String, Value>) -> Received {
    values
        .into_iter()
        .map(|(k, v)| (k, Datum::from(v)))
        .collect()
}

/// An execution of a node that is still waiting for some of its linked pins.
#[derive(Debug, Default)]
pub struct Pending {
    pub received: Received,
}

/// The input side of one run: waiting executions and static values, per node.
pub struct Inputs {
    pending: Vec<VecDeque<Pending>>,
    statics: Vec<HashMap<String, Datum>>,
}

impl Inputs {
    pub fn new(nodes: usize) -> Self {
        Inputs {
            pending: (0..nodes).map(|_| VecDeque::new()).collect(),
            statics: (0..nodes).map(|_| HashMap::new()).collect(),
        }
    }

    /// Delivers a value to `sink`'s pin and returns the executions of `sink` that became complete,
    /// oldest first.
    pub fn deliver(
        &mut self,
        plan: &Plan,
        sink: usize,
        pin: &str,
        value: Datum,
        is_static: bool,
    ) -> Vec<Received> {
        let queue = &mut self.pending[sink];
        if is_static {
            self.statics[sink].insert(pin.to_string(), value.clone());
            for p in queue.iter_mut() {
                p.received
                    .entry(pin.to_string())
                    .or_insert_with(|| value.clone());
            }
        }
        let was_empty = queue.is_empty();
        match queue.iter_mut().find(|p| !p.received.contains_key(pin)) {
            Some(p) => {
                p.received.insert(pin.to_string(), value);
            }
            None if !is_static || was_empty => {
                let mut received = Received::new();
                received.insert(pin.to_string(), value);
                queue.push_back(Pending { received });
            }
            // A static value already reached every waiting execution above.
            None => {}
        }
        self.take_ready(plan, sink)
    }

    /// Removes and returns every waiting execution of `node` whose linked pins all have data,
    /// filling pins fed by static links from their last value.
    fn take_ready(&mut self, plan: &Plan, node: usize) -> Vec<Received> {
        let linked = &plan.nodes[node].linked_pins;
        let statics = &self.statics[node];
        let queue = &mut self.pending[node];
        let mut ready = Vec::new();
        let mut i = 0;
        while i < queue.len() {
            let p = &mut queue[i];
            for pin in linked {
                if !p.received.contains_key(pin)
                    && let Some(v) = statics.get(pin)
                {
                    p.received.insert(pin.clone(), v.clone());
                }
            }
            // Only SmartDecisionMaker has a rule; it reads its (small) conversation pins.
            let allowed = plan.nodes[node].ready.is_none_or(|rule| {
                let view: Map<String, Value> = p
                    .received
                    .iter()
                    .map(|(k, v)| (k.clone(), v.tree().into_owned()))
                    .collect();
                rule(&view)
            });
            if allowed && linked.iter().all(|pin| p.received.contains_key(pin)) {
                let p = queue.remove(i).expect("index in bounds");
                ready.push(p.received);
            } else {
                i += 1;
            }
        }
        ready
    }

    /// Executions left waiting when the run ended.
    pub fn waiting(&self) -> usize {
        self.pending.iter().map(VecDeque::len).sum()
    }
}
