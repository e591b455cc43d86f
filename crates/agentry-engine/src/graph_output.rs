//! The graph-output rule, owned here alone: a value on the `output` pin of a node of an Output
//! block is a graph output, named by that node's `name` input. A running run collects them as
//! they come (`run/record.rs`); a stored run's are read back from its node outputs.

use agentry_core::{BlockType, Registry};
use agentry_store::ExecutionRecord;
use serde_json::{Map, Value};

/// The pin of an Output block whose values are graph outputs.
const OUTPUT_PIN: &str = "output";

/// The graph output a value on `pin` of a node of kind `kind`, whose `name` input is `name`,
/// is, if any.
pub(crate) fn name_of<'a>(kind: BlockType, pin: &str, name: Option<&'a str>) -> Option<&'a str> {
    if kind != BlockType::Output || pin != OUTPUT_PIN {
        return None;
    }
    name
}

/// The ids of the blocks whose nodes give graph outputs (retention keeps their data).
pub(crate) fn output_blocks(registry: &Registry) -> Vec<String> {
    registry
        .iter()
        .filter(|b| b.info.block_type == BlockType::Output)
        .map(|b| b.info.id.to_string())
        .collect()
}

/// Graph outputs by name from a stored run: every graph output of every node, in order.
pub fn stored(registry: &Registry, record: &ExecutionRecord) -> Map<String, Value> {
    let mut outputs = Map::new();
    for node in &record.nodes {
        let Some(kind) = registry.info(&node.row.block_id).map(|b| b.block_type) else {
            continue;
        };
        let name = node.row.input_data.get("name").and_then(Value::as_str);
        for (pin, value) in &node.outputs {
            if let Some(name) = name_of(kind, pin, name)
                && let Value::Array(list) = outputs
                    .entry(name.to_string())
                    .or_insert_with(|| Value::Array(Vec::new()))
            {
                list.push(value.clone());
            }
        }
    }
    outputs
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_the_output_pin_of_an_output_node_with_a_name_is_a_graph_output() {
        assert_eq!(
            name_of(BlockType::Output, "output", Some("answer")),
            Some("answer")
        );
        assert_eq!(name_of(BlockType::Output, "name", Some("answer")), None);
        assert_eq!(name_of(BlockType::Standard, "output", Some("answer")), None);
        assert_eq!(name_of(BlockType::Output, "output", None), None);
    }
}
