//! Turns a node's defaults and received pin values into the input object its block runs on.

use serde_json::{Map, Value};

use crate::coerce::coerce_inputs;
use crate::pin::merge_nested_inputs;
use crate::registry::BlockInfo;

/// Overlays received values on the node's `input_default`, rebuilds nested pins and coerces
/// types to the block's input schema. Fails only on malformed nested pin names.
pub fn prepare_input(
    info: &BlockInfo,
    defaults: &Map<String, Value>,
    received: impl IntoIterator<Item = (String, Value)>,
) -> Result<Value, String> {
    let mut input = defaults.clone();
    for (pin, value) in received {
        input.insert(pin, value);
    }
    merge_nested_inputs(&mut input)?;
    coerce_inputs(&mut input, &info.input_schema);
    Ok(Value::Object(input))
}
