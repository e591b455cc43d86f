//! Guards over the whole block list: every block file registered, ids valid and unique, schemas sane.

use std::path::Path;

use serde_json::Value;

fn block_files(dir: &Path, out: &mut Vec<(String, String)>) {
    for entry in std::fs::read_dir(dir).unwrap() {
        let path = entry.unwrap().path();
        if path.is_dir() {
            block_files(&path, out);
        } else if path.extension().is_some_and(|e| e == "rs") {
            let text = std::fs::read_to_string(&path).unwrap();
            let mut lines = text.lines().map(str::trim);
            while let Some(line) = lines.next() {
                let ty = if let Some(rest) = line.strip_prefix("impl Block for ") {
                    rest.trim_end_matches(" {").trim()
                } else if line == "typed_input! {" {
                    // A typed input block: its type opens the invocation's first line.
                    let next = lines.next().unwrap_or_default();
                    next.split(':').next().unwrap_or_default().trim()
                } else {
                    continue;
                };
                // `$block` is the macro's own definition, not a block.
                if !ty.starts_with('$') {
                    out.push((path.display().to_string(), ty.to_string()));
                }
            }
        }
    }
}

#[test]
fn every_block_file_is_registered() {
    let src = Path::new(env!("CARGO_MANIFEST_DIR")).join("src");
    let mut found = Vec::new();
    block_files(&src, &mut found);
    assert!(!found.is_empty());
    let mut missing = Vec::new();
    for (file, ty) in &found {
        // The register line lives in the mod.rs of the block file's folder.
        let dir = Path::new(file).parent().unwrap();
        let list = std::fs::read_to_string(dir.join("mod.rs")).unwrap_or_default();
        let stem = Path::new(file).file_stem().unwrap().to_string_lossy();
        let needle = format!("r.register({stem}::{ty}");
        if !list.contains(&needle) {
            missing.push(format!(
                "{file}: add `{needle});` to register() in {}/mod.rs",
                dir.display()
            ));
        }
    }
    assert!(
        missing.is_empty(),
        "unregistered blocks:\n{}",
        missing.join("\n")
    );
    assert_eq!(
        found.len(),
        super::registry().len(),
        "every block type registered exactly once"
    );
}

#[test]
fn ids_are_uuids_and_schemas_are_objects() {
    let registry = super::registry();
    for block in registry.iter() {
        let info = &block.info;
        assert!(
            uuid::Uuid::parse_str(info.id).is_ok(),
            "{} has a bad id",
            info.name
        );
        assert!(
            info.name.ends_with("Block"),
            "{} must end in Block",
            info.name
        );
        assert_eq!(
            info.input_schema["type"],
            Value::from("object"),
            "{}",
            info.name
        );
        let outputs = info.output_schema["properties"].as_object().unwrap();
        assert_eq!(
            outputs.contains_key("error"),
            info.block_type.has_error_pin(),
            "{}: error pin as AutoGPT",
            info.name
        );
        // Note blocks have no outputs, and an agent block's pins are its sub-graph's outputs.
        if !matches!(
            info.block_type,
            agentry_core::BlockType::Note | agentry_core::BlockType::Agent
        ) {
            assert!(!outputs.is_empty(), "{} has no output pins", info.name);
        }
    }
}

#[test]
fn calculator_schema_has_autogpt_pins() {
    let registry = super::registry();
    let info = registry
        .info("b1ab9b19-67a6-406d-abf5-2dba76d00c79")
        .unwrap();
    let inputs = info.input_schema["properties"].as_object().unwrap();
    for pin in ["operation", "a", "b", "round_result"] {
        assert!(inputs.contains_key(pin), "missing input {pin}");
    }
    let required: Vec<&str> = info.required_inputs().collect();
    assert_eq!(required, ["operation", "a", "b"]);
    assert_eq!(info.output_schema["properties"]["result"]["type"], "number");
    assert_eq!(
        info.input_schema["properties"]["operation"]["enum"],
        serde_json::json!(["Add", "Subtract", "Multiply", "Divide", "Power"])
    );
}

/// Registering builds no schema: each is generated the first time something reads it, so a
/// starting server runs none of the blocks' schema code (issue 10, point 6).
#[test]
fn schemas_are_generated_on_first_read_only() {
    let registry = crate::registry();
    assert!(registry.len() > 10);
    for block in registry.iter() {
        assert!(
            !block.info.input_schema.is_generated(),
            "{}",
            block.info.name
        );
        assert!(
            !block.info.output_schema.is_generated(),
            "{}",
            block.info.name
        );
    }
    let info = registry
        .iter()
        .find(|b| b.info.name == "CalculatorBlock")
        .map(|b| b.info.clone())
        .unwrap();
    assert_eq!(info.input_schema["type"], "object");
    assert!(info.input_schema.is_generated());
    assert!(!info.output_schema.is_generated());
    assert!(info.has_output_pin("result"));
    assert!(info.output_schema.is_generated());
    // The registry's own copy was read, not a fresh one: a second read changes nothing.
    let again = registry.info(info.id).unwrap();
    assert!(again.input_schema.is_generated());
}
