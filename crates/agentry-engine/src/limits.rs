//! The bounds every run lives within: node executions, stored output bytes, outputs per node
//! execution and per pin, the size of one value and of a run's inputs, sub-agent depth and wall
//! time. The platform sets them (`Config::limits`); a graph may lower any of them in its
//! `metadata.agentry.limits`, never raise them. A run that passes one ends FAILED with an error
//! naming the cap, so a hostile or broken graph costs its owner one failed run and nobody else
//! anything.

use std::io::Write;
use std::time::Duration;

use serde::{Deserialize, Serialize};
use serde_json::{Map, Value};

/// The platform's caps. `0` (or `None` for wall time) means no cap; the defaults are finite.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct RunLimits {
    /// Node executions one run may start (loops are legal; this bounds them).
    pub max_node_executions: u64,
    /// Bytes of output values (as JSON) one run may store.
    pub max_output_bytes: u64,
    /// Values one node execution may yield.
    pub max_outputs_per_node: u64,
    /// Values one node execution may yield on one pin.
    pub max_outputs_per_pin: u64,
    /// Bytes (as JSON) of one yielded value.
    pub max_value_bytes: u64,
    /// Bytes (as JSON) of a run's graph inputs and node inputs together.
    pub max_input_bytes: u64,
    /// How deep sub-agents may nest: a top-level run is depth 0, its children depth 1.
    pub max_depth: u32,
    /// Runs one top-level run's tree of sub-agents may start, itself excluded.
    pub max_child_runs: u64,
}

impl Default for RunLimits {
    fn default() -> Self {
        RunLimits {
            max_node_executions: 10_000,
            max_output_bytes: 256 * MIB,
            max_outputs_per_node: 10_000,
            max_outputs_per_pin: 10_000,
            max_value_bytes: 16 * MIB,
            max_input_bytes: 16 * MIB,
            max_depth: 8,
            max_child_runs: 1_000,
        }
    }
}

const MIB: u64 = 1024 * 1024;

/// The limits one run lives by: the platform's, lowered by its graph's, with its wall time.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Bounds {
    pub caps: RunLimits,
    pub wall_time: Option<Duration>,
}

/// `0` is "no cap": the smaller of two caps where either may be absent.
fn lower(platform: u64, graph: Option<u64>) -> u64 {
    match (platform, graph) {
        (p, Some(g)) if g > 0 && (p == 0 || g < p) => g,
        (p, _) => p,
    }
}

impl Bounds {
    /// The platform's limits lowered by a graph's `metadata.agentry.limits`.
    pub fn for_graph(
        platform: RunLimits,
        wall_time: Option<Duration>,
        graph: &GraphLimits,
    ) -> Bounds {
        let caps = RunLimits {
            max_node_executions: lower(platform.max_node_executions, graph.max_node_executions),
            max_output_bytes: lower(platform.max_output_bytes, graph.max_output_bytes),
            max_outputs_per_node: lower(platform.max_outputs_per_node, graph.max_outputs_per_node),
            max_outputs_per_pin: lower(platform.max_outputs_per_pin, graph.max_outputs_per_pin),
            max_value_bytes: lower(platform.max_value_bytes, graph.max_value_bytes),
            max_input_bytes: lower(platform.max_input_bytes, graph.max_input_bytes),
            max_depth: lower(
                u64::from(platform.max_depth),
                graph.max_depth.map(u64::from),
            ) as u32,
            max_child_runs: lower(platform.max_child_runs, graph.max_child_runs),
        };
        let wall_time = match (wall_time, graph.wall_time) {
            (Some(p), Some(g)) => Some(p.min(g)),
            (p, g) => p.or(g),
        };
        Bounds { caps, wall_time }
    }
}

/// A graph's own, lower limits, read from its `metadata.agentry.limits` (AutoGPT files have
/// none). Unknown keys and values that are not positive numbers are ignored.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct GraphLimits {
    pub max_node_executions: Option<u64>,
    pub max_output_bytes: Option<u64>,
    pub max_outputs_per_node: Option<u64>,
    pub max_outputs_per_pin: Option<u64>,
    pub max_value_bytes: Option<u64>,
    pub max_input_bytes: Option<u64>,
    pub max_depth: Option<u32>,
    pub max_child_runs: Option<u64>,
    pub wall_time: Option<Duration>,
}

impl GraphLimits {
    pub fn from_graph(extra: &Map<String, Value>) -> GraphLimits {
        let Some(limits) = extra
            .get("metadata")
            .and_then(|m| m.get("agentry"))
            .and_then(|a| a.get("limits"))
        else {
            return GraphLimits::default();
        };
        let count = |key: &str| limits.get(key).and_then(Value::as_u64).filter(|n| *n > 0);
        GraphLimits {
            max_node_executions: count("max_node_executions"),
            max_output_bytes: count("max_output_bytes"),
            max_outputs_per_node: count("max_outputs_per_node"),
            max_outputs_per_pin: count("max_outputs_per_pin"),
            max_value_bytes: count("max_value_bytes"),
            max_input_bytes: count("max_input_bytes"),
            max_depth: count("max_depth").map(|d| d.min(u64::from(u32::MAX)) as u32),
            max_child_runs: count("max_child_runs"),
            wall_time: limits
                .get("wall_time_secs")
                .and_then(Value::as_f64)
                .filter(|t| t.is_finite() && *t > 0.0)
                .map(Duration::from_secs_f64),
        }
    }
}

/// Counts bytes written, keeping none: a value's JSON size without building the string.
struct ByteCount(u64);

impl Write for ByteCount {
    fn write(&mut self, buf: &[u8]) -> std::io::Result<usize> {
        self.0 += buf.len() as u64;
        Ok(buf.len())
    }
    fn flush(&mut self) -> std::io::Result<()> {
        Ok(())
    }
}

/// The size of `value` as compact JSON, which is how it is stored.
pub fn json_bytes(value: &Value) -> u64 {
    let mut count = ByteCount(0);
    // Writing to a counter cannot fail, and a `Value` always serializes.
    let _ = serde_json::to_writer(&mut count, value);
    count.0
}

/// A run that passed a cap: the error it ends with names the cap and its setting.
pub fn exceeded(setting: &str, what: &str, limit: u64) -> String {
    format!("the run exceeded {setting}: {what} (the limit is {limit})")
}

#[cfg(test)]
mod tests {
    use serde_json::json;

    use super::*;

    #[test]
    fn a_graph_lowers_limits_but_never_raises_them() {
        let extra = json!({"metadata": {"agentry": {"limits": {
            "max_node_executions": 50, "max_output_bytes": 1_000_000_000_000u64,
            "max_depth": 0, "wall_time_secs": 2.5, "unknown": 1
        }}}});
        let graph = GraphLimits::from_graph(extra.as_object().unwrap());
        let bounds = Bounds::for_graph(RunLimits::default(), Some(Duration::from_secs(60)), &graph);
        assert_eq!(bounds.caps.max_node_executions, 50);
        assert_eq!(
            bounds.caps.max_output_bytes,
            RunLimits::default().max_output_bytes
        );
        assert_eq!(bounds.caps.max_depth, RunLimits::default().max_depth);
        assert_eq!(bounds.wall_time, Some(Duration::from_millis(2500)));
        let unbounded = RunLimits {
            max_node_executions: 0,
            ..RunLimits::default()
        };
        let bounds = Bounds::for_graph(unbounded, None, &graph);
        assert_eq!(bounds.caps.max_node_executions, 50);
        assert_eq!(bounds.wall_time, Some(Duration::from_millis(2500)));
    }

    #[test]
    fn json_bytes_is_the_stored_size() {
        let value = json!({"a": [1, 2.5, "é"], "b": null});
        assert_eq!(
            json_bytes(&value),
            serde_json::to_string(&value).unwrap().len() as u64
        );
    }
}
