//! Resuming a run another worker started: replaying its committed outputs in commit order
//! rebuilds the same input queues, so each node execution that becomes ready again is matched
//! to the one that existed. Completed and failed ones are adopted (never run again); one that
//! was in flight is marked TERMINATED and runs again under a new id (at-least-once); one that
//! waited for a human review runs again under its own id, where its decision is found.

use std::collections::{HashMap, VecDeque};

use agentry_core::ExecutionStatus;
use agentry_store::ResumeState;
use serde_json::Value;

use crate::plan::Plan;

/// What happens to the next execution of a node during replay.
pub enum Match {
    /// It already ended: its outputs come from the replay, not from running it.
    Adopt { exec_id: String, failed: bool },
    /// It was in flight: run it again under a new id; this old id ends TERMINATED.
    Rerun { old_exec_id: String },
    /// It waited for a human review: run it again under the same id and sequence number.
    Resume { exec_id: String, seq: i64 },
    /// The node had no more executions: a new one.
    New,
}

pub struct Replay {
    existing: Vec<VecDeque<(String, ExecutionStatus, i64)>>,
    adopted: HashMap<String, usize>,
    /// Outputs in commit order, consumed by `next_output`.
    outputs: VecDeque<(String, String, Value)>,
    pub last_event_seq: u64,
    pub next_seq: i64,
}

impl Replay {
    pub fn new(plan: &Plan, state: ResumeState) -> Self {
        let index: HashMap<&str, usize> = plan
            .nodes
            .iter()
            .enumerate()
            .map(|(i, n)| (n.id.as_str(), i))
            .collect();
        let mut existing = vec![VecDeque::new(); plan.nodes.len()];
        let mut next_seq = 0;
        for (exec_id, node_id, status, seq) in state.nodes {
            next_seq = next_seq.max(seq + 1);
            if let Some(&i) = index.get(node_id.as_str()) {
                existing[i].push_back((exec_id, status, seq));
            }
        }
        Replay {
            existing,
            adopted: HashMap::new(),
            outputs: state.outputs.into(),
            last_event_seq: state.last_event_seq.max(0) as u64,
            next_seq,
        }
    }

    /// Matches the next ready execution of `node` to the one the earlier worker made.
    pub fn next(&mut self, node: usize) -> Match {
        match self.existing[node].pop_front() {
            Some((exec_id, status @ (ExecutionStatus::Completed | ExecutionStatus::Failed), _)) => {
                self.adopted.insert(exec_id.clone(), node);
                Match::Adopt {
                    exec_id,
                    failed: status == ExecutionStatus::Failed,
                }
            }
            Some((exec_id, ExecutionStatus::Review, seq)) => Match::Resume { exec_id, seq },
            Some((old_exec_id, _, _)) => Match::Rerun { old_exec_id },
            None => Match::New,
        }
    }

    /// The next committed output of an adopted execution, with its node, in commit order.
    /// Outputs of executions that run again are skipped: they will be yielded anew.
    pub fn next_output(&mut self) -> Option<(usize, String, Value)> {
        while let Some((exec_id, pin, value)) = self.outputs.pop_front() {
            if let Some(&node) = self.adopted.get(&exec_id) {
                return Some((node, pin, value));
            }
        }
        None
    }
}
