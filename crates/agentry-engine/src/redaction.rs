//! Redaction for chosen graphs (`Config::redact_graphs`): what a run of such a graph makes
//! durable keeps its shape — every node execution, status and output row is still written, so
//! counts and histories (and the events replays derive from them) stay right — but each node
//! input and output value is
//! replaced by the string "redacted". The run routes the real values in memory; only the
//! stored copy is redacted, at the one place a run hands its batch to the writer.
//!
//! A redacted run taken over by another worker resumes with the stored (redacted) outputs of
//! the nodes that had completed.

use agentry_core::Datum;

use agentry_store::Batch;
use serde_json::Value;

/// What a redacted value reads as, in the store and through the API.
pub const REDACTED: &str = "redacted";

/// Replaces node inputs and output values (so the events a replay derives carry none).
pub(crate) fn redact_node_data(batch: &mut Batch) {
    for node in &mut batch.nodes {
        node.input_data = Value::String(REDACTED.into()).to_string().into();
    }
    for output in &mut batch.outputs {
        output.data = Datum::from(Value::String(REDACTED.into()));
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use agentry_store::OutputRow;
    use serde_json::json;

    #[test]
    fn values_are_redacted_and_rows_kept() {
        let mut batch = Batch::default();
        batch.outputs.push(OutputRow {
            node_exec_id: "n".into(),
            graph_exec_id: "r".into(),
            user_id: "u".into(),
            name: "result".into(),
            data: json!({"secret": 42}).into(),
            seq: 0,
            event_seq: 1,
            graph_output: None,
        });
        redact_node_data(&mut batch);
        assert_eq!(batch.outputs.len(), 1);
        assert_eq!(batch.outputs[0].data, json!("redacted"));
        assert_eq!(batch.outputs[0].name, "result");
    }
}
