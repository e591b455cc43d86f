//! An imported graph (AutoGPT's JSON, bare or as `{"graph": …}`), taken through what saving it
//! does without the store: parse, check block ids, force static links, validate for saving and
//! for running, compute its input and output schemas, export it. None of it may panic.
#![no_main]

use std::sync::OnceLock;

use agentry_core::validate::{self, Mode};
use agentry_core::{Graph, Registry, export, io_schema};
use libfuzzer_sys::fuzz_target;
use serde_json::Value;

fn registry() -> &'static Registry {
    static REGISTRY: OnceLock<Registry> = OnceLock::new();
    REGISTRY.get_or_init(agentry_blocks::registry)
}

fuzz_target!(|data: &[u8]| {
    let Ok(body) = serde_json::from_slice::<Value>(data) else {
        return;
    };
    let body = match body {
        Value::Object(mut map) if map.get("graph").is_some_and(Value::is_object) => {
            map.remove("graph").unwrap_or_default()
        }
        other => other,
    };
    let Ok(mut graph) = serde_json::from_value::<Graph>(body) else {
        return;
    };
    let registry = registry();
    graph.fill_node_links();
    if !validate::unknown_blocks(&graph, registry).is_empty() {
        return;
    }
    validate::force_static_links(&mut graph, registry);
    let _ = validate::validate(&graph, registry, Mode::Save);
    let _ = validate::validate(&graph, registry, Mode::Run);
    let _ = io_schema::input_schema(&graph, registry);
    let _ = io_schema::output_schema(&graph, registry);
    let _ = io_schema::required_inputs(&graph, registry);
    let exported = export::export(&graph, registry);
    // What was exported imports again.
    let _ = serde_json::from_value::<Graph>(exported);
});
