//! The graph-output rule, owned here alone: a value on the `output` pin of a node of an Output
//! block is a graph output, named by that node's `name` input. A running run collects them as
//! they come (`run/record.rs`); a stored run's are read back from its node outputs.

use agentry_core::{BlockType, Datum, Registry};
use agentry_store::ExecutionRecord;
use indexmap::IndexMap;
use serde::{Serialize, Serializer};
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

/// Graph outputs by name of a run that ended, read from its rows as their stored text: nothing
/// else of the run is read and no value is parsed (a waiter that came after the run ended
/// answers megabytes of outputs at the cost of their text; issue 11, finding 3).
pub(crate) async fn read(
    store: &agentry_store::Store,
    registry: &Registry,
    user_id: &str,
    exec_id: &str,
) -> agentry_store::Result<GraphOutputs> {
    let values = store
        .named_outputs(user_id, exec_id, &output_blocks(registry), OUTPUT_PIN)
        .await?;
    let mut outputs: IndexMap<String, Vec<Datum>> = IndexMap::new();
    for (name, value) in values {
        if let Some(name) = name_of(BlockType::Output, OUTPUT_PIN, name.as_deref()) {
            outputs.entry(name.to_string()).or_default().push(value);
        }
    }
    Ok(GraphOutputs(outputs))
}

/// A run's graph outputs by name, each name's values in the order yielded, held as they were
/// yielded (a value passed on as text stays text); written as an object of lists.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct GraphOutputs(IndexMap<String, Vec<Datum>>);

impl GraphOutputs {
    /// The values yielded under `name`, in order.
    pub fn get(&self, name: &str) -> Option<&[Datum]> {
        self.0.get(name).map(Vec::as_slice)
    }

    pub fn is_empty(&self) -> bool {
        self.0.is_empty()
    }

    /// The outputs as a tree (`{"name": [v, …]}`): a copy, parsed where a value is text; for
    /// readers that look inside (sub-agents, tests), not for answers, which write them as held.
    pub fn tree(&self) -> Map<String, Value> {
        self.0
            .iter()
            .map(|(name, values)| {
                let list = values.iter().map(|v| v.tree().into_owned()).collect();
                (name.clone(), Value::Array(list))
            })
            .collect()
    }

    /// As `tree`, taking the values (moved out where nothing else holds them).
    pub fn into_tree(self) -> Map<String, Value> {
        self.0
            .into_iter()
            .map(|(name, values)| {
                let list = values.into_iter().map(Datum::into_tree).collect();
                (name, Value::Array(list))
            })
            .collect()
    }
}

impl From<IndexMap<String, Vec<Datum>>> for GraphOutputs {
    fn from(outputs: IndexMap<String, Vec<Datum>>) -> GraphOutputs {
        GraphOutputs(outputs)
    }
}

/// From an object of lists (`stored`); a value that is not a list is one value.
impl From<Map<String, Value>> for GraphOutputs {
    fn from(outputs: Map<String, Value>) -> GraphOutputs {
        let outputs = outputs.into_iter().map(|(name, values)| {
            let values = match values {
                Value::Array(list) => list.into_iter().map(Datum::from).collect(),
                other => vec![Datum::from(other)],
            };
            (name, values)
        });
        GraphOutputs(outputs.collect())
    }
}

impl Serialize for GraphOutputs {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.collect_map(&self.0)
    }
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
