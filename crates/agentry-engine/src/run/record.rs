//! Recording what node tasks report: output rows, graph outputs, node ends (failures, reviews,
//! tool replies) and their events, added to the batch the run commits next.

use agentry_core::tool_nodes::ToolRun;
use agentry_core::{Datum, ExecutionStatus};
use agentry_store::OutputRow;
use serde_json::Value;

use super::{ExecState, Run};
use crate::event::EventKind;
use crate::node_task::{Msg, Outcome};

impl Run {
    /// Adds a message's rows to the batch; outputs to route after commit go to `to_route`.
    pub(super) fn record(&mut self, msg: Msg, to_route: &mut Vec<(usize, String, Datum)>) {
        for (pin, value) in msg.outputs {
            self.record_output(&msg.exec_id, pin, value, to_route);
        }
        if let Some((outcome, stats)) = msg.done {
            self.record_done(&msg.exec_id, outcome, stats);
        }
    }

    fn record_output(
        &mut self,
        exec_id: &str,
        pin: String,
        value: Datum,
        to_route: &mut Vec<(usize, String, Datum)>,
    ) {
        if self.exceeded.is_some() {
            return;
        }
        // Held once from here: the output row, the events, the graph outputs and every link
        // it is routed along share this allocation (the block's text, when it passed text on).
        let cap = self.spec.bounds.caps.max_output_bytes;
        if cap > 0 {
            self.output_bytes += value.bytes();
            if self.output_bytes > cap {
                self.exceed(crate::limits::exceeded(
                    "max_output_bytes",
                    &format!("its outputs reached {} bytes", self.output_bytes),
                    cap,
                ));
                return;
            }
        }
        let Some(st) = self.execs.get_mut(exec_id) else {
            return;
        };
        let seq = st.outputs;
        st.outputs += 1;
        if let Some((_, yielded)) = &mut st.tool {
            yielded.push((pin.clone(), value.tree().into_owned()));
        }
        let node_idx = st.node;
        // A graph output is told just before its node's output event: the output row
        // carries the latter's number and the graph output's name (`Store::events_page`).
        let graph_output = self.collect_graph_output(node_idx, &pin, &value);
        if let Some(name) = &graph_output {
            self.tell(EventKind::GraphOutput {
                name: name.clone(),
                value: value.clone(),
            });
        }
        let node = &self.spec.plan.nodes[node_idx];
        let event_seq = self.tell(EventKind::NodeOutput {
            node_exec_id: exec_id.to_string(),
            node_id: node.id.clone(),
            block_id: node.block.info.id.to_string(),
            pin: pin.clone(),
            value: value.clone(),
            index: Some(seq),
        });
        self.batch.outputs.push(OutputRow {
            node_exec_id: exec_id.to_string(),
            graph_exec_id: self.spec.exec_id.clone(),
            user_id: self.spec.user_id.clone(),
            name: pin.clone(),
            data: value.clone(),
            seq,
            event_seq,
            graph_output,
        });
        to_route.push((node_idx, pin, value));
    }

    /// Adds an output node's `output` value to the run's graph outputs; returns its name.
    pub(super) fn collect_graph_output(
        &mut self,
        node: usize,
        pin: &str,
        value: &Datum,
    ) -> Option<String> {
        let node = &self.spec.plan.nodes[node];
        let name = crate::graph_output::name_of(node.kind, pin, node.io_name.as_deref())?;
        let name = name.to_string();
        self.outputs
            .entry(name.clone())
            .or_default()
            .push(value.clone());
        Some(name)
    }

    fn record_done(&mut self, exec_id: &str, outcome: Outcome, stats: Value) {
        let Some(st) = self.execs.get(exec_id) else {
            return;
        };
        let node = &self.spec.plan.nodes[st.node];
        let status = match &outcome {
            Outcome::Completed => ExecutionStatus::Completed,
            Outcome::Failed(message) => {
                self.node_errors += 1;
                // A failed tool call is the calling node's to handle, not the run's.
                if !node.has_error_link && self.failure.is_none() && st.tool.is_none() {
                    self.failure = Some(format!(
                        "node {} ({}) failed: {message}",
                        node.id, node.block.info.name
                    ));
                }
                ExecutionStatus::Failed
            }
            Outcome::Capped(cap) => {
                self.node_errors += 1;
                self.exceed(cap.clone());
                ExecutionStatus::Failed
            }
            Outcome::Review(request) => {
                self.reviewing += 1;
                self.batch.reviews.push(agentry_store::NewReview {
                    node_exec_id: exec_id.to_string(),
                    user_id: self.spec.user_id.clone(),
                    graph_exec_id: self.spec.exec_id.clone(),
                    graph_id: self.spec.plan.graph_id.clone(),
                    graph_version: self.spec.plan.graph_version,
                    node_id: node.id.clone(),
                    payload: request.data.clone(),
                    instructions: Some(request.name.clone()),
                    editable: request.editable,
                });
                ExecutionStatus::Review
            }
        };
        if let (Some(credits), Outcome::Completed | Outcome::Failed(_)) =
            (&mut self.spec.credits, &outcome)
        {
            // Committed with the node's end below: one charge per execution that ran.
            let plan = self.spec.plan.clone();
            let block = &plan.nodes[self.execs[exec_id].node].block.info;
            let charge = credits.charge(
                &self.spec.user_id,
                &self.spec.exec_id,
                exec_id,
                block,
                &stats,
            );
            self.batch.charges.push(charge);
        }
        self.node_update(exec_id, status, Some(stats));
        if let Some(ExecState {
            tool: Some((reply, outputs)),
            ..
        }) = self.execs.remove(exec_id)
        {
            let done = ToolRun {
                node_exec_id: exec_id.to_string(),
                status,
                outputs,
            };
            self.tool_replies.push((reply, done));
        }
    }
}
